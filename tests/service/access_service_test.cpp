// Access control on a real cardmintd (OCR and the catalog, no model): API keys on writes and
// reads (API_KEYS, API_KEYS_FILE, OPEN_READ), probes always open, keys never in the log, CORS
// (CORS_ORIGINS) on and off, per-client rate limits (RATE_LIMIT_PER_MIN, TRUST_FORWARDED_FOR),
// and a configuration that must stop cardmintd at start.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

// Memorable, so that a grep of the log cannot miss them.
const std::string kKeyA = "cm-key-alpha-7f3a9c1e5b2d4068";
const std::string kKeyB = "cm-key-bravo-0d9e8f7a6b5c4d3e";
const std::string kWrongKey = "cm-key-wrong-11112222333344445";  // neither, of similar length
const std::string kShop = "https://shop.example";

httplib::Headers bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
httplib::Headers x_api_key(const std::string& key) { return {{"X-API-Key", key}}; }

httplib::Result send(int port, const std::string& method, const std::string& path,
                     const httplib::Headers& headers = {}, const std::string& body = "",
                     const std::string& content_type = "application/json") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(seconds(30));
  if (method == "GET") return client.Get(path, headers);
  if (method == "POST") return client.Post(path, headers, body, content_type);
  if (method == "PUT") return client.Put(path, headers, body, content_type);
  if (method == "OPTIONS") return client.Options(path, headers);
  throw std::invalid_argument("send: " + method);
}

httplib::Result recognize(int port, const httplib::Headers& headers) {
  return post_multipart(port, card_jpeg(), "image", "image/jpeg", headers);
}

const json kPikachu = {{"card_id", "base1-58"}, {"finish", "normal"}, {"condition", "near mint"}};

::testing::AssertionResult is_unauthenticated(const httplib::Result& res) {
  ::testing::AssertionResult json_error = is_json_error(res, 401, "unauthenticated");
  if (!json_error) return json_error;
  if (res->get_header_value("WWW-Authenticate") != "Bearer") {
    return ::testing::AssertionFailure()
           << "WWW-Authenticate: '" << res->get_header_value("WWW-Authenticate") << "'";
  }
  return ::testing::AssertionSuccess();
}

std::string status_of(const httplib::Result& res) {
  return res ? std::to_string(res->status) + " " + res->body : "no answer";
}

class AccessServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cardmint-access-service-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<CardmintdProcess> start(std::map<std::string, std::string> env) {
    env.emplace("COLLECTION_DB", (dir_ / "collection.sqlite").string());
    auto server = std::make_unique<CardmintdProcess>(std::vector<std::string>{}, env,
                                                     /*with_model=*/false);
    EXPECT_TRUE(server->wait_ready(seconds(60))) << server->log();
    return server;
  }

  fs::path dir_;
};

TEST_F(AccessServiceTest, WritesAndReadsNeedAKeyProbesDoNot) {
  auto server = start({{"API_KEYS", kKeyA + "," + kKeyB}});
  const int port = server->port();

  EXPECT_TRUE(is_unauthenticated(recognize(port, {})));
  EXPECT_TRUE(is_unauthenticated(recognize(port, bearer(kWrongKey))));
  EXPECT_TRUE(is_unauthenticated(recognize(port, x_api_key(kKeyA.substr(0, 20)))));  // a prefix
  EXPECT_TRUE(is_unauthenticated(recognize(port, {{"Authorization", "Basic " + kKeyA}})));
  httplib::Result res = recognize(port, bearer(kKeyA));
  EXPECT_TRUE(res && res->status == 200) << status_of(res);
  res = recognize(port, x_api_key(kKeyB));
  EXPECT_TRUE(res && res->status == 200) << status_of(res);

  // A refused write stores nothing.
  EXPECT_TRUE(is_unauthenticated(send(port, "POST", "/collection/items", {}, kPikachu.dump())));
  EXPECT_TRUE(is_unauthenticated(
      send(port, "POST", "/collection/items", x_api_key(kWrongKey), kPikachu.dump())));
  EXPECT_TRUE(is_unauthenticated(send(port, "POST", "/collection/undo", {}, "{}")));
  EXPECT_TRUE(is_unauthenticated(send(port, "PUT", "/sessions/binder-1", {}, "{}")));
  res = send(port, "GET", "/collection", bearer(kKeyA));
  ASSERT_TRUE(res && res->status == 200) << status_of(res);
  EXPECT_EQ(json::parse(res->body)["summary"]["entries"], 0);
  res = send(port, "POST", "/collection/items", bearer(kKeyA), kPikachu.dump());
  EXPECT_TRUE(res && res->status == 201) << status_of(res);

  for (const char* read : {"/stats", "/stats/history", "/metrics", "/collection",
                           "/collection/export", "/catalog/search?q=pikachu", "/", "/dashboard"}) {
    EXPECT_TRUE(is_unauthenticated(send(port, "GET", read))) << read;
    res = send(port, "GET", read, x_api_key(kKeyB));
    EXPECT_TRUE(res && res->status == 200) << read << ": " << status_of(res);
  }
  for (const char* probe : {"/health", "/ready"}) {
    res = send(port, "GET", probe);
    EXPECT_TRUE(res && res->status == 200) << probe << ": " << status_of(res);
  }
}

