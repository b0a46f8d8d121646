#include "collection/collection_formats.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <span>

#include "base/csv.h"
#include "catalog/card_name.h"
#include "catalog/catalog.h"
#include "catalog/collector_number.h"
#include "collection/card_facts.h"

namespace cardmint::collection {
namespace {

using nlohmann::json;

constexpr std::string_view kTcgplayerColumns[] = {
    "Quantity", "Name",      "Simple Name", "Set",    "Card Number", "Set Code",
    "Printing", "Condition", "Language",    "Rarity", "Product ID",  "SKU"};

// Dragon Shield Card Manager's collection export, as tools that read and write it spell it:
// StepKie/MtgCsvHelper's DRAGONSHIELD configuration (conditions Mint, NearMint, Excellent, Good,
// LightPlayed, Played, Poor) and the transmute project's DragonShield handler (these columns,
// "sep=," before them). Both know its Magic exports, whose Printing is Normal or Foil; a Pokémon
// card's printings need more names, and CardMint's are its own choice (kDragonShieldPrintings).
constexpr std::string_view kDragonShieldColumns[] = {
    "Folder Name", "Quantity",  "Trade Quantity", "Card Name", "Set Code",     "Set Name",
    "Card Number", "Condition", "Printing",       "Language",  "Price Bought", "Date Bought",
    "LOW",         "MID",       "MARKET"};
constexpr std::string_view kDragonShieldFolder = "CardMint";

constexpr std::string_view kPlainColumns[] = {"id",
                                              "card_id",
                                              "finish",
                                              "condition",
                                              "language",
                                              "quantity",
                                              "name",
                                              "set_id",
                                              "set_name",
                                              "set_code",
                                              "number",
                                              "printed_total",
                                              "rarity",
                                              "tcgplayer_product_id",
                                              "holofoil",
                                              "price",
                                              "session_id",
                                              "first_added_utc",
                                              "last_added_utc"};

// One word of a format's vocabulary: CardMint's value and the format's. Writing takes the first
// term with CardMint's value; reading, the first with the format's where `read` is set.
struct Term {
  std::string_view ours;
  std::string_view theirs;
  bool read = true;
};

// TCGplayer grades cards Near Mint at best: a mint card is written Near Mint, and reads back so.
constexpr Term kTcgplayerConditions[] = {
    {"mint", "Near Mint", false},         {"near mint", "Near Mint"},
    {"lightly played", "Lightly Played"}, {"moderately played", "Moderately Played"},
    {"heavily played", "Heavily Played"}, {"damaged", "Damaged"}};

// The Cardmarket ladder that Dragon Shield uses has seven grades to TCGplayer's five: Excellent
// and Good both stand for lightly played (the usual crosswalk, MtgCsvHelper's too).
constexpr Term kDragonShieldConditions[] = {{"mint", "Mint"},
                                            {"near mint", "NearMint"},
                                            {"lightly played", "Excellent"},
                                            {"lightly played", "Good"},
                                            {"moderately played", "LightPlayed"},
                                            {"heavily played", "Played"},
                                            {"damaged", "Poor"}};

// TCGplayer's printings; "Unlimited" names the plain printing of a card that also has a first
// edition. "1st Edition" against "1st Edition Holofoil" follows CollectionEntry::holofoil.
constexpr Term kTcgplayerPrintings[] = {{"normal", "Normal"},
                                        {"holo", "Holofoil"},
                                        {"reverse holo", "Reverse Holofoil"},
                                        {"first edition", "1st Edition"},
                                        {"first edition", "1st Edition Holofoil"},
                                        {"normal", "Unlimited"},
                                        {"holo", "Unlimited Holofoil"}};

// Not "Foil", as a Magic export writes: for a Pokémon card it could be holo or reverse holo.
constexpr Term kDragonShieldPrintings[] = {{"normal", "Normal"},
                                           {"holo", "Holo"},
                                           {"reverse holo", "Reverse Holo"},
                                           {"first edition", "1st Edition"}};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view theirs(std::span<const Term> terms, std::string_view ours) {
  for (const Term& t : terms) {
    if (t.ours == ours) return t.theirs;
  }
  return ours;  // not CardMint's: Collection never stores one
}

std::optional<std::string_view> ours(std::span<const Term> terms, std::string_view value) {
  for (const Term& t : terms) {
    if (t.read && same_ignoring_case(t.theirs, value)) return t.ours;
  }
  return std::nullopt;
}

std::string readable_terms(std::span<const Term> terms) {
  std::vector<std::string_view> names;
  for (const Term& t : terms) {
    if (t.read) names.push_back(t.theirs);
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string tcgplayer_printing(const CollectionEntry& e) {
  if (e.finish == "first edition" && e.holofoil) return "1st Edition Holofoil";
  return std::string(theirs(kTcgplayerPrintings, e.finish));
}

// Lead byte → the length of its UTF-8 sequence (1 for a stray byte).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// The name as TCGplayer's Simple Name has it: accents folded by the catalog's name folding
// ("Pokémon" → "Pokemon", "Flabébé" → "Flabebe"), curly apostrophes straight, other symbols
// (★, δ) gone; ASCII as it is. Latin-1 capitals stay capitals.
std::string simple_name(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const auto lead = static_cast<unsigned char>(name[i]);
    const std::size_t length = std::min(sequence_length(lead), name.size() - i);
    const std::string_view sequence = name.substr(i, length);
    i += length;
    if (length == 1) {
      out += sequence;
    } else if (sequence == "\u2019" || sequence == "\u2018") {
      out += '\'';
    } else {
      std::string folded = catalog::normalize_card_name(sequence);
      // U+00C0..U+00DE: Latin-1 capitals (2-byte sequences C3 80..C3 9E).
      const bool capital = lead == 0xC3 && static_cast<unsigned char>(sequence[1]) <= 0x9E;
      if (capital && !folded.empty()) folded[0] = static_cast<char>(folded[0] - 'a' + 'A');
      out += folded;
    }
  }
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed += c;
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

std::string number_text(double value) { return fmt::format("{}", value); }

std::string header_line(std::span<const std::string_view> columns) {
  return csv_line(std::vector<std::string>(columns.begin(), columns.end()));
}

std::vector<std::string> tcgplayer_row(const CollectionEntry& e) {
  return {std::to_string(e.quantity),
          e.name,
          simple_name(e.name),
          e.set_name,
          card_number(e),
          e.set_code,
          tcgplayer_printing(e),
          std::string(theirs(kTcgplayerConditions, e.condition)),
          e.language,
          e.rarity,
          e.tcgplayer_product_id > 0 ? std::to_string(e.tcgplayer_product_id) : "",
          ""};
}

std::vector<std::string> dragon_shield_row(const CollectionEntry& e) {
  return {std::string(kDragonShieldFolder),
          std::to_string(e.quantity),
          "0",
          e.name,
          e.set_code,
          e.set_name,
          e.number,
          std::string(theirs(kDragonShieldConditions, e.condition)),
          std::string(theirs(kDragonShieldPrintings, e.finish)),
          e.language,
          "",
          e.first_added_utc.substr(0, 10),
          "",
          "",
          e.price ? number_text(*e.price) : ""};
}

std::vector<std::string> plain_row(const CollectionEntry& e) {
  return {std::to_string(e.id),
          e.card_id,
          e.finish,
          e.condition,
          e.language,
          std::to_string(e.quantity),
          e.name,
          e.set_id,
          e.set_name,
          e.set_code,
          e.number,
          std::to_string(e.printed_total),
          e.rarity,
          std::to_string(e.tcgplayer_product_id),
          e.holofoil ? "true" : "false",
          e.price ? number_text(*e.price) : "",
          e.session_id,
          e.first_added_utc,
          e.last_added_utc};
}

// ---- Reading ----

// Where each of a header's columns is, by name ignoring case.
class Header {
 public:
  explicit Header(const CsvRecord& record) : fields_(record.fields.size()) {
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      std::string key = record.fields[i];
      std::transform(key.begin(), key.end(), key.begin(), lower);
      index_.emplace(std::move(key), i);
    }
  }
  bool has(std::string_view column) const { return find(column).has_value(); }
  std::optional<std::string_view> missing(std::span<const std::string_view> columns) const {
    for (std::string_view c : columns) {
      if (!has(c)) return c;
    }
    return std::nullopt;
  }
  // The row's field in `column`; "" when the header has no such column.
  std::string_view field(const CsvRecord& row, std::string_view column) const {
    std::optional<std::size_t> i = find(column);
    return i ? std::string_view(row.fields[*i]) : std::string_view();
  }
  std::size_t size() const { return fields_; }

 private:
  std::optional<std::size_t> find(std::string_view column) const {
    std::string key(column);
    std::transform(key.begin(), key.end(), key.begin(), lower);
    auto it = index_.find(key);
    return it == index_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }
  std::size_t fields_;
  std::map<std::string, std::size_t> index_;
};

// What a row must have for each format to read it.
constexpr std::string_view kPlainRequired[] = {"card_id", "finish", "condition", "language",
                                               "quantity"};
constexpr std::string_view kTcgplayerRequired[] = {"Quantity",    "Name",     "Set",
                                                   "Card Number", "Set Code", "Printing",
                                                   "Condition",   "Language", "Product ID"};
constexpr std::string_view kDragonShieldRequired[] = {"Quantity", "Card Name",   "Set Code",
                                                      "Set Name", "Card Number", "Condition",
                                                      "Printing", "Language"};

Result<ExportFormat> detect_format(const Header& header, int line) {
  struct Candidate {
    ExportFormat format;
    std::string_view marker;  // a column only this format has
    std::span<const std::string_view> required;
  };
  const Candidate candidates[] = {
      {ExportFormat::kPlainCsv, "card_id", kPlainRequired},
      {ExportFormat::kTcgplayer, "Simple Name", kTcgplayerRequired},
      {ExportFormat::kDragonShield, "Trade Quantity", kDragonShieldRequired}};
  for (const Candidate& c : candidates) {
    if (!header.has(c.marker)) continue;
    if (std::optional<std::string_view> missing = header.missing(c.required)) {
      return csv_error(line, fmt::format("a {} header without its \"{}\" column",
                                         export_format_name(c.format), *missing));
    }
    return c.format;
  }
  return csv_error(line,
                   "the header is none of CardMint's CSV (card_id,...), TCGplayer's "
                   "(Quantity,Name,Simple Name,...) or Dragon Shield's (Folder Name,Quantity,Trade "
                   "Quantity,...)");
}

Result<int> read_quantity(std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 1 || value > 10000) {
    return Status::invalid_input(
        fmt::format("quantity \"{}\" is not a whole number from 1 to 10000", text));
  }
  return value;
}

Result<std::optional<double>> read_price(std::string_view text) {
  if (text.empty()) return std::optional<double>();
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
    return Status::invalid_input(fmt::format("price \"{}\" is not a number like 12.50", text));
  }
  return std::optional<double>(value);
}

Result<std::string> read_term(std::span<const Term> terms, std::string_view what,
                              std::string_view value) {
  std::optional<std::string_view> mapped = ours(terms, value);
  if (!mapped) {
    return Status::invalid_input(
        fmt::format("{} \"{}\" is not one of {}", what, value, readable_terms(terms)));
  }
  return std::string(*mapped);
}

Result<std::string> read_language(std::string_view value) {
  std::optional<std::string_view> language = canonical_language(value);
  if (!language)
    return Status::invalid_input(fmt::format("language \"{}\" is not one we know", value));
  return std::string(*language);
}

// Finds cards by their set and printed number, with the catalog's sets read once per file.
class CardFinder {
 public:
  explicit CardFinder(const catalog::Catalog& catalog) : catalog_(catalog) {}

