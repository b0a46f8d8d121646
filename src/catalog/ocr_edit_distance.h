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

// How far a collector number as printed ("63/106", "TG05/TG30") is from the closest stretch of
// an OCR'd number line ("EM 61/1O6 @"): edits as in ocr_edit_distance, with the confusions OCR
// makes on small digits (0/O/D, 1/I/l/|, 5/S, 8/B, 6/G, 2/Z, 4/A, "/" read as a stroke) at 0.5;
// case and spaces are ignored, and the rest of the line is free. 0 when the line holds the
// number exactly; the printed number's length when nothing of it is there.
double number_distance_in_line(std::string_view printed, std::string_view line);

// How far a normalized name (card_name.h: an attack name, "fire spin") is from the closest
// stretch of a normalized OCR'd line ("e fire spim 30"): edits and look-alikes as in
// ocr_edit_distance; the rest of the line is free. 0 when the line holds the name exactly.
double name_distance_in_line(std::string_view name, std::string_view line);

// 1 - distance / longer length, in [0, 1]; 1 only for equal strings. Two empty strings give 0:
// nothing was read, so nothing matched.
double name_similarity(std::string_view a, std::string_view b);

}  // namespace cardmint::catalog
