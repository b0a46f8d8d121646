#include "catalog/sqlite.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace cardmint::catalog {

Result<SqliteDb> open_sqlite(const std::string& filename, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(filename.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);  // owns the handle even when the open failed
  if (rc != SQLITE_OK) {
    return Status::unavailable(fmt::format("cannot open SQLite database {}: {}", filename,
                                           raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

std::string sqlite_file_uri(std::string_view path, std::string_view query) {
  std::string uri = "file:";
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '%' || c == '?' || c == '#' || u < 0x21 || u >= 0x7F) {
      uri += fmt::format("%{:02X}", u);
    } else {
      uri += c;
    }
  }
  if (!query.empty()) {
    uri += '?';
    uri += query;
  }
  return uri;
}

Status sqlite_status(sqlite3* db, int rc, std::string_view what) {
  return Status::internal(
      fmt::format("{}: {} ({})", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc));
}

Status exec_sql(sqlite3* db, const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::ok_status();
  std::string message = error ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  return Status::internal(fmt::format("SQL failed: {} ({})", message, rc));
}

Result<SqliteStmt> prepare_sql(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  SqliteStmt stmt(raw);
  if (rc != SQLITE_OK) return sqlite_status(db, rc, fmt::format("cannot prepare `{}`", sql));
  return stmt;
}

void bind_text(sqlite3_stmt* s, int index, std::string_view value) {
  sqlite3_bind_text(s, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void bind_optional_text(sqlite3_stmt* s, int index, const std::optional<std::string>& value) {
  if (value) {
    bind_text(s, index, *value);
  } else {
    sqlite3_bind_null(s, index);
  }
}

void bind_int(sqlite3_stmt* s, int index, std::int64_t value) {
  sqlite3_bind_int64(s, index, value);
}

void bind_optional_int(sqlite3_stmt* s, int index, std::optional<int> value) {
  if (value) {
    sqlite3_bind_int64(s, index, *value);
  } else {
    sqlite3_bind_null(s, index);
  }
}

std::string column_text(sqlite3_stmt* s, int column) {
  const auto* text = sqlite3_column_text(s, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(s, column)));
}

std::optional<std::string> column_optional_text(sqlite3_stmt* s, int column) {
  if (sqlite3_column_type(s, column) == SQLITE_NULL) return std::nullopt;
  return column_text(s, column);
}

std::optional<int> column_optional_int(sqlite3_stmt* s, int column) {
  if (sqlite3_column_type(s, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int(s, column);
}

namespace {

template <typename T>
Result<std::vector<T>> column_json_array(sqlite3_stmt* s, int column) {
  try {
    return nlohmann::json::parse(column_text(s, column)).get<std::vector<T>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::internal(fmt::format("column {} is not the JSON array expected: {}",
                                        sqlite3_column_name(s, column), e.what()));
  }
}

}  // namespace

Result<std::vector<std::string>> column_string_array(sqlite3_stmt* s, int column) {
  return column_json_array<std::string>(s, column);
}

Result<std::vector<std::int64_t>> column_int64_array(sqlite3_stmt* s, int column) {
  return column_json_array<std::int64_t>(s, column);
}

void reset_stmt(sqlite3_stmt* s) {
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
}

Result<std::int64_t> query_int(sqlite3* db, std::string_view sql) {
  Result<SqliteStmt> stmt = prepare_sql(db, sql);
  if (!stmt.ok()) return stmt.status();
  const int rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_ROW) return sqlite_status(db, rc, fmt::format("`{}` returned no row", sql));
  return static_cast<std::int64_t>(sqlite3_column_int64(stmt->get(), 0));
}

}  // namespace cardmint::catalog
