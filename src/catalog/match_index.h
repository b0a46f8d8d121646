#pragma once
// The in-memory keys behind Catalog's lookups: for every card its normalized name and number, its
// set's printed total, its finishes, its HP and attack names, indexed by number and by name.
// Scoring lives here too, so find_by_number and match apply one rule for what a printed total
// means.
// Internal to catalog/. Immutable after load(); safe to read from any number of threads.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "catalog/card.h"
#include "catalog/catalog.h"
#include "catalog/collector_number.h"
#include "catalog/name_index.h"

namespace cardmint::catalog {

struct IndexedCard {
  struct Alias {
    std::string number;        // normalized
    std::optional<int> total;  // nullopt: printed without a total
  };
  std::string id;
  std::string set_id;
  std::string release_date;
  int name_id = 0;
  std::string number;  // normalized
  int official_count = 0;
  std::optional<int> subset_count;
  bool prints_total = true;
  bool digital_only = false;
  std::uint8_t finishes = 0;  // bit i: kAllFinishes[i]
  std::vector<Alias> aliases;
  std::optional<int> hp;
  std::vector<std::string> attacks;  // attack and ability names, normalized (card_name.h)
  std::string illustrator;           // normalized
  // How likely the card is printed full-art (art across the whole card, no framed art box),
  // from its rarity, era and number: see full_art_prior() in match_index.cpp.
  float full_art = 0;
  // Printed with a silver border (Scarlet & Violet on), not the yellow one of every earlier era.
  bool silver_border = false;
  // A Pokémon of Wizards of the Coast's sets (1999-2003), whose HP is printed in red unless the
  // card is printed full-art.
  bool red_hp = false;
};

struct ScoredCard {
  int card = 0;  // index into MatchIndex::card()
  double score = 0.0;
  double name_score = 0.0;
  double number_score = 0.0;
  double text_score = 0.0;  // rank_printed: the card's attack names and HP read
  bool via_alias = false;
  int line = -1;       // rank_printed: the number line that spelled the card's number best
  double prior = 0.0;  // MatchHints::prior's probability for the card
};

class MatchIndex {
 public:
  [[nodiscard]] static Result<MatchIndex> load(sqlite3* db);

  const IndexedCard& card(int index) const { return cards_[static_cast<size_t>(index)]; }
  std::optional<int> find_card(std::string_view id) const;
  int card_count() const { return static_cast<int>(cards_.size()); }
  // The set's cards in collector order (collector_order_less); empty for an unknown set.
  const std::vector<int>& cards_of_set(std::string_view set_id) const;

  const NameIndex& names() const { return names_; }
  const std::string& display_name(int name_id) const;
  int cards_with_name(int name_id) const;

  // Cards printing exactly `number` over `total` (Catalog::find_by_number), oldest set first.
  std::vector<int> find_by_number(std::string_view number_norm, std::optional<int> total,
                                  bool include_digital) const;

  struct RankOptions {
    std::optional<std::string> set_id;
    bool include_digital = false;
    // Sets whose code ("BRS", "FUT20") was read on the card (add_sets_coded_in): cards of other
    // sets score a little lower.
    std::vector<std::string> coded_sets;
  };
  // Appends to `sets`, once each, the sets whose printed code stands as a word of its own in
  // `line` ("BRS TG17/TG30": the Brilliant Stars sets). Only codes of three or more characters:
  // two-letter codes ("EX", "HP", "XY") are words as often as codes.
  void add_sets_coded_in(std::string_view line, std::vector<std::string>& sets) const;
  // Every card that the name or the number could refer to, scored in [0, 1], best first.
  std::vector<ScoredCard> rank(std::string_view name_norm,
                               const std::optional<PrintedNumber>& number,
                               const RankOptions& options) const;

  // The cards the name could refer to, scored as rank() scores a name with a number, but with
  // the evidence of `read` in place of a parsed number (Catalog::match_printed_text):
  // number_score from how closely a stretch of one of its number lines, unparsed, spells a form
  // the card prints its number in (printed_number_forms; ocr_edit_distance.h's number distance
  // over the form's length), for lines too garbled to parse ("EM 6l/1O6 @", "TGl7TG3O");
  // text_score from the card's attack names found in its body lines and its HP among its
  // hp_values. Empty without a name, or with nothing in `read`.
  std::vector<ScoredCard> rank_printed(std::string_view name_norm, const PrintedText& read,
                                       const RankOptions& options) const;

  // Best score first; ties go to the older set.
  void sort_ranked(std::vector<ScoredCard>& ranked) const;

 private:
  // Cards with a name like `name_norm`, with the name's similarity, appended to `out`.
  void add_named_cards(std::string_view name_norm, std::unordered_map<int, double>& name_scores,
                       std::vector<int>& out) const;
  // Cards whose name is `name_norm` and a mechanic or a first word more ("lapras" → Lapras V;
  // "mr rime" → Galarian Mr. Rime), appended.
  void add_longer_names(std::string_view name_norm, std::unordered_map<int, double>& name_scores,
                        std::vector<int>& out) const;
  // The cards of `name_ids`, each name scored at least `score`, appended; names already scored
  // that high were added before.
  void add_names_scored(const std::vector<int>& name_ids, double score,
                        std::unordered_map<int, double>& name_scores, std::vector<int>& out) const;

  std::vector<IndexedCard> cards_;
  std::unordered_map<std::string, int> by_id_;
  std::unordered_map<std::string, std::vector<int>> by_number_;  // own numbers and aliases
  std::unordered_map<std::string, std::vector<int>> by_set_;     // in collector order
  std::vector<std::vector<int>> by_name_;                        // name_id → cards
  std::vector<std::string> display_names_;                       // name_id → name as printed
  // "zapdos ex" → the name_ids of "Rocket's Zapdos ex", ...: names read without their owner.
  std::unordered_map<std::string, std::vector<int>> by_owned_part_;
  // "lapras" → the name_ids of "Lapras V", "Lapras VMAX", ...; "mr rime" → "Galarian Mr. Rime":
  // names read without their mechanic or their first word (shortened_names).
  std::unordered_map<std::string, std::vector<int>> by_shortened_name_;
  std::unordered_map<std::string, std::vector<std::string>> sets_by_code_;  // "BRS" → set ids
  NameIndex names_;
};

}  // namespace cardmint::catalog
