#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// The operator's collection (collection/collection.h), in its own SQLite file: --db, else
// $COLLECTION_DB, else collection.sqlite beside the catalog (--catalog-db, else
// ${CARDMINT_DATA_DIR:-~/.local/share/cardmint}/catalog.sqlite), as cardmintd finds it.
// `cardmint collection add CARD_ID [--finish F] [--condition C] [--quantity N] [--session ID]
// [--price P] [--catalog-db CAT]`: adds copies of a catalog card, merging with its entry.
// Every subcommand takes --db and --catalog-db.
// `cardmint collection list [--session ID] [--json]`: every entry, newest add first, and totals.
// `cardmint collection export --format tcgplayer|dragonshield|csv|json [--out FILE]
// [--session ID]`: the file TCGplayer's or Dragon Shield's importer takes, or CardMint's own.
// `cardmint collection import FILE [--session ID] [--json] [--catalog-db CAT]`: adds the rows of
// any of the three CSV exports; prints what it added and each row it skipped with the reason.
// Exits 1 when a row was skipped (the rest are added), 2 when nothing could be read.
void register_collection_command(CLI::App& app);

}  // namespace cardmint::cli
