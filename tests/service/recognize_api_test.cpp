// /recognize, /health and the error contract against one real cardmintd on the tiny model.

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

constexpr const char* kLabel = "vlm-test-label";

class RecognizeApiTest : public ::testing::Test {
 protected:
  // One server for the suite: the tests only read from it, and each leaves it serving.
  static void SetUpTestSuite() {
    server_ = std::make_unique<CardmintdProcess>(std::vector<std::string>{
        "--max-upload-bytes", "100000", "--model-label", kLabel, "--http-threads", "16"});
    ASSERT_TRUE(server_->wait_ready(std::chrono::seconds(60))) << server_->log();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "cardmintd log:\n" << server_->log();
  }

  static int port() { return server_->port(); }
  static std::unique_ptr<CardmintdProcess> server_;
};
std::unique_ptr<CardmintdProcess> RecognizeApiTest::server_;

// Every key of the /recognize answer, with its type.
void expect_recognition_shape(const httplib::Result& res) {
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->get_header_value("Content-Type").find("application/json"), std::string::npos);
  const nlohmann::json body = nlohmann::json::parse(res->body);
  ASSERT_TRUE(body.contains("card"));
  if (body["card"].is_null()) {
    ASSERT_TRUE(body.contains("unknown_reason"));
    EXPECT_TRUE(body["unknown_reason"].is_string());
    EXPECT_FALSE(body["unknown_reason"].get<std::string>().empty());
  } else {
    for (const char* key : {"id", "name", "set_id", "set_name", "number", "finish", "condition"}) {
      EXPECT_TRUE(body["card"][key].is_string()) << key;
    }
    EXPECT_TRUE(body["card"]["printed_total"].is_number_integer());
    EXPECT_FALSE(body.contains("unknown_reason"));
    ASSERT_TRUE(body["finish_confidence"].is_number());
    EXPECT_GE(body["finish_confidence"].get<double>(), 0.0);
    EXPECT_LE(body["finish_confidence"].get<double>(), 1.0);
  }
  ASSERT_TRUE(body["confidence"].is_number());
  EXPECT_GE(body["confidence"].get<double>(), 0.0);
  EXPECT_LE(body["confidence"].get<double>(), 1.0);
  EXPECT_EQ(body["source"], kLabel);
  ASSERT_TRUE(body.contains("raw"));
  EXPECT_TRUE(body["raw"].is_object() || body["raw"].is_string()) << body["raw"].dump();
  ASSERT_TRUE(body["timings_ms"].is_object());
  for (const char* key :
       {"decode", "preprocess", "encode", "prefill", "generate", "queue", "total"}) {
    ASSERT_TRUE(body["timings_ms"][key].is_number()) << key;
    EXPECT_GE(body["timings_ms"][key].get<double>(), 0.0) << key;
  }
  EXPECT_GT(body["timings_ms"]["total"].get<double>(), 0.0);
  const std::string header_id = res->get_header_value("X-Request-Id");
  EXPECT_FALSE(header_id.empty());
  EXPECT_EQ(body["request_id"], header_id);
}

TEST_F(RecognizeApiTest, ValidJpegAsMultipartAnswersWithTheFullShape) {
  expect_recognition_shape(post_multipart(port(), card_jpeg()));
}

TEST_F(RecognizeApiTest, ValidJpegAsRawBodyAnswersWithTheFullShape) {
  expect_recognition_shape(post_raw(port(), card_jpeg(), "image/jpeg"));
}

TEST_F(RecognizeApiTest, SaneIncomingRequestIdIsEchoedAndInsaneOneReplaced) {
  httplib::Result kept =
      post_raw(port(), card_jpeg(), "image/jpeg", {{"X-Request-Id", "abc-123_X"}});
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->get_header_value("X-Request-Id"), "abc-123_X");
  EXPECT_EQ(nlohmann::json::parse(kept->body)["request_id"], "abc-123_X");

  httplib::Result replaced = get(port(), "/health");
  ASSERT_TRUE(replaced);
  const std::string generated = replaced->get_header_value("X-Request-Id");
  EXPECT_FALSE(generated.empty());

  httplib::Client client("127.0.0.1", port());
  httplib::Result insane =
      client.Get("/health", httplib::Headers{{"X-Request-Id", std::string(65, 'a')}});
  ASSERT_TRUE(insane);
  EXPECT_NE(insane->get_header_value("X-Request-Id"), std::string(65, 'a'));
  EXPECT_FALSE(insane->get_header_value("X-Request-Id").empty());
}

TEST_F(RecognizeApiTest, HealthAndReadyAnswerJson) {
  httplib::Result health = get(port(), "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(nlohmann::json::parse(health->body), nlohmann::json({{"status", "ok"}}));
  httplib::Result ready = get(port(), "/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(nlohmann::json::parse(ready->body), nlohmann::json({{"status", "ready"}}));
}

TEST_F(RecognizeApiTest, MultipartWithoutImageFieldIs400) {
  EXPECT_TRUE(is_json_error(post_multipart(port(), card_jpeg(), "photo"), 400, "invalid_input"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, EmptyRawBodyIs400) {
  EXPECT_TRUE(is_json_error(post_raw(port(), "", "image/jpeg"), 400, "invalid_input"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, RawBodyOverTheUploadLimitIs413WithJsonBody) {
  EXPECT_TRUE(
      is_json_error(post_raw(port(), noise_bytes(200'000), "image/jpeg"), 413, "too_large"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, MultipartOverTheUploadLimitIs413WithJsonBody) {
  EXPECT_TRUE(is_json_error(post_multipart(port(), noise_bytes(200'000)), 413, "too_large"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, TextPlainBodyIs415) {
  EXPECT_TRUE(
      is_json_error(post_raw(port(), "a photo of a card", "text/plain"), 415, "unsupported_media"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, PdfAsRawBodyIs415) {
  EXPECT_TRUE(
      is_json_error(post_raw(port(), pdf_bytes(), "application/pdf"), 415, "unsupported_media"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, PdfBytesAsMultipartImageAre415) {
  EXPECT_TRUE(is_json_error(post_multipart(port(), pdf_bytes(), "image", "image/jpeg"), 415,
                            "unsupported_media"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, TruncatedJpegIs422) {
  EXPECT_TRUE(is_json_error(post_multipart(port(), truncated_jpeg()), 422, "unprocessable"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, DecompressionBombPngIs422) {
  EXPECT_TRUE(is_json_error(post_raw(port(), png_bomb(), "image/png"), 422, "unprocessable"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, UnknownRouteGetsAJsonErrorFromTheLibraryPath) {
  EXPECT_TRUE(is_json_error(get(port(), "/no-such-route"), 404, "not_found"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(RecognizeApiTest, SixteenConcurrentClientsAreAllAnswered) {
  constexpr int kClients = 16;
  const std::string jpeg = card_jpeg();
  std::vector<int> statuses(kClients, -1);
  std::vector<std::string> bodies(kClients);
  {
    std::vector<std::jthread> clients;
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back([&, i] {
        httplib::Client client("127.0.0.1", port());
        client.set_read_timeout(std::chrono::seconds(120));
        httplib::Result res = client.Post("/recognize", jpeg, "image/jpeg");
        if (res) {
          statuses[i] = res->status;
          bodies[i] = res->body;
        }
      });
    }
  }
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(statuses[i], 200) << "client " << i << ": " << bodies[i];
  }
}

}  // namespace
}  // namespace cardmint::testing