  Status load() {
    Result<std::vector<catalog::CardSet>> sets = catalog_.list_sets();
    if (!sets.ok()) return sets.status();
    sets_ = std::move(*sets);
    return Status::ok_status();
  }

  // The id of the card numbered `number` ("58", "TG05", "058") in the one set with this code and
  // this name (either may be empty, not both).
  Result<std::string> find(std::string_view set_code, std::string_view set_name,
                           std::string_view number) {
    if (set_code.empty() && set_name.empty()) {
      return Status::invalid_input("the row names no set (neither its code nor its name)");
    }
    const std::string set_label = set_code.empty()   ? fmt::format("\"{}\"", set_name)
                                  : set_name.empty() ? fmt::format("{}", set_code)
                                                     : fmt::format("{} \"{}\"", set_code, set_name);
    std::vector<const catalog::CardSet*> matches;
    for (const catalog::CardSet& set : sets_) {
      if (!set_code.empty() && !same_ignoring_case(set.abbreviation.value_or(""), set_code)) {
        continue;
      }
      if (!set_name.empty() && !same_ignoring_case(set.name, set_name)) continue;
      matches.push_back(&set);
    }
    if (matches.empty()) {
      return Status::not_found(fmt::format("no set {} in the catalog", set_label));
    }
    if (matches.size() > 1) {
      return Status::invalid_input(fmt::format("{} sets match {}", matches.size(), set_label));
    }
    const catalog::CardSet& set = *matches.front();
    auto [cached, fresh] = numbers_.try_emplace(set.id);
    if (fresh) cached->second = catalog_.cards_by_number(set.id);
    const std::string wanted = catalog::normalize_collector_number(number);
    for (const catalog::NumberedCard& card : cached->second) {
      if (card.number == wanted) return card.card_id;
    }
    return Status::not_found(fmt::format("no card {} in set {}", number, set_label));
  }

