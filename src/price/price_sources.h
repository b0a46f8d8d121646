#pragma once
// The price providers a configuration names, opened: the one place that turns "tcgdex",
// "pokemontcg" or "csv" into a PriceProvider, for cardmintd and for `cardmint prices`.
// Thread-safe: pure functions.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "price/price_api_client.h"
#include "price/price_provider.h"

namespace cardmint::price {

// The providers a configuration can name.
inline constexpr std::string_view kPriceProviderNames[] = {"tcgdex", "pokemontcg", "csv"};

struct PriceSourceSettings {
  std::string provider;        // one of kPriceProviderNames
  PriceApiOptions api;         // tcgdex and pokemontcg: URL, timeouts, key
  std::filesystem::path book;  // csv: the shop's price list (CsvPriceBook); empty: the default
};

// invalid_input for an unknown provider or a bad URL; the CSV book's open errors.
[[nodiscard]] Result<std::unique_ptr<PriceProvider>> open_price_provider(
    const PriceSourceSettings& settings);

}  // namespace cardmint::price
