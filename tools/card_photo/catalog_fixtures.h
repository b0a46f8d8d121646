#pragma once
// Hand-made catalog entries, for tests that photograph a card without reading the real catalog.

#include <string>

#include "card_photo/catalog_reader.h"

namespace cardmint::card_photo {

// A set named by its id, printing `count` as its total.
CatalogSet fixture_set(std::string id, std::string serie, int count, std::string release_date,
                       std::string abbreviation = "", bool digital = false);

// A Basic Pokémon with 90 HP, two attacks and normal, holo and reverse printings; tests change
// the fields they care about.
CatalogCard fixture_card(std::string set_id, std::string local_id, std::string name,
                         std::string type, std::string rarity = "Rare");

}  // namespace cardmint::card_photo
