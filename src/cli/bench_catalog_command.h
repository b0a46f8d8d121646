#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench catalog [--json]`: p50/p90/p99 of the catalog lookups (number, fuzzy name,
// combined match) over queries built from the catalog itself with synthetic OCR noise, plus how
// often the right card came first. Imports a fresh catalog into a temporary file unless --db is
// given, and reports that import's time too.
void register_bench_catalog_command(CLI::App& bench);

}  // namespace cardmint::cli
