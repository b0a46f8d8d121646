#pragma once
// The catalog's SQLite schema, versioned with PRAGMA user_version.
//
// The catalog is derived data: `cardmint catalog import` rebuilds the whole file from the source
// JSON, so a reader that finds another version asks for a re-import instead of altering tables in
// place. The migration list below is what the builder runs, one step per version, on a new file.

#include <sqlite3.h>

#include "base/status.h"

namespace cardmint::catalog {

inline constexpr int kSchemaVersion = 1;

// Brings `db` from its user_version up to kSchemaVersion, one migration at a time, and sets
// user_version. REQUIRES: a write transaction is open (a failed step leaves nothing behind).
[[nodiscard]] Status migrate_schema(sqlite3* db);

}  // namespace cardmint::catalog
