#pragma once
// Reads the TCGdex-derived catalog (data/catalog/{sets,cards}.jsonl, described in its README.md)
// into plain structs: only the fields a card face needs. Developer tool; never linked into
// cardmintd. A Catalog is immutable after read_catalog() and safe to share between threads.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cardmint::card_photo {

struct CatalogSet {
  std::string id;             // "base1", "swsh9tg", "sv03.5"
  std::string name;           // "Base Set"
  std::string serie_id;       // "base", "swsh", "tcgp"
  std::string release_date;   // "YYYY-MM-DD"
  int official_count = 0;     // the printed "/NNN" denominator (a catalog size for promo sets)
  std::string abbreviation;   // official set code ("BS", "BRS:TG"); empty when null
  bool digital_only = false;  // Pokémon TCG Pocket: never photographed
};

struct CardVariants {
  bool normal = true;
  bool reverse = false;
  bool holo = false;
  bool first_edition = false;
};

struct CatalogCard {
  std::string id;  // "<set_id>-<local_id>"
  std::string set_id;
  std::string local_id;  // as stored: "4", "058", "TG01", "SWSH001", "%3F"
  std::string name;
  std::string category;  // "Pokemon", "Trainer", "Energy"
  std::string rarity;
  std::optional<int> hp;
  std::vector<std::string> types;  // "Fire", "Water", ...
  std::string stage;               // "Basic", "Stage1", ...; empty for most non-Pokémon
  std::string suffix;              // "ex", "V", "GX", ...
  std::string evolve_from;
  std::string illustrator;
  std::string regulation_mark;  // "D".."J"; empty when absent
  std::string trainer_type;     // "Supporter", "Item", ...
  std::string energy_type;      // "Normal", "Special"
  std::vector<std::string> attack_names;
  std::vector<std::string> ability_names;
  CardVariants variants;
};

class Catalog {
 public:
  Catalog(std::vector<CatalogSet> sets, std::vector<CatalogCard> cards);

  const std::vector<CatalogSet>& sets() const { return sets_; }
  const std::vector<CatalogCard>& cards() const { return cards_; }
  const CatalogSet* find_set(std::string_view id) const;    // nullptr when unknown
  const CatalogCard* find_card(std::string_view id) const;  // nullptr when unknown
  // Indices into cards() of one set, in catalog (collector) order; empty when unknown.
  const std::vector<std::size_t>& card_indices_of_set(std::string_view set_id) const;
  // How many cards of `set_id` share the letter prefix `prefix` ("RC" in g1 → 32).
  int prefix_count(std::string_view set_id, std::string_view prefix) const;

 private:
  std::vector<CatalogSet> sets_;
  std::vector<CatalogCard> cards_;
  std::map<std::string, std::size_t, std::less<>> set_index_;
  std::map<std::string, std::size_t, std::less<>> card_index_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> cards_by_set_;
  std::map<std::string, int, std::less<>> prefix_counts_;  // key "<set_id>\t<prefix>"
};

// One line of sets.jsonl / cards.jsonl. Errors: invalid_input for malformed JSON or a missing
// required key (id, name, set_id, local_id).
[[nodiscard]] Result<CatalogSet> parse_set_line(std::string_view line);
[[nodiscard]] Result<CatalogCard> parse_card_line(std::string_view line);

// Reads `dir`/sets.jsonl and `dir`/cards.jsonl. Errors: not_found when a file is missing,
// invalid_input (with the file and line number) for a bad line or a card of an unknown set.
[[nodiscard]] Result<Catalog> read_catalog(const std::filesystem::path& dir);

}  // namespace cardmint::card_photo
