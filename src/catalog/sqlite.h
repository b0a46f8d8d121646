#pragma once
// RAII for SQLite handles and the few helpers the catalog needs. Internal to catalog/: nothing
// outside this folder includes <sqlite3.h> (SQLite links PRIVATE).
// A connection and its statements belong to one thread at a time.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cardmint::catalog {

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteClose>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

// Opens `filename` (a path, or a "file:" URI when `flags` has SQLITE_OPEN_URI).
[[nodiscard]] Result<SqliteDb> open_sqlite(const std::string& filename, int flags);

// "file:" URI for a path, with the characters URIs reserve percent-encoded.
std::string sqlite_file_uri(std::string_view path, std::string_view query);

// Runs one or more statements that return no rows.
[[nodiscard]] Status exec_sql(sqlite3* db, const char* sql);

[[nodiscard]] Result<SqliteStmt> prepare_sql(sqlite3* db, std::string_view sql);

// A Status for a failed SQLite call: `what` plus SQLite's own message.
Status sqlite_status(sqlite3* db, int rc, std::string_view what);

// Binding: text is copied (SQLITE_TRANSIENT), so the argument may die before step().
void bind_text(sqlite3_stmt* s, int index, std::string_view value);
void bind_optional_text(sqlite3_stmt* s, int index, const std::optional<std::string>& value);
void bind_int(sqlite3_stmt* s, int index, std::int64_t value);
void bind_optional_int(sqlite3_stmt* s, int index, std::optional<int> value);

std::string column_text(sqlite3_stmt* s, int column);
std::optional<std::string> column_optional_text(sqlite3_stmt* s, int column);
std::optional<int> column_optional_int(sqlite3_stmt* s, int column);
// A column holding a JSON array (as catalog_builder writes attack_names, tcgplayer_ids).
// Errors: internal when the text is not an array of that type.
[[nodiscard]] Result<std::vector<std::string>> column_string_array(sqlite3_stmt* s, int column);
[[nodiscard]] Result<std::vector<std::int64_t>> column_int64_array(sqlite3_stmt* s, int column);

// Resets a statement for reuse and clears its bindings.
void reset_stmt(sqlite3_stmt* s);

// The value of the first column of the first row of a query that takes no parameters.
[[nodiscard]] Result<std::int64_t> query_int(sqlite3* db, std::string_view sql);

}  // namespace cardmint::catalog
