#pragma once
// A shop's own price list (price_list_csv.h), imported into a SQLite file of its own and served as
// a PriceProvider, so an offline shop prices scans without any API and a connected one can
// override what the APIs say. Its own file, not the catalog's: `cardmint catalog import` rebuilds
// the catalog from scratch and would drop the prices.
// Thread-safe: one connection behind a mutex (a fetch reads a handful of rows).

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>

#include "base/status.h"
#include "price/card_prices.h"
#include "price/price_provider.h"

namespace cardmint::price {

struct PriceListImportStats {
  std::size_t rows = 0;
  std::size_t cards = 0;
  double elapsed_ms = 0;
};

class CsvPriceBook final : public PriceProvider {
 public:
  // Opens (creating the file, its folder and its table when missing) the book at `db_path`.
  // unavailable when SQLite cannot open it.
  [[nodiscard]] static Result<std::unique_ptr<CsvPriceBook>> open(
      const std::filesystem::path& db_path);
  ~CsvPriceBook() override;
  CsvPriceBook(const CsvPriceBook&) = delete;
  CsvPriceBook& operator=(const CsvPriceBook&) = delete;

  // Replaces the whole book with the list in `csv_path` (a price list is a snapshot: a card left
  // out of the new list has no shop price any more). All or nothing: on any error, the message
  // naming the line, the book is as it was. Readers in other processes see the old list or the
  // new one, never a mix. invalid_input for a bad list, unavailable when the file cannot be read.
  [[nodiscard]] Result<PriceListImportStats> import_csv(const std::filesystem::path& csv_path);
  // The same from the list's text.
  [[nodiscard]] Result<PriceListImportStats> import_csv_text(std::string_view text);

  std::string_view name() const override { return "csv"; }
  // One quote per printing in the list: source "csv", printing_key the catalog's finish name
  // ("reverse holo"), fetched_at and updated the time of the import. not_found when the list has
  // no row for the card.
  Result<CardPrices> fetch(std::string_view card_id) override;

 private:
  class Impl;
  explicit CsvPriceBook(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ${CARDMINT_DATA_DIR:-~/.local/share/cardmint}/prices.sqlite, beside the catalog.
std::filesystem::path default_price_book_path();

}  // namespace cardmint::price
