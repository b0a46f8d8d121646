#pragma once
// What the catalog builder may take for granted from any importer's CatalogSource
// (catalog/catalog_source.h), checked the same way for both reader targets.

#include <algorithm>

#include "catalog/catalog_source.h"
#include "fuzz_check.h"

namespace cardmint::fuzz {

inline void check_catalog_source(const catalog::CatalogSource& source) {
  for (const catalog::SourceSet& set : source.sets) FUZZ_CHECK(!set.id.empty());
  for (const catalog::SourceCard& card : source.cards) {
    // "never empty after import", in kAllFinishes order without repeats.
    FUZZ_CHECK(!card.finishes.empty());
    FUZZ_CHECK(std::adjacent_find(card.finishes.begin(), card.finishes.end(),
                                  [](catalog::Finish a, catalog::Finish b) { return a >= b; }) ==
               card.finishes.end());
    if (card.finishes_inferred) FUZZ_CHECK(card.finishes.size() == 1);
  }
}

}  // namespace cardmint::fuzz
