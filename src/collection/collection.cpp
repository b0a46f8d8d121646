#include "collection/collection.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

#include "catalog/sqlite.h"
#include "collection/card_facts.h"
#include "collection/collection_formats.h"
#include "session/scan_sessions.h"

namespace cardmint::collection {
namespace {

using catalog::SqliteDb;
using catalog::SqliteStmt;

// PRAGMA application_id "CMcl": what tells a collection from any other SQLite file (a catalog
// given by mistake must not get collection tables).
constexpr std::int64_t kApplicationId = 0x434D636C;
constexpr int kSchemaVersion = 1;
constexpr int kMaxAddQuantity = 10000;
// An entry's own bound: far above any real collection, far below int overflow.
constexpr int kMaxEntryQuantity = 1000000;

// entries.printings: the card's finishes, so a correction of the finish is checked without the
// catalog. scan_events.snapshot: entry_json() of the entry; after the entry is gone, its last
// state with quantity 0, which is what the event shows then. last_event_id orders list() by the
// latest add exactly, where two adds in one second share a timestamp.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY,
  card_id TEXT NOT NULL,
  finish TEXT NOT NULL,
  condition TEXT NOT NULL,
  language TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  name TEXT NOT NULL,
  set_id TEXT NOT NULL,
  set_name TEXT NOT NULL,
  set_code TEXT NOT NULL,
  number TEXT NOT NULL,
  printed_total INTEGER NOT NULL,
  rarity TEXT NOT NULL,
  tcgplayer_product_id INTEGER NOT NULL,
  holofoil INTEGER NOT NULL CHECK (holofoil IN (0, 1)),
  printings TEXT NOT NULL,
  price REAL,
  session_id TEXT NOT NULL,
  first_added_utc TEXT NOT NULL,
  last_added_utc TEXT NOT NULL,
  last_event_id INTEGER NOT NULL DEFAULT 0,
  UNIQUE (card_id, finish, condition, language)
);
CREATE INDEX IF NOT EXISTS entries_by_last_event ON entries(last_event_id);
CREATE INDEX IF NOT EXISTS entries_by_session ON entries(session_id, last_event_id);
CREATE TABLE IF NOT EXISTS scan_events (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER,  -- NULL once the entry is gone
  quantity INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  added_utc TEXT NOT NULL,
  undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
  snapshot TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scan_events_by_session ON scan_events(session_id, undone, id);
CREATE INDEX IF NOT EXISTS scan_events_by_entry ON scan_events(entry_id);
)sql";

// An entry's columns: its text fields in kTextFields' order, then the rest.
constexpr const char* kEntryColumns =
    "e.card_id, e.finish, e.condition, e.language, e.name, e.set_id, e.set_name, e.set_code, "
    "e.number, e.rarity, e.session_id, e.first_added_utc, e.last_added_utc, e.id, e.quantity, "
    "e.printed_total, e.tcgplayer_product_id, e.holofoil, e.price, e.printings";
constexpr std::string CollectionEntry::*kTextFields[] = {
    &CollectionEntry::card_id,       &CollectionEntry::finish,
    &CollectionEntry::condition,     &CollectionEntry::language,
    &CollectionEntry::name,          &CollectionEntry::set_id,
    &CollectionEntry::set_name,      &CollectionEntry::set_code,
    &CollectionEntry::number,        &CollectionEntry::rarity,
    &CollectionEntry::session_id,    &CollectionEntry::first_added_utc,
    &CollectionEntry::last_added_utc};
constexpr int kTextCount = static_cast<int>(std::size(kTextFields));

bool same_ignoring_case(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

template <std::size_t N>
std::optional<std::string_view> find_ignoring_case(const std::string_view (&names)[N],
                                                   std::string_view value) {
  for (std::string_view name : names) {
    if (same_ignoring_case(name, value)) return name;
  }
  return std::nullopt;
}

// A scan event's copy of its entry. Replacing bytes that are not UTF-8 (a session id may hold
// any printable bytes) rather than throwing.
std::string snapshot(const CollectionEntry& entry) {
  return entry_json(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

// An entry as read from the columns of kEntryColumns starting at `first`, and its card's
// printings.
struct StoredEntry {
  CollectionEntry entry;
  std::vector<catalog::Finish> printings;
};

StoredEntry read_entry(sqlite3_stmt* s, int first) {
  StoredEntry stored;
  CollectionEntry& e = stored.entry;
  for (int i = 0; i < kTextCount; ++i) e.*kTextFields[i] = catalog::column_text(s, first + i);
  const int rest = first + kTextCount;
  e.id = sqlite3_column_int64(s, rest);
  e.quantity = sqlite3_column_int(s, rest + 1);
  e.printed_total = sqlite3_column_int(s, rest + 2);
  e.tcgplayer_product_id = sqlite3_column_int64(s, rest + 3);
  e.holofoil = sqlite3_column_int(s, rest + 4) != 0;
  if (sqlite3_column_type(s, rest + 5) != SQLITE_NULL) e.price = sqlite3_column_double(s, rest + 5);
  stored.printings = parse_finish_list(catalog::column_text(s, rest + 6));
  return stored;
}

Status check_quantity(int quantity, int low, int high) {
  if (quantity < low || quantity > high) {
    return Status::invalid_input(
        fmt::format("quantity {} is not between {} and {}", quantity, low, high));
  }
  return Status::ok_status();
}

Result<std::string> checked_condition(std::string_view condition) {
  std::optional<std::string_view> c = canonical_condition(condition);
  if (!c) {
    return Status::invalid_input(fmt::format(
        "condition \"{}\" is not one of mint, near mint, lightly played, moderately played, "
        "heavily played, damaged",
        condition));
  }
  return std::string(*c);
}

Result<std::string> checked_language(std::string_view language) {
  std::optional<std::string_view> l = canonical_language(language);
  if (!l) return Status::invalid_input(fmt::format("language \"{}\" is not one we know", language));
  return std::string(*l);
}

}  // namespace

std::optional<std::string_view> canonical_condition(std::string_view condition) {
  return find_ignoring_case(session::kCardConditions, condition);
}

std::optional<std::string_view> canonical_language(std::string_view language) {
  return find_ignoring_case(kCardLanguages, language);
}

struct Collection::Impl {
  std::filesystem::path path;
  mutable std::mutex mu;  // guards db: one connection, its statements and its transactions
  SqliteDb db;

  Status exec(const char* sql) const { return catalog::exec_sql(db.get(), sql); }

  // Runs `body` in a write transaction taken up front (IMMEDIATE: a second writer waits on the
  // busy timeout instead of failing half-way), committed when it returns OK, else rolled back.
  template <typename T, typename Body>
  Result<T> write(Body&& body) {
    std::lock_guard lock(mu);
    if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Result<T> result = body();
    if (!result.ok()) {
      (void)exec("ROLLBACK");
      return result;
    }
    if (Status s = exec("COMMIT"); !s.ok()) {
      (void)exec("ROLLBACK");
      return s;
    }
    return result;
  }

  Result<SqliteStmt> prepare(std::string_view sql) const {
    return catalog::prepare_sql(db.get(), sql);
  }

  // Steps a statement that returns no rows.
  Status run(sqlite3_stmt* s, std::string_view what) const {
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return catalog::sqlite_status(db.get(), rc, what);
    return Status::ok_status();
  }

  Result<std::optional<StoredEntry>> find_entry(std::string_view where,
                                                const std::vector<std::string>& args,
                                                std::optional<std::int64_t> id) const {
    Result<SqliteStmt> s =
        prepare(fmt::format("SELECT {} FROM entries e WHERE {}", kEntryColumns, where));
    if (!s.ok()) return s.status();
    int index = 1;
    if (id) catalog::bind_int(s->get(), index++, *id);
    for (const std::string& arg : args) catalog::bind_text(s->get(), index++, arg);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_ROW) return std::optional<StoredEntry>(read_entry(s->get(), 0));
    if (rc != SQLITE_DONE) return catalog::sqlite_status(db.get(), rc, "reading an entry");
    return std::optional<StoredEntry>();
  }

  Result<std::optional<StoredEntry>> entry_by_id(std::int64_t id) const {
    return find_entry("e.id = ?1", {}, id);
  }

  Result<std::optional<StoredEntry>> entry_by_key(const CollectionEntry& key) const {
    return find_entry("e.card_id = ?1 AND e.finish = ?2 AND e.condition = ?3 AND e.language = ?4",
                      {key.card_id, key.finish, key.condition, key.language}, std::nullopt);
  }

  Status insert_entry(StoredEntry& stored) {
    const CollectionEntry& e = stored.entry;
    Result<SqliteStmt> s = prepare(
        "INSERT INTO entries (card_id, finish, condition, language, name, set_id, set_name, "
        "set_code, number, rarity, session_id, first_added_utc, last_added_utc, quantity, "
        "printed_total, tcgplayer_product_id, holofoil, price, printings) VALUES (?1, ?2, ?3, ?4, "
        "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
    if (!s.ok()) return s.status();
    sqlite3_stmt* st = s->get();
    for (int i = 0; i < kTextCount; ++i) catalog::bind_text(st, i + 1, e.*kTextFields[i]);
    catalog::bind_int(st, kTextCount + 1, e.quantity);
    catalog::bind_int(st, kTextCount + 2, e.printed_total);
    catalog::bind_int(st, kTextCount + 3, e.tcgplayer_product_id);
    catalog::bind_int(st, kTextCount + 4, e.holofoil ? 1 : 0);
    bind_price(st, kTextCount + 5, e.price);
    catalog::bind_text(st, kTextCount + 6, finish_list(stored.printings));
    if (Status ok = run(st, "adding an entry"); !ok.ok()) return ok;
    stored.entry.id = sqlite3_last_insert_rowid(db.get());
    return Status::ok_status();
  }

  static void bind_price(sqlite3_stmt* s, int index, const std::optional<double>& price) {
    if (price) {
      sqlite3_bind_double(s, index, *price);
    } else {
      sqlite3_bind_null(s, index);
    }
  }

  // Writes the fields a correction or an add may change.
  Status update_entry(const StoredEntry& stored) {
    const CollectionEntry& e = stored.entry;
    Result<SqliteStmt> s = prepare(
        "UPDATE entries SET finish = ?2, condition = ?3, language = ?4, quantity = ?5, "
        "holofoil = ?6, price = ?7, session_id = ?8, first_added_utc = ?9, last_added_utc = ?10 "
        "WHERE id = ?1");
    if (!s.ok()) return s.status();
    sqlite3_stmt* st = s->get();
    catalog::bind_int(st, 1, e.id);
    catalog::bind_text(st, 2, e.finish);
    catalog::bind_text(st, 3, e.condition);
    catalog::bind_text(st, 4, e.language);
    catalog::bind_int(st, 5, e.quantity);
    catalog::bind_int(st, 6, e.holofoil ? 1 : 0);
    bind_price(st, 7, e.price);
    catalog::bind_text(st, 8, e.session_id);
    catalog::bind_text(st, 9, e.first_added_utc);
    catalog::bind_text(st, 10, e.last_added_utc);
    return run(st, "updating an entry");
  }

  Result<std::int64_t> insert_event(const CollectionEntry& entry, int quantity,
                                    std::string_view session_id, std::string_view added_utc) {
    Result<SqliteStmt> s = prepare(
        "INSERT INTO scan_events (entry_id, quantity, session_id, added_utc, snapshot) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!s.ok()) return s.status();
    catalog::bind_int(s->get(), 1, entry.id);
    catalog::bind_int(s->get(), 2, quantity);
    catalog::bind_text(s->get(), 3, session_id);
    catalog::bind_text(s->get(), 4, added_utc);
    catalog::bind_text(s->get(), 5, snapshot(entry));
    if (Status ok = run(s->get(), "recording a scan event"); !ok.ok()) return ok;
    const std::int64_t event_id = sqlite3_last_insert_rowid(db.get());
    if (Status ok = set_last_event(entry.id, event_id); !ok.ok()) return ok;
    return event_id;
  }

  Status set_last_event(std::int64_t entry_id, std::int64_t event_id) {
    Result<SqliteStmt> s =
        prepare("UPDATE entries SET last_event_id = max(last_event_id, ?2) WHERE id = ?1");
    if (!s.ok()) return s.status();
    catalog::bind_int(s->get(), 1, entry_id);
    catalog::bind_int(s->get(), 2, event_id);
    return run(s->get(), "ordering an entry");
  }

  // Deletes an entry; its events keep its last state, at quantity 0, as their snapshot.
  Status delete_entry(CollectionEntry entry) {
    entry.quantity = 0;
    Result<SqliteStmt> detach =
        prepare("UPDATE scan_events SET entry_id = NULL, snapshot = ?2 WHERE entry_id = ?1");
    if (!detach.ok()) return detach.status();
    catalog::bind_int(detach->get(), 1, entry.id);
    catalog::bind_text(detach->get(), 2, snapshot(entry));
    if (Status s = run(detach->get(), "detaching scan events"); !s.ok()) return s;
    Result<SqliteStmt> del = prepare("DELETE FROM entries WHERE id = ?1");
    if (!del.ok()) return del.status();
    catalog::bind_int(del->get(), 1, entry.id);
    return run(del->get(), "removing an entry");
  }

  // Moves `from`'s copies and events onto `into` (the same printing, condition and language
  // after a correction) and deletes `from`.
  Result<CollectionEntry> merge(const StoredEntry& from, StoredEntry into, int quantity) {
    CollectionEntry& e = into.entry;
    if (Status s = check_quantity(e.quantity + quantity, 1, kMaxEntryQuantity); !s.ok()) return s;
    e.quantity += quantity;
    if (!e.price) e.price = from.entry.price;
    if (from.entry.first_added_utc < e.first_added_utc) {
      e.first_added_utc = from.entry.first_added_utc;
      e.session_id = from.entry.session_id;
    }
    e.last_added_utc = std::max(e.last_added_utc, from.entry.last_added_utc);
    if (Status s = update_entry(into); !s.ok()) return s;
    Result<SqliteStmt> move = prepare("UPDATE scan_events SET entry_id = ?2 WHERE entry_id = ?1");
    if (!move.ok()) return move.status();
    catalog::bind_int(move->get(), 1, from.entry.id);
    catalog::bind_int(move->get(), 2, e.id);
    if (Status s = run(move->get(), "moving scan events"); !s.ok()) return s;
    Result<SqliteStmt> order = prepare(
        "UPDATE entries SET last_event_id = max(last_event_id, (SELECT last_event_id FROM entries "
        "WHERE id = ?1)) WHERE id = ?2");
    if (!order.ok()) return order.status();
    catalog::bind_int(order->get(), 1, from.entry.id);
    catalog::bind_int(order->get(), 2, e.id);
    if (Status s = run(order->get(), "ordering an entry"); !s.ok()) return s;
    Result<SqliteStmt> del = prepare("DELETE FROM entries WHERE id = ?1");
    if (!del.ok()) return del.status();
    catalog::bind_int(del->get(), 1, from.entry.id);
    if (Status s = run(del->get(), "removing a merged entry"); !s.ok()) return s;
    return e;
  }

  Result<AddOutcome> add_locked(CardFacts facts, const AddRequest& request,
                                const std::string& now) {
    Result<std::optional<StoredEntry>> existing = entry_by_key(facts.entry);
    if (!existing.ok()) return existing.status();
    AddOutcome outcome;
    StoredEntry stored;
    if (*existing) {
      stored = std::move(**existing);
      outcome.merged = true;
      outcome.quantity_before = stored.entry.quantity;
      if (Status s = check_quantity(stored.entry.quantity + request.quantity, 1, kMaxEntryQuantity);
          !s.ok()) {
        return s;
      }
      stored.entry.quantity += request.quantity;
      stored.entry.last_added_utc = now;
      if (request.price) stored.entry.price = request.price;
      if (Status s = update_entry(stored); !s.ok()) return s;
    } else {
      stored.entry = std::move(facts.entry);
      stored.printings = std::move(facts.card.printings);
      stored.entry.quantity = request.quantity;
      stored.entry.price = request.price;
      stored.entry.session_id = request.session_id;
      stored.entry.first_added_utc = now;
      stored.entry.last_added_utc = now;
      if (Status s = insert_entry(stored); !s.ok()) return s;
    }
    Result<std::int64_t> event =
        insert_event(stored.entry, request.quantity, request.session_id, now);
    if (!event.ok()) return event.status();
    outcome.entry = std::move(stored.entry);
    outcome.event_id = *event;
    return outcome;
  }

  Result<ScanEvent> undo_locked(std::string_view session_id) {
    Result<SqliteStmt> s = prepare(
        "SELECT id, entry_id, quantity, added_utc, snapshot FROM scan_events "
        "WHERE session_id = ?1 AND undone = 0 ORDER BY id DESC LIMIT 1");
    if (!s.ok()) return s.status();
    catalog::bind_text(s->get(), 1, session_id);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_DONE) {
      return Status::not_found(fmt::format("session {} has no add to undo", session_id));
    }
    if (rc != SQLITE_ROW) return catalog::sqlite_status(db.get(), rc, "finding the last add");
    ScanEvent event;
    event.id = sqlite3_column_int64(s->get(), 0);
    event.entry_id = sqlite3_column_int64(s->get(), 1);  // NULL reads as 0
    event.quantity = sqlite3_column_int(s->get(), 2);
    event.added_utc = catalog::column_text(s->get(), 3);
    const std::string snapshot = catalog::column_text(s->get(), 4);

    Result<SqliteStmt> mark = prepare("UPDATE scan_events SET undone = 1 WHERE id = ?1");
    if (!mark.ok()) return mark.status();
    catalog::bind_int(mark->get(), 1, event.id);
    if (Status st = run(mark->get(), "undoing an add"); !st.ok()) return st;

    Result<std::optional<StoredEntry>> entry = entry_by_id(event.entry_id);
    if (!entry.ok()) return entry.status();
    if (!*entry) {  // removed before: nothing left to take back
      Result<CollectionEntry> gone =
          entry_from_json(nlohmann::json::parse(snapshot, nullptr, false));
      if (!gone.ok()) return gone.status();
      event.entry = std::move(*gone);
      event.entry_id = 0;
      return event;
    }
    StoredEntry& stored = **entry;
    stored.entry.quantity -= event.quantity;
    if (stored.entry.quantity <= 0) {
      if (Status st = delete_entry(stored.entry); !st.ok()) return st;
      stored.entry.quantity = 0;
      event.entry_id = 0;
    } else if (Status st = update_entry(stored); !st.ok()) {
      return st;
    }
    event.entry = std::move(stored.entry);
    return event;
  }

  Result<std::optional<CollectionEntry>> update_locked(std::int64_t entry_id,
                                                       const EntryUpdate& update) {
    Result<std::optional<StoredEntry>> found = entry_by_id(entry_id);
    if (!found.ok()) return found.status();
    if (!*found) return Status::not_found(fmt::format("no collection entry {}", entry_id));
    StoredEntry stored = std::move(**found);
    CollectionEntry& e = stored.entry;
    if (update.finish) {
      Result<catalog::Finish> finish =
          checked_finish(*update.finish, stored.printings, e.card_id + " " + e.name);
      if (!finish.ok()) return finish.status();
      e.finish = std::string(catalog::finish_name(*finish));
      e.holofoil = is_holofoil(*finish, stored.printings);
    }
    if (update.condition) {
      Result<std::string> condition = checked_condition(*update.condition);
      if (!condition.ok()) return condition.status();
      e.condition = std::move(*condition);
    }
    if (update.language) {
      Result<std::string> language = checked_language(*update.language);
      if (!language.ok()) return language.status();
      e.language = std::move(*language);
    }
    if (update.quantity) {
      if (Status s = check_quantity(*update.quantity, 0, kMaxEntryQuantity); !s.ok()) return s;
      if (*update.quantity == 0) {
        if (Status s = delete_entry(e); !s.ok()) return s;
        return std::optional<CollectionEntry>();
      }
      e.quantity = *update.quantity;
    }
    Result<std::optional<StoredEntry>> other = entry_by_key(e);
    if (!other.ok()) return other.status();
    if (*other && (*other)->entry.id != e.id) {
      Result<CollectionEntry> merged = merge(stored, std::move(**other), e.quantity);
      if (!merged.ok()) return merged.status();
      return std::optional<CollectionEntry>(std::move(*merged));
    }
    if (Status s = update_entry(stored); !s.ok()) return s;
    return std::optional<CollectionEntry>(std::move(e));
  }

  Result<std::vector<CollectionEntry>> list_locked(const ListOptions& options) const {
    std::string sql = fmt::format("SELECT {} FROM entries e", kEntryColumns);
    if (options.session_id) sql += " WHERE e.session_id = ?3";
    sql += " ORDER BY e.last_event_id DESC, e.id DESC LIMIT ?1 OFFSET ?2";
    Result<SqliteStmt> s = prepare(sql);
    if (!s.ok()) return s.status();
    catalog::bind_int(s->get(), 1, options.limit == 0 ? -1 : options.limit);
    catalog::bind_int(s->get(), 2, options.offset);
    if (options.session_id) catalog::bind_text(s->get(), 3, *options.session_id);
    std::vector<CollectionEntry> entries;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) {
      entries.push_back(read_entry(s->get(), 0).entry);
    }
    if (rc != SQLITE_DONE) return catalog::sqlite_status(db.get(), rc, "listing the collection");
    return entries;
  }

  Result<CollectionSummary> summary_locked(std::optional<std::string_view> session_id) const {
    // A session's summary is what its own adds brought in, also those that merged into an entry
    // another session began: the operator counts the cards of this binder, not the entries it
    // happened to start. Adds whose entry was removed since count no more.
    Result<SqliteStmt> s = prepare(
        session_id
            ? "SELECT count(DISTINCT v.entry_id), coalesce(sum(v.quantity), 0), "
              "coalesce(sum(v.quantity * e.price), 0), "
              "count(DISTINCT CASE WHEN e.price IS NOT NULL THEN v.entry_id END) "
              "FROM scan_events v JOIN entries e ON e.id = v.entry_id "
              "WHERE v.session_id = ?1 AND v.undone = 0"
            : "SELECT count(*), coalesce(sum(quantity), 0), coalesce(sum(quantity * price), 0), "
              "count(price) FROM entries");
    if (!s.ok()) return s.status();
    if (session_id) catalog::bind_text(s->get(), 1, *session_id);
    const int rc = sqlite3_step(s->get());
    if (rc != SQLITE_ROW) return catalog::sqlite_status(db.get(), rc, "summing the collection");
    CollectionSummary summary;
    summary.entries = sqlite3_column_int(s->get(), 0);
    summary.cards = sqlite3_column_int(s->get(), 1);
    summary.total_value = sqlite3_column_double(s->get(), 2);
    summary.priced_entries = sqlite3_column_int(s->get(), 3);
    return summary;
  }

  Result<std::vector<ScanEvent>> events_locked(std::string_view session_id, int limit) const {
    Result<SqliteStmt> s = prepare(fmt::format(
        "SELECT ev.id, ev.entry_id, ev.quantity, ev.added_utc, ev.snapshot, e.id IS NOT NULL, {} "
        "FROM scan_events ev LEFT JOIN entries e ON e.id = ev.entry_id "
        "WHERE ev.session_id = ?1 AND ev.undone = 0 ORDER BY ev.id DESC LIMIT ?2",
        kEntryColumns));
    if (!s.ok()) return s.status();
    catalog::bind_text(s->get(), 1, session_id);
    catalog::bind_int(s->get(), 2, limit);
    std::vector<ScanEvent> events;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) {
      ScanEvent event;
      event.id = sqlite3_column_int64(s->get(), 0);
      event.quantity = sqlite3_column_int(s->get(), 2);
      event.added_utc = catalog::column_text(s->get(), 3);
      if (sqlite3_column_int(s->get(), 5) != 0) {
        event.entry_id = sqlite3_column_int64(s->get(), 1);
        event.entry = read_entry(s->get(), 6).entry;
      } else {
        Result<CollectionEntry> gone = entry_from_json(
            nlohmann::json::parse(catalog::column_text(s->get(), 4), nullptr, false));
        if (!gone.ok()) return gone.status();
        event.entry = std::move(*gone);
      }
      events.push_back(std::move(event));
    }
    if (rc != SQLITE_DONE) return catalog::sqlite_status(db.get(), rc, "listing scan events");
    return events;
  }
};

namespace {

Result<std::string> query_text(sqlite3* db, const char* sql) {
  Result<SqliteStmt> s = catalog::prepare_sql(db, sql);
  if (!s.ok()) return s.status();
  const int rc = sqlite3_step(s->get());
  if (rc != SQLITE_ROW) return catalog::sqlite_status(db, rc, sql);
  return catalog::column_text(s->get(), 0);
}

// True for a new file (no tables, no application id), false for a collection this build reads;
// unavailable for anything else, which is left as it was.
Result<bool> is_new_file(sqlite3* db, const std::filesystem::path& path) {
  const auto unavailable = [&](std::string_view why) {
    return Status::unavailable(fmt::format("collection {}: {}", path.string(), why));
  };
  Result<std::int64_t> app = catalog::query_int(db, "PRAGMA application_id");
  Result<std::int64_t> version = catalog::query_int(db, "PRAGMA user_version");
  Result<std::int64_t> objects = catalog::query_int(db, "SELECT count(*) FROM sqlite_master");
  for (const Result<std::int64_t>* r : {&app, &version, &objects}) {
    if (!r->ok()) return unavailable(r->status().message());
  }
  if (*app == 0 && *objects == 0) return true;
  if (*app != kApplicationId) return unavailable("not a CardMint collection (another SQLite file)");
  if (*version != kSchemaVersion) {
    return unavailable(
        fmt::format("schema version {}; this build reads version {}", *version, kSchemaVersion));
  }
  return false;
}

// Creates the tables in a new file. IMMEDIATE, and asking again inside: two processes creating
// one file agree.
Status create_schema(sqlite3* db, const std::filesystem::path& path) {
  if (Status s = catalog::exec_sql(db, "BEGIN IMMEDIATE"); !s.ok()) {
    return Status::unavailable(fmt::format("collection {}: {}", path.string(), s.message()));
  }
  Status created = [&]() -> Status {
    Result<bool> is_new = is_new_file(db, path);
    if (!is_new.ok()) return is_new.status();
    if (!*is_new) return catalog::exec_sql(db, "COMMIT");
    const std::string pragmas = fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {};",
                                            kApplicationId, kSchemaVersion);
    for (const char* sql : {kSchema, pragmas.c_str()}) {
      if (Status s = catalog::exec_sql(db, sql); !s.ok()) {
        return Status::unavailable(fmt::format("collection {}: {}", path.string(), s.message()));
      }
    }
    return catalog::exec_sql(db, "COMMIT");
  }();
  if (!created.ok()) (void)catalog::exec_sql(db, "ROLLBACK");
  return created;
}

}  // namespace

