#pragma once
// A source of card prices: a price API over HTTP (pokemontcg_price_provider.h,
// tcgdex_price_provider.h) or a shop's own imported price list (csv_price_book.h). PriceService
// asks them in order and caches what they say.

#include <string_view>

#include "base/status.h"
#include "price/card_prices.h"

namespace cardmint::price {

// Implementations are thread-safe: PriceService calls fetch() from several I/O threads at once.
// fetch() may block for as long as the provider's own timeouts allow, never longer.
class PriceProvider {
 public:
  virtual ~PriceProvider() = default;

  // A short stable name for logs and stats: "pokemontcg", "tcgdex", "csv".
  virtual std::string_view name() const = 0;

  // `card_id` is a catalog id ("base1-4", "swsh12tg-TG05"), passed through as given.
  // Errors: not_found when the source does not know the card (no price for it, not a failure);
  // unavailable when it could not be asked or answered nonsense (down, slow, 5xx, bad JSON).
  [[nodiscard]] virtual Result<CardPrices> fetch(std::string_view card_id) = 0;
};

}  // namespace cardmint::price
