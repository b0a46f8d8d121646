#include "price/pokemontcg_price_provider.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "price/json_price_figure.h"
#include "price/price_choice.h"

namespace cardmint::price {
namespace {

using nlohmann::json;

Status malformed(std::string_view card_id, std::string_view why) {
  return Status::unavailable(
      fmt::format("pokemontcg.io answer for {} is not a card price: {}", card_id, why));
}

bool has_any_figure(const PriceQuote& q) { return q.low || q.mid || q.high || q.market; }

void add_tcgplayer_quotes(const json& tcgplayer, WallClock::time_point fetched_at,
                          std::vector<PriceQuote>& quotes) {
  if (!tcgplayer.is_object()) return;
  auto prices = tcgplayer.find("prices");
  if (prices == tcgplayer.end() || !prices->is_object()) return;
  const std::string updated = json_text(tcgplayer, "updatedAt");
  for (const auto& [printing, figures] : prices->items()) {
    PriceQuote q{.source = "tcgplayer",
                 .printing_key = printing,
                 .currency = "USD",
                 .low = json_price_figure(figures, "low"),
                 .mid = json_price_figure(figures, "mid"),
                 .high = json_price_figure(figures, "high"),
                 .market = json_price_figure(figures, "market"),
                 .updated = updated,
                 .fetched_at = fetched_at};
    if (has_any_figure(q)) quotes.push_back(std::move(q));
  }
}

void add_cardmarket_quotes(const json& cardmarket, WallClock::time_point fetched_at,
                           std::vector<PriceQuote>& quotes) {
  if (!cardmarket.is_object()) return;
  auto prices = cardmarket.find("prices");
  if (prices == cardmarket.end() || !prices->is_object()) return;
  const std::string updated = json_text(cardmarket, "updatedAt");
  PriceQuote standard{.source = "cardmarket",
                      .printing_key = std::string(kCardmarketStandardKey),
                      .currency = "EUR",
                      .low = json_price_figure(*prices, "lowPrice"),
                      .mid = json_price_figure(*prices, "averageSellPrice"),
                      .high = std::nullopt,
                      .market = json_price_figure(*prices, "trendPrice"),
                      .updated = updated,
                      .fetched_at = fetched_at};
  PriceQuote reverse{.source = "cardmarket",
                     .printing_key = std::string(kCardmarketReverseHoloKey),
                     .currency = "EUR",
                     .low = json_price_figure(*prices, "reverseHoloLow"),
                     .mid = json_price_figure(*prices, "reverseHoloSell"),
                     .high = std::nullopt,
                     .market = json_price_figure(*prices, "reverseHoloTrend"),
                     .updated = updated,
                     .fetched_at = fetched_at};
  if (has_any_figure(standard)) quotes.push_back(std::move(standard));
  if (has_any_figure(reverse)) quotes.push_back(std::move(reverse));
}

}  // namespace

Result<CardPrices> parse_pokemontcg_card_prices(std::string_view body, std::string_view card_id,
                                                WallClock::time_point fetched_at) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return malformed(card_id, "not JSON");
  if (!doc.is_object()) return malformed(card_id, "not a JSON object");
  auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return malformed(card_id, "no \"data\" object");
  const std::string answered_id = json_text(*data, "id");
  if (!answered_id.empty() && answered_id != card_id) {
    return malformed(card_id, fmt::format("it is card {}", answered_id));
  }
  CardPrices prices{.card_id = std::string(card_id), .quotes = {}, .fetched_at = fetched_at};
  if (auto tcgplayer = data->find("tcgplayer"); tcgplayer != data->end()) {
    add_tcgplayer_quotes(*tcgplayer, fetched_at, prices.quotes);
  }
  if (auto cardmarket = data->find("cardmarket"); cardmarket != data->end()) {
    add_cardmarket_quotes(*cardmarket, fetched_at, prices.quotes);
  }
  return prices;
}

Result<std::unique_ptr<PokemonTcgPriceProvider>> PokemonTcgPriceProvider::open(
    const PriceApiOptions& options) {
  Result<PriceApiClient> client =
      PriceApiClient::open("pokemontcg.io", kPokemonTcgPublicUrl, options);
  if (!client.ok()) return client.status();
  return std::make_unique<PokemonTcgPriceProvider>(std::move(*client), options.api_key);
}

Result<CardPrices> PokemonTcgPriceProvider::fetch(std::string_view card_id) {
  if (card_id.empty()) return Status::invalid_input("pokemontcg.io: empty card id");
  PriceApiClient::Headers headers;
  if (!api_key_.empty()) headers.emplace_back("X-Api-Key", api_key_);
  Result<std::string> body =
      client_.get("/v2/cards/" + percent_encode_path_segment(card_id), headers);
  if (!body.ok()) {
    if (body.status().code() == StatusCode::kNotFound) {
      return Status::not_found(fmt::format("pokemontcg.io has no card {}", card_id));
    }
    return body.status();
  }
  return parse_pokemontcg_card_prices(*body, card_id, WallClock::now());
}

}  // namespace cardmint::price