 private:
  const catalog::Catalog& catalog_;
  std::vector<catalog::CardSet> sets_;
  std::map<std::string, std::vector<catalog::NumberedCard>> numbers_;
};

// The name a row gives, checked against the card found: the same once folded, or the card's
// name followed by more words (TCGplayer adds " - 4/102" or an edition to some names).
Status check_name(std::string_view row_name, const catalog::Card& card) {
  if (row_name.empty()) return Status::ok_status();
  const std::string row = catalog::normalize_card_name(row_name);
  const std::string ours = catalog::normalize_card_name(card.name);
  if (row == ours || row.starts_with(ours + " ")) return Status::ok_status();
  return Status::invalid_input(
      fmt::format("the row names {} but {} is {}", row_name, card.id, card.name));
}

// A "58/102" the row gives, checked against the number the card prints.
Status check_card_number(std::string_view row_number, const CollectionEntry& facts) {
  const std::size_t slash = row_number.find('/');
  if (slash == std::string_view::npos) return Status::ok_status();
  const std::string printed = card_number(facts);
  const std::size_t printed_slash = printed.find('/');
  if (printed_slash != std::string::npos &&
      catalog::normalize_collector_number(row_number.substr(slash + 1)) ==
          catalog::normalize_collector_number(
              std::string_view(printed).substr(printed_slash + 1))) {
    return Status::ok_status();
  }
  return Status::invalid_input(fmt::format("card number {}, but {} {} prints {}", row_number,
                                           facts.card_id, facts.name, printed));
}

class RowReader {
 public:
  RowReader(ExportFormat format, Header header, const catalog::Catalog& catalog)
      : format_(format), header_(std::move(header)), catalog_(catalog), finder_(catalog) {}

