#pragma once
// The operator's collection: every card confirmed at the scanner, in its own SQLite file (WAL,
// synchronous=FULL: a confirmed card is on disk before add() returns, so it survives kill -9 and
// a power cut). Separate from the catalog, whose file `cardmint catalog import` rebuilds: an entry
// keeps a copy of the card's printed facts (name, set, number, rarity, TCGplayer product id), so
// it exports the same after the catalog changes.
//
// An entry is one printing in one condition and language; scanning it again adds to its quantity
// (the caller sees `merged` and the quantity before, which is how a double scan shows). Every add
// is also an event of its scan session, so the operator can undo the last one.
//
// Thread-safe: one writer connection behind a mutex (writes are one per confirmed card), readers
// share it; SQLite serialises the rest.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cardmint::catalog {
class Catalog;
}  // namespace cardmint::catalog

namespace cardmint::collection {

// COLLECTION_DB's default: collection.sqlite beside the catalog's file, in CardMint's data folder.
inline std::filesystem::path default_collection_db(const std::filesystem::path& catalog_db) {
  return catalog_db.parent_path() / "collection.sqlite";
}

struct CollectionOptions {
  std::filesystem::path db_path;  // created with its tables when missing
};

// The languages an entry may be in, as the trade spells them. An add accepts any case and stores
// this spelling.
inline constexpr std::string_view kCardLanguages[] = {"English",
                                                      "Japanese",
                                                      "French",
                                                      "German",
                                                      "Italian",
                                                      "Spanish",
                                                      "Portuguese",
                                                      "Korean",
                                                      "Chinese (Traditional)",
                                                      "Chinese (Simplified)",
                                                      "Thai",
                                                      "Indonesian",
                                                      "Dutch",
                                                      "Polish",
                                                      "Russian"};

// The condition or language as an entry stores it, whatever its case: one of
// session::kCardConditions, one of kCardLanguages; nullopt for anything else.
std::optional<std::string_view> canonical_condition(std::string_view condition);
std::optional<std::string_view> canonical_language(std::string_view language);

// One printing in one condition and language, and how many the operator has.
struct CollectionEntry {
  std::int64_t id = 0;    // stable row id, for corrections and removal
  std::string card_id;    // catalog id: "sv01-1"
  std::string finish;     // catalog::finish_name(): normal | holo | reverse holo | first edition
  std::string condition;  // one of session::kCardConditions: "near mint", ...
  std::string language = "English";
  int quantity = 0;
  // Copied from the catalog when the entry was made.
  std::string name;
  std::string set_id;
  std::string set_name;
  std::string set_code;   // the set's printed abbreviation when the catalog has one, else ""
  std::string number;     // as printed, the catalog's local id: "58", "001" (SV pads), "TG05"
  int printed_total = 0;  // the set's "/NNN"; 0 when the set prints none (promos)
  std::string rarity;     // "" when unknown
  std::int64_t tcgplayer_product_id = 0;  // 0 when the catalog has none
  // The card's picture is foil: a holo, or a first edition of a card printed holo. What tells
  // TCGplayer's "1st Edition Holofoil" from its "1st Edition"; no first edition has both.
  bool holofoil = false;
  std::optional<double> price;  // USD market price of one copy when it was last scanned
  std::string session_id;       // the session that first scanned it; "" for none
  std::string first_added_utc;  // ISO-8601, "2026-12-05T18:30:00Z"
  std::string last_added_utc;
};

struct AddRequest {
  std::string card_id;
  std::string finish;                   // empty: the card's first printing
  std::string condition = "near mint";  // one of session::kCardConditions
  std::string language = "English";
  int quantity = 1;  // 1..10000
  std::optional<double> price;
  std::string session_id;
};

struct AddOutcome {
  CollectionEntry entry;      // after the add
  bool merged = false;        // the same printing/condition/language was there already
  int quantity_before = 0;    // 0 when new
  std::int64_t event_id = 0;  // what undo_last() would take back
};

// A change to an entry the operator makes after confirming it. Unset fields stay.
struct EntryUpdate {
  std::optional<int> quantity;  // 0 removes the entry
  std::optional<std::string> finish;
  std::optional<std::string> condition;
  std::optional<std::string> language;
};

struct CollectionSummary {
  int entries = 0;         // distinct printing/condition/language rows
  int cards = 0;           // the sum of quantities
  double total_value = 0;  // sum of quantity × price over the entries that have a price
  int priced_entries = 0;
};

// One add as its session saw it, newest first in session_events().
struct ScanEvent {
  std::int64_t id = 0;
  std::int64_t entry_id = 0;  // 0 once that entry is gone
  int quantity = 0;           // what this add added
  CollectionEntry entry;      // the entry now (its snapshot when the entry is gone)
  std::string added_utc;
};

struct ListOptions {
  std::optional<std::string> session_id;  // only entries first scanned in this session
  int limit = 1000;                       // 0: every entry (an export)
  int offset = 0;
};

// How the connection keeps what it writes, as SQLite reports it: "wal" and 2 (FULL) on every open
// collection. For health checks, and for the test that a confirmed card survives kill -9.
struct CollectionStorage {
  std::string journal_mode;
  int synchronous = 0;  // PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
};

class Collection {
 public:
  // Opens or creates the file. unavailable when it cannot be opened or is not a collection.
  [[nodiscard]] static Result<std::unique_ptr<Collection>> open(const CollectionOptions& options);
  ~Collection();
  Collection(const Collection&) = delete;
  Collection& operator=(const Collection&) = delete;

  // Adds `request.quantity` copies, merging with the entry of the same card, finish, condition
  // and language. The card must be in `catalog` with that finish: a collection never holds a card
  // the catalog does not know. invalid_input for a bad finish, condition, language or quantity;
  // not_found for an unknown card.
  [[nodiscard]] Result<AddOutcome> add(const catalog::Catalog& catalog, const AddRequest& request);

  // Takes back the newest add of `session_id` that is not undone yet: its quantity leaves the
  // entry, and an entry left at 0 goes. not_found when the session has nothing to undo.
  [[nodiscard]] Result<ScanEvent> undo_last(std::string_view session_id);

  // A correction. Changing finish/condition/language onto another existing entry merges the two.
  // not_found for an unknown id; invalid_input as for add().
  [[nodiscard]] Result<std::optional<CollectionEntry>> update(std::int64_t entry_id,
                                                              const EntryUpdate& update);
  [[nodiscard]] Status remove(std::int64_t entry_id);

  [[nodiscard]] Result<CollectionEntry> get(std::int64_t entry_id) const;
  // Newest first (by last add).
  [[nodiscard]] Result<std::vector<CollectionEntry>> list(const ListOptions& options = {}) const;
  // The whole collection; or, for a session, what its own adds brought in (undone ones and those
  // whose entry was removed since left out), also adds that merged into an entry another session
  // began. Corrections by update() count in the whole collection only.
  [[nodiscard]] Result<CollectionSummary> summary(
      std::optional<std::string_view> session_id = std::nullopt) const;
  // The session's adds, newest first, undone ones left out.
  [[nodiscard]] Result<std::vector<ScanEvent>> session_events(std::string_view session_id,
                                                              int limit = 100) const;
  [[nodiscard]] Result<CollectionStorage> storage() const;

 private:
  struct Impl;
  explicit Collection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::collection
