#include "card_photo/catalog_fixtures.h"

#include <utility>

namespace cardmint::card_photo {

CatalogSet fixture_set(std::string id, std::string serie, int count, std::string release_date,
                       std::string abbreviation, bool digital) {
  CatalogSet s;
  s.id = std::move(id);
  s.name = s.id;
  s.serie_id = std::move(serie);
  s.official_count = count;
  s.release_date = std::move(release_date);
  s.abbreviation = std::move(abbreviation);
  s.digital_only = digital;
  return s;
}

CatalogCard fixture_card(std::string set_id, std::string local_id, std::string name,
                         std::string type, std::string rarity) {
  CatalogCard c;
  c.id = set_id + "-" + local_id;
  c.set_id = std::move(set_id);
  c.local_id = std::move(local_id);
  c.name = std::move(name);
  c.category = "Pokemon";
  c.hp = 90;
  c.types = {std::move(type)};
  c.stage = "Basic";
  c.rarity = std::move(rarity);
  c.illustrator = "Ken Sugimori";
  c.attack_names = {"Tackle", "Fire Spin"};
  c.variants = {true, true, true, false};
  return c;
}

}  // namespace cardmint::card_photo
