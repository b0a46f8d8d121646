#include "catalog/schema.h"

#include <fmt/format.h>

#include <array>

#include "catalog/sqlite.h"

namespace cardmint::catalog {
namespace {

// Migration i takes the schema from version i to i + 1. Append; never edit a released step.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // v1: sets, cards, printings, printed-number aliases, provenance.
    R"sql(
CREATE TABLE sets (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  serie_id       TEXT,
  serie          TEXT NOT NULL,
  official_count INTEGER NOT NULL,  -- the printed "/NNN"; for promo sets a catalog size
  total_count    INTEGER NOT NULL,
  release_date   TEXT NOT NULL,     -- YYYY-MM-DD
  abbreviation   TEXT,
  tcg_online     TEXT,
  digital_only   INTEGER NOT NULL CHECK (digital_only IN (0, 1)),
  prints_total   INTEGER NOT NULL CHECK (prints_total IN (0, 1))  -- 0: promos print no "/total"
);

CREATE TABLE cards (
  id              TEXT PRIMARY KEY,  -- "<set_id>-<local_id>"
  set_id          TEXT NOT NULL REFERENCES sets(id),
  local_id        TEXT NOT NULL,     -- as stored: "058", "TG01", "%3F"
  number_norm     TEXT NOT NULL,     -- normalize_collector_number(): "58", "TG1", "?"
  number_prefix   TEXT NOT NULL,     -- letters before the digits: "TG", "RC", ""
  subset_count    INTEGER,           -- cards of the set with this prefix ("RC12/RC32"), or NULL
  name            TEXT NOT NULL,
  name_norm       TEXT NOT NULL,     -- normalize_card_name()
  category        TEXT NOT NULL CHECK (category IN ('Pokemon', 'Trainer', 'Energy')),
  hp              INTEGER,
  rarity          TEXT,
  illustrator     TEXT,
  stage           TEXT,
  suffix          TEXT,
  regulation_mark TEXT,
  types           TEXT NOT NULL DEFAULT '[]',  -- JSON arrays
  attack_names    TEXT NOT NULL DEFAULT '[]',
  ability_names   TEXT NOT NULL DEFAULT '[]',
  tcgplayer_ids   TEXT NOT NULL DEFAULT '[]',
  cardmarket_ids  TEXT NOT NULL DEFAULT '[]'
);
-- One card per number in a set; also serves "cards of a set".
CREATE UNIQUE INDEX cards_by_set_number ON cards(set_id, number_norm);
-- For SQL readers of the file (collection/, ad-hoc queries); Catalog keeps its own in-memory keys.
CREATE INDEX cards_by_number ON cards(number_norm);
CREATE INDEX cards_by_name ON cards(name_norm);

CREATE TABLE printings (
  card_id  TEXT NOT NULL REFERENCES cards(id),
  finish   TEXT NOT NULL CHECK (finish IN ('normal', 'holo', 'reverse holo', 'first edition')),
  inferred INTEGER NOT NULL DEFAULT 0 CHECK (inferred IN (0, 1)),  -- 1: the source named no finish
  PRIMARY KEY (card_id, finish)
) WITHOUT ROWID;

-- Numbers a card prints other than its own: the Celebrations Classic Collection (cel25cc-CC002)
-- prints the original's "4/102".
CREATE TABLE number_aliases (
  card_id       TEXT NOT NULL REFERENCES cards(id),
  number_norm   TEXT NOT NULL,
  printed_total INTEGER,  -- NULL: printed without "/total"
  PRIMARY KEY (number_norm, card_id)
) WITHOUT ROWID;

CREATE TABLE catalog_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql",
};

}  // namespace

Status migrate_schema(sqlite3* db) {
  Result<std::int64_t> version = query_int(db, "PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version < 0 || *version > kSchemaVersion) {
    return Status::unavailable(
        fmt::format("catalog schema v{} is newer than this build (v{})", *version, kSchemaVersion));
  }
  for (std::int64_t v = *version; v < kSchemaVersion; ++v) {
    if (Status s = exec_sql(db, kMigrations[static_cast<size_t>(v)]); !s.ok()) {
      return Status::internal(fmt::format("schema migration to v{}: {}", v + 1, s.message()));
    }
  }
  return exec_sql(db, fmt::format("PRAGMA user_version = {}", kSchemaVersion).c_str());
}

}  // namespace cardmint::catalog
