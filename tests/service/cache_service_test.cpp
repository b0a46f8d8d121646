// cardmintd with its cache: the same upload again, the same card photographed again, a restart,
// and two instances sharing one real redis-server, which is killed and restarted mid-run.
// The photos are the development set's; each test first checks that the recognizer itself is
// sure of its card, because only sure answers are remembered.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"
#include "tests/support/redis_server_process.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Photos the OCR path reads surely (confidence 1.0, checked again by each test):
// 0006 is Baltoy ex13-59 and 0012 Vulpix me01-138, each with one printing and no card that may
// reprint its picture; 0004 is swsh7-234, whose name, text and artist two other cards share.
constexpr const char* kPlainCard = "0006.jpg";
constexpr const char* kOtherPlainCard = "0012.jpg";
constexpr const char* kReprintedCard = "0004.jpg";

json recognize(int port, const std::string& jpeg) {
  const httplib::Result res = post_raw(port, jpeg, "image/jpeg");
  if (!res) return json{{"http_error", httplib::to_string(res.error())}};
  json body = json::parse(res->body, nullptr, false);
  body["http_status"] = res->status;
  return body;
}

std::string card_id(const json& answer) {
  return answer.contains("card") && answer["card"].is_object()
             ? answer["card"]["id"].get<std::string>()
             : "";
}

std::string cache_hit(const json& answer) {
  return answer.contains("cache") ? answer["cache"]["hit"].get<std::string>() : "";
}

// The first answer for a photo: read by OCR and sure enough to be remembered.
::testing::AssertionResult read_surely(const json& answer, const std::string& id) {
  if (answer.value("source", "") != "ocr" || card_id(answer) != id ||
      answer.value("confidence", 0.0) < 0.85)
    return ::testing::AssertionFailure()
           << "expected a sure OCR reading of " << id << ", got " << answer.dump();
  return ::testing::AssertionSuccess();
}

template <typename F>
bool eventually(F done, milliseconds limit = milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return done();
}

class CacheServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cardmint-cache-service-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<CardmintdProcess> start(std::vector<std::string> flags) {
    auto server = std::make_unique<CardmintdProcess>(flags, std::map<std::string, std::string>{},
                                                     /*with_model=*/false);
    EXPECT_TRUE(server->wait_ready(seconds(60))) << server->log();
    return server;
  }

  fs::path dir_;
};

TEST_F(CacheServiceTest, AnswersAnUploadSeenBeforeByItsBytesItsPictureOrANearPicture) {
  auto server = start({"--cache-file", "memory"});
  const std::string photo = devset_photo(kPlainCard);
  const json first = recognize(server->port(), photo);
  ASSERT_TRUE(read_surely(first, "ex13-59"));
  EXPECT_FALSE(first.contains("cache"));

  const json same_bytes = recognize(server->port(), photo);
  EXPECT_EQ(same_bytes["source"], "cache");
  EXPECT_EQ(cache_hit(same_bytes), "bytes");
  EXPECT_EQ(card_id(same_bytes), "ex13-59");
  EXPECT_EQ(same_bytes["confidence"], first["confidence"]);
  EXPECT_TRUE(same_bytes["timings_ms"].contains("cache")) << same_bytes.dump();

  // Other bytes, the same pixels: the digest misses, the perceptual hash is the same.
  const json same_picture = recognize(server->port(), with_jpeg_comment(photo, "again"));
  EXPECT_EQ(same_picture["source"], "cache") << same_picture.dump();
  EXPECT_EQ(cache_hit(same_picture), "exact");
  EXPECT_EQ(same_picture["cache"]["distance"], 0);
  EXPECT_EQ(card_id(same_picture), "ex13-59");
  EXPECT_GT(same_picture["timings_ms"]["hash"].get<double>(), 0.0);

  // The card shot again, turned 2°, with glare on it: a near hash.
  const json near_picture = recognize(server->port(), rephotographed(photo, 2.0, 85, true));
  EXPECT_EQ(near_picture["source"], "cache") << near_picture.dump();
  EXPECT_EQ(cache_hit(near_picture), "fuzzy");
  EXPECT_GT(near_picture["cache"]["distance"].get<int>(), 0);
  EXPECT_EQ(card_id(near_picture), "ex13-59");

  const httplib::Result stats = get(server->port(), "/stats");
  ASSERT_TRUE(stats);
  const json cache = json::parse(stats->body)["cache"];
  EXPECT_EQ(cache["hits"]["bytes"], 1);
  EXPECT_EQ(cache["hits"]["exact"], 1);
  EXPECT_EQ(cache["hits"]["fuzzy"], 1);
}

