// The configurable limits, each crossed through the real cardmintd: MAX_PIXELS, DECODE_TIMEOUT_MS,
// MAX_JSON_DEPTH and MAX_NEW_TOKENS answer a clear 4xx with a JSON error body, and the service
// goes on serving. The other limits have their crossing tests beside the feature they guard:
// MAX_UPLOAD_BYTES in recognize_api_test, REQUEST_TIMEOUT_MS and QUEUE_CAPACITY in
// lifecycle_test, MAX_STREAMS and STREAM_TIMEOUT_MS in price_session_service_test.

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

using nlohmann::json;

// The error's message, for checking it names the limit an operator would raise.
std::string error_message(const httplib::Result& res) {
  if (!res) return "";
  const json body = json::parse(res->body, nullptr, false);
  if (!body.is_object() || !body.contains("error")) return res->body;
  return body["error"].value("message", "");
}

bool mentions(const httplib::Result& res, const std::string& text) {
  return error_message(res).find(text) != std::string::npos;
}

std::unique_ptr<CardmintdProcess> start_ocr_service(const std::map<std::string, std::string>& env) {
  auto server = std::make_unique<CardmintdProcess>(std::vector<std::string>{}, env,
                                                   /*with_model=*/false);
  EXPECT_TRUE(server->wait_ready(std::chrono::seconds(60))) << server->log();
  return server;
}

TEST(LimitsServiceTest, AnImageOverMaxPixelsIs422FromItsHeader) {
  // 1600x1200 = 1,920,000 pixels against a 1,000,000 limit; card_jpeg() is 300x420.
  auto server = start_ocr_service({{"MAX_PIXELS", "1000000"}});
  const httplib::Result res = post_raw(server->port(), devset_photo("0000.jpg"), "image/jpeg");
  EXPECT_TRUE(is_json_error(res, 422, "unprocessable"));
  EXPECT_TRUE(mentions(res, "1000000 pixel limit")) << error_message(res);
  EXPECT_TRUE(still_serving(server->port())) << server->log();
}

// A 12-megapixel progressive JPEG: libjpeg reads all its scans before the first row, far more
// CPU than the 150 ms allowed, while a 1600x1200 photo takes a fraction of it.
std::string large_progressive_jpeg() {
  cv::Mat bgr(3000, 4000, CV_8UC3);
  cv::RNG rng(11);
  rng.fill(bgr, cv::RNG::NORMAL, 128, 40);
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", bgr, out, {cv::IMWRITE_JPEG_PROGRESSIVE, 1, cv::IMWRITE_JPEG_QUALITY, 80});
  return std::string(out.begin(), out.end());
}

TEST(LimitsServiceTest, AnImageOverDecodeTimeoutIs422AndOrdinaryPhotosStillDecode) {
  auto server = start_ocr_service({{"DECODE_TIMEOUT_MS", "150"}});
  const httplib::Result slow = post_raw(server->port(), large_progressive_jpeg(), "image/jpeg");
  EXPECT_TRUE(is_json_error(slow, 422, "unprocessable"));
  EXPECT_TRUE(mentions(slow, "DECODE_TIMEOUT_MS")) << error_message(slow);
  const httplib::Result photo = post_raw(server->port(), devset_photo("0000.jpg"), "image/jpeg");
  ASSERT_TRUE(photo);
  ASSERT_EQ(photo->status, 200) << photo->body;
  EXPECT_TRUE(json::parse(photo->body)["card"].is_object()) << photo->body;
  EXPECT_TRUE(still_serving(server->port())) << server->log();
}

httplib::Result send_json(int port, const std::string& method, const std::string& path,
                          const std::string& body) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(30));
  if (method == "PUT") return client.Put(path, body, "application/json");
  return client.Post(path, body, "application/json");
}

TEST(LimitsServiceTest, AJsonBodyNestedDeeperThanMaxJsonDepthIs400) {
  auto server = start_ocr_service({{"MAX_JSON_DEPTH", "4"}});
  const int port = server->port();
  const std::string five_deep = R"({"card_id": "base1-58", "notes": [[[["deep"]]]]})";
  const httplib::Result add = send_json(port, "POST", "/collection/items", five_deep);
  EXPECT_TRUE(is_json_error(add, 400, "invalid_input"));
  EXPECT_TRUE(mentions(add, "MAX_JSON_DEPTH limit of 4")) << error_message(add);
  const httplib::Result session = send_json(
      port, "PUT", "/sessions/shelf-a", R"({"default_condition": "near mint", "x": [[[[1]]]]})");
  EXPECT_TRUE(is_json_error(session, 400, "invalid_input"));
  EXPECT_TRUE(mentions(session, "MAX_JSON_DEPTH")) << error_message(session);
  // A megabyte of brackets, which a recursive serializer would not survive, is refused alike.
  const httplib::Result huge = send_json(port, "POST", "/collection/items",
                                         std::string(1 << 20, '[') + std::string(1 << 20, ']'));
  EXPECT_TRUE(is_json_error(huge, 400, "invalid_input"));
  // Within the limit the same routes work.
  const httplib::Result ok_session =
      send_json(port, "PUT", "/sessions/shelf-a", R"({"default_condition": "near mint"})");
  ASSERT_TRUE(ok_session);
  EXPECT_EQ(ok_session->status, 200) << ok_session->body;
  EXPECT_TRUE(still_serving(port)) << server->log();
}

// 0052.jpg has no card outline: OCR reads nothing and the model is asked. Three tokens cannot
// hold the card JSON the grammar demands, so the answer is cut: a 422 naming the limit, where
// the default limit gives an "unknown" (stream_service_test).
TEST(LimitsServiceTest, AModelAnswerCutAtMaxNewTokensIs422) {
  CardmintdProcess server({}, {{"MAX_NEW_TOKENS", "3"}});
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(120))) << server.log();
  const httplib::Result res = post_raw(server.port(), devset_photo("0052.jpg"), "image/jpeg");
  EXPECT_TRUE(is_json_error(res, 422, "unprocessable")) << (res ? res->body : "");
  EXPECT_TRUE(mentions(res, "MAX_NEW_TOKENS (3 tokens)")) << error_message(res);
  // Still healthy, and a card OCR can read still comes without the model.
  const httplib::Result health = get(server.port(), "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  const httplib::Result card = post_raw(server.port(), devset_photo("0000.jpg"), "image/jpeg");
  ASSERT_TRUE(card);
  EXPECT_EQ(card->status, 200) << card->body;
}

}  // namespace
}  // namespace cardmint::testing
