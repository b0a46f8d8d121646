#include "catalog/collector_number.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace cardmint::catalog {
namespace {

// Real letter prefixes are at most four letters (SWSH, HGSS); a longer letter run glued to the
// digits is text the OCR merged into the number ("Graphics58"), not a prefix.
constexpr size_t kMaxPrefixLetters = 4;
// No set has 1000 cards; four digits are a year or other text.
constexpr size_t kMaxDigits = 3;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Letters (and a bar) that OCR returns for a digit of the same shape.
char digit_lookalike(char c) {
  // clang-format off
  switch (c) {
    case 'O': case 'o': case 'Q': case 'D': return '0';
    case 'I': case 'l': case '|': case 'i': return '1';
    case 'Z': case 'z': return '2';
    case 'S': case 's': return '5';
    case 'G': return '6';
    case 'B': return '8';
    default: return 0;
  }
}
// clang-format on

// Look-alikes that can stand for a digit at the start or end of a digit run. The rest (S, B, G,
// Z, D) are real prefix letters (SV, SH) or suffixes, so they are only read as digits between two
// digits.
bool is_edge_lookalike(char c) {
  return c == 'O' || c == 'o' || c == 'Q' || c == 'I' || c == 'l' || c == '|' || c == 'i';
}

bool is_token_char(char c) { return is_digit(c) || is_alpha(c) || c == '|' || c == '-'; }

// Replaces the other slashes OCR produces (fullwidth, fraction, division) with '/'.
std::string unify_slashes(std::string_view line) {
  static constexpr std::array<std::string_view, 3> kSlashes = {"\xEF\xBC\x8F", "\xE2\x81\x84",
                                                               "\xE2\x88\x95"};
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size();) {
    bool replaced = false;
    for (std::string_view s : kSlashes) {
      if (line.substr(i, s.size()) == s) {
        out += '/';
        i += s.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += line[i++];
  }
  return out;
}

struct Token {
  std::string prefix;  // letters before the digits, upper-cased
  std::string digits;  // the digit run, look-alikes already replaced
  std::string suffix;  // letters after the digits, upper-cased
};

// Splits "TG05", "5l", "1O2", "SWSHO50" into prefix / digits / suffix, reading look-alikes as
// digits where a digit must be. No real prefix (TG, SV, SWSH, HGSS, RC, H, ...) ends in a letter
// that looks like a digit, so look-alikes right before the first digit belong to the number:
// "O58" → 058, "lO2" → 102, "SWSHO50" → SWSH050.
std::optional<Token> split_token(std::string_view raw) {
  std::string s;
  for (char c : raw) {
    if (c != '-') s += c;
  }
  size_t first_digit = 0;
  while (first_digit < s.size() && !is_digit(s[first_digit])) ++first_digit;
  if (first_digit == s.size()) return std::nullopt;
  size_t last_digit = s.size() - 1;
  while (!is_digit(s[last_digit])) --last_digit;

  size_t begin = first_digit;
  while (begin > 0 && is_edge_lookalike(s[begin - 1])) --begin;
  // Trailing look-alikes count as digits only when nothing else follows ("1O" → 10); "50a" keeps
  // its suffix letter.
  size_t end = last_digit + 1;
  size_t tail = end;
  while (tail < s.size() && is_edge_lookalike(s[tail])) ++tail;
  if (tail == s.size()) end = tail;

  Token t;
  for (size_t i = 0; i < begin; ++i) {
    if (!is_alpha(s[i])) return std::nullopt;
    t.prefix += to_upper(s[i]);
  }
  for (size_t i = begin; i < end; ++i) {
    if (is_digit(s[i])) {
      t.digits += s[i];
    } else if (char d = digit_lookalike(s[i])) {
      t.digits += d;
    } else {
      return std::nullopt;  // "5x2": not a number
    }
  }
  for (size_t i = end; i < s.size(); ++i) {
    if (!is_alpha(s[i])) return std::nullopt;
    t.suffix += to_upper(s[i]);
  }
  if (t.prefix.size() > kMaxPrefixLetters) t.prefix.clear();
  std::string_view significant = t.digits;
  while (significant.size() > 1 && significant.front() == '0') significant.remove_prefix(1);
  if (significant.size() > kMaxDigits) return std::nullopt;
  return t;
}

// A number-side token: at most one suffix letter ("50a"); more letters mean words ("5ban").
std::optional<std::string> number_from_token(std::string_view raw) {
  std::optional<Token> t = split_token(raw);
  if (!t || t->suffix.size() > 1) return std::nullopt;
  return normalize_collector_number(t->prefix + t->digits + t->suffix);
}

// Numbers without digits, printed before a total: the Unown collection's "J/28", "!/28", the Alph
// Lithographs' "ONE".
bool is_letter_number(std::string_view token) {
  if (token == "!" || token == "?") return true;
  if (token.empty() || token.size() > 5) return false;
  return std::all_of(token.begin(), token.end(), [](char c) { return is_alpha(c); });
}

std::string_view token_left_of(std::string_view s, size_t slash) {
  size_t end = slash;
  while (end > 0 && s[end - 1] == ' ') --end;
  size_t begin = end;
  while (begin > 0 && is_token_char(s[begin - 1])) --begin;
  // The Unown collection numbers two cards "!" and "?".
  if (begin == end && begin > 0 && (s[begin - 1] == '!' || s[begin - 1] == '?')) --begin;
  return s.substr(begin, end - begin);
}

std::string_view token_right_of(std::string_view s, size_t slash) {
  size_t begin = slash + 1;
  while (begin < s.size() && s[begin] == ' ') ++begin;
  size_t end = begin;
  while (end < s.size() && is_token_char(s[end])) ++end;
  return s.substr(begin, end - begin);
}

std::string leading_letters(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (!is_alpha(c)) break;
    out += to_upper(c);
  }
  return out;
}

// A subset's number prints its total's prefix ("TG18/TG30"); letters before that prefix are the
// set code the line ran into ("BRS TG18" read "RSTG18", "SHF SV110" read "BYSHFSV110"). `left`
// from the prefix on, or unchanged when its letters do not end in it.
std::string_view from_subset_prefix(std::string_view left, std::string_view prefix) {
  size_t first_digit = 0;
  while (first_digit < left.size() && !is_digit(left[first_digit])) ++first_digit;
  if (first_digit <= prefix.size() || first_digit == left.size()) return left;
  const size_t at = first_digit - prefix.size();
  for (size_t k = 0; k < first_digit; ++k) {
    if (!is_alpha(left[k])) return left;
    if (k >= at && to_upper(left[k]) != prefix[k - at]) return left;
  }
  return left.substr(at);
}

std::optional<PrintedNumber> parse_with_slash(std::string_view s, size_t slash) {
  std::string_view left = token_left_of(s, slash);
  std::string_view right = token_right_of(s, slash);
  if (left.empty()) return std::nullopt;
  std::optional<Token> total = split_token(right);
  if (total && !total->suffix.empty()) total.reset();
  if (total && !total->prefix.empty()) left = from_subset_prefix(left, total->prefix);
  std::optional<std::string> number = number_from_token(left);
  if (!number && total && is_letter_number(left)) number = normalize_collector_number(left);
  if (!number) return std::nullopt;
  // Mega Evolution cards print a language mark before the number ("PBL EN 044/084"); OCR often
  // closes the gap. No English number has an EN prefix, and a plain total rules out a subset.
  if (total && total->prefix.empty() && number->size() > 2 && number->starts_with("EN") &&
      is_digit((*number)[2])) {
    number = normalize_collector_number(number->substr(2));
  }
  PrintedNumber out;
  out.number = std::move(*number);
  if (total) {
    int value = 0;
    std::from_chars(total->digits.data(), total->digits.data() + total->digits.size(), value);
    out.total = value;
    out.total_prefix = total->prefix;
  } else if (!right.empty()) {
    out.total_mark = std::string(right);
    out.total_prefix = leading_letters(right);
  }
  return out;
}

}  // namespace

