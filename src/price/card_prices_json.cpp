#include "price/card_prices_json.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace cardmint::price {
namespace {

using nlohmann::json;

std::int64_t to_epoch_ms(WallClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

WallClock::time_point from_epoch_ms(std::int64_t ms) {
  return WallClock::time_point(
      std::chrono::duration_cast<WallClock::duration>(std::chrono::milliseconds(ms)));
}

json figure_json(const std::optional<double>& figure) {
  return figure ? json(*figure) : json(nullptr);
}

json quote_json(const PriceQuote& q) {
  return {{"source", q.source},
          {"printing_key", q.printing_key},
          {"currency", q.currency},
          {"low", figure_json(q.low)},
          {"mid", figure_json(q.mid)},
          {"high", figure_json(q.high)},
          {"market", figure_json(q.market)},
          {"updated", q.updated},
          {"fetched_at_ms", to_epoch_ms(q.fetched_at)}};
}

Status bad(std::string_view why) {
  return Status::invalid_input(fmt::format("card prices JSON: {}", why));
}

Result<std::string> string_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string())
    return bad(fmt::format("\"{}\" is not a string", name));
  return it->get<std::string>();
}

// Up to the year 3000: far enough for any fetch, and small enough that converting it to the
// clock's nanoseconds cannot overflow (Redis content is not ours to trust).
constexpr std::int64_t kLatestEpochMs = 32503680000000;

Result<std::int64_t> time_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) {
    return bad(fmt::format("\"{}\" is not an integer", name));
  }
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > std::uint64_t(kLatestEpochMs)) {
    return bad(fmt::format("\"{}\" is not a time", name));
  }
  const std::int64_t ms = it->get<std::int64_t>();
  if (ms < 0 || ms > kLatestEpochMs) return bad(fmt::format("\"{}\" is not a time", name));
  return ms;
}

Result<std::optional<double>> figure_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number()) return bad(fmt::format("\"{}\" is not a number", name));
  const double value = it->get<double>();
  if (!std::isfinite(value) || value < 0) return bad(fmt::format("\"{}\" is negative", name));
  return std::optional<double>(value);
}

Result<PriceQuote> parse_quote(const json& q) {
  if (!q.is_object()) return bad("a quote is not an object");
  PriceQuote quote;
  for (auto [name, field] :
       {std::pair{"source", &quote.source}, std::pair{"printing_key", &quote.printing_key},
        std::pair{"currency", &quote.currency}, std::pair{"updated", &quote.updated}}) {
    Result<std::string> text = string_field(q, name);
    if (!text.ok()) return text.status();
    *field = std::move(*text);
  }
  for (auto [name, field] : {std::pair{"low", &quote.low}, std::pair{"mid", &quote.mid},
                             std::pair{"high", &quote.high}, std::pair{"market", &quote.market}}) {
    Result<std::optional<double>> figure = figure_field(q, name);
    if (!figure.ok()) return figure.status();
    *field = *figure;
  }
  Result<std::int64_t> fetched = time_field(q, "fetched_at_ms");
  if (!fetched.ok()) return fetched.status();
  quote.fetched_at = from_epoch_ms(*fetched);
  return quote;
}

}  // namespace

std::string card_prices_to_json(const CardPrices& prices) {
  json quotes = json::array();
  for (const PriceQuote& q : prices.quotes) quotes.push_back(quote_json(q));
  return json{{"card_id", prices.card_id},
              {"fetched_at_ms", to_epoch_ms(prices.fetched_at)},
              {"quotes", std::move(quotes)}}
      .dump();
}

Result<CardPrices> parse_card_prices_json(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return bad("not a JSON object");
  CardPrices prices;
  Result<std::string> card_id = string_field(doc, "card_id");
  if (!card_id.ok()) return card_id.status();
  prices.card_id = std::move(*card_id);
  Result<std::int64_t> fetched = time_field(doc, "fetched_at_ms");
  if (!fetched.ok()) return fetched.status();
  prices.fetched_at = from_epoch_ms(*fetched);
  auto quotes = doc.find("quotes");
  if (quotes == doc.end() || !quotes->is_array()) return bad("\"quotes\" is not an array");
  for (const json& q : *quotes) {
    Result<PriceQuote> quote = parse_quote(q);
    if (!quote.ok()) return quote.status();
    prices.quotes.push_back(std::move(*quote));
  }
  return prices;
}

std::string chosen_price_to_json(const ChosenPrice& chosen) {
  return json{{"finish", catalog::finish_name(chosen.finish)},
              {"exact", chosen.exact},
              {"value", chosen.value},
              {"quote", quote_json(chosen.quote)}}
      .dump();
}

}  // namespace cardmint::price
