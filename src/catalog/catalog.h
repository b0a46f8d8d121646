#pragma once
// The card catalog: sets, cards and their printings in SQLite, and the lookups that turn an OCR'd
// name and number line ("Charizard", "4/102") into candidate printings.
//
// Thread-safe: any number of threads may call any method at once. Catalog::open loads the match
// keys (number, name, set size, HP and attack names per card; a few MB) into immutable memory
// and opens a fixed pool of read-only SQLite connections, all checked to be on the same catalog
// file. A lookup borrows one
// connection for the few primary-key reads that fill in full records, so threads never share a
// connection, and none waits on another's query. A fixed pool, not a connection per thread: a
// re-import renames a new file over the path, and a connection opened later would read the new
// catalog while the keys in memory describe the old one.
//
// The file is opened with immutable=1: it is never written in place (see build_catalog_db), so
// SQLite can skip locking. A re-import does not affect an open Catalog; open a new one to see it.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/card.h"
#include "catalog/collector_number.h"

namespace cardmint::catalog {

struct CatalogOptions {
  std::filesystem::path db_path;
  // Read connections, opened up front. Lookups hold one for microseconds; more than the threads
  // that look up at once only costs memory (each connection has its own page cache).
  int connections = 4;
  // Full card records kept in memory after warm() (about 1 KB each), so the cards a scan session
  // expects next are read without SQLite. The least recently used go first.
  int warm_rows = 1024;
};

struct LookupOptions {
  bool include_digital = false;  // Pokémon TCG Pocket cards exist only in the app
};

struct NameMatch {
  std::string name;       // as printed on most of the cards with this key ("Professor's Research")
  std::string name_norm;  // the normalized key
  double score = 0.0;     // 0..1
  int card_count = 0;     // cards with this name
};

// How likely a card is the one photographed before anything is read of it: a scan session's
// prediction of the next card (session/next_card_predictor.h).
struct CardPrior {
  std::string card_id;
  double probability = 0.0;  // 0..1
};

struct MatchHints {
  std::optional<Finish> finish;  // a printing known for sure: it ranks first
  // The photo's foil readings as log-likelihoods of each finish of a framed card
  // (image::FinishEstimate, indexed like kAllFinishes; a full-art card explains any foil alike,
  // by its chance of a full-art print). They order each card's printings, so weak evidence still
  // tells a reverse holo from the same card's plain printing; across cards they weigh no more than
  // a contradicted `finish`: a card none of whose printings fits loses a tenth of its score.
  std::optional<std::array<double, 4>> finish_log_likelihood;
  // The photo's layout as a log-likelihood ratio, full-art against a framed art box
  // (image::FinishEstimate): weighed against each card's chance of being printed full-art, a
  // card whose layout does not fit loses up to a tenth of its score.
  std::optional<double> full_art_log_ratio;
  // The border's colour as a log-likelihood ratio, silver-bordered era against yellow
  // (image::BorderColour); weighed like the layout.
  std::optional<double> silver_border_log_ratio;
  // The HP's colour as a log-likelihood ratio, printed red (Wizards of the Coast's Pokémon, when
  // framed) against not (image::HpColour); weighed like the layout.
  std::optional<double> red_hp_log_ratio;
  std::optional<std::string> set_id;  // e.g. from a set-symbol reader: other sets score lower
  bool include_digital = false;
  int top_k = 5;  // printings returned
  // Cards whose name is less like the name read than this are left out (0 keeps all): for a
  // caller sure of the name, a card that merely shares the misread number is no answer.
  double min_name_score = 0.0;
  // Predicted cards; their probabilities sum to at most 1 (else invalid_input). The prior only
  // decides among cards the reading fits about equally well (scores within 0.03 of the best: the
  // same name with the number unread, numbers misread alike), never against clearly better
  // evidence. Among those the confidence is the posterior: the evidence's share times the
  // prior, with the mass not predicted spread evenly, so only a strong prior makes a sure answer.
  std::vector<CardPrior> prior;
};

// What OCR read of a card besides its name and a parsed number.
struct PrintedText {
  std::vector<std::string> number_lines;  // number strip lines, however garbled ("EM 6l/1O6 @")
  std::vector<std::string> body_lines;    // the larger print of the body: attack names
  std::vector<int> hp_values;             // numbers the title band held: the HP, if any
};

struct MatchCandidate {
  Card card;
  Finish finish = Finish::kNormal;
  double score = 0.0;         // 0..1: 1 is an exact name, number and set size
  double name_score = 0.0;    // 0..1
  double number_score = 0.0;  // 0..1: collector number and printed total
  double text_score = 0.0;    // 0..1, match_printed_text: the card's attack names and HP read
  bool via_alias = false;     // matched a number the card prints that is not its own (cel25cc)
  double prior = 0.0;         // MatchHints::prior's probability for this card
};

struct MatchResult {
  std::vector<MatchCandidate> candidates;  // best first, at most hints.top_k
  // 0..1. The best card's score times its share of a softmax over the best distinct cards, so it
  // drops with the margin to the runner-up: a clear read gives ~0.95+, a key that several cards
  // share (Potion 15/30 in six Trainer kits) gives about 1/number of cards. Printings of one card
  // do not compete here: OCR cannot see the finish.
  double confidence = 0.0;
  // 0..1: how likely the best candidate's finish is, given its card: 1 for a card with one
  // printing or a `finish` hint it agrees with; otherwise its share of the foil readings'
  // likelihood over the card's printings (an even share without readings).
  double finish_confidence = 0.0;
  // True when the finish of the best candidate is settled: finish_confidence of at least 0.8,
  // four to one against its card's other printings (always with one printing or a finish hint).
  bool finish_known = false;
  std::string name_norm;                        // what was understood of the name
  std::optional<PrintedNumber> printed_number;  // and of the number line
  std::string number_line;  // match_printed_text: the line that spelled the best card's number
};

// Catalog::warm's cache of full card records, counted since open. `misses` are lookups that read
// SQLite: a warmed card looked up again adds a hit and no miss.
struct RowCacheStats {
  std::int64_t hits = 0;
  std::int64_t misses = 0;
  std::int64_t warmed = 0;  // rows warm() read from SQLite
  int rows = 0;             // in memory now
};

// A card's place in its set's list: what a binder or a set checklist follows.
struct NumberedCard {
  std::string card_id;
  std::string number;  // normalized ("TG5")
};

struct CatalogStats {
  int sets = 0;
  int cards = 0;
  int printings = 0;
  int distinct_names = 0;
  std::string source_format;
  std::string imported_at_utc;
  std::string build_id;  // new with every import: what the cache checks its entries against
  RowCacheStats row_cache;
};

class Catalog {
 public:
  // unavailable when the file is missing, is not a catalog, or has another schema version (the fix
  // is `cardmint catalog import`).
  [[nodiscard]] static Result<std::unique_ptr<Catalog>> open(const CatalogOptions& options);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  [[nodiscard]] Result<Card> get_card(std::string_view card_id) const;
  [[nodiscard]] Result<CardSet> get_set(std::string_view set_id) const;
  // The card's finishes in kAllFinishes order; not_found for an unknown card.
  [[nodiscard]] Result<std::vector<Finish>> printings(std::string_view card_id) const;
  // Other cards that may print this card's very picture. A reprint keeps the artwork and the
  // text, and the catalog cannot say which cards are reprints, so every card with the same name,
  // HP and attacks by the same illustrator (or with none on record) counts: 6,611 of the
  // 23,546 TCGdex cards have one. A picture match alone cannot tell these apart.
  [[nodiscard]] Result<int> lookalike_count(std::string_view card_id) const;
  [[nodiscard]] Result<std::vector<CardSet>> list_sets() const;  // by release date
  [[nodiscard]] Result<std::vector<Card>> cards_in_set(std::string_view set_id) const;
  // The set's cards in collector order (collector_order_less: "2" before "10", then "RC1".."),
  // from memory; empty for an unknown set.
  std::vector<NumberedCard> cards_by_number(std::string_view set_id) const;