TEST_F(CacheServiceTest, BadUploadsGetTheirClearErrorsWithTheCacheInFront) {
  auto server = start({"--cache-file", "memory"});
  // Twice each: the second time must not come back from the cache either.
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(is_json_error(post_raw(server->port(), truncated_jpeg(), "image/jpeg"), 422,
                              "unprocessable"));
    EXPECT_TRUE(
        is_json_error(post_raw(server->port(), png_bomb(), "image/png"), 422, "unprocessable"));
    EXPECT_TRUE(is_json_error(post_multipart(server->port(), pdf_bytes(), "image", "image/jpeg"),
                              415, "unsupported_media"));
  }
  EXPECT_TRUE(still_serving(server->port()));
}

TEST_F(CacheServiceTest, NeverAnswersByPictureACardAnotherPrintingSharesThePictureOf) {
  auto server = start({"--cache-file", "memory"});
  const std::string photo = devset_photo(kReprintedCard);
  ASSERT_TRUE(read_surely(recognize(server->port(), photo), "swsh7-234"));
  // The very same file is the very same answer.
  EXPECT_EQ(cache_hit(recognize(server->port(), photo)), "bytes");
  // But a new photo with this picture may be of a reprint: the recognizer reads it again.
  const json again = recognize(server->port(), with_jpeg_comment(photo, "a reprint?"));
  EXPECT_EQ(again["source"], "ocr") << again.dump();
  EXPECT_FALSE(again.contains("cache"));
  // /stats counts it as turned down, not as a hit.
  const json stats = json::parse(get(server->port(), "/stats")->body)["cache"];
  EXPECT_EQ(stats["hits"]["exact"], 0) << stats.dump();
  EXPECT_EQ(stats["refused_unconfirmed"], 1);
  EXPECT_EQ(stats["hits"]["bytes"], 1);
}

TEST_F(CacheServiceTest, KeepsItsAnswersAcrossARestart) {
  const std::string file = (dir_ / "cache.sqlite").string();
  const std::string photo = devset_photo(kPlainCard);
  {
    auto server = start({"--cache-file", file});
    ASSERT_TRUE(read_surely(recognize(server->port(), photo), "ex13-59"));
    server->send_signal(SIGTERM);
    ASSERT_EQ(server->wait_exit(seconds(30)), 0) << server->log();
  }
  auto server = start({"--cache-file", file});
  const json after = recognize(server->port(), with_jpeg_comment(photo, "after the restart"));
  EXPECT_EQ(after["source"], "cache") << after.dump();
  EXPECT_EQ(card_id(after), "ex13-59");
  const json stats = json::parse(get(server->port(), "/stats")->body)["cache"];
  EXPECT_EQ(stats["entries"], 1);
}

TEST_F(CacheServiceTest, AReferenceImageAddedByTheCliAnswersByHash) {
  // `cardmint catalog add-images` with one reference photo named by its printing.
  const fs::path references = dir_ / "references";
  fs::create_directories(references);
  const std::string photo = devset_photo(kPlainCard);
  {
    std::ofstream out(references / "ex13-59.jpg", std::ios::binary);
    out << photo;
  }
  const std::string file = (dir_ / "cache.sqlite").string();
  ASSERT_EQ(run_to_completion({CARDMINT_CLI_PATH, "catalog", "add-images", references.string(),
                               "--db", test_catalog_db().string(), "--cache-file", file},
                              seconds(120)),
            0);
  auto server = start({"--cache-file", file});
  // Another shot of the card: nothing was ever recognised, the reference answers.
  const json answer = recognize(server->port(), rephotographed(photo, -2.0, 80));
  EXPECT_EQ(answer["source"], "hash") << answer.dump();
  EXPECT_EQ(cache_hit(answer), "fuzzy");
  EXPECT_EQ(card_id(answer), "ex13-59");
  EXPECT_EQ(answer["card"]["finish"], "normal");
  const json stats = json::parse(get(server->port(), "/stats")->body)["cache"];
  EXPECT_EQ(stats["references"], 1);
  // A card with no reference is still read by OCR.
  EXPECT_EQ(recognize(server->port(), devset_photo(kOtherPlainCard))["source"], "ocr");
}

