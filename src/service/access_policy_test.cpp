#include "service/access_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cardmint::service {
namespace {

const std::string kKeyA = "0123456789abcdef-shop-a";
const std::string kKeyB = "fedcba9876543210-shop-b";

TEST(AccessPolicyTest, WritesNeedAKeyReadsUnlessOpenReadProbesNever) {
  EXPECT_EQ(access_for("POST", "/recognize"), Access::kWrite);
  EXPECT_EQ(access_for("POST", "/collection/items"), Access::kWrite);
  EXPECT_EQ(access_for("PATCH", "/collection/items/7"), Access::kWrite);
  EXPECT_EQ(access_for("DELETE", "/collection/items/7"), Access::kWrite);
  EXPECT_EQ(access_for("POST", "/collection/import"), Access::kWrite);
  EXPECT_EQ(access_for("POST", "/collection/undo"), Access::kWrite);
  EXPECT_EQ(access_for("PUT", "/sessions/binder-1"), Access::kWrite);
  EXPECT_EQ(access_for("POST", "/sessions/binder-1"), Access::kWrite);
  EXPECT_EQ(access_for("POST", "/admin/anything-added-later"), Access::kWrite);
  EXPECT_EQ(access_for("PROPFIND", "/"), Access::kWrite);  // an unknown method changes state

  for (const char* path :
       {"/stats", "/stats/history", "/metrics", "/catalog/search", "/catalog/cards/base1-4",
        "/collection", "/collection/export", "/sessions/binder-1", "/prices/base1-4", "/",
        "/dashboard", "/static/api.js", "/no/such/route"}) {
    EXPECT_EQ(access_for("GET", path), Access::kRead) << path;
  }
  EXPECT_EQ(access_for("HEAD", "/stats"), Access::kRead);

  EXPECT_EQ(access_for("GET", "/health"), Access::kOpen);
  EXPECT_EQ(access_for("GET", "/ready"), Access::kOpen);
  EXPECT_EQ(access_for("HEAD", "/ready"), Access::kOpen);
  EXPECT_EQ(access_for("OPTIONS", "/recognize"), Access::kOpen);
  EXPECT_EQ(access_for("POST", "/health"), Access::kWrite);
}

TEST(AccessPolicyTest, WithoutKeysNothingNeedsOne) {
  const AccessPolicy open;
  EXPECT_FALSE(open.enabled());
  EXPECT_FALSE(open.needs_key(Access::kWrite));
  EXPECT_FALSE(open.needs_key(Access::kRead));
  EXPECT_FALSE(open.key_index(kKeyA).has_value());
}

TEST(AccessPolicyTest, OpenReadFreesReadsOnly) {
  const AccessPolicy closed({kKeyA}, /*open_read=*/false);
  EXPECT_TRUE(closed.needs_key(Access::kWrite));
  EXPECT_TRUE(closed.needs_key(Access::kRead));
  EXPECT_FALSE(closed.needs_key(Access::kOpen));
  const AccessPolicy open_read({kKeyA}, /*open_read=*/true);
  EXPECT_TRUE(open_read.needs_key(Access::kWrite));
  EXPECT_FALSE(open_read.needs_key(Access::kRead));
  EXPECT_FALSE(open_read.needs_key(Access::kOpen));
}

TEST(AccessPolicyTest, OnlyAConfiguredKeyExactlyMatches) {
  const AccessPolicy policy({kKeyA, kKeyB}, false);
  EXPECT_EQ(policy.key_index(kKeyA), 0u);
  EXPECT_EQ(policy.key_index(kKeyB), 1u);

  std::string same_length = kKeyA;
  same_length.back() = 'x';
  EXPECT_FALSE(policy.key_index(same_length).has_value());
  std::string first_byte = kKeyA;
  first_byte.front() = 'x';
  EXPECT_FALSE(policy.key_index(first_byte).has_value());
  EXPECT_FALSE(policy.key_index(kKeyA.substr(0, kKeyA.size() - 1)).has_value());  // a prefix
  EXPECT_FALSE(policy.key_index(kKeyA + "z").has_value());   // the key and more
  EXPECT_FALSE(policy.key_index(kKeyA + '\0').has_value());  // padding is not a key byte
  EXPECT_FALSE(policy.key_index("").has_value());
  EXPECT_FALSE(policy.key_index(std::string(kMaxApiKeyLength + 1, 'a')).has_value());

  const std::string longest(kMaxApiKeyLength, 'q');
  const AccessPolicy full({longest}, false);
  EXPECT_EQ(full.key_index(longest), 0u);
  EXPECT_FALSE(full.key_index(longest.substr(1)).has_value());
}

TEST(AccessPolicyTest, KeysAreCheckedForLengthAndCharacters) {
  EXPECT_TRUE(check_api_keys({kKeyA, kKeyB}).ok());
  EXPECT_TRUE(check_api_keys({std::string(kMinApiKeyLength, 'k')}).ok());
  const Status short_key = check_api_keys({kKeyA, std::string(kMinApiKeyLength - 1, 'k')});
  EXPECT_EQ(short_key.code(), StatusCode::kInvalidInput);
  EXPECT_NE(short_key.message().find("key 2"), std::string::npos) << short_key.message();
  EXPECT_NE(short_key.message().find("16"), std::string::npos) << short_key.message();
  EXPECT_FALSE(check_api_keys({}).ok());
  EXPECT_FALSE(check_api_keys({std::string(kMaxApiKeyLength + 1, 'k')}).ok());
  EXPECT_FALSE(check_api_keys({"0123456789 abcdef"}).ok());
  EXPECT_FALSE(check_api_keys({"0123456789\tabcdef"}).ok());
}

TEST(AccessPolicyTest, TheKeyComesFromBearerOrXApiKey) {
  EXPECT_EQ(presented_key("Bearer " + kKeyA, ""), kKeyA);
  EXPECT_EQ(presented_key("bearer  " + kKeyA + " ", ""), kKeyA);
  EXPECT_EQ(presented_key("", kKeyB), kKeyB);
  EXPECT_EQ(presented_key("Bearer " + kKeyA, kKeyB), kKeyA);  // Authorization wins
  EXPECT_EQ(presented_key("Basic dXNlcjpwdw==", kKeyB), kKeyB);
  EXPECT_EQ(presented_key("Basic dXNlcjpwdw==", ""), "");
  EXPECT_EQ(presented_key("Bearer", ""), "");
  EXPECT_EQ(presented_key("", ""), "");
}

TEST(AccessPolicyTest, TheClientAddressIsTheLastForwardedOneOnlyWhenTrusted) {
  EXPECT_EQ(client_address("10.0.0.2", "1.2.3.4", false), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "1.2.3.4", true), "1.2.3.4");
  // A client's own X-Forwarded-For comes first; nginx appends the address it saw.
  EXPECT_EQ(client_address("10.0.0.2", "6.6.6.6, 192.168.1.20", true), "192.168.1.20");
  EXPECT_EQ(client_address("10.0.0.2", "", true), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", " , ", true), "10.0.0.2");
}

}  // namespace
}  // namespace cardmint::service
