#pragma once
// Card names as matching keys. The catalog stores both the name as printed and this normalized form
// (`cards.name_norm`); OCR text goes through the same function before it is compared.
// Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace cardmint::catalog {

// Folds the spellings that differ between sources and OCR to one key:
//  - accents removed and case folded (NFKD-style for Latin letters): "Flabébé" → "flabebe";
//    fullwidth ASCII becomes ASCII;
//  - apostrophes removed, straight or curly: "Professor’s Research" → "professors research";
//  - hyphens, dashes, dots, colons, brackets and other punctuation become spaces, runs of spaces
//    collapse: "Lapras-GX" and "Lapras GX" → "lapras gx", "Unown [A]" → "unown a";
//  - text in parentheses is dropped: it is a subtitle printed below the name
//    ("Professor's Research (Professor Sada)" → "professors research"), but a "(" that never
//    closes and comes before any word is a mark OCR made of the frame ("(use| Pikachu" keeps
//    "use pikachu");
//  - ♀/♂ become " f"/" m": "Nidoran♀" and "Nidoran F" → "nidoran f";
//  - ★/☆ and a trailing word "Star" are dropped, and so are δ, α, β, γ and the Prism Star ◇: OCR
//    rarely reads these symbols, and the collector number tells those printings apart;
//  - a trailing "LV.X" is dropped (tcgdex keeps it out of the name, other sources put it in).
// Other non-ASCII text (the Japanese "ナッシー") is kept as UTF-8.
std::string normalize_card_name(std::string_view text);

// name_similarity (ocr_edit_distance.h) of two normalized names, less when each ends in a
// mechanic of another family: "alolan exeggutor ex" and "alolan exeggutor v" are two cards,
// whatever two letters they differ by, and OCR does not turn "ex" into "V" (it may drop a small
// "ex", so a name without a mechanic is not penalized). The families: ex, GX, the V cards (V,
// VMAX, VSTAR, V-UNION), BREAK, LEGEND, Prime. The result stays under the 0.85 at which a reading
// is taken as a clear name.
double card_name_similarity(std::string_view a, std::string_view b);

// A normalized name without the mechanic it ends in, of the families above ("lapras v" →
// "lapras", "zacian v union" → "zacian"); nullopt for a name without one. The mechanic's mark
// is often stylised or small, and OCR reads the name without it.
std::optional<std::string> name_without_mechanic(std::string_view name_norm);

}  // namespace cardmint::catalog