std::string normalize_collector_number(std::string_view raw) {
  std::string cleaned;
  cleaned.reserve(raw.size());
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '.' || c == '_' || c == '\t' || c == '\n' || c == '\r')
      continue;
    cleaned += to_upper(c);
  }
  size_t start = 0;
  while (start < cleaned.size() && !is_digit(cleaned[start])) ++start;
  if (start == cleaned.size()) return cleaned;
  size_t end = start;
  while (end < cleaned.size() && is_digit(cleaned[end])) ++end;
  size_t keep = start;
  while (keep + 1 < end && cleaned[keep] == '0') ++keep;
  return cleaned.substr(0, start) + cleaned.substr(keep);
}

std::string_view number_prefix(std::string_view normalized) {
  size_t i = 0;
  while (i < normalized.size() && is_alpha(normalized[i])) ++i;
  if (i == normalized.size()) return {};
  return normalized.substr(0, i);
}

NumberPlace number_place(std::string_view normalized) {
  NumberPlace place;
  place.prefix = number_prefix(normalized);
  std::string_view rest = normalized.substr(place.prefix.size());
  std::size_t digits = 0;
  while (digits < rest.size() && is_digit(rest[digits])) ++digits;
  // Nine digits always fit an int; no printed number comes near.
  if (digits > 0 && digits <= 9) {
    int value = 0;
    for (char c : rest.substr(0, digits)) value = value * 10 + (c - '0');
    place.value = value;
  }
  place.suffix = rest.substr(digits);
  return place;
}

