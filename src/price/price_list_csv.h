#pragma once
// A shop's price list as CSV, the import format of CsvPriceBook:
//
//   card_id,printing,currency,low,mid,high,market
//   base1-4,holo,USD,200,350,999,380
//   "base1-4","first edition",USD,9000,15000,,16000
//
// The header is required and names exactly these seven columns, in any order. Fields may be
// quoted ("" is a quote inside one) and may then hold commas and line breaks. printing is spelled
// as the catalog writes it: normal, holo, reverse holo, first edition. currency is an ISO 4217
// code. A figure is a plain non-negative number (12.50: no currency sign, no thousands separator)
// or empty; each row needs a market or a mid figure, the one a scan shows. Thread-safe: pure
// functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/card.h"

namespace cardmint::price {

struct PriceListRow {
  int line = 0;  // where the row starts in the file, 1-based (the header is line 1)
  std::string card_id;
  catalog::Finish finish = catalog::Finish::kNormal;
  std::string currency;  // upper case
  std::optional<double> low;
  std::optional<double> mid;
  std::optional<double> high;
  std::optional<double> market;
};

// Every row, or invalid_input for the first problem, naming its line ("line 7: printing
// \"reverse\" is not one of normal, holo, reverse holo, first edition"). A card's printing listed
// twice is an error, not a last-one-wins: a price list with two prices for one thing is a mistake.
[[nodiscard]] Result<std::vector<PriceListRow>> parse_price_list_csv(std::string_view text);

}  // namespace cardmint::price