TEST_F(AccessServiceTest, OpenReadFreesReadsButNotWrites) {
  auto server = start({{"API_KEYS", kKeyA}, {"OPEN_READ", "true"}});
  const int port = server->port();
  for (const char* read : {"/stats", "/collection", "/catalog/cards/base1-4", "/"}) {
    httplib::Result res = send(port, "GET", read);
    EXPECT_TRUE(res && res->status == 200) << read << ": " << status_of(res);
  }
  EXPECT_TRUE(is_unauthenticated(recognize(port, {})));
  EXPECT_TRUE(is_unauthenticated(send(port, "POST", "/collection/items", {}, kPikachu.dump())));
  httplib::Result res = send(port, "POST", "/collection/items", bearer(kKeyA), kPikachu.dump());
  EXPECT_TRUE(res && res->status == 201) << status_of(res);
}

TEST_F(AccessServiceTest, KeysComeFromAFile) {
  const fs::path file = dir_ / "keys";
  std::ofstream(file) << "# the counter's phone\n\n" << kKeyB << "\n";
  auto server = start({{"API_KEYS_FILE", file.string()}});
  const int port = server->port();
  httplib::Result res = send(port, "GET", "/stats", bearer(kKeyB));
  EXPECT_TRUE(res && res->status == 200) << status_of(res);
  EXPECT_TRUE(is_unauthenticated(send(port, "GET", "/stats", bearer(kKeyA))));
  EXPECT_TRUE(is_unauthenticated(send(port, "GET", "/stats", bearer("# the counter's phone"))));
}

TEST_F(AccessServiceTest, KeysNeverReachTheLog) {
  auto server = start({{"API_KEYS", kKeyA + "," + kKeyB}, {"LOG_LEVEL", "trace"}});
  const int port = server->port();
  EXPECT_EQ(recognize(port, bearer(kKeyA))->status, 200);
  EXPECT_EQ(recognize(port, x_api_key(kKeyB))->status, 200);
  EXPECT_TRUE(is_unauthenticated(recognize(port, bearer(kWrongKey))));
  EXPECT_TRUE(is_unauthenticated(send(port, "GET", "/stats", x_api_key(kWrongKey))));
  EXPECT_EQ(send(port, "GET", "/health", bearer(kKeyA))->status, 200);
  EXPECT_EQ(send(port, "GET", "/no/such/route", bearer(kKeyA))->status, 404);
  server->send_signal(SIGTERM);
  EXPECT_EQ(server->wait_exit(seconds(30)), 0);

  const std::string log = server->log();
  EXPECT_NE(log.find("status=401"), std::string::npos) << log;  // the requests were logged
  EXPECT_NE(log.find("status=200"), std::string::npos) << log;
  for (const std::string& secret : {kKeyA, kKeyB, kWrongKey}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in:\n" << log;
    // Nor a telling part of one (a log that cut keys short would still leak them).
    EXPECT_EQ(log.find(secret.substr(7, 12)), std::string::npos) << secret << " in:\n" << log;
  }
}

TEST_F(AccessServiceTest, CorsAnswersListedOriginsOnly) {
  auto server = start({{"API_KEYS", kKeyA}, {"CORS_ORIGINS", kShop + ",http://10.0.0.5:8080"}});
  const int port = server->port();

  // A preflight carries no key and needs none.
  httplib::Result res = send(port, "OPTIONS", "/recognize",
                             {{"Origin", kShop},
                              {"Access-Control-Request-Method", "POST"},
                              {"Access-Control-Request-Headers", "authorization,x-session-id"}});
  ASSERT_TRUE(res) << "no answer";
  EXPECT_EQ(res->status, 204) << res->body;
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kShop);
  EXPECT_NE(res->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Headers"),
            "Authorization, X-API-Key, Content-Type, X-Session-Id, X-Scan-Mode, X-Request-Id");
  EXPECT_FALSE(res->get_header_value("Access-Control-Max-Age").empty());
  EXPECT_EQ(res->get_header_value("Vary"), "Origin");

  res = send(port, "OPTIONS", "/collection/items",
             {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_TRUE(is_json_error(res, 403, "permission_denied"));
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));

  // The actual request from a listed origin may be read by its page, a refusal too.
  res = recognize(port, {{"Origin", kShop}, {"X-API-Key", kKeyA}});
  ASSERT_TRUE(res && res->status == 200) << status_of(res);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kShop);
  res = send(port, "GET", "/stats", {{"Origin", kShop}});
  EXPECT_TRUE(is_unauthenticated(res));
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kShop);
  res = send(port, "GET", "/health", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(res && res->status == 200) << status_of(res);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
}

