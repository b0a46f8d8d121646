#pragma once
// A set's cards in the order a binder or a set list holds them, for photo runs that replay a
// collector scanning a set card after card (cardmint-photos --sequential). Thread-safe: pure
// functions of the catalog.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "card_photo/catalog_reader.h"

namespace cardmint::card_photo {

// Collector order of two local_ids of one set: plain numbers by value ("2" before "10", "058"
// equal to "58"), an alternate print after its number ("28" before "28a"), then each
// letter-prefixed run by prefix ("RC2" before "RC10"), numbers without digits ("%3F") last.
bool binder_order_less(std::string_view a, std::string_view b);

// Indices into catalog.cards() of the set's photographable cards in binder order, from the card
// numbered `start` (or the first after that number; nullopt: from the first card), at most
// `count` of them (nullopt: to the end). not_found for an unknown set; invalid_input when the
// set has no photographable cards from `start` on (a Pocket set, or a start past its end).
[[nodiscard]] Result<std::vector<std::size_t>> binder_order(const Catalog& catalog,
                                                            std::string_view set_id,
                                                            std::optional<std::string_view> start,
                                                            std::optional<std::size_t> count);

}  // namespace cardmint::card_photo
