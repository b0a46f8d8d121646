// /recognize?stream=1 against the real cardmintd: server-sent events in order (detected, quick,
// identified, complete), each carrying what is known by then, and every way a stream can go wrong
// leaves the service serving.

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/recognize_stream_client.h"
#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

using client::StreamReply;

StreamReply post_streaming(int port, const std::string& path, const std::string& jpeg,
                           const std::vector<std::pair<std::string, std::string>>& headers = {},
                           std::size_t stop_after = 0) {
  client::StreamRequest request;
  request.port = port;
  request.path = path;
  request.image = jpeg;
  request.headers = headers;
  request.stop_after_events = stop_after;
  return client::post_recognize_stream(request);
}

std::vector<std::string> names_of(const StreamReply& reply) {
  std::vector<std::string> names;
  for (const client::ReceivedEvent& e : reply.events) names.push_back(e.name);
  return names;
}

nlohmann::json manifest_entry(const std::string& file) {
  std::ifstream in(devset_dir() / "manifest.jsonl");
  for (std::string line; std::getline(in, line);) {
    nlohmann::json entry = nlohmann::json::parse(line);
    if (entry["file"] == file) return entry;
  }
  return nullptr;
}

class StreamServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<CardmintdProcess>(std::vector<std::string>{},
                                                 std::map<std::string, std::string>{},
                                                 /*with_model=*/false);
    ASSERT_TRUE(server_->wait_ready(std::chrono::seconds(60))) << server_->log();
  }
  static void TearDownTestSuite() { server_.reset(); }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "cardmintd log:\n" << server_->log();
  }
  static int port() { return server_->port(); }
  static std::unique_ptr<CardmintdProcess> server_;
};
std::unique_ptr<CardmintdProcess> StreamServiceTest::server_;

