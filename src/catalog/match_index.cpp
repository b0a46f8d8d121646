#include "catalog/match_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

#include "catalog/card_name.h"
#include "catalog/ocr_edit_distance.h"
#include "catalog/sqlite.h"

namespace cardmint::catalog {
namespace {

// When both the name and the number line were read they count equally: the name alone is shared
// by up to 122 cards (Pikachu), the number and total alone by up to a dozen sets.
constexpr double kNameWeight = 0.5;
// Names searched for candidates, and the least similarity that still makes one.
constexpr int kNameCandidates = 8;
constexpr double kMinNameScore = 0.5;
// A printed alias is as good evidence as the card's own number, but the original ranks first:
// base1-4 before its Celebrations reprint cel25cc-CC002, which prints the same "4/102".
constexpr double kAliasWeight = 0.98;
// A different number is weak evidence (OCR misread one digit); never as good as the right one.
constexpr double kOtherNumberWeight = 0.8;
// A total that does not match: a misread digit is likelier than a wrong set, so partial credit.
constexpr double kOtherTotalWeight = 0.6;
// A total was read, but the set prints none (a promo).
constexpr double kTotalOnPromo = 0.2;
// No total was read, but the set prints one: OCR often loses the "/102".
constexpr double kTotalLost = 0.5;
// The caller's set hint disagrees.
constexpr double kSetHintPenalty = 0.8;
// A set code read on the card: cards of other sets keep this much of their score. Mild, since a
// word of OCR noise can spell a code, yet enough to settle cards that share a name and number
// ("Pikachu on the Ball 001/005" in Futsal 2020 and a creator pack).
constexpr double kOtherSetThanCoded = 0.9;
constexpr size_t kMinSetCodeLength = 3;
// A name read as what follows an owner's name in a catalog name ("Zapdos ex" of "Rocket's
// Zapdos ex"): the owner is printed smaller on some cards, or split off by OCR. Below an exact
// name, so the owner's card wins only with the number.
constexpr double kOwnerLostScore = 0.9;
// A name read as a catalog name without its mechanic ("Lapras" of "Lapras V") or its first word
// ("Mr. Rime" of "Galarian Mr. Rime"): the same, and only where a number was read, which alone
// tells the cards apart.
constexpr double kWordsLostScore = 0.9;
// A name read this close to a catalog name is that name misread, as the OCR recognizer takes a
// clear name: its longer names count too.
constexpr double kClearReadScore = 0.85;
// rank_printed: an attack name counts as read when a body line spells at least this share of it
// (one edit in "tackle" is 0.83), and only names this long: "bite" fits too much rules text.
constexpr double kMinAttackRead = 0.75;
constexpr size_t kMinAttackLength = 4;
// The attack names weigh more than the HP: an HP is shared by many printings of a name.
constexpr double kAttackWeight = 0.7;
// The illustrator line ("Illus. Mitsuhiro Arita"), printed beside the number and often read when
// the number is not: worth as much as the HP, for an artist draws many printings of a name too.
constexpr double kIllustratorWeight = 0.3;
constexpr size_t kMinIllustratorLength = 5;
// A spelled number against the attack names and HP: the spelling of a short number ("4") fits
// noise often, while an attack name read is rarely chance.
constexpr double kSpelledNumberWeight = 0.4;

std::optional<Finish> finish_from_name(std::string_view name) { return parse_finish(name); }

// How often a card of this rarity, set and number is printed full-art. Rarities that exist only
// as full-art cards (illustration rares, hyper rares, full-art trainers, shiny ultra rares) are;
// from Black & White on (2011), secret rares (numbered past the set's count) mostly are, as are
// most ultra rares (full-art EX, GX, V, ex); earlier, full-art cards were rare exceptions.
float full_art_prior(std::string_view rarity, std::string_view release_date,
                     std::string_view number, int official_count) {
  static constexpr std::string_view kFullArtRarities[] = {
      "Illustration rare", "Special illustration rare", "Hyper rare",      "Full Art Trainer",
      "Shiny Ultra Rare",  "Mega Hyper Rare",           "Shiny rare VMAX", "Shiny rare V"};
  for (std::string_view r : kFullArtRarities) {
    if (rarity == r) return 0.95f;
  }
  if (release_date < "2011-04-01") return 0.05f;
  if (rarity == "Secret Rare") return 0.9f;
  int value = 0;
  const bool plain_number =
      !number.empty() && number.size() <= 4 &&
      std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (plain_number) value = std::stoi(std::string(number));
  if (plain_number && official_count > 0 && value > official_count) return 0.7f;
  if (rarity == "Ultra Rare") return 0.6f;
  return 0.05f;
}

int finish_bit(Finish f) { return 1 << static_cast<int>(f); }

// A set code is printed in capitals and digits ("BRS", "FUT20", "SV3PT5").
bool is_set_code_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// What a card of `set_id` keeps of its score under the set evidence in `options`.
double set_factor(const std::string& set_id, const MatchIndex::RankOptions& options) {
  double factor = 1.0;
  if (options.set_id && set_id != *options.set_id) factor *= kSetHintPenalty;
  if (!options.coded_sets.empty() && std::find(options.coded_sets.begin(), options.coded_sets.end(),
                                               set_id) == options.coded_sets.end())
    factor *= kOtherSetThanCoded;
  return factor;
}

// What follows the owner in a name such as "Rocket's Zapdos ex" or "Team Aqua's Kyogre" (one
// or two words before "'s"/"’s"); nullopt for other names.
std::optional<std::string> owned_part(std::string_view name) {
  for (std::string_view mark : {std::string_view("'s "), std::string_view("\xE2\x80\x99s ")}) {
    const size_t at = name.find(mark);
    if (at == std::string_view::npos || at == 0) continue;
    const std::string_view owner = name.substr(0, at);
    if (std::count(owner.begin(), owner.end(), ' ') > 1) continue;
    const std::string_view rest = name.substr(at + mark.size());
    if (!rest.empty()) return std::string(rest);
  }
  return std::nullopt;
}

// The shorter names OCR may read of a normalized name: without its mechanic, without its first
// word (a form or an owner printed apart, or cut off with the line's start: "ian Mr. Rime"), and
// without both.
std::vector<std::string> shortened_names(const std::string& name_norm) {
  std::vector<std::string> out;
  const std::optional<std::string> base = name_without_mechanic(name_norm);
  if (base) out.push_back(*base);
  for (const std::string& name : {name_norm, base.value_or(std::string())}) {
    const size_t space = name.find(' ');
    if (space != std::string::npos && space + 1 < name.size())
      out.push_back(name.substr(space + 1));
  }
  return out;
}

// How well a printed number matches one number a card prints: `totals` are the totals that count
// as right for it (the set size and, for prefixed subsets, the subset size); `prints_total` false
// for promos.
double number_evidence(const PrintedNumber& p, std::string_view number, bool prints_total,
                       std::initializer_list<std::optional<int>> totals) {
  const double num =
      number == p.number ? 1.0 : kOtherNumberWeight * name_similarity(p.number, number);
  double total = 0.0;
  if (p.total) {
    if (!prints_total) {
      total = kTotalOnPromo;
    } else {
      for (const std::optional<int>& t : totals) {
        if (!t || *t <= 0) continue;
        const double s =
            *t == *p.total
                ? 1.0
                : kOtherTotalWeight * name_similarity(std::to_string(*p.total), std::to_string(*t));
        total = std::max(total, s);
      }
    }
  } else {
    total = prints_total ? kTotalLost : 1.0;
  }
  return num * (0.5 + 0.5 * total);
}

bool total_matches(std::optional<int> printed, bool prints_total,
                   std::initializer_list<std::optional<int>> totals) {
  if (!printed) return !prints_total;
  if (!prints_total) return false;
  for (const std::optional<int>& t : totals) {
    if (t && *t == *printed) return true;
  }
  return false;
}

}  // namespace

Result<MatchIndex> MatchIndex::load(sqlite3* db) {
  MatchIndex index;
  Result<SqliteStmt> cards =
      prepare_sql(db,
                  "SELECT c.id, c.set_id, s.release_date, c.name, c.name_norm, c.number_norm, "
                  "s.official_count, c.subset_count, s.prints_total, s.digital_only, c.hp, "
                  "c.attack_names, c.rarity, s.serie_id, c.ability_names, c.illustrator "
                  "FROM cards c JOIN sets s ON s.id = c.set_id ORDER BY c.rowid");
  if (!cards.ok()) return cards.status();
  std::unordered_map<std::string, int> name_ids;
  std::vector<std::string> names_norm;
  std::vector<std::vector<std::pair<std::string, int>>> spellings;  // name_id → (name, cards)
  int rc;
  while ((rc = sqlite3_step(cards->get())) == SQLITE_ROW) {
    sqlite3_stmt* s = cards->get();
    IndexedCard c;
    c.id = column_text(s, 0);
    c.set_id = column_text(s, 1);
    c.release_date = column_text(s, 2);
    const std::string name = column_text(s, 3);
    const std::string name_norm = column_text(s, 4);
    c.number = column_text(s, 5);
    c.official_count = sqlite3_column_int(s, 6);
    c.subset_count = column_optional_int(s, 7);
    c.prints_total = sqlite3_column_int(s, 8) != 0;
    c.digital_only = sqlite3_column_int(s, 9) != 0;
    c.hp = column_optional_int(s, 10);
    Result<std::vector<std::string>> attacks = column_string_array(s, 11);
    if (!attacks.ok()) {
      return Status::internal(fmt::format("card {}: {}", c.id, attacks.status().message()));
    }
    for (const std::string& attack : *attacks) c.attacks.push_back(normalize_card_name(attack));
    // Abilities head the body as attacks do ("Ability Miracle Shift").
    Result<std::vector<std::string>> abilities = column_string_array(s, 14);
    if (!abilities.ok()) {
      return Status::internal(fmt::format("card {}: {}", c.id, abilities.status().message()));
    }
    for (const std::string& ability : *abilities) c.attacks.push_back(normalize_card_name(ability));
    c.illustrator = normalize_card_name(column_text(s, 15));
    c.full_art = full_art_prior(column_text(s, 12), c.release_date, c.number, c.official_count);
    const std::string serie = column_text(s, 13);
    c.silver_border = serie == "sv" || serie == "me";
    c.red_hp = c.hp.has_value() && (serie == "base" || serie == "gym" || serie == "neo" ||
                                    serie == "lc" || serie == "ecard");
    auto [it, inserted] = name_ids.emplace(name_norm, static_cast<int>(names_norm.size()));
    if (inserted) {
      names_norm.push_back(name_norm);
      spellings.emplace_back();
      index.by_name_.emplace_back();
    }
    c.name_id = it->second;
    auto& sp = spellings[static_cast<size_t>(c.name_id)];
    auto found = std::find_if(sp.begin(), sp.end(), [&](const auto& p) { return p.first == name; });
    if (found == sp.end()) {
      sp.emplace_back(name, 1);
    } else {
      ++found->second;
    }
    const int card_index = static_cast<int>(index.cards_.size());
    index.by_name_[static_cast<size_t>(c.name_id)].push_back(card_index);
    index.by_number_[c.number].push_back(card_index);
    index.by_id_.emplace(c.id, card_index);
    index.by_set_[c.set_id].push_back(card_index);
    index.cards_.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return sqlite_status(db, rc, "reading cards");

  Result<SqliteStmt> printings = prepare_sql(db, "SELECT card_id, finish FROM printings");
  if (!printings.ok()) return printings.status();
  while ((rc = sqlite3_step(printings->get())) == SQLITE_ROW) {
    const std::string card_id = column_text(printings->get(), 0);
    const std::string finish = column_text(printings->get(), 1);
    auto it = index.by_id_.find(card_id);
    std::optional<Finish> f = finish_from_name(finish);
    if (it == index.by_id_.end() || !f) {
      return Status::internal(fmt::format("bad printing row ({}, {})", card_id, finish));
    }
    index.cards_[static_cast<size_t>(it->second)].finishes |=
        static_cast<std::uint8_t>(finish_bit(*f));
  }
  if (rc != SQLITE_DONE) return sqlite_status(db, rc, "reading printings");

  Result<SqliteStmt> aliases =
      prepare_sql(db, "SELECT card_id, number_norm, printed_total FROM number_aliases");
  if (!aliases.ok()) return aliases.status();
  while ((rc = sqlite3_step(aliases->get())) == SQLITE_ROW) {
    const std::string card_id = column_text(aliases->get(), 0);
    auto it = index.by_id_.find(card_id);
    if (it == index.by_id_.end())
      return Status::internal("number alias of unknown card " + card_id);
    IndexedCard& c = index.cards_[static_cast<size_t>(it->second)];
    c.aliases.push_back({column_text(aliases->get(), 1), column_optional_int(aliases->get(), 2)});
    std::vector<int>& list = index.by_number_[c.aliases.back().number];
    if (std::find(list.begin(), list.end(), it->second) == list.end()) list.push_back(it->second);
  }
  if (rc != SQLITE_DONE) return sqlite_status(db, rc, "reading number aliases");

  Result<SqliteStmt> sets = prepare_sql(db, "SELECT id, abbreviation, tcg_online FROM sets");
  if (!sets.ok()) return sets.status();
  while ((rc = sqlite3_step(sets->get())) == SQLITE_ROW) {
    const std::string set_id = column_text(sets->get(), 0);
    // "BRS:TG" is the Trainer Gallery of BRS, which prints "BRS" alone.
    for (std::string code : {column_text(sets->get(), 1), column_text(sets->get(), 2)}) {
      code = code.substr(0, code.find(':'));
      const bool printable = code.size() >= kMinSetCodeLength &&
                             std::all_of(code.begin(), code.end(), is_set_code_char);
      if (!printable) continue;
      std::vector<std::string>& ids = index.sets_by_code_[code];
      if (std::find(ids.begin(), ids.end(), set_id) == ids.end()) ids.push_back(set_id);
    }
  }
  if (rc != SQLITE_DONE) return sqlite_status(db, rc, "reading sets");

  for (auto& sp : spellings) {
    // The spelling most cards use; the first one read on a tie.
    auto best = std::max_element(sp.begin(), sp.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    index.display_names_.push_back(best->first);
  }
  for (size_t id = 0; id < index.display_names_.size(); ++id) {
    const std::optional<std::string> owned = owned_part(index.display_names_[id]);
    if (owned) index.by_owned_part_[normalize_card_name(*owned)].push_back(static_cast<int>(id));
    for (const std::string& shorter : shortened_names(names_norm[id]))
      index.by_shortened_name_[shorter].push_back(static_cast<int>(id));
  }
  for (auto& [set_id, cards] : index.by_set_) {
    std::stable_sort(cards.begin(), cards.end(), [&](int a, int b) {
      return collector_order_less(index.cards_[static_cast<size_t>(a)].number,
                                  index.cards_[static_cast<size_t>(b)].number);
    });
  }
  index.names_ = NameIndex(std::move(names_norm));
  return index;
}

void MatchIndex::add_sets_coded_in(std::string_view line, std::vector<std::string>& out) const {
  for (size_t i = 0; i < line.size();) {
    if (!is_set_code_char(line[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < line.size() && is_set_code_char(line[end])) ++end;
    // A word of its own: not part of a longer run of letters ("BRSX") or of a number ("TG17").
    const bool alone = (i == 0 || !std::isalnum(static_cast<unsigned char>(line[i - 1]))) &&
                       (end == line.size() || !std::isalnum(static_cast<unsigned char>(line[end])));
    if (alone && end - i >= kMinSetCodeLength) {
      std::string word(line.substr(i, end - i));
      // Scarlet & Violet cards print the language after the code ("DRI EN"), which OCR often
      // runs into it.
      if (!sets_by_code_.count(word) && word.size() >= kMinSetCodeLength + 2 &&
          word.ends_with("EN"))
        word.resize(word.size() - 2);
      if (auto it = sets_by_code_.find(word); it != sets_by_code_.end()) {
        for (const std::string& id : it->second) {
          if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
        }
      }
    }
    i = end;
  }
}

std::optional<int> MatchIndex::find_card(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

const std::vector<int>& MatchIndex::cards_of_set(std::string_view set_id) const {
  static const std::vector<int> kNone;
  auto it = by_set_.find(std::string(set_id));
  return it == by_set_.end() ? kNone : it->second;
}

const std::string& MatchIndex::display_name(int name_id) const {
  return display_names_[static_cast<size_t>(name_id)];
}

int MatchIndex::cards_with_name(int name_id) const {
  return static_cast<int>(by_name_[static_cast<size_t>(name_id)].size());
}

std::vector<int> MatchIndex::find_by_number(std::string_view number_norm, std::optional<int> total,
                                            bool include_digital) const {
  std::vector<int> out;
  auto it = by_number_.find(std::string(number_norm));
  if (it == by_number_.end()) return out;
  for (int index : it->second) {
    const IndexedCard& c = cards_[static_cast<size_t>(index)];
    if (c.digital_only && !include_digital) continue;
    bool hit = c.number == number_norm &&
               total_matches(total, c.prints_total, {c.official_count, c.subset_count});
    for (const IndexedCard::Alias& a : c.aliases) {
      hit =
          hit || (a.number == number_norm && total_matches(total, a.total.has_value(), {a.total}));
    }
    if (hit) out.push_back(index);
  }
  std::sort(out.begin(), out.end(), [&](int a, int b) {
    const IndexedCard& ca = cards_[static_cast<size_t>(a)];
    const IndexedCard& cb = cards_[static_cast<size_t>(b)];
    return ca.release_date != cb.release_date ? ca.release_date < cb.release_date : ca.id < cb.id;
  });
  return out;
}

std::vector<ScoredCard> MatchIndex::rank(std::string_view name_norm,
                                         const std::optional<PrintedNumber>& number,
                                         const RankOptions& options) const {
  std::vector<ScoredCard> out;
  const bool have_name = !name_norm.empty();
  if (!have_name && !number) return out;

  std::unordered_map<int, double> name_scores;  // name_id → similarity, computed once each
  std::vector<int> candidates;
  if (have_name) add_named_cards(name_norm, name_scores, candidates);
  // With a number to tell them apart, the cards whose name is the name read and a word more.
  if (have_name && number) add_longer_names(name_norm, name_scores, candidates);
  if (number) {
    if (auto it = by_number_.find(number->number); it != by_number_.end()) {
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  const double name_weight = !have_name ? 0.0 : (number ? kNameWeight : 1.0);
  out.reserve(candidates.size());
  for (int index : candidates) {
    const IndexedCard& c = cards_[static_cast<size_t>(index)];
    if (c.digital_only && !options.include_digital) continue;
    ScoredCard s;
    s.card = index;
    if (have_name) {
      auto [it, inserted] = name_scores.emplace(c.name_id, 0.0);
      if (inserted) it->second = card_name_similarity(name_norm, names_.name(c.name_id));
      s.name_score = it->second;
    }
    if (number) {
      s.number_score =
          number_evidence(*number, c.number, c.prints_total, {c.official_count, c.subset_count});
      for (const IndexedCard::Alias& a : c.aliases) {
        const double e =
            kAliasWeight * number_evidence(*number, a.number, a.total.has_value(), {a.total});
        if (e > s.number_score) {
          s.number_score = e;
          s.via_alias = true;
        }
      }
    }
    s.score = name_weight * s.name_score + (1.0 - name_weight) * s.number_score;
    s.score *= set_factor(c.set_id, options);
    out.push_back(s);
  }
  sort_ranked(out);
  return out;
}

namespace {

// The share of `attack` (an attack, ability or illustrator name) that the closest stretch of one
// of `lines` spells, or 0 below kMinAttackRead.
double share_read(const std::string& attack, const std::vector<std::string>& lines) {
  if (attack.size() < kMinAttackLength) return 0.0;
  double best = 0.0;
  for (const std::string& line : lines) {
    best = std::max(best, 1.0 - name_distance_in_line(attack, line) / double(attack.size()));
  }
  return best >= kMinAttackRead ? best : 0.0;
}

// How well the card's attack names explain the attack names read (`read`: each candidate's
// attacks with how well each was read; `read_mass`: their sum): the harmonic mean of the share
// of its attacks read and the share of what was read that is its. A card with one attack does
// not tie one with that attack and a second that was read too.
double attacks_evidence(const IndexedCard& c, const std::unordered_map<std::string, double>& read,
                        double read_mass) {
  if (c.attacks.empty() || read_mass <= 0) return 0.0;
  double matched = 0.0;
  for (const std::string& attack : c.attacks) matched += read.at(attack);
  if (matched <= 0) return 0.0;
  const double recall = matched / double(c.attacks.size());
  const double precision = std::min(1.0, matched / read_mass);
  return 2 * recall * precision / (recall + precision);
}

}  // namespace

std::vector<ScoredCard> MatchIndex::rank_printed(std::string_view name_norm,
                                                 const PrintedText& read,
                                                 const RankOptions& options) const {
  std::vector<ScoredCard> out;
  const bool have_number = !read.number_lines.empty();
  const bool have_body = !read.body_lines.empty();
  const bool have_hp = !read.hp_values.empty();
  if (name_norm.empty() || (!have_number && !have_body && !have_hp)) return out;
  std::unordered_map<int, double> name_scores;
  std::vector<int> candidates;
  add_named_cards(name_norm, name_scores, candidates);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  // Each attack name of the candidates, read how well; printings of a name share most of them.
  std::vector<std::string> body;
  for (const std::string& line : read.body_lines) body.push_back(normalize_card_name(line));
  std::unordered_map<std::string, double> attacks_read;
  double read_mass = 0.0;
  if (have_body) {
    for (int index : candidates) {
      for (const std::string& attack : cards_[static_cast<size_t>(index)].attacks) {
        auto [it, inserted] = attacks_read.emplace(attack, 0.0);
        if (!inserted) continue;
        it->second = share_read(attack, body);
      }
    }
    // "Tackle" is read inside "Volt Tackle": only the longer name was printed.
    for (auto& [attack, read_share] : attacks_read) {
      if (read_share <= 0) continue;
      for (const auto& [other, other_share] : attacks_read) {
        if (other_share > 0 && other.size() > attack.size() &&
            other.find(attack) != std::string::npos) {
          read_share = 0;
          break;
        }
      }
    }
    for (const auto& entry : attacks_read) read_mass += entry.second;
  }
  // Each candidate illustrator, read how well on the number strip's lines.
  std::vector<std::string> strip;
  for (const std::string& line : read.number_lines) strip.push_back(normalize_card_name(line));
  std::unordered_map<std::string, double> illustrators_read;
  bool have_illustrator = false;
  for (int index : candidates) {
    const std::string& illustrator = cards_[static_cast<size_t>(index)].illustrator;
    if (illustrator.size() < kMinIllustratorLength) continue;
    auto [it, inserted] = illustrators_read.emplace(illustrator, 0.0);
    if (!inserted) continue;
    it->second = share_read(illustrator, strip);
    have_illustrator = have_illustrator || it->second > 0;
  }
  const double text_weights = (have_body ? kAttackWeight : 0.0) +
                              (have_hp ? 1 - kAttackWeight : 0) +
                              (have_illustrator ? kIllustratorWeight : 0.0);
  for (int index : candidates) {
    const IndexedCard& c = cards_[static_cast<size_t>(index)];
    if (c.digital_only && !options.include_digital) continue;
    ScoredCard s;
    s.card = index;
    s.name_score = name_scores.at(c.name_id);
    for (const std::string& form :
         printed_number_forms(c.number, c.prints_total, c.official_count, c.subset_count)) {
      for (size_t line = 0; line < read.number_lines.size(); ++line) {
        const double spelled =
            1.0 - number_distance_in_line(form, read.number_lines[line]) / double(form.size());
        if (spelled > s.number_score) {
          s.number_score = spelled;
          s.line = static_cast<int>(line);
        }
      }
    }
    double evidence = s.number_score;
    if (text_weights > 0) {
      double text = 0.0;
      if (have_body) text += kAttackWeight * attacks_evidence(c, attacks_read, read_mass);
      if (have_hp && c.hp &&
          std::find(read.hp_values.begin(), read.hp_values.end(), *c.hp) != read.hp_values.end()) {
        text += 1 - kAttackWeight;
      }
      if (have_illustrator) {
        const auto illustrator = illustrators_read.find(c.illustrator);
        if (illustrator != illustrators_read.end())
          text += kIllustratorWeight * illustrator->second;
      }
      s.text_score = text / text_weights;
      evidence = have_number ? kSpelledNumberWeight * s.number_score +
                                   (1 - kSpelledNumberWeight) * s.text_score
                             : s.text_score;
    }
    s.score = kNameWeight * s.name_score + (1.0 - kNameWeight) * evidence;
    s.score *= set_factor(c.set_id, options);
    out.push_back(s);
  }
  sort_ranked(out);
  return out;
}

void MatchIndex::add_named_cards(std::string_view name_norm,
                                 std::unordered_map<int, double>& name_scores,
                                 std::vector<int>& out) const {
  for (const NameIndex::Hit& hit : names_.search(name_norm, kNameCandidates, kMinNameScore)) {
    name_scores.emplace(hit.id, hit.score);
    const std::vector<int>& cards = by_name_[static_cast<size_t>(hit.id)];
    out.insert(out.end(), cards.begin(), cards.end());
  }
  if (auto owned = by_owned_part_.find(std::string(name_norm)); owned != by_owned_part_.end())
    add_names_scored(owned->second, kOwnerLostScore, name_scores, out);
}

void MatchIndex::add_longer_names(std::string_view name_norm,
                                  std::unordered_map<int, double>& name_scores,
                                  std::vector<int>& out) const {
  // The name as read, and the catalog names it reads clearly as ("mimiikyu" as Mimikyu, 0.88,
  // whose V is Mimikyu V), each no surer than it reads.
  std::vector<std::pair<std::string, double>> shorter{{std::string(name_norm), 1.0}};
  for (const auto& [id, score] : name_scores) {
    if (score >= kClearReadScore) shorter.emplace_back(names_.name(id), score);
  }
  for (const auto& [name, score] : shorter) {
    if (auto found = by_shortened_name_.find(name); found != by_shortened_name_.end())
      add_names_scored(found->second, std::min(score, kWordsLostScore), name_scores, out);
  }
}

void MatchIndex::add_names_scored(const std::vector<int>& name_ids, double score,
                                  std::unordered_map<int, double>& name_scores,
                                  std::vector<int>& out) const {
  for (int id : name_ids) {
    double& known = name_scores[id];
    if (known >= score) continue;
    known = score;
    const std::vector<int>& cards = by_name_[static_cast<size_t>(id)];
    out.insert(out.end(), cards.begin(), cards.end());
  }
}

void MatchIndex::sort_ranked(std::vector<ScoredCard>& ranked) const {
  std::sort(ranked.begin(), ranked.end(), [&](const ScoredCard& a, const ScoredCard& b) {
    if (a.score != b.score) return a.score > b.score;
    const IndexedCard& ca = cards_[static_cast<size_t>(a.card)];
    const IndexedCard& cb = cards_[static_cast<size_t>(b.card)];
    return ca.release_date != cb.release_date ? ca.release_date < cb.release_date : ca.id < cb.id;
  });
}

}  // namespace cardmint::catalog
