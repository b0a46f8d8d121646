// cardmintd's lifecycle against the real binary: /ready while the models load, the drain on
// SIGTERM, 503 + Retry-After when the model queue is full, and 504 past REQUEST_TIMEOUT_MS.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"
#include "tests/service/timing_threshold.h"

namespace cardmint::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Answer {
  int status = -1;  // -1: no HTTP answer at all
  std::string body;
  std::string retry_after;
  Clock::time_point at;
};

// `n` concurrent raw-JPEG /recognize calls, each on its own client and thread, all started
// together; returns once every one has been answered.
std::vector<Answer> recognize_concurrently(int port, int n, std::atomic<int>* started = nullptr) {
  const std::string jpeg = card_jpeg();
  std::vector<Answer> answers(n);
  std::vector<std::jthread> clients;
  for (int i = 0; i < n; ++i) {
    clients.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(std::chrono::seconds(120));
      if (started) ++*started;
      httplib::Result res = client.Post("/recognize", jpeg, "image/jpeg");
      answers[i].at = Clock::now();
      if (!res) return;
      answers[i].status = res->status;
      answers[i].body = res->body;
      answers[i].retry_after = res->get_header_value("Retry-After");
    });
  }
  clients.clear();  // joins
  return answers;
}

TEST(LifecycleTest, ReadyIs503WhileLoadingThen200) {
  CardmintdProcess server({}, {{"CARDMINT_LOAD_DELAY_MS_FOR_TEST", "1500"}});

  httplib::Result ready = get(server.port(), "/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(nlohmann::json::parse(ready->body), nlohmann::json({{"status", "loading"}}));
  httplib::Result health = get(server.port(), "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_TRUE(
      is_json_error(post_raw(server.port(), card_jpeg(), "image/jpeg"), 503, "unavailable"));

  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  ready = get(server.port(), "/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(nlohmann::json::parse(ready->body), nlohmann::json({{"status", "ready"}}));
  EXPECT_TRUE(still_serving(server.port()));
}

TEST(LifecycleTest, SigtermFinishesInFlightRequestsThenExitsZero) {
  // Unconstrained, the tiny model talks until the token limit: ~0.6 s a request on 2 cores, so
  // six of them, one after another on the model thread, are still running after the signal.
  CardmintdProcess server({"--constrain-output", "false", "--max-new-tokens", "1024"});
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();

  constexpr int kRequests = 6;
  std::atomic<int> started{0};
  std::vector<Answer> answers;
  std::jthread load([&] { answers = recognize_concurrently(server.port(), kRequests, &started); });
  while (started < kRequests) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Let the requests reach the server: connect, send, get accepted.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  const Clock::time_point sigterm_at = Clock::now();
  server.send_signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  httplib::Result ready = get(server.port(), "/ready");
  if (ready) {
    EXPECT_EQ(ready->status, 503);
    EXPECT_EQ(nlohmann::json::parse(ready->body)["status"], "draining");
  }  // else: the listening socket is already closed, which is also "not ready"

  load.join();
  int answered_after_sigterm = 0;
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(answers[i].status, 200) << "request " << i << ": " << answers[i].body;
    if (answers[i].at > sigterm_at) ++answered_after_sigterm;
  }
  // Otherwise the drain was never exercised: every request had finished before the signal.
  EXPECT_GT(answered_after_sigterm, 0);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(30)), 0) << server.log();
  EXPECT_FALSE(get(server.port(), "/health")) << "still answering after exit";
}

TEST(LifecycleTest, FullQueueAnswers503WithRetryAfter) {
  // One job on the model thread, one waiting; each takes a few hundred ms (see above), while the
  // twelve arrive within milliseconds.
  CardmintdProcess server(
      {"--queue-capacity", "1", "--constrain-output", "false", "--max-new-tokens", "512"});
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();

  const std::vector<Answer> answers = recognize_concurrently(server.port(), 12);
  int busy = 0;
  for (const Answer& a : answers) {
    if (a.status == 503) {
      ++busy;
      EXPECT_EQ(a.retry_after, "1");
      const nlohmann::json body = nlohmann::json::parse(a.body);
      EXPECT_EQ(body["error"]["code"], "busy") << a.body;
    } else {
      EXPECT_EQ(a.status, 200) << a.body;
    }
  }
  EXPECT_GE(busy, 1);
  EXPECT_TRUE(still_serving(server.port()));
}

TEST(LifecycleTest, PastTheTimeoutIs504AndTheLateAnswerIsStillCached) {
  // Between a cache hit and an OCR read: a fresh photo runs out of time, its repeat does not.
  const long timeout_ms = std::lround(ms_between_cache_hit_and_ocr_read());
  ASSERT_GT(timeout_ms, 0);
  CardmintdProcess server({"--cache-file", "memory"},
                          {{"REQUEST_TIMEOUT_MS", std::to_string(timeout_ms)}},
                          /*with_model=*/false);
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  const int port = server.port();
  const std::string photo = devset_photo("0006.jpg");  // read surely, so it is remembered

  const httplib::Result late = post_raw(port, photo, "image/jpeg");
  ASSERT_TRUE(is_json_error(late, 504, "deadline_exceeded"));
  EXPECT_NE(nlohmann::json::parse(late->body)["error"]["message"].get<std::string>().find(
                std::to_string(timeout_ms) + " ms"),
            std::string::npos)
      << late->body;

  // The recognition goes on after the 504 and lands in the window and the cache.
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
  int recognitions = 0;
  while (Clock::now() < deadline && recognitions == 0) {
    recognitions = nlohmann::json::parse(get(port, "/stats")->body)["window"]["recognitions"];
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(recognitions, 1) << server.log();
  const httplib::Result again = post_raw(port, photo, "image/jpeg");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  const nlohmann::json body = nlohmann::json::parse(again->body);
  EXPECT_EQ(body["source"], "cache") << again->body;
  EXPECT_EQ(body["cache"]["hit"], "bytes");

  // Streamed, the limit runs to the complete event: a 504 before the first event, an error
  // event after it.
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(60));
  const httplib::Result stream =
      client.Post("/recognize?stream=1", devset_photo("0001.jpg"), "image/jpeg");
  ASSERT_TRUE(stream);
  if (stream->status == 504) {
    EXPECT_TRUE(is_json_error(stream, 504, "deadline_exceeded"));
  } else {
    EXPECT_EQ(stream->status, 200);
    EXPECT_NE(stream->body.find("event: error\ndata: {\"error\":{\"code\":\"deadline_exceeded\""),
              std::string::npos)
        << stream->body;
    EXPECT_EQ(stream->body.find("event: complete"), std::string::npos) << stream->body;
  }
  const httplib::Result health = get(port, "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace cardmint::testing