bool collector_order_less(std::string_view a, std::string_view b) {
  const NumberPlace pa = number_place(a);
  const NumberPlace pb = number_place(b);
  if (pa.value.has_value() != pb.value.has_value()) return pa.value.has_value();
  if (!pa.value) return a < b;
  if (pa.prefix != pb.prefix) return pa.prefix < pb.prefix;  // "" sorts first
  if (*pa.value != *pb.value) return *pa.value < *pb.value;
  return pa.suffix < pb.suffix;
}

std::vector<std::string> printed_number_forms(std::string_view number, bool prints_total,
                                              int official_count, std::optional<int> subset_count) {
  const std::string norm = normalize_collector_number(number);
  const std::string_view prefix = number_prefix(norm);
  std::string_view rest = std::string_view(norm).substr(prefix.size());
  std::size_t digit_count = 0;
  while (digit_count < rest.size() && is_digit(rest[digit_count])) ++digit_count;
  const std::string digits(rest.substr(0, digit_count));
  const std::string suffix(rest.substr(digit_count));
  auto padded = [](const std::string& d, std::size_t width) {
    return d.size() >= width ? d : std::string(width - d.size(), '0') + d;
  };
  std::vector<std::string> out;
  auto add = [&](std::string form) {
    if (std::find(out.begin(), out.end(), form) == out.end()) out.push_back(std::move(form));
  };
  if (digits.empty()) {  // "ONE", "?": printed as stored
    add(norm);
    return out;
  }
  // Modern sets pad the number to three digits; gallery subsets to the width of their total.
  std::vector<std::string> fronts;
  for (std::size_t width : {std::size_t{0}, std::size_t{2}, std::size_t{3}}) {
    const std::string front = std::string(prefix) + padded(digits, width) + suffix;
    if (std::find(fronts.begin(), fronts.end(), front) == fronts.end()) fronts.push_back(front);
  }
  // A prefixed number stands for itself; a bare one says little without its total ("58").
  if (!prints_total || !prefix.empty()) {
    for (const std::string& front : fronts) add(front);
  }
  if (!prints_total) return out;
  std::vector<std::string> totals;
  if (official_count > 0) {
    totals.push_back(std::to_string(official_count));
    totals.push_back(padded(std::to_string(official_count), 3));
  }
  if (!prefix.empty()) {
    for (std::optional<int> count : {subset_count, std::optional<int>(official_count)}) {
      if (!count || *count <= 0) continue;
      totals.push_back(std::string(prefix) + std::to_string(*count));
      totals.push_back(std::string(prefix) + padded(std::to_string(*count), 2));
    }
  }
  for (const std::string& front : fronts) {
    for (const std::string& total : totals) add(front + "/" + total);
  }
  return out;
}

