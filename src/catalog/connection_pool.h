#pragma once
// A fixed set of read-only connections to one catalog file, each with its prepared statements.
// Internal to catalog/. Thread-safe: acquire() hands each connection to one thread at a time and
// blocks while all are lent (lookups hold one for microseconds).

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "catalog/sqlite.h"

namespace cardmint::catalog {

struct ReadConnection {
  SqliteDb db;
  SqliteStmt get_card;
  SqliteStmt get_set;
  SqliteStmt list_sets;
  SqliteStmt cards_in_set;
  SqliteStmt printings;
  SqliteStmt lookalikes;
};

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(const ConnectionPool* pool, ReadConnection* conn) : pool_(pool), conn_(conn) {}
    ~Lease() {
      if (conn_) pool_->give_back(conn_);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    // Movable so a lookup can lease lazily (std::optional<Lease>), only when it reads SQLite.
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), conn_(std::exchange(other.conn_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    ReadConnection* operator->() const { return conn_; }
    ReadConnection& operator*() const { return *conn_; }

   private:
    const ConnectionPool* pool_;
    ReadConnection* conn_;
  };

  // Opens `count` connections and checks that all of them see the same build of the catalog (a
  // re-import may rename a new file over the path between two opens; then it tries again).
  [[nodiscard]] static Result<std::unique_ptr<ConnectionPool>> open(
      const std::filesystem::path& db_path, int count);

  Lease acquire() const;
  // The build id all connections agreed on (catalog_meta.build_id).
  const std::string& build_id() const { return build_id_; }

 private:
  ConnectionPool() = default;
  void give_back(ReadConnection* conn) const;

  std::vector<std::unique_ptr<ReadConnection>> connections_;  // constant after open
  std::string build_id_;                                      // constant after open
  mutable std::mutex mu_;                                     // guards idle_
  mutable std::condition_variable idle_cv_;
  mutable std::vector<ReadConnection*> idle_;
};

}  // namespace cardmint::catalog
