#pragma once
// What the price sources say a card sells for, as plain values: no JSON, no HTTP, no SQLite.
// Thread-compatible values.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cardmint::price {

using WallClock = std::chrono::system_clock;

// One printing of a card on one market, as the source gave it. The numbers are in `currency` and
// are never negative; each one the source left out (or sent as null) is nullopt.
struct PriceQuote {
  std::string source;        // the market the numbers are from: "tcgplayer", "cardmarket", "csv"
  std::string printing_key;  // the source's own name of the printing (printing_keys.h)
  std::string currency;      // ISO 4217: "USD", "EUR"
  std::optional<double> low;
  std::optional<double> mid;  // TCGplayer mid; Cardmarket's average sell price
  std::optional<double> high;
  std::optional<double> market;  // TCGplayer market; Cardmarket's trend price
  std::string updated;           // when the source last updated them, as it wrote it; may be empty
  WallClock::time_point fetched_at;  // when CardMint fetched (or imported) them

  // The one figure to show: market, else mid. A low or high alone is no estimate of a sale.
  std::optional<double> headline() const { return market ? market : mid; }
};

// Everything the providers know about one card's prices. Empty `quotes` is an answer too: the
// sources know the card but have no price for it (cached like any other answer).
struct CardPrices {
  std::string card_id;
  std::vector<PriceQuote> quotes;  // per printing per market, in the order the providers gave them
  WallClock::time_point fetched_at;
};

}  // namespace cardmint::price
