#include "catalog/card_name.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "catalog/ocr_edit_distance.h"

namespace cardmint::catalog {
namespace {

// Decodes one UTF-8 sequence at `i`; returns U+FFFD for a malformed byte and advances past it.
char32_t next_code_point(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0 && cont(1) >= 0) {
    char32_t cp = ((b0 & 0x1F) << 6) | cont(1);
    i += 2;
    return cp;
  }
  if ((b0 & 0xF0) == 0xE0 && cont(1) >= 0 && cont(2) >= 0) {
    char32_t cp = ((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2);
    i += 3;
    return cp;
  }
  if ((b0 & 0xF8) == 0xF0 && cont(1) >= 0 && cont(2) >= 0 && cont(3) >= 0) {
    char32_t cp = ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
    i += 4;
    return cp;
  }
  ++i;
  return 0xFFFD;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Base letters of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A), lower case;
// what NFKD followed by dropping combining marks and casefolding gives. '\0': not a letter
// (× and ÷); multi-letter folds (ß, æ, œ, þ, ĳ) are handled before this table.
// clang-format off
constexpr char kLatinFold[] =
    // U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ ÐÑÒÓÔÕÖ× ØÙÚÛÜÝÞß
    "aaaaaaaceeeeiiii" "dnooooo\0" "ouuuuyts"
    // U+00E0 àáâãäåæçèéêëìíîï ðñòóôõö÷ øùúûüýþÿ
    "aaaaaaaceeeeiiii" "dnooooo\0" "ouuuuyty"
    // U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď ĐđĒēĔĕĖėĘęĚěĜĝĞğ
    "aaaaaaccccccccdd" "ddeeeeeeeeeegggg"
    // U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį İıĲĳĴĵĶķĸĹĺĻļĽľĿ
    "gggghhhhiiiiiiii" "iiiijjkkklllllll"
    // U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ ŐőŒœŔŕŖŗŘřŚśŜŝŞş
    "lllnnnnnnnnnoooo" "oooorrrrrrssssss"
    // U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů ŰűŲųŴŵŶŷŸŹźŻżŽžſ
    "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";
// clang-format on
static_assert(sizeof(kLatinFold) - 1 == 0x180 - 0xC0, "one entry per code point U+00C0..U+017F");

bool is_apostrophe(char32_t cp) {
  return cp == U'\'' || cp == U'`' || cp == U'\u2018' || cp == U'\u2019' || cp == U'\u201B' ||
         cp == U'\u02BC' || cp == U'\u00B4' || cp == U'\u2032' || cp == U'\uFF07';
}

// Symbols dropped outright (see the header): stars, δ/α/β/γ, the Prism Star.
bool is_dropped_symbol(char32_t cp) {
  return cp == U'\u2605' || cp == U'\u2606' || cp == U'\u03B4' || cp == U'\u03B1' ||
         cp == U'\u03B2' || cp == U'\u03B3' || cp == U'\u25C7' || cp == U'\u25C6' ||
         cp == U'\u2726' || cp == U'\u2727';
}

bool is_combining_mark(char32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

bool is_ascii_alnum(char32_t cp) {
  return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') || (cp >= U'0' && cp <= U'9');
}

// Appends the folded form of one code point; punctuation and symbols become a space.
void append_folded(std::string& out, char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // fullwidth ASCII
  if (cp < 0x80) {
    if (is_ascii_alnum(cp)) {
      out += static_cast<char>(cp >= U'A' && cp <= U'Z' ? cp - U'A' + U'a' : cp);
    } else {
      out += ' ';
    }
    return;
  }
  // clang-format off
  switch (cp) {
    case U'\u00DF': out += "ss"; return;
    case U'\u00C6': case U'\u00E6': out += "ae"; return;
    case U'\u0152': case U'\u0153': out += "oe"; return;
    case U'\u00DE': case U'\u00FE': out += "th"; return;
    case U'\u0132': case U'\u0133': out += "ij"; return;
    case U'\u2640': out += " f "; return;  // ♀
    case U'\u2642': out += " m "; return;  // ♂
    default: break;
  }
  // clang-format on
  if (cp >= 0xC0 && cp < 0x180) {
    const char folded = kLatinFold[cp - 0xC0];
    out += folded ? folded : ' ';
    return;
  }
  if (is_combining_mark(cp)) return;
  if (is_dropped_symbol(cp) || cp == 0xFFFD) {
    out += ' ';
    return;
  }
  // Spaces, dashes, quotes, brackets and other punctuation in the General Punctuation block,
  // CJK punctuation and the no-break space.
  if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0x00A0 || (cp >= 0x3000 && cp <= 0x3003) ||
      (cp >= 0x00A1 && cp <= 0x00BF)) {
    out += ' ';
    return;
  }
  append_utf8(out, cp);  // other scripts stay as they are
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t begin = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > begin) words.push_back(s.substr(begin, i - begin));
  }
  return words;
}

}  // namespace

