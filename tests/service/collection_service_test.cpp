// The scan page's API on a real cardmintd (OCR and the catalog, no model): the catalog search of
// the correction box, the collection (add, merge, undo, correct, export, import), its survival of
// kill -9, the dashboard's history, and the page files served from WEB_ROOT and nowhere else.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kTcgplayerHeader =
    "Quantity,Name,Simple Name,Set,Card Number,Set Code,Printing,Condition,Language,Rarity,"
    "Product ID,SKU";

httplib::Result send_json(int port, const std::string& method, const std::string& path,
                          const json& body) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(seconds(30));
  const std::string text = body.dump();
  if (method == "POST") return client.Post(path, text, "application/json");
  if (method == "PATCH") return client.Patch(path, text, "application/json");
  return client.Delete(path, text, "application/json");
}

json body_of(const httplib::Result& res) {
  if (!res) return nullptr;
  return json::parse(res->body, nullptr, /*allow_exceptions=*/false);
}

class CollectionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cardmint-collection-service-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<CardmintdProcess> start(std::map<std::string, std::string> env = {}) {
    env.emplace("COLLECTION_DB", (dir_ / "collection.sqlite").string());
    auto server = std::make_unique<CardmintdProcess>(std::vector<std::string>{}, env,
                                                     /*with_model=*/false);
    EXPECT_TRUE(server->wait_ready(seconds(60))) << server->log();
    return server;
  }

  fs::path dir_;
};

TEST_F(CollectionServiceTest, CatalogSearchFindsWhatTheOperatorTypes) {
  auto server = start();
  httplib::Result res = get(server->port(), "/catalog/search?q=pikachu%2058%2F102&limit=5");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  const json found = body_of(res);
  ASSERT_FALSE(found["cards"].empty());
  const json& first = found["cards"][0];
  EXPECT_EQ(first["card_id"], "base1-58");
  EXPECT_EQ(first["name"], "Pikachu");
  EXPECT_EQ(first["set_name"], "Base Set");
  EXPECT_EQ(first["number"], "58");
  EXPECT_EQ(first["printed_total"], 102);
  EXPECT_FALSE(first["printings"].empty());

  res = get(server->port(), "/catalog/search?q=charizrd&limit=3");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(body_of(res)["cards"][0]["name"], "Charizard");

  res = get(server->port(), "/catalog/cards/base1-4");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(body_of(res)["name"], "Charizard");

  EXPECT_TRUE(is_json_error(get(server->port(), "/catalog/cards/base1-999"), 404, "not_found"));
  EXPECT_TRUE(is_json_error(get(server->port(), "/catalog/search"), 400, "invalid_input"));
  EXPECT_TRUE(
      is_json_error(get(server->port(), "/catalog/search?q=pika&limit=0"), 400, "invalid_input"));
  EXPECT_TRUE(still_serving(server->port()));
}

