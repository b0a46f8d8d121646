// The price APIs over real HTTP: the fixture server on 127.0.0.1 answers in their recorded shapes.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "base/elapsed.h"
#include "price/fixture_price_server.h"
#include "price/pokemontcg_price_provider.h"
#include "price/price_api_client.h"
#include "price/price_choice.h"
#include "price/tcgdex_price_provider.h"

namespace cardmint::price {
namespace {

using std::chrono::milliseconds;
using testing::FixturePriceServer;

PriceApiOptions api_at(const std::string& url) {
  PriceApiOptions options;
  options.base_url = url;
  options.connect_timeout = milliseconds(1000);
  options.request_timeout = milliseconds(5000);
  return options;
}

std::unique_ptr<PokemonTcgPriceProvider> pokemontcg(const PriceApiOptions& options) {
  Result<std::unique_ptr<PokemonTcgPriceProvider>> p = PokemonTcgPriceProvider::open(options);
  EXPECT_TRUE(p.ok()) << p.status().to_string();
  return p.ok() ? std::move(*p) : nullptr;
}

std::unique_ptr<TcgdexPriceProvider> tcgdex(const PriceApiOptions& options) {
  Result<std::unique_ptr<TcgdexPriceProvider>> p = TcgdexPriceProvider::open(options);
  EXPECT_TRUE(p.ok()) << p.status().to_string();
  return p.ok() ? std::move(*p) : nullptr;
}

const PriceQuote* find_quote(const CardPrices& prices, std::string_view source,
                             std::string_view key) {
  for (const PriceQuote& q : prices.quotes) {
    if (q.source == source && q.printing_key == key) return &q;
  }
  return nullptr;
}

TEST(PokemonTcgPriceProviderTest, ReadsTheRecordedShape) {
  FixturePriceServer server;
  auto provider = pokemontcg(api_at(server.url()));
  ASSERT_NE(provider, nullptr);
  const WallClock::time_point before = WallClock::now();
  Result<CardPrices> prices = provider->fetch("base1-4");
  ASSERT_TRUE(prices.ok()) << prices.status().to_string();
  EXPECT_EQ(prices->card_id, "base1-4");
  EXPECT_GE(prices->fetched_at, before);

  const PriceQuote* first = find_quote(*prices, "tcgplayer", "1stEditionHolofoil");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->currency, "USD");
  EXPECT_EQ(first->low, 9100.0);
  EXPECT_EQ(first->mid, 14800.5);
  EXPECT_EQ(first->high, 42000.0);
  EXPECT_EQ(first->market, 16250.25);
  EXPECT_EQ(first->updated, "2026/11/28");
  EXPECT_EQ(first->fetched_at, prices->fetched_at);
  ASSERT_NE(find_quote(*prices, "tcgplayer", "unlimitedHolofoil"), nullptr);