TEST_F(StreamServiceTest, SendsDetectedQuickIdentifiedThenComplete) {
  const nlohmann::json truth = manifest_entry("0000.jpg");
  const StreamReply reply = post_streaming(port(), "/recognize?stream=1", devset_photo("0000.jpg"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "text/event-stream");
  ASSERT_EQ(names_of(reply),
            (std::vector<std::string>{"detected", "quick", "identified", "complete"}))
      << reply.body;
  const nlohmann::json& detected = reply.events[0].data;
  const nlohmann::json& quick = reply.events[1].data;
  const nlohmann::json& identified = reply.events[2].data;
  const nlohmann::json& complete = reply.events[3].data;
  EXPECT_TRUE(detected["finish_hint"].is_object()) << detected.dump();
  EXPECT_EQ(quick["source"], "ocr");
  EXPECT_EQ(quick["name"], complete["card"]["name"]);
  EXPECT_EQ(identified["card"]["id"], truth["card_id"]) << identified.dump();
  EXPECT_TRUE(identified["escalating_to"].is_null());
  EXPECT_EQ(complete["card"]["id"], truth["card_id"]);
  EXPECT_EQ(complete["source"], "ocr");
  EXPECT_EQ(complete["request_id"], reply.request_id);
  EXPECT_EQ(complete["mode"], "standard");
  EXPECT_TRUE(complete["timings_ms"]["total"].is_number());
  // Each event says when, since the request was accepted, and they come in that order.
  double last = 0;
  for (const client::ReceivedEvent& e : reply.events) {
    if (e.name == "complete") break;
    EXPECT_GE(e.data["elapsed_ms"].get<double>(), last) << e.name;
    last = e.data["elapsed_ms"].get<double>();
  }
  EXPECT_LE(last, complete["timings_ms"]["total"].get<double>());
}

TEST_F(StreamServiceTest, AcceptTextEventStreamAsksForAStreamToo) {
  const StreamReply reply = post_streaming(port(), "/recognize", devset_photo("0000.jpg"),
                                           {{"Accept", "text/event-stream"}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/event-stream");
  ASSERT_FALSE(reply.events.empty());
  EXPECT_EQ(reply.events.back().name, "complete");
}

TEST_F(StreamServiceTest, APhotoWithoutACardStreamsOnlyTheUnknownAnswer) {
  const StreamReply reply = post_streaming(port(), "/recognize?stream=1", devset_photo("0052.jpg"));
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(names_of(reply), std::vector<std::string>{"complete"}) << reply.body;
  EXPECT_TRUE(reply.events[0].data["card"].is_null());
  EXPECT_FALSE(reply.events[0].data["unknown_reason"].get<std::string>().empty());
}

TEST_F(StreamServiceTest, BadUploadsAndBadParametersArePlainJsonErrors) {
  // Found before the first event: the usual status and JSON body, not a stream.
  const StreamReply bad_jpeg = post_streaming(port(), "/recognize?stream=1", truncated_jpeg());
  EXPECT_EQ(bad_jpeg.status, 422) << bad_jpeg.body;
  EXPECT_EQ(nlohmann::json::parse(bad_jpeg.body)["error"]["code"], "unprocessable");
  const StreamReply bomb = post_streaming(port(), "/recognize?stream=1", png_bomb());
  EXPECT_GE(bomb.status, 400);
  EXPECT_LT(bomb.status, 500);
  EXPECT_TRUE(is_json_error(
      httplib::Client("127.0.0.1", port()).Post("/recognize?mode=turbo", card_jpeg(), "image/jpeg"),
      400, "invalid_input"));
  EXPECT_TRUE(is_json_error(httplib::Client("127.0.0.1", port())
                                .Post("/recognize?stream=maybe", card_jpeg(), "image/jpeg"),
                            400, "invalid_input"));
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(StreamServiceTest, AClientThatHangsUpMidStreamLeavesTheServiceServing) {
  for (int i = 0; i < 3; ++i) {
    const StreamReply reply =
        post_streaming(port(), "/recognize?stream=1", devset_photo("0000.jpg"), {}, 1);
    EXPECT_LE(reply.events.size(), 1u);
  }
  EXPECT_TRUE(still_serving(port()));
  const StreamReply whole = post_streaming(port(), "/recognize?stream=1", devset_photo("0000.jpg"));
  ASSERT_FALSE(whole.events.empty());
  EXPECT_EQ(whole.events.back().name, "complete");
}

TEST_F(StreamServiceTest, TheModeComesFromTheQueryOrTheHeader) {
  httplib::Client client("127.0.0.1", port());
  httplib::Result bulk =
      client.Post("/recognize?mode=bulk_inventory", devset_photo("0000.jpg"), "image/jpeg");
  ASSERT_TRUE(bulk);
  ASSERT_EQ(bulk->status, 200) << bulk->body;
  EXPECT_EQ(nlohmann::json::parse(bulk->body)["mode"], "bulk_inventory");
  httplib::Result high = client.Post("/recognize", {{"X-Scan-Mode", "high_value"}},
                                     devset_photo("0000.jpg"), "image/jpeg");
  ASSERT_TRUE(high);
  ASSERT_EQ(high->status, 200) << high->body;
  const nlohmann::json body = nlohmann::json::parse(high->body);
  EXPECT_EQ(body["mode"], "high_value");
  ASSERT_FALSE(body["cascade"].empty());
  EXPECT_EQ(body["cascade"][0]["source"], "ocr");
}

TEST(StreamServiceModelTest, ProgressiveModeStreamsByDefaultAndTheModelsGarbageIsAnUnknown) {
  CardmintdProcess server({"--progressive-mode", "true"});
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(120))) << server.log();
  // No card outline: OCR has nothing, the tiny random-weight model answers garbage, and the
  // garbage matches no catalog card.
  const StreamReply reply = post_streaming(server.port(), "/recognize", devset_photo("0052.jpg"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_FALSE(reply.events.empty()) << reply.body;
  const nlohmann::json& complete = reply.events.back().data;
  EXPECT_EQ(reply.events.back().name, "complete");
  EXPECT_TRUE(complete["card"].is_null()) << complete.dump();
  EXPECT_EQ(complete["source"], "vlm-256m");
  ASSERT_EQ(complete["cascade"].size(), 2u) << complete.dump();
  EXPECT_EQ(complete["cascade"][1]["reason"], "no card");
  // stream=0 turns it off for one request.
  httplib::Result plain = httplib::Client("127.0.0.1", server.port())
                              .Post("/recognize?stream=0", card_jpeg(), "image/jpeg");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->get_header_value("Content-Type"), "application/json");
  EXPECT_TRUE(still_serving(server.port()));
}

}  // namespace
}  // namespace cardmint::testing