TEST_F(CollectionServiceTest, ConfirmedCardsMergeUndoCorrectAndExport) {
  auto server = start();
  const int port = server->port();
  const json pikachu = {{"card_id", "base1-58"},
                        {"finish", "normal"},
                        {"condition", "near mint"},
                        {"price", 1.25},
                        {"session_id", "binder-1"}};
  httplib::Result res = send_json(port, "POST", "/collection/items", pikachu);
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
  json added = body_of(res);
  EXPECT_FALSE(added["merged"]);
  EXPECT_EQ(added["quantity_before"], 0);
  EXPECT_EQ(added["entry"]["quantity"], 1);
  EXPECT_EQ(added["entry"]["name"], "Pikachu");
  EXPECT_EQ(added["summary"]["cards"], 1);
  EXPECT_EQ(added["session_summary"]["cards"], 1);

  // The same printing and condition again: the quantity goes up, and the answer says so.
  res = send_json(port, "POST", "/collection/items", pikachu);
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  added = body_of(res);
  EXPECT_TRUE(added["merged"]);
  EXPECT_EQ(added["quantity_before"], 1);
  EXPECT_EQ(added["entry"]["quantity"], 2);
  const std::int64_t entry_id = added["entry"]["id"];

  // Another condition is another entry.
  json played = pikachu;
  played["condition"] = "lightly played";
  res = send_json(port, "POST", "/collection/items", played);
  ASSERT_TRUE(res && res->status == 201);
  EXPECT_EQ(body_of(res)["summary"]["entries"], 2);
  EXPECT_EQ(body_of(res)["summary"]["cards"], 3);

  // Undo takes back the newest add of the session, then the one before.
  res = send_json(port, "POST", "/collection/undo", {{"session_id", "binder-1"}});
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  EXPECT_EQ(body_of(res)["undone"]["entry"]["condition"], "lightly played");
  EXPECT_EQ(body_of(res)["summary"]["cards"], 2);
  res = get(port, "/collection/sessions/binder-1/events");
  ASSERT_TRUE(res && res->status == 200);
  ASSERT_EQ(body_of(res)["events"].size(), 2u);
  EXPECT_EQ(body_of(res)["summary"]["cards"], 2);

  // A correction: the quantity set by hand.
  res =
      send_json(port, "PATCH", "/collection/items/" + std::to_string(entry_id), {{"quantity", 4}});
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  EXPECT_EQ(body_of(res)["entry"]["quantity"], 4);

  // Export: TCGplayer's import columns, the row as TCGplayer reads it.
  res = get(port, "/collection/export?format=tcgplayer");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_NE(res->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  std::istringstream lines(res->body);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_EQ(header, kTcgplayerHeader);
  EXPECT_TRUE(row.starts_with("4,Pikachu,Pikachu,Base Set,58/102,")) << row;
  EXPECT_NE(row.find("Near Mint"), std::string::npos) << row;
  for (const char* format : {"dragonshield", "csv", "json"}) {
    res = get(port, std::string("/collection/export?format=") + format);
    ASSERT_TRUE(res && res->status == 200) << format;
    EXPECT_NE(res->body.find("Pikachu"), std::string::npos) << format;
  }

  // And back: the plain CSV into a second collection through the import route.
  res = get(port, "/collection/export?format=csv");
  ASSERT_TRUE(res && res->status == 200);
  const std::string exported = res->body;
  res = send_json(port, "DELETE", "/collection/items/" + std::to_string(entry_id), json::object());
  ASSERT_TRUE(res && res->status == 200);
  res = get(port, "/collection");
  EXPECT_EQ(body_of(res)["summary"]["cards"], 0);
  httplib::Client client("127.0.0.1", port);
  res = client.Post("/collection/import?session=restore", exported, "text/csv");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  EXPECT_EQ(body_of(res)["added"], 1);
  EXPECT_TRUE(body_of(res)["skipped"].empty());
  res = get(port, "/collection");
  EXPECT_EQ(body_of(res)["summary"]["cards"], 4);
  EXPECT_TRUE(still_serving(port));
}

TEST_F(CollectionServiceTest, BadRequestsAreClearErrorsAndStoreNothing) {
  auto server = start();
  const int port = server->port();
  // A card the catalog does not know is never stored.
  EXPECT_TRUE(is_json_error(
      send_json(port, "POST", "/collection/items", {{"card_id", "base1-999"}}), 404, "not_found"));
  // A printing the card never had.
  EXPECT_TRUE(is_json_error(send_json(port, "POST", "/collection/items",
                                      {{"card_id", "base1-58"}, {"finish", "reverse holo"}}),
                            400, "invalid_input"));
  EXPECT_TRUE(is_json_error(send_json(port, "POST", "/collection/items",
                                      {{"card_id", "base1-58"}, {"condition", "shiny"}}),
                            400, "invalid_input"));
  EXPECT_TRUE(is_json_error(
      send_json(port, "POST", "/collection/items", {{"card_id", "base1-58"}, {"quantity", "two"}}),
      400, "invalid_input"));
  httplib::Client client("127.0.0.1", port);
  EXPECT_TRUE(is_json_error(client.Post("/collection/items", "{not json", "application/json"), 400,
                            "invalid_input"));
  EXPECT_TRUE(is_json_error(client.Post("/collection/items", "card_id=base1-58", "text/plain"), 415,
                            "unsupported_media"));
  EXPECT_TRUE(is_json_error(client.Post("/collection/import", "a,b\n1,2\n", "text/csv"), 400,
                            "invalid_input"));
  EXPECT_TRUE(is_json_error(get(port, "/collection/export?format=xlsx"), 400, "invalid_input"));
  EXPECT_TRUE(is_json_error(send_json(port, "POST", "/collection/undo", {{"session_id", "none"}}),
                            404, "not_found"));
  EXPECT_TRUE(is_json_error(send_json(port, "PATCH", "/collection/items/99", {{"quantity", 2}}),
                            404, "not_found"));
  EXPECT_TRUE(is_json_error(send_json(port, "PATCH", "/collection/items/x", {{"quantity", 2}}), 400,
                            "invalid_input"));
  httplib::Result res = get(port, "/collection");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(body_of(res)["summary"]["entries"], 0);
  EXPECT_TRUE(still_serving(port));
}

// Every card the service said it stored is there after kill -9 and a restart: the write-ahead
// log with synchronous=FULL, not a clean shutdown, keeps them.
TEST_F(CollectionServiceTest, ConfirmedCardsSurviveKill9) {
  std::vector<std::string> stored;
  {
    auto server = start();
    for (const char* card : {"base1-58", "base1-4", "sv01-001", "ex13-59"}) {
      httplib::Result res = send_json(server->port(), "POST", "/collection/items",
                                      {{"card_id", card}, {"session_id", "box-7"}});
      ASSERT_TRUE(res && res->status == 201) << card << ": " << (res ? res->body : "no answer");
      stored.push_back(card);
    }
    server->send_signal(SIGKILL);
    EXPECT_FALSE(server->wait_exit(seconds(10)).has_value());  // died by the signal
  }
  ASSERT_TRUE(fs::exists(dir_ / "collection.sqlite-wal"))
      << "the collection is not in write-ahead-log mode";
  auto restarted = start();
  httplib::Result res = get(restarted->port(), "/collection?session=box-7");
  ASSERT_TRUE(res && res->status == 200);
  const json listed = body_of(res);
  EXPECT_EQ(listed["summary"]["cards"], static_cast<int>(stored.size()));
  std::vector<std::string> found;
  for (const json& e : listed["entries"]) found.push_back(e["card_id"]);
  for (const std::string& card : stored) {
    EXPECT_NE(std::find(found.begin(), found.end(), card), found.end()) << card << " was lost";
  }
  // The session's undo history came back too.
  res = send_json(restarted->port(), "POST", "/collection/undo", {{"session_id", "box-7"}});
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(body_of(res)["undone"]["entry"]["card_id"], "ex13-59");
}

TEST_F(CollectionServiceTest, TheDashboardsHistoryHoldsPointsWithTheAnsweringSource) {
  auto server = start({{"STATS_HISTORY_INTERVAL_MS", "200"}});
  const int port = server->port();
  httplib::Result res = post_raw(port, devset_photo("0006.jpg"), "image/jpeg");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  const std::string source = body_of(res)["source"];
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  res = get(port, "/stats/history");
  ASSERT_TRUE(res && res->status == 200);
  const json history = body_of(res);
  EXPECT_DOUBLE_EQ(history["interval_s"], 0.2);
  ASSERT_GE(history["points"].size(), 3u);
  const json& last = history["points"].back();
  EXPECT_GT(last["t"].get<std::int64_t>(), history["points"].front()["t"].get<std::int64_t>());
  ASSERT_TRUE(last["latency_ms"]["by_source"].contains(source)) << last.dump();
  EXPECT_GT(last["latency_ms"]["by_source"][source]["p50"].get<double>(), 0);
  EXPECT_GT(last["cards_per_hour"].get<double>(), 0);
  EXPECT_TRUE(last.contains("queue_depth"));
  EXPECT_TRUE(last["alerts_firing"].is_array());
}

TEST_F(CollectionServiceTest, ThePageAndItsFilesComeFromWebRootAndNothingElseDoes) {
  const fs::path web = dir_ / "web";
  fs::create_directories(web / "static");
  {
    std::ofstream(web / "index.html") << "<!doctype html><title>scan page</title>";
    std::ofstream(web / "dashboard.html") << "<!doctype html><title>dashboard</title>";
    std::ofstream(web / "static" / "app.js") << "console.log('scan');";
    std::ofstream(dir_ / "secret.txt") << "not for the web";
  }
  auto server = start({{"WEB_ROOT", web.string()}});
  const int port = server->port();
  httplib::Result res = get(port, "/");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_NE(res->body.find("scan page"), std::string::npos);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/html"), std::string::npos);
  res = get(port, "/dashboard");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_NE(res->body.find("dashboard"), std::string::npos);
  res = get(port, "/static/app.js");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("javascript"), std::string::npos);
  // Climbing out of the root, plainly or percent-encoded, never reads the file beside it.
  for (const char* path : {"/static/../secret.txt", "/static/%2e%2e/secret.txt",
                           "/static/..%2fsecret.txt", "/static/%2e%2e%2f%2e%2e%2fsecret.txt",
                           "/static//../../secret.txt", "/static/missing.js"}) {
    res = get(port, path);
    ASSERT_TRUE(res) << path;
    EXPECT_GE(res->status, 400) << path;
    EXPECT_EQ(res->body.find("not for the web"), std::string::npos) << path;
  }
  EXPECT_TRUE(still_serving(port));
}

TEST_F(CollectionServiceTest, AWebRootWithoutThePageStopsTheServiceAtStart) {
  const std::vector<std::string> argv = {CARDMINTD_PATH,
                                         "--port",
                                         "0",
                                         "--web-root",
                                         (dir_ / "nowhere").string(),
                                         "--collection-db",
                                         (dir_ / "c.sqlite").string()};
  // It exits by itself, at once, with a failure: not a service that would 404 its page forever.
  const std::optional<int> code = run_to_completion(argv, seconds(30));
  ASSERT_TRUE(code.has_value()) << "cardmintd kept running without its page";
  EXPECT_NE(*code, 0);
}

}  // namespace
}  // namespace cardmint::testing
