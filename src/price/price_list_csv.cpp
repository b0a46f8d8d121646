#include "price/price_list_csv.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include "base/csv.h"

namespace cardmint::price {
namespace {

constexpr std::array<std::string_view, 7> kColumns = {"card_id", "printing", "currency", "low",
                                                      "mid",     "high",     "market"};
enum Column { kCardId, kPrinting, kCurrency, kLow, kMid, kHigh, kMarket };

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

// Which field holds each column.
Result<std::array<std::size_t, kColumns.size()>> read_header(const CsvRecord& header) {
  std::array<std::optional<std::size_t>, kColumns.size()> found;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = lower(header.fields[i]);
    auto column = std::find(kColumns.begin(), kColumns.end(), name);
    if (column == kColumns.end()) {
      return csv_error(header.line, fmt::format("unknown column \"{}\"; the header is {}",
                                                header.fields[i], fmt::join(kColumns, ",")));
    }
    auto& slot = found[static_cast<std::size_t>(column - kColumns.begin())];
    if (slot) return csv_error(header.line, fmt::format("column \"{}\" appears twice", name));
    slot = i;
  }
  std::array<std::size_t, kColumns.size()> index{};
  for (std::size_t c = 0; c < kColumns.size(); ++c) {
    if (!found[c]) {
      return csv_error(header.line, fmt::format("no \"{}\" column; the header is {}", kColumns[c],
                                                fmt::join(kColumns, ",")));
    }
    index[c] = *found[c];
  }
  return index;
}

Result<std::optional<double>> read_figure(int line, std::string_view column,
                                          std::string_view text) {
  if (text.empty()) return std::optional<double>();
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
    return csv_error(line, fmt::format("{} \"{}\" is not a price (a number like 12.50, no currency "
                                       "sign or thousands separator)",
                                       column, text));
  }
  return std::optional<double>(value);
}

bool is_card_id(std::string_view id) {
  return !id.empty() && id.size() <= 100 && std::none_of(id.begin(), id.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
}

Result<PriceListRow> read_row(const CsvRecord& record,
                              const std::array<std::size_t, kColumns.size()>& index) {
  const auto field = [&](Column c) -> const std::string& { return record.fields[index[c]]; };
  PriceListRow row;
  row.line = record.line;
  row.card_id = field(kCardId);
  if (!is_card_id(row.card_id)) {
    return csv_error(record.line, "card_id is empty, too long or holds control characters");
  }
  std::optional<catalog::Finish> finish = catalog::parse_finish(lower(field(kPrinting)));
  if (!finish) {
    return csv_error(record.line,
                     fmt::format("printing \"{}\" is not one of normal, holo, reverse holo, first "
                                 "edition",
                                 field(kPrinting)));
  }
  row.finish = *finish;
  row.currency = field(kCurrency);
  std::transform(
      row.currency.begin(), row.currency.end(), row.currency.begin(),
      [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
  if (row.currency.size() != 3 || !std::all_of(row.currency.begin(), row.currency.end(),
                                               [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return csv_error(record.line, fmt::format("currency \"{}\" is not a three-letter code like USD",
                                              field(kCurrency)));
  }
  for (auto [column, target] : {std::pair{kLow, &row.low}, std::pair{kMid, &row.mid},
                                std::pair{kHigh, &row.high}, std::pair{kMarket, &row.market}}) {
    Result<std::optional<double>> figure =
        read_figure(record.line, kColumns[column], field(column));
    if (!figure.ok()) return figure.status();
    *target = *figure;
  }
  if (!row.market && !row.mid) {
    return csv_error(record.line, "give a market or a mid price (the one a scan shows)");
  }
  return row;
}

}  // namespace

Result<std::vector<PriceListRow>> parse_price_list_csv(std::string_view text) {
  Result<std::vector<CsvRecord>> records = read_csv_records(text);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return Status::invalid_input(
        fmt::format("the price list is empty; it needs the header {}", fmt::join(kColumns, ",")));
  }
  Result<std::array<std::size_t, kColumns.size()>> index = read_header(records->front());
  if (!index.ok()) return index.status();

  std::vector<PriceListRow> rows;
  rows.reserve(records->size() - 1);
  std::map<std::pair<std::string, catalog::Finish>, int> first_line;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    if (record.fields.size() != records->front().fields.size()) {
      return csv_error(record.line,
                       fmt::format("{} fields; the header has {}", record.fields.size(),
                                   records->front().fields.size()));
    }
    Result<PriceListRow> row = read_row(record, *index);
    if (!row.ok()) return row.status();
    auto [seen, inserted] = first_line.emplace(std::pair{row->card_id, row->finish}, row->line);
    if (!inserted) {
      return csv_error(row->line, fmt::format("{} {} is already priced on line {}", row->card_id,
                                              catalog::finish_name(row->finish), seen->second));
    }
    rows.push_back(std::move(*row));
  }
  return rows;
}

}  // namespace cardmint::price