TEST_F(AccessServiceTest, WithoutCorsOriginsThereAreNoCorsHeaders) {
  auto server = start({});
  const int port = server->port();
  httplib::Result res = send(port, "OPTIONS", "/recognize",
                             {{"Origin", kShop}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_TRUE(is_json_error(res, 404, "not_found"));  // httplib's own answer, with our body
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Methods"));
  res = send(port, "GET", "/health", {{"Origin", kShop}});
  ASSERT_TRUE(res && res->status == 200) << status_of(res);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  res = recognize(port, {{"Origin", kShop}});  // and no keys: writes are open, as before
  ASSERT_TRUE(res && res->status == 200) << status_of(res);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
}

// `count` writes that are cheap and change nothing (nothing to undo); their statuses.
std::vector<int> undo_burst(int port, int count, const httplib::Headers& headers) {
  std::vector<int> statuses;
  for (int i = 0; i < count; ++i) {
    httplib::Result res = send(port, "POST", "/collection/undo", headers, "{}");
    statuses.push_back(res ? res->status : -1);
  }
  return statuses;
}

TEST_F(AccessServiceTest, ABurstOverTheRateIsRefusedWithRetryAfterAndServiceGoesOn) {
  auto server = start({{"API_KEYS", kKeyA + "," + kKeyB}, {"RATE_LIMIT_PER_MIN", "3"}});
  const int port = server->port();
  for (int status : undo_burst(port, 3, bearer(kKeyA))) EXPECT_NE(status, 429);
  httplib::Result fourth = send(port, "POST", "/collection/undo", bearer(kKeyA), "{}");
  ASSERT_TRUE(is_json_error(fourth, 429, "rate_limited"));
  const int retry_after = std::atoi(fourth->get_header_value("Retry-After").c_str());
  EXPECT_GE(retry_after, 1) << fourth->get_header_value("Retry-After");
  EXPECT_LE(retry_after, 20);  // 3 a minute: a token every 20 s
  EXPECT_TRUE(is_json_error(recognize(port, bearer(kKeyA)), 429, "rate_limited"));

  // Another key is another client; reads and probes are not limited.
  for (int status : undo_burst(port, 3, bearer(kKeyB))) EXPECT_NE(status, 429);
  httplib::Result res = send(port, "GET", "/health");
  EXPECT_TRUE(res && res->status == 200) << status_of(res);
  for (int i = 0; i < 5; ++i) {
    res = send(port, "GET", "/stats", bearer(kKeyA));
    EXPECT_TRUE(res && res->status == 200) << status_of(res);
  }
}

TEST_F(AccessServiceTest, BehindAProxyTheLastForwardedAddressIsTheClient) {
  auto server = start({{"RATE_LIMIT_PER_MIN", "3"}, {"TRUST_FORWARDED_FOR", "true"}});
  const int port = server->port();
  const httplib::Headers phone = {{"X-Forwarded-For", "10.1.1.1"}};
  for (int status : undo_burst(port, 3, phone)) EXPECT_NE(status, 429);
  EXPECT_TRUE(
      is_json_error(send(port, "POST", "/collection/undo", phone, "{}"), 429, "rate_limited"));
  // What the client claims ahead of nginx's entry changes nothing.
  EXPECT_TRUE(is_json_error(
      send(port, "POST", "/collection/undo", {{"X-Forwarded-For", "6.6.6.6, 10.1.1.1"}}, "{}"), 429,
      "rate_limited"));
  // Another phone behind the same proxy has its own budget.
  for (int status : undo_burst(port, 3, {{"X-Forwarded-For", "10.1.1.2"}})) EXPECT_NE(status, 429);
}

// cardmintd with `flags` must exit with 2 by itself, well before the deadline, saying `because`.
void expect_refuses_to_start(const std::vector<std::string>& flags, const std::string& because) {
  std::vector<std::string> argv = {CARDMINTD_PATH,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   "0",
                                   "--catalog-db",
                                   test_catalog_db().string()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  EXPECT_EQ(run_to_completion(argv, seconds(30)), std::optional<int>(2)) << because;
  // Again through the test harness, which keeps its stderr: the reason is there.
  try {
    CardmintdProcess server(flags, {}, /*with_model=*/false);
    ADD_FAILURE() << "cardmintd started with " << because;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(because), std::string::npos) << e.what();
  }
}

TEST_F(AccessServiceTest, AShortKeyOrAMissingKeysFileStopsTheStart) {
  expect_refuses_to_start({"--api-keys", kKeyA + ",short-key"},
                          "--api-keys/API_KEYS: key 2 is 9 characters; a key needs at least 16");
  expect_refuses_to_start({"--api-keys-file", (dir_ / "no-such-file").string()},
                          "--api-keys-file/API_KEYS_FILE: cannot read");
  const fs::path empty = dir_ / "empty";
  std::ofstream(empty) << "# no keys yet\n";
  expect_refuses_to_start({"--api-keys-file", empty.string()}, "holds no key");
}

}  // namespace
}  // namespace cardmint::testing
