#pragma once
// What an importer reads from a source (TCGdex JSON Lines, pokemontcg.io JSON) before it is
// written to SQLite: plain values, one struct per row. Derived keys (name_norm, number_norm,
// subset counts) are computed by the builder, the same way for every format.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/card.h"

namespace cardmint::catalog {

struct SourceSet {
  std::string id;
  std::string name;
  std::optional<std::string> serie_id;
  std::string serie;
  int official_count = 0;
  int total_count = 0;
  std::string release_date;  // YYYY-MM-DD
  std::optional<std::string> abbreviation;
  std::optional<std::string> tcg_online;
  bool digital_only = false;
  bool prints_total = true;
};

// Another number a card prints (see the `number_aliases` table).
struct NumberAlias {
  std::string number;        // as printed; normalized by the builder
  std::optional<int> total;  // nullopt: printed without "/total"
};

struct SourceCard {
  std::string id;
  std::string set_id;
  std::string local_id;  // as stored
  std::string number;    // the collector number to normalize: local_id, URL-decoded ("%3F" → "?")
  std::string name;
  std::string category;  // "Pokemon", "Trainer", "Energy"
  std::optional<int> hp;
  std::optional<std::string> rarity, illustrator, stage, suffix, regulation_mark;
  std::vector<std::string> types, attack_names, ability_names;
  std::vector<std::int64_t> tcgplayer_ids, cardmarket_ids;
  std::vector<Finish> finishes;    // never empty after import
  bool finishes_inferred = false;  // the source named none; see the importer for the rule
  std::vector<NumberAlias> aliases;
};

struct CatalogSource {
  std::string format;       // "tcgdex", "pokemontcg"
  std::string origin;       // the folder read
  std::string fingerprint;  // size and mtime of each file read; stored as provenance
  std::vector<SourceSet> sets;
  std::vector<SourceCard> cards;
};

// True for a set whose cards print no "/total": the Black Star and other promo sets
// ("SWSH Black Star Promos", "W Promotional", "Promos-A"). Both importers use this rule.
bool is_promo_set_name(std::string_view set_name);

// "<file name>:<bytes>:<mtime>" for the provenance fingerprint; "<file name>:missing" when absent.
std::string file_fingerprint(const std::filesystem::path& file);

}  // namespace cardmint::catalog