  Status load() { return finder_.load(); }

  Result<AddRequest> read(const CsvRecord& row) {
    if (row.fields.size() != header_.size()) {
      return Status::invalid_input(
          fmt::format("{} fields; the header has {}", row.fields.size(), header_.size()));
    }
    switch (format_) {
      case ExportFormat::kPlainCsv:
        return read_plain(row);
      case ExportFormat::kTcgplayer:
        return read_shop(
            row, {"Name", "Set Code", "Set", kTcgplayerPrintings, kTcgplayerConditions, true, ""});
      case ExportFormat::kDragonShield:
        return read_shop(row, {"Card Name", "Set Code", "Set Name", kDragonShieldPrintings,
                               kDragonShieldConditions, false, "MARKET"});
      case ExportFormat::kJson:
        break;
    }
    return Status::internal("JSON is not read here");
  }

 private:
  std::string_view field(const CsvRecord& row, std::string_view column) const {
    return header_.field(row, column);
  }

  Result<AddRequest> read_plain(const CsvRecord& row) {
    AddRequest request;
    Result<int> quantity = read_quantity(field(row, "quantity"));
    if (!quantity.ok()) return quantity.status();
    request.quantity = *quantity;
    Result<CardFacts> facts = card_facts(catalog_, field(row, "card_id"), field(row, "finish"));
    if (!facts.ok()) {
      if (facts.status().code() != StatusCode::kNotFound) return facts.status();
      return Status::not_found(fmt::format("no card {} in the catalog", field(row, "card_id")));
    }
    request.card_id = facts->entry.card_id;
    request.finish = facts->entry.finish;
    std::optional<std::string_view> condition = canonical_condition(field(row, "condition"));
    if (!condition) {
      return Status::invalid_input(
          fmt::format("condition \"{}\" is not a CardMint condition", field(row, "condition")));
    }
    request.condition = std::string(*condition);
    Result<std::string> language = read_language(field(row, "language"));
    if (!language.ok()) return language.status();
    request.language = std::move(*language);
    Result<std::optional<double>> price = read_price(field(row, "price"));
    if (!price.ok()) return price.status();
    request.price = *price;
    request.session_id = std::string(field(row, "session_id"));
    return request;
  }

  struct ShopColumns {
    std::string_view name;
    std::string_view set_code;
    std::string_view set_name;
    std::span<const Term> printings;
    std::span<const Term> conditions;
    bool product_id;         // TCGplayer's Product ID confirms the card
    std::string_view price;  // the column of the price, "" for none
  };

