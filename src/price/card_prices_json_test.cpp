#include "price/card_prices_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cardmint::price {
namespace {

WallClock::time_point at_ms(std::int64_t ms) {
  return WallClock::time_point(
      std::chrono::duration_cast<WallClock::duration>(std::chrono::milliseconds(ms)));
}

TEST(CardPricesJsonTest, RoundTripsEveryField) {
  CardPrices prices{.card_id = "swsh9-001", .quotes = {}, .fetched_at = at_ms(1764892800123)};
  prices.quotes.push_back(PriceQuote{.source = "tcgplayer",
                                     .printing_key = "reverse-holofoil",
                                     .currency = "USD",
                                     .low = 0.15,
                                     .mid = 0.42,
                                     .high = std::nullopt,
                                     .market = 0.37,
                                     .updated = "2026-11-28T20:07:54.000Z",
                                     .fetched_at = at_ms(1764892800123)});
  prices.quotes.push_back(PriceQuote{.source = "csv",
                                     .printing_key = "reverse holo",
                                     .currency = "EUR",
                                     .low = std::nullopt,
                                     .mid = std::nullopt,
                                     .high = std::nullopt,
                                     .market = 1.0,
                                     .updated = "",
                                     .fetched_at = at_ms(5)});
  Result<CardPrices> back = parse_card_prices_json(card_prices_to_json(prices));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->card_id, prices.card_id);
  EXPECT_EQ(back->fetched_at, prices.fetched_at);
  ASSERT_EQ(back->quotes.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const PriceQuote& a = prices.quotes[i];
    const PriceQuote& b = back->quotes[i];
    EXPECT_EQ(a.source, b.source);
    EXPECT_EQ(a.printing_key, b.printing_key);
    EXPECT_EQ(a.currency, b.currency);
    EXPECT_EQ(a.low, b.low);
    EXPECT_EQ(a.mid, b.mid);
    EXPECT_EQ(a.high, b.high);
    EXPECT_EQ(a.market, b.market);
    EXPECT_EQ(a.updated, b.updated);
    EXPECT_EQ(a.fetched_at, b.fetched_at);
  }
}

TEST(CardPricesJsonTest, EmptyQuotesRoundTrip) {
  const CardPrices none{.card_id = "svp-999", .quotes = {}, .fetched_at = at_ms(1)};
  Result<CardPrices> back = parse_card_prices_json(card_prices_to_json(none));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_TRUE(back->quotes.empty());
}

TEST(CardPricesJsonTest, RejectsWhatIsNotCardPrices) {
  const std::string good_quote =
      R"({"source":"csv","printing_key":"holo","currency":"USD","low":null,"mid":null,)"
      R"("high":null,"market":1.5,"updated":"","fetched_at_ms":1})";
  ASSERT_TRUE(
      parse_card_prices_json(R"({"card_id":"a-1","fetched_at_ms":1,"quotes":[)" + good_quote + "]}")
          .ok());
  const std::vector<std::string> bad_inputs = {
      "not json",
      "[]",
      R"({"card_id":"a-1","fetched_at_ms":1})",
      R"({"card_id":7,"fetched_at_ms":1,"quotes":[]})",
      R"({"card_id":"a-1","fetched_at_ms":"1","quotes":[]})",
      R"({"card_id":"a-1","fetched_at_ms":1,"quotes":[1]})",
      // times whose nanoseconds would overflow the clock
      R"({"card_id":"a-1","fetched_at_ms":9223372036854775807,"quotes":[]})",
      R"({"card_id":"a-1","fetched_at_ms":18446744073709551615,"quotes":[]})",
      R"({"card_id":"a-1","fetched_at_ms":-5,"quotes":[]})",
      // a negative figure
      R"({"card_id":"a-1","fetched_at_ms":1,"quotes":[{"source":"csv","printing_key":"holo",)"
      R"("currency":"USD","low":null,"mid":null,"high":null,"market":-1,"updated":"",)"
      R"("fetched_at_ms":1}]})",
      // a figure as text
      R"({"card_id":"a-1","fetched_at_ms":1,"quotes":[{"source":"csv","printing_key":"holo",)"
      R"("currency":"USD","low":null,"mid":null,"high":null,"market":"1.5","updated":"",)"
      R"("fetched_at_ms":1}]})",
  };
  for (const std::string& bad : bad_inputs) {
    Result<CardPrices> parsed = parse_card_prices_json(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidInput) << bad;
  }
}

TEST(ChosenPriceJsonTest, SaysWhichKeyAndWhetherExact) {
  ChosenPrice chosen;
  chosen.quote.source = "tcgplayer";
  chosen.quote.printing_key = "normal";
  chosen.quote.currency = "USD";
  chosen.quote.market = 0.09;
  chosen.finish = catalog::Finish::kReverseHolo;
  chosen.exact = false;
  chosen.value = 0.09;
  const nlohmann::json j = nlohmann::json::parse(chosen_price_to_json(chosen));
  EXPECT_EQ(j["finish"], "reverse holo");
  EXPECT_EQ(j["exact"], false);
  EXPECT_EQ(j["value"], 0.09);
  EXPECT_EQ(j["quote"]["printing_key"], "normal");
  EXPECT_EQ(j["quote"]["source"], "tcgplayer");
}

}  // namespace
}  // namespace cardmint::price
