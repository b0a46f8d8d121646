#pragma once
// The collector number exactly as a physical card prints it ("58/102", "TG05/TG30", "SWSH050",
// "201/198", "025/202"), derived from the catalog's local_id and the set's official_count,
// following the quirks in data/catalog/README.md. Thread-safe: pure functions.

#include <string>
#include <string_view>

#include "card_photo/catalog_reader.h"

namespace cardmint::card_photo {

// Card frame generations; each has its own face layout and number style.
enum class CardEra {
  kClassic,  // WotC 1999-2003: yellow border, "58/102" bottom right, "60 HP"
  kExDp,     // EX, DP, Platinum, HGSS 2003-2011: yellow border, "58/109" bottom right, "HP 60"
  kBwSm,     // Black & White, XY, Sun & Moon 2011-2019: number bottom right next to the set symbol
  kModern,   // Sword & Shield, Scarlet & Violet, Mega Evolution: "025/202" bottom left, mark box
};
std::string_view era_name(CardEra era);  // "classic", "ex_dp", "bw_sm", "modern"

// By serie, then by release date for series that span eras (McDonald's, trainer kits).
CardEra era_of_set(const CatalogSet& set);

// Promo sets print the number alone ("SWSH050", "SM60", "DP01"), never a "/total".
bool is_promo_set(std::string_view set_id);

// False where the catalog cannot say what is printed: cel25cc (Celebrations Classic Collection)
// prints each card's original number, which the catalog does not keep.
bool has_known_printed_number(const CatalogSet& set);

// The leading letters of a local_id: "TG" for "TG05", "SWSH" for "SWSH050", "" for "58".
std::string_view letter_prefix(std::string_view local_id);

// Decodes the URL escapes that local_id keeps from file names ("%3F" → "?").
std::string decode_local_id(std::string_view local_id);

// The number line as printed. `subset_total` is how many cards of the set share local_id's
// letter prefix (Catalog::prefix_count); it gives the denominator of subsets inside a main set,
// printed as "RC5/RC32" or "H12/H32". Pass 0 when unknown: official_count is used instead.
// Trainer Gallery, Galarian Gallery and Shiny Vault sets ("TG05/TG30") use official_count.
// Zero padding follows the print, not the catalog: 3 digits from Sword & Shield on ("001/198"),
// none before ("58/102"). Letter suffixes of alternate prints ("54a") are not printed.
std::string printed_number(std::string_view local_id, const CatalogSet& set, int subset_total);

}  // namespace cardmint::card_photo
