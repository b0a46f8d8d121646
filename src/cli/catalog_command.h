#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint catalog import [--from DIR] [--db PATH] [--format tcgdex|pokemontcg]`: rebuilds the
// SQLite catalog (atomically; running readers keep the old one).
// `cardmint catalog lookup --name X --number "58/102" [--json]`: the ranked printings for an OCR'd
// name and number line, with the confidence the recognizer would see.
void register_catalog_command(CLI::App& app);

}  // namespace cardmint::cli