  const PriceQuote* cardmarket = find_quote(*prices, "cardmarket", kCardmarketStandardKey);
  ASSERT_NE(cardmarket, nullptr);
  EXPECT_EQ(cardmarket->currency, "EUR");
  EXPECT_EQ(cardmarket->low, 189.0);
  EXPECT_EQ(cardmarket->mid, 402.17);
  EXPECT_EQ(cardmarket->market, 415.33);
  // Its reverseHolo* fields are 0.0 (never printed in reverse): no quote, not a free card.
  EXPECT_EQ(find_quote(*prices, "cardmarket", kCardmarketReverseHoloKey), nullptr);
  EXPECT_EQ(prices->quotes.size(), 3u);
  EXPECT_EQ(server.hits(), 1);
}

TEST(PokemonTcgPriceProviderTest, SendsTheApiKeyOnlyWhenSet) {
  FixturePriceServer server;
  PriceApiOptions options = api_at(server.url());
  ASSERT_TRUE(pokemontcg(options)->fetch("swsh9-1").ok());
  EXPECT_EQ(server.last_api_key(), "");
  options.api_key = "test-key-123";
  ASSERT_TRUE(pokemontcg(options)->fetch("swsh9-1").ok());
  EXPECT_EQ(server.last_api_key(), "test-key-123");
}

TEST(TcgdexPriceProviderTest, ReadsTheRecordedShape) {
  FixturePriceServer server;
  auto provider = tcgdex(api_at(server.url()));
  ASSERT_NE(provider, nullptr);
  Result<CardPrices> prices = provider->fetch("swsh9-001");
  ASSERT_TRUE(prices.ok()) << prices.status().to_string();

  const PriceQuote* reverse = find_quote(*prices, "tcgplayer", "reverse-holofoil");
  ASSERT_NE(reverse, nullptr);
  EXPECT_EQ(reverse->currency, "USD");
  EXPECT_EQ(reverse->low, 0.15);
  EXPECT_EQ(reverse->mid, 0.42);
  EXPECT_EQ(reverse->high, 4.99);
  EXPECT_EQ(reverse->market, 0.37);
  EXPECT_EQ(reverse->updated, "2026-11-28T20:07:54.000Z");
  ASSERT_NE(find_quote(*prices, "tcgplayer", "normal"), nullptr);

  const PriceQuote* standard = find_quote(*prices, "cardmarket", kCardmarketStandardKey);
  ASSERT_NE(standard, nullptr);
  EXPECT_EQ(standard->currency, "EUR");
  EXPECT_EQ(standard->market, 0.07);
  const PriceQuote* reverse_cm = find_quote(*prices, "cardmarket", kCardmarketReverseHoloKey);
  ASSERT_NE(reverse_cm, nullptr);
  EXPECT_EQ(reverse_cm->low, 0.05);
  EXPECT_EQ(reverse_cm->mid, 0.29);
  EXPECT_EQ(reverse_cm->market, 0.31);
  EXPECT_EQ(prices->quotes.size(), 4u);
}

TEST(TcgdexPriceProviderTest, ACardWithoutPricingHasNoQuotes) {
  FixturePriceServer server;
  Result<CardPrices> prices = tcgdex(api_at(server.url()))->fetch("svp-999");
  ASSERT_TRUE(prices.ok()) << prices.status().to_string();
  EXPECT_TRUE(prices->quotes.empty());
}

TEST(PriceProviderTest, UnknownCardIsNotFound) {
  FixturePriceServer server;
  std::vector<std::unique_ptr<PriceProvider>> providers;
  providers.push_back(pokemontcg(api_at(server.url())));
  providers.push_back(tcgdex(api_at(server.url())));
  for (const std::unique_ptr<PriceProvider>& provider : providers) {
    Result<CardPrices> prices = provider->fetch("nosuchset-1");
    ASSERT_FALSE(prices.ok()) << provider->name();
    EXPECT_EQ(prices.status().code(), StatusCode::kNotFound) << prices.status().to_string();
    EXPECT_NE(prices.status().message().find("nosuchset-1"), std::string::npos);
  }
  EXPECT_EQ(server.hits(), 2);
}

TEST(PriceProviderTest, ServerErrorIsUnavailable) {
  FixturePriceServer server;
  server.set_forced_status(503);
  Result<CardPrices> prices = tcgdex(api_at(server.url()))->fetch("swsh9-001");
  ASSERT_FALSE(prices.ok());
  EXPECT_EQ(prices.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(prices.status().message().find("503"), std::string::npos);
}

TEST(PriceProviderTest, ServerDownFailsWithinTheConnectTimeout) {
  std::string url;
  {
    FixturePriceServer gone;
    url = gone.url();
  }  // nothing listens on its port now
  PriceApiOptions options = api_at(url);
  options.connect_timeout = milliseconds(1000);
  options.request_timeout = milliseconds(30000);
  const SteadyClock::time_point start = SteadyClock::now();
  Result<CardPrices> prices = pokemontcg(options)->fetch("base1-4");
  ASSERT_FALSE(prices.ok());
  EXPECT_EQ(prices.status().code(), StatusCode::kUnavailable) << prices.status().to_string();
  // A refused connection does not wait for the read timeout (30 s); the bound is the contract,
  // with slack for a loaded machine, not a speed check.
  EXPECT_LT(ms_since(start), 10000);
}

TEST(PriceProviderTest, SlowServerFailsAtTheRequestTimeout) {
  FixturePriceServer server;
  server.set_delay(milliseconds(60000));
  PriceApiOptions options = api_at(server.url());
  options.request_timeout = milliseconds(300);
  const SteadyClock::time_point start = SteadyClock::now();
  Result<CardPrices> prices = tcgdex(options)->fetch("swsh9-001");
  ASSERT_FALSE(prices.ok());
  EXPECT_EQ(prices.status().code(), StatusCode::kUnavailable) << prices.status().to_string();
  EXPECT_LT(ms_since(start), 30000);  // far below the server's 60 s: the timeout ended it
}

TEST(PriceProviderTest, BaseUrlMayHaveAPathPrefix) {
  FixturePriceServer server;
  Result<CardPrices> prices = tcgdex(api_at(server.url() + "/api/"))->fetch("base1-4");
  ASSERT_TRUE(prices.ok()) << prices.status().to_string();
  EXPECT_FALSE(prices->quotes.empty());
}

TEST(PriceApiClientTest, RefusesBadBaseUrls) {
  for (const char* url : {"ftp://example.test", "api.tcgdex.net", "http://", "http://h/p?q=1",
                          "http://user:pw@host"}) {
    Result<PriceApiClient> client = PriceApiClient::open("test", "", api_at(url));
    ASSERT_FALSE(client.ok()) << url;
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidInput) << url;
  }
#ifndef CPPHTTPLIB_SSL_ENABLED
  // The public URLs are https: without TLS compiled in, that is said up front, not at fetch time.
  Result<std::unique_ptr<TcgdexPriceProvider>> https = TcgdexPriceProvider::open({});
  ASSERT_FALSE(https.ok());
  EXPECT_NE(https.status().message().find("https"), std::string::npos);
#endif
}

TEST(PriceApiClientTest, EncodesCardIdsForThePath) {
  EXPECT_EQ(percent_encode_path_segment("sv03.5-001"), "sv03.5-001");
  EXPECT_EQ(percent_encode_path_segment("ex10-?"), "ex10-%3F");
  EXPECT_EQ(percent_encode_path_segment("a/b c"), "a%2Fb%20c");
}

TEST(PriceParsersTest, UntrustedBodiesAreErrorsNotCrashes) {
  for (const char* body :
       {"", "not json", "[1,2]", R"({"data": 3})", R"({"data": {"id": "x-9"}})"}) {
    Result<CardPrices> p = parse_pokemontcg_card_prices(body, "base1-4", {});
    ASSERT_FALSE(p.ok()) << body;
    EXPECT_EQ(p.status().code(), StatusCode::kUnavailable) << body;
  }
  for (const char* body : {"", "{", "\"str\"", R"({"id": "x-9"})"}) {
    Result<CardPrices> p = parse_tcgdex_card_prices(body, "base1-4", {});
    ASSERT_FALSE(p.ok()) << body;
    EXPECT_EQ(p.status().code(), StatusCode::kUnavailable) << body;
  }
  // Odd figures are left out, odd blocks skipped; what is left is still read.
  Result<CardPrices> odd = parse_tcgdex_card_prices(
      R"({"id": "base1-4", "pricing": {"tcgplayer": {"unit": 5, "holofoil": {"lowPrice": "1",
          "midPrice": -3, "marketPrice": 2.5}, "normal": [1]}, "cardmarket": "x"}})",
      "base1-4", {});
  ASSERT_TRUE(odd.ok()) << odd.status().to_string();
  ASSERT_EQ(odd->quotes.size(), 1u);
  EXPECT_EQ(odd->quotes[0].currency, "USD");
  EXPECT_FALSE(odd->quotes[0].low);
  EXPECT_FALSE(odd->quotes[0].mid);
  EXPECT_EQ(odd->quotes[0].market, 2.5);
}

}  // namespace
}  // namespace cardmint::price
