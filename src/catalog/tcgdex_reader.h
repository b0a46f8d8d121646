#pragma once
// Reads the TCGdex-derived catalog (data/catalog/: sets.jsonl and cards.jsonl, one JSON object per
// line; data/catalog/README.md describes every field). Thread-safe: no shared state.

#include <filesystem>

#include "base/status.h"
#include "catalog/catalog_source.h"

namespace cardmint::catalog {

// Parses both files line by line. A malformed line or field is an invalid_input Status naming the
// file and line ("cards.jsonl:12: ..."); a missing file is not_found. Besides the fields as given:
//  - printings come from the `variants` flags: normal → normal, holo → holo, reverse → reverse
//  holo,
//    firstEdition → first edition; a card with no flag set (41 swshp promos) gets "normal", the
//    TCGdex API's default, marked inferred;
//  - the 25 Celebrations Classic Collection cards (cel25cc) get their printed original numbers as
//    aliases (CC002 Charizard prints "4/102");
//  - the collector number is local_id with URL escapes decoded (exu-%3F is Unown "?").
[[nodiscard]] Result<CatalogSource> read_tcgdex_catalog(const std::filesystem::path& dir);

}  // namespace cardmint::catalog
