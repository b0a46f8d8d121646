#include "price/price_sources.h"

#include <fmt/format.h>

#include "price/csv_price_book.h"
#include "price/pokemontcg_price_provider.h"
#include "price/tcgdex_price_provider.h"

namespace cardmint::price {
namespace {

// Each provider's open() returns its own type; callers only need the interface.
template <typename Provider>
Result<std::unique_ptr<PriceProvider>> as_provider(Result<std::unique_ptr<Provider>> opened) {
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<PriceProvider>(std::move(opened).value());
}

}  // namespace

Result<std::unique_ptr<PriceProvider>> open_price_provider(const PriceSourceSettings& settings) {
  if (settings.provider == "csv") {
    return as_provider(
        CsvPriceBook::open(settings.book.empty() ? default_price_book_path() : settings.book));
  }
  if (settings.provider == "pokemontcg") {
    return as_provider(PokemonTcgPriceProvider::open(settings.api));
  }
  if (settings.provider == "tcgdex") return as_provider(TcgdexPriceProvider::open(settings.api));
  return Status::invalid_input(
      fmt::format("price provider '{}' is not one of tcgdex, pokemontcg, csv", settings.provider));
}

}  // namespace cardmint::price
