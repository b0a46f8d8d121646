#pragma once
// `cardmint catalog import` as a library call: read a source folder, build the SQLite catalog.
// Thread-safe (no shared state; see build_catalog_db for concurrent imports to one path).

#include <filesystem>
#include <string_view>

#include "base/status.h"
#include "catalog/catalog_builder.h"

namespace cardmint::catalog {

enum class SourceFormat {
  kTcgdex,      // data/catalog/: sets.jsonl + cards.jsonl (tcgdex_reader.h)
  kPokemontcg,  // sets/en.json + cards/en/<set>.json (pokemontcg_reader.h)
};

// "tcgdex" or "pokemontcg"; invalid_input otherwise.
[[nodiscard]] Result<SourceFormat> parse_source_format(std::string_view name);

struct ImportOptions {
  std::filesystem::path from;     // the source folder
  std::filesystem::path db_path;  // the catalog to (re)build
  SourceFormat format = SourceFormat::kTcgdex;
};

[[nodiscard]] Result<BuildStats> import_catalog(const ImportOptions& options);

// ${CARDMINT_DATA_DIR:-~/.local/share/cardmint}/catalog.sqlite
std::filesystem::path default_catalog_db_path();

// Where the catalog data lives when --from is not given: $CARDMINT_CATALOG_DIR, else
// ./data/catalog when the working directory is a checkout, else the source tree this binary was
// built from.
std::filesystem::path default_catalog_source_dir();

}  // namespace cardmint::catalog
