#pragma once
// The catalog's records as the rest of CardMint sees them: plain values, no SQLite, no JSON.
// Thread-compatible values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cardmint::catalog {

// A physical finish a card was printed in. A card's printings are part of its identity in results:
// "base1-4 holo" and "base1-4 first edition" are different things to own and to price.
enum class Finish { kNormal, kHolo, kReverseHolo, kFirstEdition };

inline constexpr Finish kAllFinishes[] = {Finish::kNormal, Finish::kHolo, Finish::kReverseHolo,
                                          Finish::kFirstEdition};

// "normal", "holo", "reverse holo", "first edition": the strings stored in `printings.finish`.
std::string_view finish_name(Finish finish);
// Inverse of finish_name(); nullopt for anything else.
std::optional<Finish> parse_finish(std::string_view name);

struct CardSet {
  std::string id;    // tcgdex set id: "base1", "swsh12tg", "sv03.5"
  std::string name;  // "Base Set"
  std::string serie_id;
  std::string serie;
  int official_count = 0;  // the printed "/NNN" denominator; for promo sets a catalog size
  int total_count = 0;
  std::string release_date;                 // YYYY-MM-DD
  std::optional<std::string> abbreviation;  // "BS", "BRS:TG"
  bool digital_only = false;                // Pokémon TCG Pocket
  bool prints_total = true;                 // false for promo sets: their cards print no "/total"
  int card_count = 0;                       // cards of this set in the catalog
};

struct Card {
  std::string id;  // "<set_id>-<local_id>", e.g. "base1-4", "swsh12tg-TG05"
  std::string set_id;
  std::string set_name;
  std::string local_id;  // collector number as stored ("058", "TG05")
  std::string number;    // normalized collector number ("58", "TG5")
  std::string name;      // as stored ("Charizard", "Koga’s Trap")
  std::string category;  // "Pokemon", "Trainer", "Energy"
  std::optional<int> hp;
  std::optional<std::string> rarity;
  std::optional<std::string> illustrator;
  std::optional<std::string> stage;
  std::vector<std::string> attack_names;
  std::vector<std::int64_t> tcgplayer_ids;
  std::vector<Finish> printings;  // in kAllFinishes order; never empty
};

}  // namespace cardmint::catalog
