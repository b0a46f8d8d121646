#pragma once
// Edit distance tuned for OCR errors on normalized card names. Pure functions; thread-safe.

#include <string_view>

namespace cardmint::catalog {

// Levenshtein distance over bytes in which the confusions OCR makes on card fonts cost 0.5 instead
// of 1: single look-alikes (u/v, o/0, i/l/1, e/c, s/5, b/8, z/2, g/9) and two-for-one glyph
// merges (rn/m, cl/d, vv/w). Hence the distance is at least half the length difference.
// "charizarcl" → "charizard" costs 0.5, "pikachv" → "pikachu" 0.5. Inputs longer than 96 bytes are
// cut there, which bounds the cost of garbage input.
double ocr_edit_distance(std::string_view a, std::string_view b);

// 1 - distance / longer length, in [0, 1]; 1 only for equal strings. Two empty strings give 0:
// nothing was read, so nothing matched.
double name_similarity(std::string_view a, std::string_view b);

}  // namespace cardmint::catalog
