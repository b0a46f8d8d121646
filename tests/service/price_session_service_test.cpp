// Prices and scan sessions through the real cardmintd, with the price API served on loopback from
// recorded-shape answers: an answer carries its price when the provider is quick, a slow provider
// never holds the card (its price follows in a `price` event, or from GET /prices), a failing one
// leaves the card whole, and a session's history, expectations and default condition show in
// /sessions and in the answers.

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "client/recognize_stream_client.h"
#include "price/fixture_price_server.h"
#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

using nlohmann::json;
using price::testing::FixturePriceServer;

// 0000.jpg is Professor Oak's Setup (sm12-201), which OCR reads surely; the price fixture has it.
constexpr const char* kPhoto = "0000.jpg";
constexpr const char* kCard = "sm12-201";

httplib::Client client_for(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(60));
  return client;
}

json post_photo(int port, const std::string& path, int expect_status = 200) {
  httplib::Client client = client_for(port);
  httplib::Result res = client.Post(path, devset_photo(kPhoto), "image/jpeg");
  EXPECT_TRUE(res) << httplib::to_string(res.error());
  if (!res) return nullptr;
  EXPECT_EQ(res->status, expect_status) << res->body;
  return json::parse(res->body, nullptr, false);
}

client::StreamReply post_streaming(int port, const std::string& path) {
  client::StreamRequest request;
  request.port = port;
  request.path = path;
  request.image = devset_photo(kPhoto);
  return client::post_recognize_stream(request);
}

std::map<std::string, std::string> price_env(const FixturePriceServer& prices, int budget_ms) {
  return {{"PRICE_PROVIDER", "tcgdex"},
          {"PRICE_API_URL", prices.url()},
          {"PRICE_TIMEOUT_MS", "8000"},
          {"PRICE_BUDGET_MS", std::to_string(budget_ms)}};
}

class PriceServiceTest : public ::testing::Test {
 protected:
  void start(int budget_ms, const std::map<std::string, std::string>& more_env = {}) {
    std::map<std::string, std::string> env = price_env(prices_, budget_ms);
    for (const auto& [name, value] : more_env) env[name] = value;
    server_ = std::make_unique<CardmintdProcess>(std::vector<std::string>{}, env,
                                                 /*with_model=*/false);
    ASSERT_TRUE(server_->wait_ready(std::chrono::seconds(60))) << server_->log();
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "cardmintd log:\n" << server_->log();
  }
  int port() const { return server_->port(); }

  FixturePriceServer prices_;
  std::unique_ptr<CardmintdProcess> server_;
};

TEST_F(PriceServiceTest, AnAnswerCarriesThePriceOfItsPrinting) {
  start(/*budget_ms=*/5000);
  const json answer = post_photo(port(), "/recognize");
  ASSERT_TRUE(answer["card"].is_object()) << answer.dump();
  ASSERT_EQ(answer["card"]["id"], kCard);
  ASSERT_EQ(answer["card"]["finish"], "normal");
  EXPECT_EQ(answer["price_status"], "ok") << answer.dump();
  ASSERT_TRUE(answer["price"].is_object()) << answer.dump();
  // TCGplayer's market figure for the normal printing, not the reverse holo's 0.81.
  EXPECT_DOUBLE_EQ(answer["price"]["value"].get<double>(), 0.17);
  EXPECT_EQ(answer["price"]["exact"], true);
  EXPECT_EQ(answer["price"]["quote"]["source"], "tcgplayer");
  EXPECT_EQ(prices_.hits(), 1);

  // The price is cached: a second scan asks the provider nothing.
  const json again = post_photo(port(), "/recognize");
  EXPECT_EQ(again["price_status"], "ok");
  EXPECT_EQ(prices_.hits(), 1);
}

