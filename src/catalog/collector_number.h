#pragma once
// Collector numbers as printed on a card ("58/102", "TG05/TG30", "SWSH050") and as stored in the
// catalog ("058", "TG01"). Both sides are normalized the same way before they are compared.
// Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cardmint::catalog {

// Leading zeros are dropped from the first digit run, ASCII letters are upper-cased and kept, and
// spaces, hyphens, dots and underscores inside the number are removed:
//   "058" → "58", "TG05" → "TG5", "SWSH050" → "SWSH50", "74a" → "74A", "H05" → "H5", "000" → "0".
// "SM-P 60" → "SMP60": "SM-P" is the Japanese promo mark, and Japanese promo numbers are not the
// English "SM60" card, so it stays a distinct number rather than a false match.
std::string normalize_collector_number(std::string_view raw);

// The letters before the first digit of a normalized number: "TG" for "TG5", "" for "58" and for
// numbers without digits ("ONE", "?").
std::string_view number_prefix(std::string_view normalized);

// A normalized number's place in its set's list: its letter prefix, the value of the digits after
// it, and what follows them ("TG5" → {"TG", 5, ""}, "74A" → {"", 74, "A"}); no value when there
// are no digits ("ONE", "?") or too many for one.
struct NumberPlace {
  std::string_view prefix;
  std::optional<int> value;
  std::string_view suffix;
};
NumberPlace number_place(std::string_view normalized);

// Collector order of normalized numbers, the order of a set list or a binder: plain numbers
// first, then each prefixed run ("RC1".."RC32", "TG1"..) by prefix; within a run by value ("2"
// before "10"), then suffix ("74" before "74A"); numbers without digits last.
bool collector_order_less(std::string_view a, std::string_view b);

// The ways a card with normalized number `number` may print it, for comparing with a number line
// as OCR spelled it: with and without the zero padding of modern sets ("58/102", "058/198"),
// over the set's total when `prints_total`, and for a letter-prefixed number over the prefixed
// subset size too ("TG05/TG30", "RC5/RC32"), or alone ("SH4", "SWSH050"). `subset_count` is how
// many cards share the prefix in the set, when known. Upper case, no duplicates.
std::vector<std::string> printed_number_forms(std::string_view number, bool prints_total,
                                              int official_count, std::optional<int> subset_count);

// `line` without the copyright notice's mark and year ("©1999", "(c)2023", and OCR's readings of
// the mark: "(C)", "(6)", "(e)", "@"), nor a bare year before "Nintendo", "Pokémon", "Creatures"
// or "GAME FREAK". A year is never a collector number, but its digits spell one: split, "1999"
// reads as "1/999"; searched, it holds "1" and "19". Nor a list of numbers joined by ", " (the
// classic notice's "1995, 96, 98, 99", however misread): no collector number holds a comma. The
// rest of the line is kept as it was.
std::string without_copyright_years(std::string_view line);

// A number line as read from a card.
struct PrintedNumber {
  std::string number;        // normalized, as normalize_collector_number()
  std::optional<int> total;  // the "/102" denominator; nullopt for promos ("SWSH050")
  std::string total_prefix;  // "TG" in "TG05/TG30", "SV" in "SV107/SV122"
  std::string total_mark;    // a denominator that is not a number, as read: "S-P" in "123/S-P"
};

// Finds the collector number in one OCR'd line and tolerates the usual noise: spaces around the
// slash ("58 / 102"), letters read for digits inside a digit run ("58/1O2" → 102, "5l/102" → 51),
// rarity symbols, copyright text or other junk around it. Without a slash, the first token that
// looks like a number ("SWSH050", "SV107") is taken, and runs of 4+ digits (years) are skipped.
// Before a slash, a number may also be letters only: "J/28" and "!/28" (Unown), "ONE" (Alph).
// nullopt when the line holds no collector number.
std::optional<PrintedNumber> parse_number_line(std::string_view line);

// Other ways to read an OCR'd number line, for a caller that lets the catalog and the card's name
// choose among them. Each is a whole line for parse_number_line:
//  - letters that OCR confuses with digits, turned into the digits, in every token that holds a
//    digit or a slash ("ZA/1OZ" → "24/102", "S8/1O2" → "58/102");
//  - a slash put back between a subset number and its total ("TG19TG30" → "TG19/TG30");
//  - a promo number whose prefix was read as digits ("Xx5W5H25/7" → "SWSH257");
//  - a number or total of four digits without the fourth at its outer end ("1114/1479" →
//    "114/147"): a mark beside the number read as a digit; and
//  - for a run of 3 to 6 digits with no slash in its line, the run split by a slash at each place
//    ("2147" → "2/147", "21/47", "214/7"): small print often loses its slash.
// The line itself is not among them; no duplicates.
std::vector<std::string> number_line_alternatives(std::string_view line);

}  // namespace cardmint::catalog