std::string normalize_card_name(std::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  // A "(" that never closes is a subtitle cut off ("Boss's Orders (Giovanni") after a name, but
  // before any word it is a frame edge or an energy symbol read as "(", and must not swallow
  // the name after it.
  int closes_left = 0;
  for (size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if (cp == U')' || cp == U'\uFF09') ++closes_left;
  }
  int paren_depth = 0;
  for (size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if (cp == U'(' || cp == U'\uFF08') {
      const bool after_a_word = folded.find_first_not_of(' ') != std::string::npos;
      if (closes_left > paren_depth || after_a_word) ++paren_depth;
      folded += ' ';
      continue;
    }
    if (cp == U')' || cp == U'\uFF09') {
      --closes_left;
      if (paren_depth > 0) --paren_depth;
      folded += ' ';
      continue;
    }
    if (paren_depth > 0) continue;
    if (is_apostrophe(cp)) continue;
    append_folded(folded, cp);
  }

  std::vector<std::string_view> words = split_words(folded);
  // Trailing markers that some sources or the OCR add and others leave out.
  bool trimmed = true;
  while (trimmed && words.size() > 1) {
    trimmed = false;
    if (words.back() == "star" || words.back() == "lvx") {
      words.pop_back();
      trimmed = true;
    } else if (words.size() > 2 && words.back() == "x" && words[words.size() - 2] == "lv") {
      words.resize(words.size() - 2);
      trimmed = true;
    }
  }
  std::string out;
  out.reserve(folded.size());
  for (std::string_view w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

namespace {

// The mechanic a normalized name ends in, as its family ("vmax" is a "v" card); empty for none.
std::string_view mechanic_family(std::string_view name) {
  const std::size_t space = name.rfind(' ');
  if (space == std::string_view::npos) return {};
  std::string_view last = name.substr(space + 1);
  if (last == "union" && name.substr(0, space).ends_with(" v")) return "v";
  for (std::string_view family : {"ex", "gx", "break", "legend", "prime"})
    if (last == family) return family;
  if (last == "v" || last == "vmax" || last == "vstar") return "v";
  return {};
}

// A name ending in another family's mechanic scores at most this: under the clear-name 0.85.
constexpr double kOtherMechanicFactor = 0.75;

}  // namespace

std::optional<std::string> name_without_mechanic(std::string_view name_norm) {
  if (mechanic_family(name_norm).empty()) return std::nullopt;
  std::string_view base = name_norm.substr(0, name_norm.rfind(' '));
  if (name_norm.ends_with(" v union")) base = base.substr(0, base.rfind(' '));
  if (base.empty()) return std::nullopt;
  return std::string(base);
}

double card_name_similarity(std::string_view a, std::string_view b) {
  const double similarity = name_similarity(a, b);
  const std::string_view fa = mechanic_family(a);
  const std::string_view fb = mechanic_family(b);
  return !fa.empty() && !fb.empty() && fa != fb ? kOtherMechanicFactor * similarity : similarity;
}

}  // namespace cardmint::catalog
