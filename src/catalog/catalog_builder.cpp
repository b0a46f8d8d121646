#include "catalog/catalog_builder.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "catalog/card_name.h"
#include "catalog/collector_number.h"
#include "catalog/schema.h"
#include "catalog/sqlite.h"

namespace cardmint::catalog {
namespace {

namespace fs = std::filesystem;

// Keys derived from each source card, computed once and checked before anything is written.
struct DerivedKeys {
  std::string number_norm;
  std::string number_prefix;
  std::optional<int> subset_count;
  std::string name_norm;
};

Result<std::vector<DerivedKeys>> derive_keys(const CatalogSource& source) {
  std::set<std::string> set_ids;
  for (const SourceSet& s : source.sets) {
    if (!set_ids.insert(s.id).second) {
      return Status::invalid_input(fmt::format("duplicate set id \"{}\"", s.id));
    }
  }
  std::vector<DerivedKeys> keys(source.cards.size());
  std::map<std::pair<std::string, std::string>, const SourceCard*> by_set_number;
  std::map<std::pair<std::string, std::string>, int> prefix_counts;
  for (size_t i = 0; i < source.cards.size(); ++i) {
    const SourceCard& c = source.cards[i];
    if (!set_ids.count(c.set_id)) {
      return Status::invalid_input(fmt::format("card {}: unknown set \"{}\"", c.id, c.set_id));
    }
    DerivedKeys& k = keys[i];
    k.number_norm = normalize_collector_number(c.number);
    k.number_prefix = std::string(number_prefix(k.number_norm));
    k.name_norm = normalize_card_name(c.name);
    if (k.name_norm.empty()) k.name_norm = c.name;  // a name of symbols only: keep it whole
    auto [it, inserted] = by_set_number.emplace(std::pair(c.set_id, k.number_norm), &c);
    if (!inserted) {
      return Status::invalid_input(fmt::format("cards {} and {} have the same number {} in set {}",
                                               it->second->id, c.id, k.number_norm, c.set_id));
    }
    if (!k.number_prefix.empty()) ++prefix_counts[{c.set_id, k.number_prefix}];
  }
  for (size_t i = 0; i < source.cards.size(); ++i) {
    if (keys[i].number_prefix.empty()) continue;
    keys[i].subset_count = prefix_counts[{source.cards[i].set_id, keys[i].number_prefix}];
  }
  return keys;
}

template <typename T>
std::string json_array(const std::vector<T>& values) {
  return nlohmann::json(values).dump();
}

// Steps an INSERT; a constraint failure becomes invalid_input naming `what`.
Status step_insert(sqlite3* db, sqlite3_stmt* stmt, const std::string& what) {
  const int rc = sqlite3_step(stmt);
  reset_stmt(stmt);
  if (rc == SQLITE_DONE) return Status::ok_status();
  if ((rc & 0xFF) == SQLITE_CONSTRAINT) {
    return Status::invalid_input(fmt::format("{}: {}", what, sqlite3_errmsg(db)));
  }
  return sqlite_status(db, rc, fmt::format("insert {}", what));
}

class TempFile {  // removes the file (and a stray journal) unless released
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {}
  ~TempFile() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_, ec);
    fs::remove(path_.string() + "-journal", ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

Status write_all(sqlite3* db, const CatalogSource& source, const std::vector<DerivedKeys>& keys,
                 const std::string& build_id, BuildStats& stats) {
  if (Status s = migrate_schema(db); !s.ok()) return s;

  Result<SqliteStmt> insert_set = prepare_sql(
      db,
      "INSERT INTO sets (id, name, serie_id, serie, official_count, total_count, release_date, "
      "abbreviation, tcg_online, digital_only, prints_total) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  Result<SqliteStmt> insert_card = prepare_sql(
      db,
      "INSERT INTO cards (id, set_id, local_id, number_norm, number_prefix, subset_count, name, "
      "name_norm, category, hp, rarity, illustrator, stage, suffix, regulation_mark, types, "
      "attack_names, ability_names, tcgplayer_ids, cardmarket_ids) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Result<SqliteStmt> insert_printing =
      prepare_sql(db, "INSERT INTO printings (card_id, finish, inferred) VALUES (?,?,?)");
  Result<SqliteStmt> insert_alias = prepare_sql(
      db, "INSERT INTO number_aliases (card_id, number_norm, printed_total) VALUES (?,?,?)");
  Result<SqliteStmt> insert_meta =
      prepare_sql(db, "INSERT INTO catalog_meta (key, value) VALUES (?,?)");
  for (const auto* r : {&insert_set, &insert_card, &insert_printing, &insert_alias, &insert_meta}) {
    if (!r->ok()) return r->status();
  }

  for (const SourceSet& s : source.sets) {
    sqlite3_stmt* st = insert_set->get();
    bind_text(st, 1, s.id);
    bind_text(st, 2, s.name);
    bind_optional_text(st, 3, s.serie_id);
    bind_text(st, 4, s.serie);
    bind_int(st, 5, s.official_count);
    bind_int(st, 6, s.total_count);
    bind_text(st, 7, s.release_date);
    bind_optional_text(st, 8, s.abbreviation);
    bind_optional_text(st, 9, s.tcg_online);
    bind_int(st, 10, s.digital_only ? 1 : 0);
    bind_int(st, 11, s.prints_total ? 1 : 0);
    if (Status st_ = step_insert(db, st, "set " + s.id); !st_.ok()) return st_;
    ++stats.sets;
  }

  for (size_t i = 0; i < source.cards.size(); ++i) {
    const SourceCard& c = source.cards[i];
    const DerivedKeys& k = keys[i];
    sqlite3_stmt* st = insert_card->get();
    bind_text(st, 1, c.id);
    bind_text(st, 2, c.set_id);
    bind_text(st, 3, c.local_id);
    bind_text(st, 4, k.number_norm);
    bind_text(st, 5, k.number_prefix);
    bind_optional_int(st, 6, k.subset_count);
    bind_text(st, 7, c.name);
    bind_text(st, 8, k.name_norm);
    bind_text(st, 9, c.category);
    bind_optional_int(st, 10, c.hp);
    bind_optional_text(st, 11, c.rarity);
    bind_optional_text(st, 12, c.illustrator);
    bind_optional_text(st, 13, c.stage);
    bind_optional_text(st, 14, c.suffix);
    bind_optional_text(st, 15, c.regulation_mark);
    bind_text(st, 16, json_array(c.types));
    bind_text(st, 17, json_array(c.attack_names));
    bind_text(st, 18, json_array(c.ability_names));
    bind_text(st, 19, json_array(c.tcgplayer_ids));
    bind_text(st, 20, json_array(c.cardmarket_ids));
    if (Status s = step_insert(db, st, "card " + c.id); !s.ok()) return s;
    ++stats.cards;

    if (c.finishes.empty()) {
      return Status::invalid_input(fmt::format("card {}: no printing", c.id));
    }
    for (Finish f : c.finishes) {
      sqlite3_stmt* p = insert_printing->get();
      bind_text(p, 1, c.id);
      bind_text(p, 2, finish_name(f));
      bind_int(p, 3, c.finishes_inferred ? 1 : 0);
      if (Status s = step_insert(db, p, fmt::format("printing {} {}", c.id, finish_name(f)));
          !s.ok()) {
        return s;
      }
      ++stats.printings;
      if (c.finishes_inferred) ++stats.inferred_printings;
    }
    for (const NumberAlias& a : c.aliases) {
      sqlite3_stmt* p = insert_alias->get();
      bind_text(p, 1, c.id);
      bind_text(p, 2, normalize_collector_number(a.number));
      bind_optional_int(p, 3, a.total);
      if (Status s = step_insert(db, p, "number alias of " + c.id); !s.ok()) return s;
      ++stats.number_aliases;
    }
  }

  const std::pair<std::string, std::string> meta[] = {
      {"schema_version", std::to_string(kSchemaVersion)},
      {"build_id", build_id},  // readers check that all their connections see the same build
      {"source_format", source.format},
      {"source_origin", source.origin},
      {"source_fingerprint", source.fingerprint},
      {"imported_at_utc",
       fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(
                                                std::chrono::system_clock::now())))},
      {"sets", std::to_string(stats.sets)},
      {"cards", std::to_string(stats.cards)},
      {"printings", std::to_string(stats.printings)},
  };
  for (const auto& [key, value] : meta) {
    bind_text(insert_meta->get(), 1, key);
    bind_text(insert_meta->get(), 2, value);
    if (Status s = step_insert(db, insert_meta->get(), "meta " + key); !s.ok()) return s;
  }
  return Status::ok_status();
}

// Makes the rename itself durable: without it a crash can bring back the old directory entry.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Result<BuildStats> build_catalog_db(const CatalogSource& source, const fs::path& db_path) {
  const auto started = std::chrono::steady_clock::now();
  Result<std::vector<DerivedKeys>> keys = derive_keys(source);
  if (!keys.ok()) return keys.status();

