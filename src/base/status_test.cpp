#include "base/status.h"

#include <gtest/gtest.h>

namespace cardmint {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(StatusTest, NamedConstructorsCarryCodeAndMessage) {
  Status s = Status::too_large("12 MB over 10 MB");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kTooLarge);
  EXPECT_EQ(s.to_string(), "too_large: 12 MB over 10 MB");
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Status::not_found("nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cardmint
