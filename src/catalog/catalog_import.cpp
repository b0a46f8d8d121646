#include "catalog/catalog_import.h"

#include <fmt/format.h>

#include <cstdlib>

#include "catalog/pokemontcg_reader.h"
#include "catalog/tcgdex_reader.h"

namespace cardmint::catalog {

namespace fs = std::filesystem;

Result<SourceFormat> parse_source_format(std::string_view name) {
  if (name == "tcgdex") return SourceFormat::kTcgdex;
  if (name == "pokemontcg") return SourceFormat::kPokemontcg;
  return Status::invalid_input(
      fmt::format("unknown catalog format \"{}\" (tcgdex|pokemontcg)", name));
}

Result<BuildStats> import_catalog(const ImportOptions& options) {
  Result<CatalogSource> source = options.format == SourceFormat::kTcgdex
                                     ? read_tcgdex_catalog(options.from)
                                     : read_pokemontcg_catalog(options.from);
  if (!source.ok()) return source.status();
  return build_catalog_db(*source, options.db_path);
}

fs::path default_catalog_db_path() {
  const char* data_dir = std::getenv("CARDMINT_DATA_DIR");
  if (data_dir && *data_dir) return fs::path(data_dir) / "catalog.sqlite";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".local/share/cardmint/catalog.sqlite";
}

fs::path default_catalog_source_dir() {
  const char* env = std::getenv("CARDMINT_CATALOG_DIR");
  if (env && *env) return env;
  std::error_code ec;
  if (fs::is_regular_file("data/catalog/cards.jsonl", ec)) return "data/catalog";
  return CARDMINT_SOURCE_CATALOG_DIR;
}

}  // namespace cardmint::catalog
