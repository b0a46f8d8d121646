#pragma once
// The files a collection leaves CardMint in, and comes back from: CSV that TCGplayer's and
// Dragon Shield's importers take, CardMint's own plain CSV, and JSON. Pure functions over
// entries; no SQLite, no I/O. Thread-safe.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "collection/collection.h"

namespace cardmint::catalog {
class Catalog;
}  // namespace cardmint::catalog

namespace cardmint::collection {

enum class ExportFormat {
  kTcgplayer,     // Quantity,Name,Simple Name,Set,Card Number,Set Code,Printing,Condition,
                  // Language,Rarity,Product ID,SKU
  kDragonShield,  // Dragon Shield Card Manager's export columns, after its "sep=," line:
                  // Folder Name,Quantity,Trade Quantity,Card Name,Set Code,Set Name,Card Number,
                  // Condition,Printing,Language,Price Bought,Date Bought,LOW,MID,MARKET
  kPlainCsv,      // CardMint's own columns: every field of CollectionEntry
  kJson,          // {"entries": [...], "summary": {...}}
};

// "tcgplayer", "dragonshield", "csv", "json"; also accepted by parse_export_format:
// "dragon-shield", "plain".
std::string_view export_format_name(ExportFormat format);
std::optional<ExportFormat> parse_export_format(std::string_view name);
std::string_view export_content_type(ExportFormat format);    // text/csv; charset=utf-8, ...
std::string_view export_file_extension(ExportFormat format);  // "csv", "json"

// An entry and a summary as JSON objects, with the field names of the structs (the JSON export,
// the HTTP API and `cardmint collection list --json` all use these). An entry's price is null
// without one; a summary reads {"entries": 3, "cards": 5, "total_value": 12.5,
// "priced_entries": 2}.
nlohmann::json entry_json(const CollectionEntry& entry);
nlohmann::json summary_json(const CollectionSummary& summary);

// The whole file: header and one row per entry (RFC 4180 quoting, CRLF-free "\n" lines; Dragon
// Shield's starts with the "sep=," line its own exports have).
//
// TCGplayer: Printing is Normal, Holofoil, Reverse Holofoil, 1st Edition or 1st Edition Holofoil;
// Condition is TCGplayer's grade, and "mint" is written "Near Mint" (TCGplayer has no Mint
// grade: it comes back as near mint); Card Number is "58/102", "TG05/TG30", or the number alone
// for a set that prints no total; Simple Name is the name with accents folded ("Pokemon");
// Product ID is empty without one, SKU always (CardMint has no SKUs).
// Dragon Shield: Condition is its Cardmarket-style grade (mint Mint, near mint NearMint, lightly
// played Excellent, moderately played LightPlayed, heavily played Played, damaged Poor); Printing
// Normal, Holo, Reverse Holo or 1st Edition; MARKET the entry's price; Date Bought the day it was
// first added.
std::string write_export(ExportFormat format, const std::vector<CollectionEntry>& entries);

// The collector number as the card prints it, with its set's total: "58/102", "TG05/TG30" (a
// prefixed number's total carries the prefix), or the number alone where the set prints no total
// ("SWSH001"). TCGplayer's Card Number.
std::string card_number(const CollectionEntry& entry);

// entry_json() read back (a scan event's snapshot of its entry). internal when a field is missing
// or not of its type.
[[nodiscard]] Result<CollectionEntry> entry_from_json(const nlohmann::json& json);

// The totals of `entries`, counted as Collection::summary() counts its own.
CollectionSummary summarize(const std::vector<CollectionEntry>& entries);

// A row an import took, ready for Collection::add(), or the reason it did not.
struct ImportRow {
  int line = 0;  // 1-based line of the file
  std::optional<AddRequest> request;
  std::string error;  // set when request is empty: "no card Pikachu 58/102 in set BS", ...
};

struct ImportFile {
  ExportFormat format = ExportFormat::kPlainCsv;  // as detected from the header
  std::vector<ImportRow> rows;
};

// Reads a CSV written by write_export() (any of the three CSV formats, told apart by the header;
// a leading "sep=," line and a UTF-8 BOM are skipped) and finds each row's card in `catalog`: by
// card id (plain), else by set (its code and name, each when given) and collector number; the
// catalog has no lookup by TCGplayer product id, so a TCGplayer row's Product ID, the name and
// the number's total only confirm the card found. A row whose card cannot be found, or whose
// fields disagree about it, is reported, never guessed. Printing and condition map back as
// write_export() wrote them (also TCGplayer's "Unlimited" and "Unlimited Holofoil", Dragon
// Shield's "Good" as lightly played). invalid_input when the header is none of the formats or
// the text is not CSV (an unterminated quote).
[[nodiscard]] Result<ImportFile> read_import(std::string_view csv_text,
                                             const catalog::Catalog& catalog);

}  // namespace cardmint::collection
