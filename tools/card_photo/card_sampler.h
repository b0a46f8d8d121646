#pragma once
// Chooses which catalog cards a photo set shows: a seeded sample spread over eras and sets,
// with a fixed share of the cards that trip recognizers (subset numbers like TG05/TG30,
// promos without a total, secret rares like 201/198, long names, accents and ♀/♂).
// Thread-safe: pure functions of the catalog and the rng.

#include <cstddef>
#include <random>
#include <string_view>
#include <vector>

#include "card_photo/catalog_reader.h"

namespace cardmint::card_photo {

// A physical card whose printed number the catalog knows: not a Pocket (digital) card and not
// a Celebrations Classic Collection reprint.
bool is_photographable(const CatalogCard& card, const CatalogSet& set);

enum class CardPool { kSubset, kPromo, kSecretRare, kLongName, kNonAscii, kGeneral };
std::string_view card_pool_name(CardPool pool);
// The tricky pool a card belongs to (the first that matches), or kGeneral.
CardPool card_pool_of(const CatalogCard& card, const CatalogSet& set);

// `count` indices into catalog.cards(), distinct while the catalog has enough cards.
// About 56% come from the general pool with each era equally likely (sets weighted by the square
// root of their size, trainer kits and McDonald's sets less), the rest from the tricky pools.
std::vector<std::size_t> sample_cards(const Catalog& catalog, std::size_t count,
                                      std::mt19937_64& rng);

}  // namespace cardmint::card_photo