Result<std::unique_ptr<Collection>> Collection::open(const CollectionOptions& options) {
  const std::filesystem::path& path = options.db_path;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return Status::unavailable(fmt::format("cannot create the folder of the collection {}: {}",
                                           path.string(), ec.message()));
  }
  Result<SqliteDb> db = catalog::open_sqlite(
      path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (!db.ok()) return db.status();
  sqlite3_busy_timeout(db->get(), 5000);
  // Before anything is written: a file that is not a collection is refused as it is.
  Result<bool> is_new = is_new_file(db->get(), path);
  if (!is_new.ok()) return is_new.status();
  // WAL before the schema (journal_mode cannot change inside a transaction); it answers with the
  // mode it got.
  Result<std::string> mode = query_text(db->get(), "PRAGMA journal_mode = WAL");
  if (!mode.ok() || *mode != "wal") {
    return Status::unavailable(
        fmt::format("collection {}: cannot use a write-ahead log: {}", path.string(),
                    mode.ok() ? "journal mode " + *mode : mode.status().message()));
  }
  // FULL: a commit is on disk (the log synced) before add() returns, not just handed to the OS.
  if (Status s = catalog::exec_sql(db->get(), "PRAGMA synchronous = FULL"); !s.ok()) {
    return Status::unavailable(fmt::format("collection {}: {}", path.string(), s.message()));
  }
  if (*is_new) {
    if (Status s = create_schema(db->get(), path); !s.ok()) return s;
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->db = std::move(*db);
  return std::unique_ptr<Collection>(new Collection(std::move(impl)));
}

Collection::Collection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Collection::~Collection() = default;

Result<AddOutcome> Collection::add(const catalog::Catalog& catalog, const AddRequest& request) {
  if (Status s = check_quantity(request.quantity, 1, kMaxAddQuantity); !s.ok()) return s;
  if (!request.session_id.empty()) {
    if (Status s = session::check_session_id(request.session_id); !s.ok()) return s;
  }
  Result<std::string> condition = checked_condition(request.condition);
  if (!condition.ok()) return condition.status();
  Result<std::string> language = checked_language(request.language);
  if (!language.ok()) return language.status();
  if (request.price && !(*request.price >= 0 && *request.price < 1e9)) {
    return Status::invalid_input("a price is a non-negative number of dollars");
  }
  Result<CardFacts> facts = card_facts(catalog, request.card_id, request.finish);
  if (!facts.ok()) return facts.status();
  facts->entry.condition = std::move(*condition);
  facts->entry.language = std::move(*language);
  const std::string now = utc_now();
  return impl_->write<AddOutcome>(
      [&] { return impl_->add_locked(std::move(*facts), request, now); });
}

Result<ScanEvent> Collection::undo_last(std::string_view session_id) {
  if (Status s = session::check_session_id(session_id); !s.ok()) return s;
  return impl_->write<ScanEvent>([&] { return impl_->undo_locked(session_id); });
}

Result<std::optional<CollectionEntry>> Collection::update(std::int64_t entry_id,
                                                          const EntryUpdate& update) {
  return impl_->write<std::optional<CollectionEntry>>(
      [&] { return impl_->update_locked(entry_id, update); });
}

Status Collection::remove(std::int64_t entry_id) {
  Result<bool> removed = impl_->write<bool>([&]() -> Result<bool> {
    Result<std::optional<StoredEntry>> found = impl_->entry_by_id(entry_id);
    if (!found.ok()) return found.status();
    if (!*found) return Status::not_found(fmt::format("no collection entry {}", entry_id));
    if (Status s = impl_->delete_entry((*found)->entry); !s.ok()) return s;
    return true;
  });
  return removed.ok() ? Status::ok_status() : removed.status();
}

Result<CollectionEntry> Collection::get(std::int64_t entry_id) const {
  std::lock_guard lock(impl_->mu);
  Result<std::optional<StoredEntry>> found = impl_->entry_by_id(entry_id);
  if (!found.ok()) return found.status();
  if (!*found) return Status::not_found(fmt::format("no collection entry {}", entry_id));
  return (*found)->entry;
}

Result<std::vector<CollectionEntry>> Collection::list(const ListOptions& options) const {
  if (options.limit < 0 || options.offset < 0) {
    return Status::invalid_input("limit and offset are not negative");
  }
  std::lock_guard lock(impl_->mu);
  return impl_->list_locked(options);
}

Result<CollectionSummary> Collection::summary(std::optional<std::string_view> session_id) const {
  std::lock_guard lock(impl_->mu);
  return impl_->summary_locked(session_id);
}

Result<std::vector<ScanEvent>> Collection::session_events(std::string_view session_id,
                                                          int limit) const {
  if (limit < 0) return Status::invalid_input("limit is not negative");
  std::lock_guard lock(impl_->mu);
  return impl_->events_locked(session_id, limit);
}

Result<CollectionStorage> Collection::storage() const {
  std::lock_guard lock(impl_->mu);
  Result<std::string> mode = query_text(impl_->db.get(), "PRAGMA journal_mode");
  if (!mode.ok()) return mode.status();
  Result<std::int64_t> synchronous = catalog::query_int(impl_->db.get(), "PRAGMA synchronous");
  if (!synchronous.ok()) return synchronous.status();
  return CollectionStorage{*mode, static_cast<int>(*synchronous)};
}

}  // namespace cardmint::collection