  // Cards printing `number` over `total` exactly: the set's official_count is the total, or a
  // letter-prefixed subset's own size ("RC12/RC32"); total nullopt means "printed without a
  // total", i.e. promo sets. Printed aliases count (cel25cc Charizard is found by "4", 102).
  // `number` is normalized here ("058" = "58"). Oldest set first. Empty when nothing matches.
  [[nodiscard]] Result<std::vector<Card>> find_by_number(std::string_view number,
                                                         std::optional<int> total,
                                                         const LookupOptions& options = {}) const;

  // Names close to OCR text, best first: normalized (card_name.h), then an OCR-weighted edit
  // distance over trigram candidates. Scores below 0.3 are left out.
  std::vector<NameMatch> search_names(std::string_view text, int limit) const;

  // Cards for a person typing in a search box (the scan page's correction): "pikac" (a name's
  // start), "pikchu" (a misspelling), "pikachu 58", "58/102". Cards whose name and number both fit
  // come first, then cards whose name is the text, starts with it, or is close to it, newest set
  // first. Digital-only cards are left out. invalid_input for a limit under 1.
  [[nodiscard]] Result<std::vector<Card>> search_cards(std::string_view text, int limit) const;

  // Ranks printings for an OCR'd name and number line; either may be empty (not read), then the
  // other decides alone. An empty result (confidence 0) when nothing comes close.
  [[nodiscard]] Result<MatchResult> match(std::string_view ocr_name,
                                          std::string_view ocr_number_line,
                                          const MatchHints& hints = {}) const;

  // For a caller sure of the name when no number line parsed into one of its cards: ranks the
  // cards named like `ocr_name` by name and by the rest of `read` (PrintedText): how closely a
  // stretch of a number line, as OCR'd, spells the number the card prints ("6l/1O6" is near
  // "61/106" and far from "57/106"; look-alike digits cost half an edit), and how many of the
  // card's attack names and its HP were read. Confidence as for match(): it falls with the
  // margin to the next card, so reprints with the same attacks stay unsure. An empty result when
  // no name or nothing else was given.
  [[nodiscard]] Result<MatchResult> match_printed_text(std::string_view ocr_name,
                                                       const PrintedText& read,
                                                       const MatchHints& hints = {}) const;

  // Reads the full records of `card_ids` into memory now, so get_card() and match() find them
  // without SQLite later (the cards a scan session expects next). Ids already in memory and ids
  // the catalog does not know are skipped. Returns the rows read.
  [[nodiscard]] Result<int> warm(std::span<const std::string> card_ids) const;

  [[nodiscard]] Result<CatalogStats> stats() const;
  // The warm rows' counters alone, without stats()'s table counts.
  RowCacheStats row_cache_stats() const;

 private:
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;  // constant after open
};

}  // namespace cardmint::catalog
