// nginx running deploy/nginx/nginx.conf in front of cardmintd, as `cardmint cluster up` starts
// it: server-sent events pass through as they are written, and the body limit is cardmintd's.

#include <gtest/gtest.h>
#include <httplib.h>

#include <string>
#include <vector>

#include "client/recognize_stream_client.h"
#include "tests/cluster/test_cluster.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

// cardmintd's MAX_UPLOAD_BYTES default; nginx.conf's client_max_body_size must say the same.
constexpr std::size_t kMaxUploadBytes = 20u << 20;

TEST(NginxFront, StreamsEachEventAsCardmintdWritesIt) {
  TestCluster cluster(1);
  client::StreamRequest request;
  request.port = cluster.nginx_port();
  request.path = "/recognize?stream=1";
  request.image = devset_photo("0000.jpg");
  const client::StreamReply reply = client::post_recognize_stream(request);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "text/event-stream");
  ASSERT_GE(reply.events.size(), 2u) << reply.body;
  const client::ReceivedEvent& first = reply.events.front();
  const client::ReceivedEvent& complete = reply.events.back();
  ASSERT_EQ(first.name, "detected") << reply.body;
  ASSERT_EQ(complete.name, "complete") << reply.body;
  // cardmintd wrote `detected` this long before its answer (OCR ran in between). Buffered by
  // nginx, both would reach the client together; passed on at once, they arrive as far apart.
  const double server_gap_ms =
      complete.data["timings_ms"]["total"].get<double>() - first.data["elapsed_ms"].get<double>();
  ASSERT_GT(server_gap_ms, 20) << "too little between the events to tell: " << reply.body;
  EXPECT_GT(complete.at_ms - first.at_ms, server_gap_ms / 2)
      << "the events arrived together: buffered by nginx";
}

TEST(NginxFront, TakesUploadsUpToCardmintdsLimitAndRefusesLargerOnes) {
  TestCluster cluster(1);
  httplib::Client client("127.0.0.1", cluster.nginx_port());
  client.set_read_timeout(std::chrono::seconds(60));
  client.set_write_timeout(std::chrono::seconds(60));
  // At the limit: nginx passes it on and cardmintd itself answers (not a photo: 415, JSON).
  const httplib::Result at_limit =
      client.Post("/recognize", noise_bytes(kMaxUploadBytes), "image/jpeg");
  ASSERT_TRUE(at_limit) << httplib::to_string(at_limit.error());
  EXPECT_EQ(at_limit->status, 415) << at_limit->body.substr(0, 500);
  EXPECT_FALSE(at_limit->get_header_value("X-Served-By").empty());
  EXPECT_FALSE(at_limit->get_header_value("X-Request-Id").empty());
  // One byte over: nginx refuses it before any instance sees it.
  const httplib::Result over =
      client.Post("/recognize", noise_bytes(kMaxUploadBytes + 1), "image/jpeg");
  ASSERT_TRUE(over) << httplib::to_string(over.error());
  EXPECT_EQ(over->status, 413);
  EXPECT_TRUE(over->get_header_value("X-Served-By").empty());
}

}  // namespace
}  // namespace cardmint::testing
