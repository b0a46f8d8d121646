#include "service/cors_policy.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cardmint::service {
namespace {

using Action = CorsAnswer::Action;

std::map<std::string, std::string> headers_of(const CorsAnswer& answer) {
  return {answer.headers.begin(), answer.headers.end()};
}

const CorsPolicy kShop({"https://shop.example", "http://10.0.0.5:8080"});

TEST(CorsPolicyTest, OffSendsNothingAndAnswersNoPreflight) {
  const CorsPolicy off;
  EXPECT_FALSE(off.enabled());
  const CorsAnswer preflight = off.answer({"OPTIONS", "https://shop.example", "POST"});
  EXPECT_EQ(preflight.action, Action::kPass);
  EXPECT_TRUE(preflight.headers.empty());
  EXPECT_TRUE(off.answer({"GET", "https://shop.example", ""}).headers.empty());
}

TEST(CorsPolicyTest, APreflightFromAListedOriginIsAnswered) {
  const CorsAnswer answer = kShop.answer({"OPTIONS", "https://shop.example", "POST"});
  EXPECT_EQ(answer.action, Action::kAnswerPreflight);
  const auto headers = headers_of(answer);
  EXPECT_EQ(headers.at("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(headers.at("Vary"), "Origin");
  EXPECT_NE(headers.at("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(headers.at("Access-Control-Allow-Methods").find("DELETE"), std::string::npos);
  EXPECT_EQ(headers.at("Access-Control-Allow-Headers"),
            "Authorization, X-API-Key, Content-Type, X-Session-Id, X-Scan-Mode, X-Request-Id");
  EXPECT_EQ(headers.at("Access-Control-Max-Age"), "600");
}

TEST(CorsPolicyTest, AnUnlistedOriginGetsNoHeadersAndItsPreflightIsRefused) {
  const CorsAnswer preflight = kShop.answer({"OPTIONS", "https://evil.example", "POST"});
  EXPECT_EQ(preflight.action, Action::kRefusePreflight);
  EXPECT_TRUE(preflight.headers.empty());
  const CorsAnswer request = kShop.answer({"POST", "https://evil.example", ""});
  EXPECT_EQ(request.action, Action::kPass);
  EXPECT_TRUE(request.headers.empty());
  // Exact matches only: no prefix, suffix, other scheme or other port.
  for (const char* origin : {"https://shop.example.evil.net", "http://shop.example",
                             "https://shop.example:8443", "https://SHOP.example.", "null"}) {
    EXPECT_FALSE(kShop.allows(origin)) << origin;
  }
}

TEST(CorsPolicyTest, AListedOriginsRequestsMayBeReadByItsPage) {
  const CorsAnswer answer = kShop.answer({"POST", "http://10.0.0.5:8080", ""});
  EXPECT_EQ(answer.action, Action::kPass);
  const auto headers = headers_of(answer);
  EXPECT_EQ(headers.at("Access-Control-Allow-Origin"), "http://10.0.0.5:8080");
  EXPECT_EQ(headers.at("Vary"), "Origin");
  EXPECT_NE(headers.at("Access-Control-Expose-Headers").find("Retry-After"), std::string::npos);
  EXPECT_FALSE(headers.contains("Access-Control-Allow-Methods"));
}

TEST(CorsPolicyTest, SameOriginRequestsAndPlainOptionsPass) {
  EXPECT_EQ(kShop.answer({"GET", "", ""}).action, Action::kPass);
  EXPECT_TRUE(kShop.answer({"GET", "", ""}).headers.empty());
  // OPTIONS without Access-Control-Request-Method is no preflight: the routes answer it (404).
  const CorsAnswer plain = kShop.answer({"OPTIONS", "https://evil.example", ""});
  EXPECT_EQ(plain.action, Action::kPass);
}

TEST(CorsPolicyTest, StarAllowsEveryOriginAndEchoesIt) {
  const CorsPolicy any({"*"});
  EXPECT_TRUE(any.allows("https://anywhere.example"));
  EXPECT_FALSE(any.allows(""));
  const CorsAnswer answer = any.answer({"OPTIONS", "https://anywhere.example", "PUT"});
  EXPECT_EQ(answer.action, Action::kAnswerPreflight);
  EXPECT_EQ(headers_of(answer).at("Access-Control-Allow-Origin"), "https://anywhere.example");
}

TEST(CorsPolicyTest, OriginsAreCheckedAtStart) {
  EXPECT_TRUE(check_cors_origins({"https://shop.example", "http://10.0.0.5:8080", "*"}).ok());
  EXPECT_FALSE(check_cors_origins({}).ok());
  for (const char* bad : {"shop.example", "https://shop.example/", "https://shop.example/scan",
                          "ftp://shop.example", "https://", "https://a b"}) {
    const Status s = check_cors_origins({bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << bad;
    EXPECT_NE(s.message().find(bad), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace cardmint::service
