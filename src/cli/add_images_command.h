#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint catalog add-images DIR [--manifest F] [--db CATALOG] [--cache-file F] [--json]`:
// hashes reference images of known printings into the cache file cardmintd reads at start-up, so
// a photo of one of those cards is answered by hash match (source "hash"). Each image names its
// printing either in the manifest (JSON lines: file, card_id, optional finish) or by its file
// name: "<card id>.jpg" or "<card id>__<finish>.jpg" ("base1-4__holo.png"; finish with '-' for
// spaces, e.g. "reverse-holo"). Without a finish, the card's only printing, or its first.
void register_add_images_command(CLI::App& catalog_command);

}  // namespace cardmint::cli
