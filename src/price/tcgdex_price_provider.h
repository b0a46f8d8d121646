#pragma once
// TCGdex (API v2) as a price source: GET {base}/v2/en/cards/{id} answers the card with
// "pricing": {"cardmarket": {"updated", "unit": "EUR", "idProduct", "avg", "low", "trend", "avg1",
// "avg7", "avg30", "avg-holo", "low-holo", "trend-holo", ...}, "tcgplayer": {"updated", "unit":
// "USD", <printing>: {"productId", "lowPrice", "midPrice", "highPrice", "marketPrice",
// "directLowPrice"}}}, TCGplayer's printings lower-cased with dashes ("normal", "holofoil",
// "reverse-holofoil", "1st-edition-holofoil", "unlimited-holofoil"). Its ids are the catalog's.

#include <memory>
#include <string_view>

#include "base/status.h"
#include "price/card_prices.h"
#include "price/price_api_client.h"
#include "price/price_provider.h"

namespace cardmint::price {

inline constexpr std::string_view kTcgdexPublicUrl = "https://api.tcgdex.net";

// The quotes in a /v2/en/cards/{id} answer: one per TCGplayer printing (printing_key as TCGdex
// spells it) and up to two from Cardmarket (kCardmarketStandardKey from avg, low, trend;
// kCardmarketReverseHoloKey from avg-holo, low-holo, trend-holo: Cardmarket's "holo" columns are
// the reverse holo), in each block's "unit". A card without "pricing" has no quotes. Untrusted
// like parse_pokemontcg_card_prices.
[[nodiscard]] Result<CardPrices> parse_tcgdex_card_prices(std::string_view body,
                                                          std::string_view card_id,
                                                          WallClock::time_point fetched_at);

// Thread-safe.
class TcgdexPriceProvider final : public PriceProvider {
 public:
  // invalid_input for a bad base URL (PriceApiClient::open). options.api_key is unused.
  [[nodiscard]] static Result<std::unique_ptr<TcgdexPriceProvider>> open(
      const PriceApiOptions& options);

  explicit TcgdexPriceProvider(PriceApiClient client) : client_(std::move(client)) {}

  std::string_view name() const override { return "tcgdex"; }
  Result<CardPrices> fetch(std::string_view card_id) override;

 private:
  const PriceApiClient client_;
};

}  // namespace cardmint::price
