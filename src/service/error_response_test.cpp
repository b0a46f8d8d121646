#include "service/error_response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cardmint::service {
namespace {

TEST(ErrorResponseTest, EveryCodeHasItsHttpStatus) {
  EXPECT_EQ(http_status_for(StatusCode::kInvalidInput).code, 400);
  EXPECT_EQ(http_status_for(StatusCode::kUnauthenticated).code, 401);
  EXPECT_EQ(http_status_for(StatusCode::kPermissionDenied).code, 403);
  EXPECT_EQ(http_status_for(StatusCode::kNotFound).code, 404);
  EXPECT_EQ(http_status_for(StatusCode::kTooLarge).code, 413);
  EXPECT_EQ(http_status_for(StatusCode::kUnsupportedMedia).code, 415);
  EXPECT_EQ(http_status_for(StatusCode::kUnprocessable).code, 422);
  EXPECT_EQ(http_status_for(StatusCode::kRateLimited).code, 429);
  EXPECT_EQ(http_status_for(StatusCode::kBusy).code, 503);
  EXPECT_EQ(http_status_for(StatusCode::kUnavailable).code, 503);
  EXPECT_EQ(http_status_for(StatusCode::kDeadlineExceeded).code, 504);
  EXPECT_EQ(http_status_for(StatusCode::kInternal).code, 500);
}

TEST(ErrorResponseTest, OnlyBusyAsksForARetry) {
  EXPECT_EQ(http_status_for(StatusCode::kBusy).retry_after_s, 1);
  for (StatusCode code :
       {StatusCode::kInvalidInput, StatusCode::kNotFound, StatusCode::kTooLarge,
        StatusCode::kUnsupportedMedia, StatusCode::kUnprocessable, StatusCode::kUnavailable,
        StatusCode::kDeadlineExceeded, StatusCode::kInternal}) {
    EXPECT_FALSE(http_status_for(code).retry_after_s.has_value()) << status_code_name(code);
  }
}

TEST(ErrorResponseTest, LibraryStatusesMapBackToCodes) {
  EXPECT_EQ(status_code_for_http(413), StatusCode::kTooLarge);
  EXPECT_EQ(status_code_for_http(404), StatusCode::kNotFound);
  EXPECT_EQ(status_code_for_http(401), StatusCode::kUnauthenticated);
  EXPECT_EQ(status_code_for_http(429), StatusCode::kRateLimited);
  EXPECT_EQ(status_code_for_http(400), StatusCode::kInvalidInput);
  EXPECT_EQ(status_code_for_http(405), StatusCode::kInvalidInput);
  EXPECT_EQ(status_code_for_http(414), StatusCode::kInvalidInput);
  EXPECT_EQ(status_code_for_http(503), StatusCode::kUnavailable);
  EXPECT_EQ(status_code_for_http(504), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(status_code_for_http(500), StatusCode::kInternal);
}

TEST(ErrorResponseTest, BodyNamesTheCodeTheMessageAndTheRequest) {
  const nlohmann::json body =
      nlohmann::json::parse(error_body(Status::too_large("over 100 bytes"), "abc123"));
  EXPECT_EQ(body["error"]["code"], "too_large");
  EXPECT_EQ(body["error"]["message"], "over 100 bytes");
  EXPECT_EQ(body["request_id"], "abc123");
}

TEST(ErrorResponseTest, InvalidUtf8InAMessageDoesNotThrow) {
  std::string body;
  EXPECT_NO_THROW(body = error_body(Status::invalid_input("bad \xff byte"), "id"));
  EXPECT_EQ(nlohmann::json::parse(body)["error"]["code"], "invalid_input");
}

}  // namespace
}  // namespace cardmint::service