std::optional<PrintedNumber> parse_number_line(std::string_view line) {
  std::string s = unify_slashes(line);
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  for (size_t slash = s.find('/'); slash != std::string::npos; slash = s.find('/', slash + 1)) {
    if (std::optional<PrintedNumber> parsed = parse_with_slash(s, slash)) return parsed;
  }
  // No usable slash: a promo number ("SWSH050") or a line whose total was lost.
  size_t i = 0;
  std::vector<std::string_view> tokens;
  while (i < s.size()) {
    while (i < s.size() && !is_token_char(s[i])) ++i;
    size_t begin = i;
    while (i < s.size() && is_token_char(s[i])) ++i;
    std::string_view token = std::string_view(s).substr(begin, i - begin);
    if (token.empty()) continue;
    tokens.push_back(token);
    if (std::optional<std::string> number = number_from_token(token)) {
      PrintedNumber out;
      out.number = std::move(*number);
      return out;
    }
  }
  // An Unown of the Unseen Forces collection prints only its letter ("G"), so a capital letter
  // alone on its line, rarity marks aside, is that number. Never a letter among other words: the
  // illustrator's initials are not a number.
  if (tokens.size() == 1 && tokens[0].size() == 1 && tokens[0][0] >= 'A' && tokens[0][0] <= 'Z') {
    PrintedNumber out;
    out.number = std::string(tokens[0]);
    return out;
  }
  return std::nullopt;
}

namespace {

// OCR's usual letter-for-digit confusions in small print.
char digit_for(char c) {
  switch (c) {
    case 'O':
    case 'o':
    case 'D':
    case 'Q':
      return '0';
    case 'I':
    case 'l':
    case 'i':
    case '|':
    case '!':
      return '1';
    case 'Z':
    case 'z':
      return '2';
    case 'A':
      return '4';
    case 'S':
    case 's':
      return '5';
    case 'G':
    case 'b':
      return '6';
    case 'T':
      return '7';
    case 'B':
      return '8';
    case 'g':
    case 'q':
      return '9';
    default:
      return c;
  }
}

// And the other way, for the letters of a promo prefix ("5WSH" for "SWSH").
char letter_for(char c) {
  switch (c) {
    case '5':
      return 'S';
    case '0':
      return 'O';
    case '1':
    case '|':
    case 'l':
      return 'I';
    case '8':
      return 'B';
    case '6':
      return 'G';
    case '2':
      return 'Z';
    case '7':
      return 'T';
    default:
      return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
  }
}

// Letter prefixes that English cards print before a number without a total, longest first.
constexpr std::string_view kPromoPrefixes[] = {"SWSH", "HGSS", "SM", "XY", "BW", "DP", "SV"};

// "Xx5W5H25/7" → "SWSH257": a promo prefix spelled with digit look-alikes somewhere in a token,
// then its digits (a stray slash from the rarity star removed). Empty when there is none.
std::string repaired_promo_number(std::string_view token) {
  std::string flat;
  for (char c : token) {
    if (c != '/') flat += c;
  }
  for (std::string_view prefix : kPromoPrefixes) {
    for (size_t at = 0; at + prefix.size() < flat.size(); ++at) {
      bool same = true;
      for (size_t k = 0; k < prefix.size() && same; ++k)
        same = letter_for(flat[at + k]) == prefix[k];
      if (!same) continue;
      std::string digits;
      for (size_t k = at + prefix.size(); k < flat.size(); ++k) digits += digit_for(flat[k]);
      if (digits.empty() || digits.size() > 3 ||
          !std::all_of(digits.begin(), digits.end(), is_digit))
        continue;
      return std::string(prefix) + digits;
    }
  }
  return {};
}

// [begin, end) of each space-separated word of `line`.
std::vector<std::pair<size_t, size_t>> word_spans(std::string_view line) {
  std::vector<std::pair<size_t, size_t>> spans;
  for (size_t begin = 0; begin < line.size();) {
    size_t end = line.find(' ', begin);
    if (end == std::string_view::npos) end = line.size();
    if (end > begin) spans.emplace_back(begin, end);
    begin = end + 1;
  }
  return spans;
}

}  // namespace