TEST_F(PriceServiceTest, ASlowProviderNeverHoldsTheCardItsPriceComesInALaterEvent) {
  prices_.set_delay(std::chrono::milliseconds(3000));
  start(/*budget_ms=*/100);
  const client::StreamReply reply = post_streaming(port(), "/recognize?stream=1");
  ASSERT_EQ(reply.status, 200) << reply.body;
  std::vector<std::string> names;
  for (const client::ReceivedEvent& e : reply.events) names.push_back(e.name);
  ASSERT_EQ(names,
            (std::vector<std::string>{"detected", "quick", "identified", "complete", "price"}))
      << reply.body;
  const json& complete = reply.events[3].data;
  ASSERT_EQ(complete["card"]["id"], kCard);
  EXPECT_EQ(complete["price_status"], "pending");
  EXPECT_TRUE(complete["price"].is_null());
  const json& late = reply.events[4].data;
  EXPECT_EQ(late["card_id"], kCard);
  EXPECT_EQ(late["finish"], "normal");
  EXPECT_EQ(late["price_status"], "ok") << late.dump();
  EXPECT_DOUBLE_EQ(late["price"]["value"].get<double>(), 0.17);
  // The card did not wait for the provider's 3 s: it came well before its price.
  EXPECT_LT(reply.events[3].at_ms + 1500, reply.events[4].at_ms)
      << "complete at " << reply.events[3].at_ms << " ms, price at " << reply.events[4].at_ms;
}

// MAX_STREAMS: a stream waiting for its late price holds its place; one more stream is a 503
// with Retry-After, plain answers still come, and the place is free again once the stream ends.
TEST_F(PriceServiceTest, StreamsBeyondMaxStreamsAreBusyUntilOneEnds) {
  prices_.set_delay(std::chrono::milliseconds(4000));
  start(/*budget_ms=*/50, {{"MAX_STREAMS", "1"}});
  client::StreamReply first;
  std::thread listener([&] { first = post_streaming(port(), "/recognize?stream=1"); });
  // The first stream has its card in well under a second, then waits 4 s for the price.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  httplib::Client client = client_for(port());
  httplib::Result refused = client.Post("/recognize?stream=1", devset_photo(kPhoto), "image/jpeg");
  EXPECT_TRUE(is_json_error(refused, 503, "busy"));
  if (refused) {
    EXPECT_FALSE(refused->get_header_value("Retry-After").empty());
  }
  EXPECT_EQ(post_photo(port(), "/recognize")["card"]["id"], kCard);  // not a stream: answered
  listener.join();
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_FALSE(first.events.empty());
  EXPECT_EQ(first.events.back().name, "price");
  const client::StreamReply again = post_streaming(port(), "/recognize?stream=1");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(still_serving(port()));
}