  Result<AddRequest> read_shop(const CsvRecord& row, const ShopColumns& columns) {
    AddRequest request;
    Result<int> quantity = read_quantity(field(row, "Quantity"));
    if (!quantity.ok()) return quantity.status();
    request.quantity = *quantity;
    const std::string_view number_field = field(row, "Card Number");
    const std::string_view number = number_field.substr(0, number_field.find('/'));
    Result<std::string> card_id =
        finder_.find(field(row, columns.set_code), field(row, columns.set_name), number);
    if (!card_id.ok()) return card_id.status();
    Result<std::string> finish = read_term(columns.printings, "printing", field(row, "Printing"));
    if (!finish.ok()) return finish.status();
    Result<CardFacts> facts = card_facts(catalog_, *card_id, *finish);
    if (!facts.ok()) return facts.status();
    if (Status s = check_name(field(row, columns.name), facts->card); !s.ok()) return s;
    if (Status s = check_card_number(number_field, facts->entry); !s.ok()) return s;
    if (columns.product_id) {
      if (Status s = check_product_id(field(row, "Product ID"), facts->card); !s.ok()) return s;
    }
    request.card_id = facts->entry.card_id;
    request.finish = facts->entry.finish;
    Result<std::string> condition =
        read_term(columns.conditions, "condition", field(row, "Condition"));
    if (!condition.ok()) return condition.status();
    request.condition = std::move(*condition);
    Result<std::string> language = read_language(field(row, "Language"));
    if (!language.ok()) return language.status();
    request.language = std::move(*language);
    if (!columns.price.empty()) {
      Result<std::optional<double>> price = read_price(field(row, columns.price));
      if (!price.ok()) return price.status();
      request.price = *price;
    }
    return request;
  }

  static Status check_product_id(std::string_view text, const catalog::Card& card) {
    if (text.empty() || card.tcgplayer_ids.empty()) return Status::ok_status();
    std::int64_t id = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      return Status::invalid_input(fmt::format("Product ID \"{}\" is not a number", text));
    }
    if (std::find(card.tcgplayer_ids.begin(), card.tcgplayer_ids.end(), id) ==
        card.tcgplayer_ids.end()) {
      return Status::invalid_input(fmt::format("Product ID {} is not {} {}'s ({})", id, card.id,
                                               card.name, fmt::join(card.tcgplayer_ids, ", ")));
    }
    return Status::ok_status();
  }

  ExportFormat format_;
  Header header_;
  const catalog::Catalog& catalog_;
  CardFinder finder_;
};

bool is_separator_line(const CsvRecord& record) {
  return record.fields.size() == 2 && record.fields[0] == "sep=" && record.fields[1].empty();
}

}  // namespace

std::string_view export_format_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::kTcgplayer:
      return "tcgplayer";
    case ExportFormat::kDragonShield:
      return "dragonshield";
    case ExportFormat::kPlainCsv:
      return "csv";
    case ExportFormat::kJson:
      return "json";
  }
  return "csv";
}

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), lower);
  if (key == "tcgplayer") return ExportFormat::kTcgplayer;
  if (key == "dragonshield" || key == "dragon-shield") return ExportFormat::kDragonShield;
  if (key == "csv" || key == "plain") return ExportFormat::kPlainCsv;
  if (key == "json") return ExportFormat::kJson;
  return std::nullopt;
}

std::string_view export_content_type(ExportFormat format) {
  return format == ExportFormat::kJson ? "application/json" : "text/csv; charset=utf-8";
}

std::string_view export_file_extension(ExportFormat format) {
  return format == ExportFormat::kJson ? "json" : "csv";
}

std::string write_export(ExportFormat format, const std::vector<CollectionEntry>& entries) {
  if (format == ExportFormat::kJson) {
    json list = json::array();
    for (const CollectionEntry& e : entries) list.push_back(entry_json(e));
    return json{{"entries", std::move(list)}, {"summary", summary_json(summarize(entries))}}.dump(
               2, ' ', false, json::error_handler_t::replace) +
           "\n";
  }
  std::string out;
  std::vector<std::string> (*row)(const CollectionEntry&) = plain_row;
  switch (format) {
    case ExportFormat::kTcgplayer:
      out = header_line(kTcgplayerColumns);
      row = tcgplayer_row;
      break;
    case ExportFormat::kDragonShield:
      // Dragon Shield's own exports start so; spreadsheet programs read it as "split at commas".
      out = "sep=,\n" + header_line(kDragonShieldColumns);
      row = dragon_shield_row;
      break;
    case ExportFormat::kPlainCsv:
    case ExportFormat::kJson:
      out = header_line(kPlainColumns);
      break;
  }
  for (const CollectionEntry& e : entries) out += csv_line(row(e));
  return out;
}

