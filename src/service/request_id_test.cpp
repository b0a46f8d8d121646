#include "service/request_id.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cardmint::service {
namespace {

TEST(RequestIdTest, FreshIdsAreShortHexAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = new_request_id();
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestIdTest, SaneIncomingIdsAreKept) {
  EXPECT_EQ(request_id_for("client-42_A"), "client-42_A");
  EXPECT_EQ(request_id_for(std::string(64, 'a')), std::string(64, 'a'));
}

TEST(RequestIdTest, InsaneIncomingIdsAreReplaced) {
  for (std::string bad :
       {std::string(), std::string(65, 'a'), std::string("has space"), std::string("new\nline"),
        std::string("semi;colon"), std::string("\xc3\xa9t\xc3\xa9")}) {
    EXPECT_FALSE(is_sane_request_id(bad)) << bad;
    std::string id = request_id_for(bad);
    EXPECT_NE(id, bad);
    EXPECT_TRUE(is_sane_request_id(id));
  }
}

}  // namespace
}  // namespace cardmint::service
