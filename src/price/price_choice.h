#pragma once
// Which of a card's quotes prices the printing a scan found. The sources name printings their own
// way (pokemontcg.io "reverseHolofoil", TCGdex "reverse-holofoil", a shop's CSV "reverse holo"),
// and a reverse holo can sell for many times the plain card, so a quote is only ever taken for a
// finish through the table in price_choice.cpp, and a quote taken for another printing says so.
// Thread-safe: pure functions.

#include <string_view>

#include "base/status.h"
#include "catalog/card.h"
#include "price/card_prices.h"

namespace cardmint::price {

// Cardmarket prices a product, not a printing, so it has no printing keys of its own: its plain
// columns are the card as printed (the holo of a holo rare) and its reverse-holo columns
// (pokemontcg.io reverseHolo*, TCGdex *-holo) the reverse holo. Both providers file them as:
inline constexpr std::string_view kCardmarketStandardKey = "standard";
inline constexpr std::string_view kCardmarketReverseHoloKey = "reverseHolo";

struct ChosenPrice {
  PriceQuote quote;  // quote.source and quote.printing_key say where the figures come from
  catalog::Finish finish = catalog::Finish::kNormal;  // the finish asked for
  // false: the sources have no price for `finish`, and this is the nearest other printing's
  // (quote.printing_key names it). Show it as such, never as the asked printing's price.
  bool exact = true;
  double value = 0;  // quote.headline()
};

// Preference, best first: the shop's own CSV price for the finish, TCGplayer's keys for it (market,
// else mid), Cardmarket's; when none has a market or mid figure, the same search over the
// fallback printings (reverse holo → normal, then holo; first edition → holo, then normal;
// holo ↔ normal), marked exact = false.
// Errors: not_found when no quote has a figure for the finish or its fallbacks.
[[nodiscard]] Result<ChosenPrice> choose_price(const CardPrices& prices, catalog::Finish finish);

}  // namespace cardmint::price