std::string card_number(const CollectionEntry& e) {
  if (e.printed_total <= 0) return e.number;
  const std::string normalized = catalog::normalize_collector_number(e.number);
  return fmt::format("{}/{}{}", e.number, catalog::number_prefix(normalized), e.printed_total);
}

json entry_json(const CollectionEntry& e) {
  return json{{"id", e.id},
              {"card_id", e.card_id},
              {"finish", e.finish},
              {"condition", e.condition},
              {"language", e.language},
              {"quantity", e.quantity},
              {"name", e.name},
              {"set_id", e.set_id},
              {"set_name", e.set_name},
              {"set_code", e.set_code},
              {"number", e.number},
              {"printed_total", e.printed_total},
              {"rarity", e.rarity},
              {"tcgplayer_product_id", e.tcgplayer_product_id},
              {"holofoil", e.holofoil},
              {"price", e.price ? json(*e.price) : json(nullptr)},
              {"session_id", e.session_id},
              {"first_added_utc", e.first_added_utc},
              {"last_added_utc", e.last_added_utc}};
}

Result<CollectionEntry> entry_from_json(const json& j) {
  if (!j.is_object()) return Status::internal("a collection entry's JSON is not an object");
  CollectionEntry e;
  try {
    j.at("id").get_to(e.id);
    for (auto [key, target] : {std::pair{"card_id", &e.card_id},
                               {"finish", &e.finish},
                               {"condition", &e.condition},
                               {"language", &e.language},
                               {"name", &e.name},
                               {"set_id", &e.set_id},
                               {"set_name", &e.set_name},
                               {"set_code", &e.set_code},
                               {"number", &e.number},
                               {"rarity", &e.rarity},
                               {"session_id", &e.session_id},
                               {"first_added_utc", &e.first_added_utc},
                               {"last_added_utc", &e.last_added_utc}}) {
      j.at(key).get_to(*target);
    }
    j.at("quantity").get_to(e.quantity);
    j.at("printed_total").get_to(e.printed_total);
    j.at("tcgplayer_product_id").get_to(e.tcgplayer_product_id);
    j.at("holofoil").get_to(e.holofoil);
    if (!j.at("price").is_null()) e.price = j.at("price").get<double>();
  } catch (const json::exception& error) {
    return Status::internal(fmt::format("a collection entry's JSON: {}", error.what()));
  }
  return e;
}

CollectionSummary summarize(const std::vector<CollectionEntry>& entries) {
  CollectionSummary summary;
  for (const CollectionEntry& e : entries) {
    ++summary.entries;
    summary.cards += e.quantity;
    if (e.price) {
      ++summary.priced_entries;
      summary.total_value += e.quantity * *e.price;
    }
  }
  return summary;
}

json summary_json(const CollectionSummary& s) {
  return json{{"entries", s.entries},
              {"cards", s.cards},
              {"total_value", s.total_value},
              {"priced_entries", s.priced_entries}};
}

Result<ImportFile> read_import(std::string_view csv_text, const catalog::Catalog& catalog) {
  Result<std::vector<CsvRecord>> records = read_csv_records(csv_text);
  if (!records.ok()) return records.status();
  std::span<const CsvRecord> rest(*records);
  if (!rest.empty() && is_separator_line(rest.front())) rest = rest.subspan(1);
  if (rest.empty()) return Status::invalid_input("the file is empty; it needs a header line");
  Header header(rest.front());
  Result<ExportFormat> format = detect_format(header, rest.front().line);
  if (!format.ok()) return format.status();
  RowReader reader(*format, std::move(header), catalog);
  if (Status s = reader.load(); !s.ok()) return s;

  ImportFile file;
  file.format = *format;
  for (const CsvRecord& record : rest.subspan(1)) {
    ImportRow row;
    row.line = record.line;
    Result<AddRequest> request = reader.read(record);
    if (request.ok()) {
      row.request = std::move(*request);
    } else {
      row.error = request.status().message();
    }
    file.rows.push_back(std::move(row));
  }
  return file;
}

}  // namespace cardmint::collection
