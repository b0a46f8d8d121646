#include "price/tcgdex_price_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "price/json_price_figure.h"
#include "price/price_choice.h"

namespace cardmint::price {
namespace {

using nlohmann::json;

Status malformed(std::string_view card_id, std::string_view why) {
  return Status::unavailable(fmt::format("TCGdex answer for {} is not a card: {}", card_id, why));
}

bool has_any_figure(const PriceQuote& q) { return q.low || q.mid || q.high || q.market; }

// The block's "unit" when it looks like a currency code, else what the API documents.
std::string currency_of(const json& block, std::string_view documented) {
  std::string unit = json_text(block, "unit");
  const bool looks_like_code =
      unit.size() == 3 &&
      std::all_of(unit.begin(), unit.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  return looks_like_code ? unit : std::string(documented);
}

void add_tcgplayer_quotes(const json& tcgplayer, WallClock::time_point fetched_at,
                          std::vector<PriceQuote>& quotes) {
  if (!tcgplayer.is_object()) return;
  const std::string updated = json_text(tcgplayer, "updated");
  const std::string currency = currency_of(tcgplayer, "USD");
  // Every object member is a printing; "updated" and "unit" are strings.
  for (const auto& [printing, figures] : tcgplayer.items()) {
    if (!figures.is_object()) continue;
    PriceQuote q{.source = "tcgplayer",
                 .printing_key = printing,
                 .currency = currency,
                 .low = json_price_figure(figures, "lowPrice"),
                 .mid = json_price_figure(figures, "midPrice"),
                 .high = json_price_figure(figures, "highPrice"),
                 .market = json_price_figure(figures, "marketPrice"),
                 .updated = updated,
                 .fetched_at = fetched_at};
    if (has_any_figure(q)) quotes.push_back(std::move(q));
  }
}

void add_cardmarket_quotes(const json& cardmarket, WallClock::time_point fetched_at,
                           std::vector<PriceQuote>& quotes) {
  if (!cardmarket.is_object()) return;
  const std::string updated = json_text(cardmarket, "updated");
  const std::string currency = currency_of(cardmarket, "EUR");
  PriceQuote standard{.source = "cardmarket",
                      .printing_key = std::string(kCardmarketStandardKey),
                      .currency = currency,
                      .low = json_price_figure(cardmarket, "low"),
                      .mid = json_price_figure(cardmarket, "avg"),
                      .high = std::nullopt,
                      .market = json_price_figure(cardmarket, "trend"),
                      .updated = updated,
                      .fetched_at = fetched_at};
  PriceQuote reverse{.source = "cardmarket",
                     .printing_key = std::string(kCardmarketReverseHoloKey),
                     .currency = currency,
                     .low = json_price_figure(cardmarket, "low-holo"),
                     .mid = json_price_figure(cardmarket, "avg-holo"),
                     .high = std::nullopt,
                     .market = json_price_figure(cardmarket, "trend-holo"),
                     .updated = updated,
                     .fetched_at = fetched_at};
  if (has_any_figure(standard)) quotes.push_back(std::move(standard));
  if (has_any_figure(reverse)) quotes.push_back(std::move(reverse));
}

}  // namespace

Result<CardPrices> parse_tcgdex_card_prices(std::string_view body, std::string_view card_id,
                                            WallClock::time_point fetched_at) {
  const json card = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (card.is_discarded()) return malformed(card_id, "not JSON");
  if (!card.is_object()) return malformed(card_id, "not a JSON object");
  const std::string answered_id = json_text(card, "id");
  if (!answered_id.empty() && answered_id != card_id) {
    return malformed(card_id, fmt::format("it is card {}", answered_id));
  }
  CardPrices prices{.card_id = std::string(card_id), .quotes = {}, .fetched_at = fetched_at};
  auto pricing = card.find("pricing");
  if (pricing == card.end() || !pricing->is_object()) return prices;
  if (auto tcgplayer = pricing->find("tcgplayer"); tcgplayer != pricing->end()) {
    add_tcgplayer_quotes(*tcgplayer, fetched_at, prices.quotes);
  }
  if (auto cardmarket = pricing->find("cardmarket"); cardmarket != pricing->end()) {
    add_cardmarket_quotes(*cardmarket, fetched_at, prices.quotes);
  }
  return prices;
}

Result<std::unique_ptr<TcgdexPriceProvider>> TcgdexPriceProvider::open(
    const PriceApiOptions& options) {
  Result<PriceApiClient> client = PriceApiClient::open("TCGdex", kTcgdexPublicUrl, options);
  if (!client.ok()) return client.status();
  return std::make_unique<TcgdexPriceProvider>(std::move(*client));
}

Result<CardPrices> TcgdexPriceProvider::fetch(std::string_view card_id) {
  if (card_id.empty()) return Status::invalid_input("TCGdex: empty card id");
  Result<std::string> body =
      client_.get("/v2/en/cards/" + percent_encode_path_segment(card_id), {});
  if (!body.ok()) {
    if (body.status().code() == StatusCode::kNotFound) {
      return Status::not_found(fmt::format("TCGdex has no card {}", card_id));
    }
    return body.status();
  }
  return parse_tcgdex_card_prices(*body, card_id, WallClock::now());
}

}  // namespace cardmint::price
