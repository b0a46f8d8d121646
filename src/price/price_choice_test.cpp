#include "price/price_choice.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "price/pokemontcg_price_provider.h"
#include "price/tcgdex_price_provider.h"
#include "tests/support/file_contents.h"

namespace cardmint::price {
namespace {

using catalog::Finish;

const std::filesystem::path kTestdata = CARDMINT_PRICE_TESTDATA_DIR;

CardPrices pokemontcg_fixture(const std::string& id) {
  Result<CardPrices> prices = parse_pokemontcg_card_prices(
      cardmint::testing::file_contents(kTestdata / "pokemontcg" / (id + ".json")), id, {});
  EXPECT_TRUE(prices.ok()) << prices.status().to_string();
  return prices.ok() ? *prices : CardPrices{};
}

CardPrices tcgdex_fixture(const std::string& id) {
  Result<CardPrices> prices = parse_tcgdex_card_prices(
      cardmint::testing::file_contents(kTestdata / "tcgdex" / (id + ".json")), id, {});
  EXPECT_TRUE(prices.ok()) << prices.status().to_string();
  return prices.ok() ? *prices : CardPrices{};
}

// "source printing_key value exact|fallback", or the error code's name.
std::string chosen(const CardPrices& prices, Finish finish) {
  Result<ChosenPrice> c = choose_price(prices, finish);
  if (!c.ok()) return std::string(status_code_name(c.status().code()));
  EXPECT_EQ(c->finish, finish);
  EXPECT_EQ(c->value, *c->quote.headline());
  return fmt::format("{} {} {} {} {}", c->quote.source, c->quote.printing_key, c->quote.currency,
                     c->value, c->exact ? "exact" : "fallback");
}

PriceQuote quote(std::string source, std::string key, std::optional<double> mid,
                 std::optional<double> market) {
  PriceQuote q;
  q.source = std::move(source);
  q.printing_key = std::move(key);
  q.currency = q.source == "cardmarket" ? "EUR" : "USD";
  q.mid = mid;
  q.market = market;
  return q;
}

// A holo rare with a first edition: every finish of the pokemontcg.io spelling.
TEST(ChoosePriceTest, HoloRareFromPokemonTcg) {
  const CardPrices charizard = pokemontcg_fixture("base1-4");
  EXPECT_EQ(chosen(charizard, Finish::kHolo), "tcgplayer unlimitedHolofoil USD 389.9 exact");
  EXPECT_EQ(chosen(charizard, Finish::kFirstEdition),
            "tcgplayer 1stEditionHolofoil USD 16250.25 exact");
  // Never printed plain or in reverse: TCGplayer lists only holofoils, so Cardmarket's plain
  // columns are the holo's too, and the nearest price is the unlimited holo's, marked.
  EXPECT_EQ(chosen(charizard, Finish::kNormal), "tcgplayer unlimitedHolofoil USD 389.9 fallback");
  EXPECT_EQ(chosen(charizard, Finish::kReverseHolo),
            "tcgplayer unlimitedHolofoil USD 389.9 fallback");
}

TEST(ChoosePriceTest, HoloRareFromTcgdex) {
  const CardPrices charizard = tcgdex_fixture("base1-4");
  EXPECT_EQ(chosen(charizard, Finish::kHolo), "tcgplayer unlimited-holofoil USD 389.9 exact");
  EXPECT_EQ(chosen(charizard, Finish::kFirstEdition),
            "tcgplayer 1st-edition-holofoil USD 16250.25 exact");
  EXPECT_EQ(chosen(charizard, Finish::kNormal), "tcgplayer unlimited-holofoil USD 389.9 fallback");
  EXPECT_EQ(chosen(charizard, Finish::kReverseHolo),
            "tcgplayer unlimited-holofoil USD 389.9 fallback");
}

// A common with a reverse holo: the reverse holo is four times the plain card.
TEST(ChoosePriceTest, CommonWithReverseHolo) {
  for (const CardPrices& exeggcute : {pokemontcg_fixture("swsh9-1"), tcgdex_fixture("swsh9-001")}) {
    const bool tcgdex = exeggcute.card_id == "swsh9-001";
    SCOPED_TRACE(exeggcute.card_id);
    EXPECT_EQ(chosen(exeggcute, Finish::kNormal), "tcgplayer normal USD 0.09 exact");
    EXPECT_EQ(chosen(exeggcute, Finish::kReverseHolo),
              fmt::format("tcgplayer {} USD 0.37 exact",
                          tcgdex ? "reverse-holofoil" : "reverseHolofoil"));
    EXPECT_EQ(chosen(exeggcute, Finish::kHolo), "tcgplayer normal USD 0.09 fallback");
    EXPECT_EQ(chosen(exeggcute, Finish::kFirstEdition), "tcgplayer normal USD 0.09 fallback");
  }
}

TEST(ChoosePriceTest, ReverseHoloNeverTakesTheNormalPriceSilently) {
  CardPrices prices{
      .card_id = "sv1-1", .quotes = {quote("tcgplayer", "normal", 0.2, 0.1)}, .fetched_at = {}};
  Result<ChosenPrice> c = choose_price(prices, Finish::kReverseHolo);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->exact);
  EXPECT_EQ(c->quote.printing_key, "normal");
  EXPECT_EQ(c->finish, Finish::kReverseHolo);