std::vector<std::string> number_line_alternatives(std::string_view line) {
  std::vector<std::string> out;
  auto add = [&](std::string candidate) {
    if (candidate != line && std::find(out.begin(), out.end(), candidate) == out.end())
      out.push_back(std::move(candidate));
  };
  std::string mapped(line);
  for (const auto& [begin, end] : word_spans(line)) {
    const std::string_view token = line.substr(begin, end - begin);
    const bool numeric =
        std::any_of(token.begin(), token.end(), [](char c) { return is_digit(c) || c == '/'; });
    if (numeric) {
      for (size_t i = begin; i < end; ++i) mapped[i] = digit_for(mapped[i]);
    }
  }
  add(mapped);
  for (const auto& [begin, end] : word_spans(line)) {
    if (std::string promo = repaired_promo_number(line.substr(begin, end - begin)); !promo.empty())
      add(std::move(promo));
  }
  // "TG19TG30": a subset number whose slash was lost; the second letter run starts the total.
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (is_digit(line[i]) && is_alpha(line[i + 1]) && i > 0) {
      size_t letters_begin = i;
      while (letters_begin > 0 && is_digit(line[letters_begin - 1])) --letters_begin;
      if (letters_begin > 0 && is_alpha(line[letters_begin - 1])) {
        size_t end = i + 1;
        while (end < line.size() && is_alpha(line[end])) ++end;
        if (end < line.size() && is_digit(line[end]) && end - (i + 1) <= 4) {
          add(std::string(line.substr(0, i + 1)) + "/" + std::string(line.substr(i + 1)));
        }
      }
    }
  }
  // "1G17/TG30": a subset number whose prefix was misread; the total prints the same prefix, so
  // the number's first characters are put back as that prefix.
  for (size_t slash = line.find('/'); slash != std::string_view::npos;
       slash = line.find('/', slash + 1)) {
    size_t prefix_end = slash + 1;
    while (prefix_end < line.size() && is_alpha(line[prefix_end])) ++prefix_end;
    const size_t prefix_size = prefix_end - (slash + 1);
    if (prefix_size == 0 || prefix_size > 2 || prefix_end == line.size() ||
        !is_digit(line[prefix_end]))
      continue;
    size_t number_begin = slash;
    while (number_begin > 0 && is_token_char(line[number_begin - 1])) --number_begin;
    if (slash - number_begin <= prefix_size) continue;
    std::string number(line.substr(number_begin + prefix_size, slash - number_begin - prefix_size));
    for (char& c : number) c = digit_for(c);
    if (!std::all_of(number.begin(), number.end(), is_digit)) continue;
    if (line.substr(number_begin, prefix_size) == line.substr(slash + 1, prefix_size)) continue;
    add(std::string(line.substr(0, number_begin)) +
        std::string(line.substr(slash + 1, prefix_size)) + number +
        std::string(line.substr(slash)));
  }
  // "1114/1479": numbers and totals print at most three digits, so a fourth at the outer end of
  // either is a mark beside the number read as a digit (a set symbol as "1", a rarity dot as
  // "9"): that digit dropped ("114/147").
  for (const std::string& base : {std::string(line), mapped}) {
    for (size_t slash = base.find('/'); slash != std::string::npos;
         slash = base.find('/', slash + 1)) {
      size_t begin = slash;
      while (begin > 0 && is_digit(base[begin - 1])) --begin;
      size_t end = slash + 1;
      while (end < base.size() && is_digit(base[end])) ++end;
      const bool long_number = slash - begin == 4, long_total = end - (slash + 1) == 4;
      if (!long_number && !long_total) continue;
      const size_t keep_from = begin + (long_number ? 1 : 0);
      const size_t keep_to = end - (long_total ? 1 : 0);
      std::string trimmed =
          base.substr(0, begin) + base.substr(keep_from, keep_to - keep_from) + base.substr(end);
      add(std::move(trimmed));
    }
  }
  if (line.find('/') == std::string_view::npos) {
    for (const std::string& base : {std::string(line), mapped}) {
      for (size_t begin = 0; begin < base.size();) {
        if (!is_digit(base[begin])) {
          ++begin;
          continue;
        }
        size_t end = begin;
        while (end < base.size() && is_digit(base[end])) ++end;
        if (end - begin >= 3 && end - begin <= 6) {
          // Numbers and totals print at most three digits, and a total never with a leading zero:
          // "91006" is no "9/1006" nor "91/006".
          for (size_t cut = begin + 1; cut < end; ++cut) {
            if (cut - begin > 3 || end - cut > 3 || base[cut] == '0') continue;
            add(base.substr(0, cut) + "/" + base.substr(cut));
          }
        }
        begin = end;
      }
    }
  }
  return out;
}