// STREAM_TIMEOUT_MS: a stream waiting on a slow price closes when its time is up (here 6 s, room
// for a recognition on a busy machine; the provider needs 20 s and the price request gives up at
// 15 s): its price event is still pending and says where the price will be, and the place it held
// among MAX_STREAMS is free again.
TEST_F(PriceServiceTest, AStreamClosesAtStreamTimeoutWithoutWaitingForItsPrice) {
  prices_.set_delay(std::chrono::milliseconds(20'000));
  start(/*budget_ms=*/50,
        {{"STREAM_TIMEOUT_MS", "6000"}, {"MAX_STREAMS", "1"}, {"PRICE_TIMEOUT_MS", "15000"}});
  const client::StreamReply reply = post_streaming(port(), "/recognize?stream=1");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_GE(reply.events.size(), 2u) << reply.body;
  const client::ReceivedEvent& complete = reply.events[reply.events.size() - 2];
  ASSERT_EQ(complete.name, "complete") << reply.body;
  EXPECT_EQ(complete.data["card"]["id"], kCard);
  const client::ReceivedEvent& late = reply.events.back();
  ASSERT_EQ(late.name, "price") << reply.body;
  EXPECT_EQ(late.data["price_status"], "pending") << late.data.dump();
  EXPECT_NE(late.data.value("price_error", "").find("STREAM_TIMEOUT_MS"), std::string::npos)
      << late.data.dump();
  // Closed by its own limit, not by the price request's 15 s timeout.
  EXPECT_LT(late.at_ms, 15'000) << "the stream's last event came at " << late.at_ms << " ms";
  const client::StreamReply next = post_streaming(port(), "/recognize?stream=1");
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_TRUE(still_serving(port()));
}

TEST_F(PriceServiceTest, WithoutStreamingAPendingPriceIsThereToAskForLater) {
  prices_.set_delay(std::chrono::milliseconds(2000));
  start(/*budget_ms=*/50);
  const json answer = post_photo(port(), "/recognize");
  ASSERT_EQ(answer["card"]["id"], kCard) << answer.dump();
  EXPECT_EQ(answer["price_status"], "pending");

  httplib::Client client = client_for(port());
  httplib::Result later = client.Get("/prices/sm12-201?finish=normal&wait_ms=8000");
  ASSERT_TRUE(later);
  ASSERT_EQ(later->status, 200) << later->body;
  const json price = json::parse(later->body);
  EXPECT_EQ(price["price_status"], "ok");
  EXPECT_DOUBLE_EQ(price["price"]["value"].get<double>(), 0.17);
  // One fetch served both: the scan's quote and the later ask joined it.
  EXPECT_EQ(prices_.hits(), 1);

  EXPECT_TRUE(is_json_error(client.Get("/prices/sm12-201?finish=shiny"), 400, "invalid_input"));
  EXPECT_TRUE(
      is_json_error(client.Get("/prices/sm12-201?finish=normal&wait_ms=x"), 400, "invalid_input"));
}

TEST_F(PriceServiceTest, AFailingProviderLeavesTheCardWhole) {
  prices_.set_forced_status(500);
  start(/*budget_ms=*/5000);
  const json answer = post_photo(port(), "/recognize");
  ASSERT_EQ(answer["card"]["id"], kCard) << answer.dump();
  EXPECT_EQ(answer["price_status"], "unavailable");
  EXPECT_TRUE(answer["price"].is_null());
  EXPECT_FALSE(answer["price_error"].get<std::string>().empty());
  EXPECT_TRUE(still_serving(port()));
}

// A prefetch hit: after a session scans sm12-201, the price of sm12-202 (the card it expects next)
// is fetched ahead, so asking for it then is answered from the cache, with no fetch and no wait.
TEST_F(PriceServiceTest, TheNextCardsPriceIsReadyBeforeItIsScanned) {
  prices_.set_delay(std::chrono::milliseconds(300));
  start(/*budget_ms=*/50);
  const json first = post_photo(port(), "/recognize?session=box-3");
  ASSERT_EQ(first["card"]["id"], kCard) << first.dump();
  // Wait until the API has been quiet for a second: sm12-201's quote and every prefetch are done.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int seen = -1;
  auto quiet_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    if (prices_.hits() != seen) {
      seen = prices_.hits();
      quiet_since = std::chrono::steady_clock::now();
    } else if (seen >= 2 &&
               std::chrono::steady_clock::now() - quiet_since > std::chrono::seconds(1)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(seen, 2) << "no prefetch reached the price API";

  httplib::Client client = client_for(port());
  httplib::Result next = client.Get("/prices/sm12-202?finish=normal&wait_ms=0");
  ASSERT_TRUE(next);
  const json price = json::parse(next->body);
  EXPECT_EQ(price["price_status"], "ok") << price.dump();
  EXPECT_DOUBLE_EQ(price["price"]["value"].get<double>(), 0.29);
  EXPECT_EQ(prices_.hits(), seen) << "the price was fetched when asked, not ahead";
  // A card the session did not expect is a fetch of its own: with no wait, still pending.
  httplib::Result cold = client.Get("/prices/base1-4?finish=holo&wait_ms=0");
  ASSERT_TRUE(cold);
  EXPECT_EQ(json::parse(cold->body)["price_status"], "pending");
}

TEST(PriceServiceOffTest, WithoutAProviderPricesAreOffAndSaySo) {
  CardmintdProcess server({}, {}, /*with_model=*/false);
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  const json answer = post_photo(server.port(), "/recognize");
  EXPECT_EQ(answer["price_status"], "off");
  httplib::Client client = client_for(server.port());
  EXPECT_TRUE(is_json_error(client.Get("/prices/sm12-201?finish=normal"), 503, "unavailable"));
}

// Sessions: the answers join the session, its expected next cards are priced ahead, and the
// operator's default condition is every later card's.
TEST_F(PriceServiceTest, ASessionRemembersItsCardsPricesTheNextAndTakesADefaultCondition) {
  start(/*budget_ms=*/5000);
  const json first = post_photo(port(), "/recognize?session=binder-1");
  ASSERT_EQ(first["card"]["id"], kCard) << first.dump();

  httplib::Client client = client_for(port());
  httplib::Result session = client.Get("/sessions/binder-1");
  ASSERT_TRUE(session);
  ASSERT_EQ(session->status, 200) << session->body;
  json body = json::parse(session->body);
  ASSERT_EQ(body["cards"].size(), 1u) << body.dump();
  EXPECT_EQ(body["cards"][0]["card_id"], kCard);
  std::vector<std::string> expected;
  for (const json& next : body["expected_next"]) expected.push_back(next["card_id"]);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(expected[0], "sm12-202") << body.dump();
  EXPECT_TRUE(body["default_condition"].is_null());

  // The expected cards' prices were asked for ahead (the fixture has none: each is one 404).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (prices_.hits() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(prices_.hits(), 2) << "no prefetch reached the price API";

  httplib::Result set =
      client.Put("/sessions/binder-1", R"({"default_condition": "near mint"})", "application/json");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(json::parse(set->body)["default_condition"], "near mint");

  const json second = post_photo(port(), "/recognize?session=binder-1");
  EXPECT_EQ(second["card"]["condition"], "near mint") << second.dump();
  EXPECT_EQ(second["card"]["condition_source"], "session default");
  // X-Session-Id names the session too; a scan outside it takes no default.
  httplib::Result third =
      client.Post("/recognize", {{"X-Session-Id", "binder-1"}}, devset_photo(kPhoto), "image/jpeg");
  ASSERT_TRUE(third);
  EXPECT_EQ(json::parse(third->body)["card"]["condition_source"], "session default");
  const json outside = post_photo(port(), "/recognize");
  EXPECT_NE(outside["card"]["condition_source"], "session default");
  body = json::parse(client.Get("/sessions/binder-1")->body);
  EXPECT_EQ(body["cards"].size(), 3u);

  // Refusals, each a clear JSON error, and the service goes on.
  EXPECT_TRUE(is_json_error(client.Get("/sessions/never-started"), 404, "not_found"));
  EXPECT_TRUE(is_json_error(
      client.Put("/sessions/binder-1", R"({"default_condition": "pristine"})", "application/json"),
      400, "invalid_input"));
  EXPECT_TRUE(is_json_error(client.Put("/sessions/binder-1", "{", "application/json"), 400,
                            "invalid_input"));
  EXPECT_TRUE(is_json_error(client.Put("/sessions/binder-1", "near mint", "text/plain"), 415,
                            "unsupported_media"));
  const std::string too_long(200, 'x');
  httplib::Result bad_id =
      client.Post("/recognize?session=" + too_long, devset_photo(kPhoto), "image/jpeg");
  EXPECT_TRUE(is_json_error(bad_id, 400, "invalid_input"));
  EXPECT_TRUE(still_serving(port()));
}

}  // namespace
}  // namespace cardmint::testing