  const fs::path dir = db_path.parent_path().empty() ? fs::path(".") : db_path.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Status::unavailable(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  static std::atomic<int> build_counter{0};
  const int build_no = ++build_counter;
  const fs::path tmp_path =
      dir / fmt::format("{}.tmp-{}-{}", db_path.filename().string(), ::getpid(), build_no);
  const std::string build_id =
      fmt::format("{}-{}-{}", std::chrono::system_clock::now().time_since_epoch().count(),
                  ::getpid(), build_no);
  TempFile tmp(tmp_path);
  fs::remove(tmp_path, ec);

  BuildStats stats;
  {
    Result<SqliteDb> db = open_sqlite(
        tmp_path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
    if (!db.ok()) return db.status();
    sqlite3* h = db->get();
    // The file is private until the rename, so the journal only has to support ROLLBACK; one
    // fsync at COMMIT makes the content durable before it is published.
    if (Status s = exec_sql(h,
                            "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = FULL; "
                            "PRAGMA foreign_keys = ON; BEGIN IMMEDIATE");
        !s.ok()) {
      return s;
    }
    if (Status s = write_all(h, source, *keys, build_id, stats); !s.ok()) {
      (void)exec_sql(h, "ROLLBACK");
      return s;
    }
    if (Status s = exec_sql(h, "COMMIT"); !s.ok()) return s;
    // Statistics for the query planner; the file is read-only from now on.
    if (Status s = exec_sql(h, "ANALYZE"); !s.ok()) return s;
  }  // closed before the rename

  fs::rename(tmp_path, db_path, ec);
  if (ec) {
    return Status::unavailable(
        fmt::format("cannot move {} to {}: {}", tmp_path.string(), db_path.string(), ec.message()));
  }
  tmp.release();
  sync_directory(dir);
  stats.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

}  // namespace cardmint::catalog
