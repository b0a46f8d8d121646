#pragma once
// CardPrices as JSON: what the shared Redis tier stores under cardmint:price:<card id> (so every
// instance reads what one fetched) and what `cardmint prices get --json` prints.
// Thread-safe: pure functions.

#include <string>
#include <string_view>

#include "base/status.h"
#include "price/card_prices.h"
#include "price/price_choice.h"

namespace cardmint::price {

// {"card_id", "fetched_at_ms", "quotes": [{"source", "printing_key", "currency", "low", "mid",
// "high", "market", "updated", "fetched_at_ms"}]}; an absent figure is null. Times are
// milliseconds since the Unix epoch.
std::string card_prices_to_json(const CardPrices& prices);

// The inverse. What Redis holds is written by any instance, possibly an older one, so it is checked
// like input: invalid_input when it is not that shape (a figure that is negative or not a number
// included).
[[nodiscard]] Result<CardPrices> parse_card_prices_json(std::string_view text);

// {"finish", "exact", "value", "quote": {...as above}}
std::string chosen_price_to_json(const ChosenPrice& chosen);

}  // namespace cardmint::price
