#pragma once
// Reads a catalog in the shape of PokemonTCG/pokemon-tcg-data (the pokemontcg.io API data):
//   <dir>/sets/en.json          array of sets {id, name, series, printedTotal, total, releaseDate,
//                               ptcgoCode}
//   <dir>/cards/en/<set>.json   array of cards {id, name, number, supertype, subtypes, hp (a
//                               string), rarity, artist, types, attacks[{name}], abilities[{name}],
//                               regulationMark, tcgplayer{prices{normal|holofoil|...}}}
// A set without a cards file has no cards. Thread-safe: no shared state.

#include <filesystem>

#include "base/status.h"
#include "catalog/catalog_source.h"

namespace cardmint::catalog {

// Printings come from the TCGplayer price keys, which name the finishes sold: normal → normal,
// holofoil → holo, reverseHolofoil → reverse holo, 1stEditionHolofoil → first edition + holo,
// 1stEditionNormal → first edition + normal, unlimitedHolofoil → holo; other keys are ignored. A
// card without prices gets holo when its rarity says "Holo", else normal, marked inferred.
// Errors are invalid_input Status values naming the file (and the card), never exceptions.
[[nodiscard]] Result<CatalogSource> read_pokemontcg_catalog(const std::filesystem::path& dir);

}  // namespace cardmint::catalog
