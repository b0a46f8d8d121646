#include "catalog/connection_pool.h"

#include <fmt/format.h>

#include "catalog/schema.h"

namespace cardmint::catalog {
namespace {

constexpr char kCardColumns[] =
    "SELECT c.id, c.set_id, s.name, c.local_id, c.number_norm, c.name, c.category, c.hp, "
    "c.rarity, c.illustrator, c.stage, c.attack_names, c.tcgplayer_ids "
    "FROM cards c JOIN sets s ON s.id = c.set_id ";
constexpr char kSetColumns[] =
    "SELECT s.id, s.name, s.serie_id, s.serie, s.official_count, s.total_count, s.release_date, "
    "s.abbreviation, s.digital_only, s.prints_total, "
    "(SELECT COUNT(*) FROM cards c WHERE c.set_id = s.id) FROM sets s ";

Result<std::string> read_build_id(sqlite3* db) {
  Result<SqliteStmt> stmt =
      prepare_sql(db, "SELECT value FROM catalog_meta WHERE key = 'build_id'");
  if (!stmt.ok()) return stmt.status();
  if (sqlite3_step(stmt->get()) != SQLITE_ROW) {
    return Status::unavailable("catalog has no build_id; re-run `cardmint catalog import`");
  }
  return column_text(stmt->get(), 0);
}

Result<std::unique_ptr<ReadConnection>> open_connection(const std::filesystem::path& db_path) {
  // immutable=1: the file is never written in place (a re-import renames a new one over it), so
  // SQLite may skip file locks and change checks.
  Result<SqliteDb> db = open_sqlite(sqlite_file_uri(db_path.string(), "immutable=1"),
                                    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX);
  if (!db.ok()) return db.status();
  auto conn = std::make_unique<ReadConnection>();
  conn->db = std::move(*db);
  sqlite3* h = conn->db.get();
  Result<std::int64_t> version = query_int(h, "PRAGMA user_version");
  if (!version.ok()) {
    return Status::unavailable(
        fmt::format("{} is not a catalog: {}", db_path.string(), version.status().message()));
  }
  if (*version != kSchemaVersion) {
    return Status::unavailable(fmt::format(
        "{} has catalog schema v{}, this build reads v{}; re-run `cardmint catalog import`",
        db_path.string(), *version, kSchemaVersion));
  }
  struct {
    SqliteStmt* stmt;
    std::string sql;
  } statements[] = {
      {&conn->get_card, std::string(kCardColumns) + "WHERE c.id = ?"},
      {&conn->get_set, std::string(kSetColumns) + "WHERE s.id = ?"},
      {&conn->list_sets, std::string(kSetColumns) + "ORDER BY s.release_date, s.id"},
      {&conn->cards_in_set, std::string(kCardColumns) + "WHERE c.set_id = ? ORDER BY c.rowid"},
      {&conn->printings, "SELECT finish FROM printings WHERE card_id = ?"},
      {&conn->lookalikes,
       "SELECT count(*) FROM cards c JOIN cards d ON d.name_norm = c.name_norm AND d.id <> c.id "
       "AND d.hp IS c.hp AND d.attack_names = c.attack_names "
       "WHERE c.id = ? AND (c.illustrator IS NULL OR d.illustrator IS NULL OR "
       "d.illustrator = c.illustrator)"},
  };
  for (auto& [stmt, sql] : statements) {
    Result<SqliteStmt> prepared = prepare_sql(h, sql);
    if (!prepared.ok()) {
      return Status::unavailable(fmt::format("{} is not a usable catalog: {}", db_path.string(),
                                             prepared.status().message()));
    }
    *stmt = std::move(*prepared);
  }
  return conn;
}

}  // namespace

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::open(const std::filesystem::path& db_path,
                                                             int count) {
  if (count < 1) return Status::invalid_input("the catalog needs at least one connection");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) {
    return Status::unavailable(
        fmt::format("no catalog at {}; run `cardmint catalog import` first", db_path.string()));
  }
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
    bool same_build = true;
    for (int i = 0; i < count && same_build; ++i) {
      Result<std::unique_ptr<ReadConnection>> conn = open_connection(db_path);
      if (!conn.ok()) return conn.status();
      Result<std::string> build = read_build_id((*conn)->db.get());
      if (!build.ok()) return build.status();
      if (i == 0) pool->build_id_ = *build;
      same_build = *build == pool->build_id_;
      pool->connections_.push_back(std::move(*conn));
    }
    if (!same_build) continue;  // a re-import landed between two opens
    for (auto& c : pool->connections_) pool->idle_.push_back(c.get());
    return pool;
  }
  return Status::unavailable(fmt::format(
      "{} kept changing while it was opened; is an import running in a loop?", db_path.string()));
}

ConnectionPool::Lease ConnectionPool::acquire() const {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return !idle_.empty(); });
  ReadConnection* conn = idle_.back();
  idle_.pop_back();
  return Lease(this, conn);
}

void ConnectionPool::give_back(ReadConnection* conn) const {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(conn);
  }
  idle_cv_.notify_one();
}

}  // namespace cardmint::catalog
