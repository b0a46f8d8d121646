#pragma once
// pokemontcg.io (API v2) as a price source: GET {base}/v2/cards/{id} answers
// {"data": {"id", "tcgplayer": {"url", "updatedAt", "prices": {<printing>: {"low", "mid", "high",
// "market", "directLow"}}}, "cardmarket": {"url", "updatedAt", "prices": {"averageSellPrice",
// "lowPrice", "trendPrice", "reverseHoloSell", "reverseHoloLow", "reverseHoloTrend", "avg1",
// ...}}}} with TCGplayer's printings as "normal", "holofoil", "reverseHolofoil",
// "1stEditionHolofoil", "1stEditionNormal", "unlimitedHolofoil".
//
// Its card ids are pokemon-tcg-data's ("base1-4", "swsh12tg-TG05"). They match the catalog's
// TCGdex ids only for catalogs imported from pokemon-tcg-data (`cardmint catalog import --format
// pokemontcg`); with the TCGdex catalog many differ (zero-padded numbers, "sv03.5" vs "sv3pt5"),
// and those cards come back not_found. TCGdex (tcgdex_price_provider.h) serves TCGdex ids natively.

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "price/card_prices.h"
#include "price/price_api_client.h"
#include "price/price_provider.h"

namespace cardmint::price {

inline constexpr std::string_view kPokemonTcgPublicUrl = "https://api.pokemontcg.io";

// The quotes in a /v2/cards/{id} answer: one per TCGplayer printing (printing_key as the API
// spells it, USD) and up to two from Cardmarket (kCardmarketStandardKey from averageSellPrice,
// lowPrice, trendPrice; kCardmarketReverseHoloKey from the reverseHolo* fields; EUR). The body is
// untrusted: unavailable when it is not that shape or names another card; a figure that is not a
// non-negative number is left out, and a printing with no figure at all is skipped.
[[nodiscard]] Result<CardPrices> parse_pokemontcg_card_prices(std::string_view body,
                                                              std::string_view card_id,
                                                              WallClock::time_point fetched_at);

// Thread-safe.
class PokemonTcgPriceProvider final : public PriceProvider {
 public:
  // invalid_input for a bad base URL (PriceApiClient::open).
  [[nodiscard]] static Result<std::unique_ptr<PokemonTcgPriceProvider>> open(
      const PriceApiOptions& options);

  // `api_key`: sent as X-Api-Key when not empty.
  PokemonTcgPriceProvider(PriceApiClient client, std::string api_key)
      : client_(std::move(client)), api_key_(std::move(api_key)) {}

  std::string_view name() const override { return "pokemontcg"; }
  Result<CardPrices> fetch(std::string_view card_id) override;

 private:
  const PriceApiClient client_;
  const std::string api_key_;
};

}  // namespace cardmint::price