namespace {

bool is_digit_at(std::string_view s, size_t i) {
  return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
}

// A year from 1995 (the first English cards were printed in 1999) to 2039, as a digit run of
// its own at `i`.
bool is_year_at(std::string_view s, size_t i) {
  if (i + 4 > s.size() || (i > 0 && is_digit_at(s, i - 1)) || is_digit_at(s, i + 4)) return false;
  for (size_t k = i; k < i + 4; ++k) {
    if (!is_digit_at(s, k)) return false;
  }
  const int year =
      (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
  return year >= 1995 && year <= 2039;
}

// The length of the copyright mark that ends at `end` (a space between mark and year allowed),
// or 0: "©", "(c)" and OCR's readings of it ("(C)", "(e)", "(6)", "(o)", "(0)", "@").
size_t mark_before(std::string_view s, size_t end) {
  size_t space = end > 0 && s[end - 1] == ' ' ? 1 : 0;
  const std::string_view before = s.substr(0, end - space);
  static constexpr std::string_view kMarks[] = {"\xC2\xA9", "(c)", "(C)", "(e)", "(E)",
                                                "(6)",      "(o)", "(O)", "(0)", "@"};
  for (std::string_view mark : kMarks) {
    if (before.size() >= mark.size() && before.substr(before.size() - mark.size()) == mark)
      return mark.size() + space;
  }
  return 0;
}

// True when the words after `i` begin with a copyright holder: "Nintendo", "Pokémon",
// "Creatures", "GAME FREAK".
bool owner_after(std::string_view s, size_t i) {
  while (i < s.size() && std::string_view(" ,./-").find(s[i]) != std::string_view::npos) ++i;
  if (i + 3 > s.size()) return false;
  std::string word;
  for (size_t k = i; k < s.size() && word.size() < 4; ++k) {
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(s[k])));
  }
  return word.starts_with("nin") || word.starts_with("pok") || word.starts_with("crea") ||
         word.starts_with("game");
}

// True for a token of a copyright notice's year list ("1995,", "96,", "99."): digits, with OCR's
// slashes and dots, and no letter.
bool is_year_list_token(std::string_view token) {
  bool digit = false;
  for (char c : token) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (std::string_view(",./").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digit;
}

// `line` without runs of number tokens joined by ", ": a collector number never holds a comma,
// but the classic notice's "©1995, 96, 98, 99 Nintendo" does, and once its mark and first year
// are misread ("8, 24, 99.", "9/1994, 18, 99, 08") its two-digit years read as numbers.
std::string without_year_lists(std::string_view line) {
  std::vector<std::string_view> tokens;
  for (size_t i = 0; i < line.size();) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  std::vector<bool> drop(tokens.size(), false);
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i].ends_with(',') && is_year_list_token(tokens[i]) &&
        is_year_list_token(tokens[i + 1]))
      drop[i] = drop[i + 1] = true;
  }
  if (std::find(drop.begin(), drop.end(), true) == drop.end()) return std::string(line);
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (drop[i]) continue;
    if (!out.empty()) out += ' ';
    out += tokens[i];
  }
  return out;
}

}  // namespace

std::string without_copyright_years(std::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    if (is_year_at(line, i)) {
      const size_t mark = mark_before(line, i);
      if (mark > 0 || owner_after(line, i + 4)) {
        out.resize(out.size() - std::min(out.size(), mark));
        out += ' ';
        i += 4;
        continue;
      }
    }
    out += line[i++];
  }
  return without_year_lists(out);
}

}  // namespace cardmint::catalog