TEST_F(CacheServiceTest, TwoInstancesShareAnswersThroughRedis) {
  RedisServerProcess redis;
  auto a = start({"--cache-file", "memory", "--redis-url", redis.url()});
  auto b = start({"--cache-file", "memory", "--redis-url", redis.url()});
  const std::string photo = devset_photo(kOtherPlainCard);
  ASSERT_TRUE(read_surely(recognize(a->port(), photo), "me01-138"));

  const json same_bytes = recognize(b->port(), photo);
  EXPECT_EQ(same_bytes["source"], "cache") << same_bytes.dump();
  EXPECT_EQ(cache_hit(same_bytes), "bytes");
  EXPECT_EQ(same_bytes["cache"]["shared"], true);
  EXPECT_EQ(card_id(same_bytes), "me01-138");

  // The picture reached b's hash index through the shared stream.
  json by_picture;
  int attempt = 0;
  EXPECT_TRUE(eventually([&] {
    by_picture = recognize(b->port(), with_jpeg_comment(photo, std::to_string(++attempt)));
    return by_picture.value("source", "") == "cache";
  })) << by_picture.dump();
  EXPECT_EQ(card_id(by_picture), "me01-138");
}

TEST_F(CacheServiceTest, RedisKilledAndRestartedMidRunFailsNoRequest) {
  RedisServerProcess redis;
  auto a = start({"--cache-file", "memory", "--redis-url", redis.url()});
  auto b = start({"--cache-file", "memory", "--redis-url", redis.url()});
  const std::string photo = devset_photo(kPlainCard);
  ASSERT_TRUE(read_surely(recognize(a->port(), photo), "ex13-59"));
  ASSERT_EQ(cache_hit(recognize(b->port(), photo)), "bytes");

  // Two clients upload without pause to both instances, new bytes half the time, while Redis
  // is killed and, a while later, started again on its port.
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::vector<std::string> failures;
  std::mutex failures_mu;
  auto client = [&](int id) {
    for (int i = 0; !stop.load(); ++i) {
      const int port = (i + id) % 2 == 0 ? a->port() : b->port();
      const std::string body =
          i % 2 == 0 ? photo
                     : with_jpeg_comment(photo, std::to_string(id) + "-" + std::to_string(i));
      const json answer = recognize(port, body);
      ++sent;
      if (answer.value("http_status", 0) != 200 || card_id(answer) != "ex13-59") {
        std::lock_guard<std::mutex> lock(failures_mu);
        failures.push_back(answer.dump());
      }
    }
  };
  std::thread c1(client, 0), c2(client, 1);
  std::this_thread::sleep_for(milliseconds(700));
  redis.stop();
  std::this_thread::sleep_for(milliseconds(1500));
  redis.restart();
  std::this_thread::sleep_for(milliseconds(1500));
  stop = true;
  c1.join();
  c2.join();
  EXPECT_GT(sent.load(), 20);
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  const json stats_a = json::parse(get(a->port(), "/stats")->body)["cache"];
  EXPECT_GT(stats_a["shared"]["errors"].get<int>(), 0) << stats_a.dump();

  // Sharing resumes by itself: a new card recognised on a reaches b. (The clients' uploads of
  // new bytes looked Redis up on a after the restart, so a has reconnected by now.)
  const std::string other = devset_photo(kOtherPlainCard);
  ASSERT_TRUE(read_surely(recognize(a->port(), other), "me01-138"));
  json on_b;
  int attempt = 0;
  EXPECT_TRUE(eventually([&] {
    on_b = recognize(b->port(), with_jpeg_comment(other, "on b " + std::to_string(++attempt)));
    return on_b.value("source", "") == "cache";
  })) << on_b.dump();
  EXPECT_TRUE(json::parse(get(a->port(), "/stats")->body)["cache"]["shared"]["connected"]);
}

}  // namespace
}  // namespace cardmint::testing