  // Cardmarket's reverse-holo columns are the reverse holo's own price, so they beat the fallback.
  prices.quotes.push_back(quote("cardmarket", std::string(kCardmarketReverseHoloKey), 0.5, 0.6));
  EXPECT_EQ(chosen(prices, Finish::kReverseHolo), "cardmarket reverseHolo EUR 0.6 exact");
}

TEST(ChoosePriceTest, MarketThenMid) {
  CardPrices prices{.card_id = "sv1-1",
                    .quotes = {quote("tcgplayer", "holofoil", 2.5, std::nullopt)},
                    .fetched_at = {}};
  EXPECT_EQ(chosen(prices, Finish::kHolo), "tcgplayer holofoil USD 2.5 exact");
  prices.quotes[0].market = 2.0;
  EXPECT_EQ(chosen(prices, Finish::kHolo), "tcgplayer holofoil USD 2 exact");
  // A quote with only a low or high figure is no sale price: it is passed over.
  prices.quotes[0].mid.reset();
  prices.quotes[0].market.reset();
  prices.quotes[0].low = 1.0;
  EXPECT_EQ(chosen(prices, Finish::kHolo), "not_found");
}

TEST(ChoosePriceTest, ShopPriceFirstThenTcgplayerThenCardmarket) {
  CardPrices prices{.card_id = "sv1-1",
                    .quotes = {quote("cardmarket", std::string(kCardmarketStandardKey), 1.0, 1.5),
                               quote("tcgplayer", "holofoil", 2.0, 2.5)},
                    .fetched_at = {}};
  EXPECT_EQ(chosen(prices, Finish::kHolo), "tcgplayer holofoil USD 2.5 exact");
  prices.quotes.erase(prices.quotes.begin() + 1);
  EXPECT_EQ(chosen(prices, Finish::kHolo), "cardmarket standard EUR 1.5 exact");
  prices.quotes.push_back(quote("csv", "holo", std::nullopt, 3.0));
  prices.quotes.push_back(quote("csv", "reverse holo", std::nullopt, 9.0));
  EXPECT_EQ(chosen(prices, Finish::kHolo), "csv holo USD 3 exact");
  EXPECT_EQ(chosen(prices, Finish::kReverseHolo), "csv reverse holo USD 9 exact");
}

TEST(ChoosePriceTest, NoQuotesIsNotFound) {
  const CardPrices none{.card_id = "svp-999", .quotes = {}, .fetched_at = {}};
  for (Finish finish : catalog::kAllFinishes) {
    Result<ChosenPrice> c = choose_price(none, finish);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
    EXPECT_NE(c.status().message().find("svp-999"), std::string::npos);
  }
}

TEST(ChoosePriceTest, UnknownKeysAreNeverChosen) {
  const CardPrices odd{.card_id = "x-1",
                       .quotes = {quote("tcgplayer", "holofoilButDifferent", 1.0, 1.0),
                                  quote("ebay", "normal", 1.0, 1.0)},
                       .fetched_at = {}};
  for (Finish finish : catalog::kAllFinishes) EXPECT_EQ(chosen(odd, finish), "not_found");
}

}  // namespace
}  // namespace cardmint::price
