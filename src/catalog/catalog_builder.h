#pragma once
// Writes a catalog database from what an importer read.

#include <filesystem>

#include "base/status.h"
#include "catalog/catalog_source.h"

namespace cardmint::catalog {

struct BuildStats {
  int sets = 0;
  int cards = 0;
  int printings = 0;
  int inferred_printings = 0;  // printings the source did not name (see the importers)
  int number_aliases = 0;
  double elapsed_ms = 0.0;
};

// Builds the whole catalog in a new file next to `db_path` (one transaction, prepared statements)
// and renames it over `db_path`. The rename is atomic: a Catalog opened on the old file keeps
// reading the old catalog (its open descriptors point at the old inode), and anyone opening
// `db_path` afterwards gets the complete new one; nobody sees half a catalog. On failure the
// temporary file is removed and `db_path` is untouched. Creates missing parent folders.
//
// The published file uses the rollback journal, not WAL: it is never written again (a re-import
// replaces it), and WAL's "-wal"/"-shm" side files are found by path, so after a rename an old
// and a new reader would share them while reading different files.
//
// Validates as it writes: a card whose set is missing, a duplicate id, or two cards with the same
// normalized number in one set are invalid_input errors naming the card.
// Thread-safe for different paths; concurrent builds of one path each publish a complete file and
// the last rename wins.
[[nodiscard]] Result<BuildStats> build_catalog_db(const CatalogSource& source,
                                                  const std::filesystem::path& db_path);

}  // namespace cardmint::catalog
