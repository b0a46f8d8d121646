#pragma once
// What a collection entry copies from the catalog when it is made: the card's name, set and
// number as printed, rarity and TCGplayer product, for the printing owned. Copied so an export
// reads the same after `cardmint catalog import` rebuilds the catalog. Thread-safe: pure functions
// over a thread-safe Catalog.

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/card.h"
#include "collection/collection.h"

namespace cardmint::catalog {
class Catalog;
}  // namespace cardmint::catalog

namespace cardmint::collection {

struct CardFacts {
  // card_id, finish (a catalog::finish_name()), name, set_id, set_name, set_code, number,
  // printed_total, rarity, tcgplayer_product_id and holofoil set; the rest as defaults.
  CollectionEntry entry;
  catalog::Card card;  // as the catalog has it
};

// The facts of `card_id` printed in `finish` (a finish_name, any case; empty: the card's first
// printing). not_found for a card the catalog does not know; invalid_input for a finish that is
// no finish or one the card was not printed in.
[[nodiscard]] Result<CardFacts> card_facts(const catalog::Catalog& catalog,
                                           std::string_view card_id, std::string_view finish);

// `finish` (a finish_name, any case) when the card was printed so; invalid_input naming the card
// (`card`: "base1-4 Charizard") and its printings otherwise.
[[nodiscard]] Result<catalog::Finish> checked_finish(std::string_view finish,
                                                     const std::vector<catalog::Finish>& printings,
                                                     std::string_view card);

// "normal, holo": finish names in order, and back (names that are no finish are left out).
std::string finish_list(const std::vector<catalog::Finish>& finishes);
std::vector<catalog::Finish> parse_finish_list(std::string_view text);

// Whether a card with these printings shows a foil picture in `finish`: a holo, or the first
// edition of a card printed holo (no card has a first edition both ways).
bool is_holofoil(catalog::Finish finish, const std::vector<catalog::Finish>& printings);

}  // namespace cardmint::collection
