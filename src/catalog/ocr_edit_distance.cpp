#include "catalog/ocr_edit_distance.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace cardmint::catalog {
namespace {

constexpr size_t kMaxLength = 96;
// Costs in half edits, so the DP stays in small integers: a confusion is 1, an edit is 2.
constexpr std::uint16_t kConfusion = 1;
constexpr std::uint16_t kEdit = 2;

using LookAlikes = std::array<std::uint8_t, 256>;

// Look-alike groups: two different bytes in one group are a single-glyph confusion. 0: in no
// group.
constexpr LookAlikes make_groups(std::initializer_list<const char*> groups) {
  LookAlikes g{};
  std::uint8_t id = 0;
  for (const char* group : groups) {
    ++id;
    for (const char* c = group; *c; ++c) g[static_cast<unsigned char>(*c)] = id;
  }
  return g;
}
// Letters in normalized names (lower case).
constexpr LookAlikes kNameLookAlikes =
    make_groups({"uv", "o0", "il1", "ec", "s5", "b8", "z2", "g9"});
// Collector number print, upper-cased: digits and the letters and marks read for them, and a
// slash read as a stroke.
constexpr LookAlikes kNumberLookAlikes =
    make_groups({"O0DQ", "IL1|!/T7", "Z2", "S5", "B8", "G6", "A4"});

std::uint16_t substitution(const LookAlikes& groups, char a, char b) {
  if (a == b) return 0;
  const std::uint8_t ga = groups[static_cast<unsigned char>(a)];
  return ga != 0 && ga == groups[static_cast<unsigned char>(b)] ? kConfusion : kEdit;
}

// True when the two bytes p0 p1 were read for the one byte `single`: rn/m, cl/d, vv/w. Called for
// every DP cell, so the common case (no m/d/w) returns on the first test.
inline bool merge_confusion(char p0, char p1, char single) {
  // clang-format off
  switch (single) {
    case 'm': return p0 == 'r' && p1 == 'n';
    case 'd': return p0 == 'c' && p1 == 'l';
    case 'w': return p0 == 'v' && p1 == 'v';
    default: return false;
  }
}
// clang-format on

// Edit distance in half edits of `a` to `b`, or with `within`, to the stretch of `b` it is
// closest to (what comes before and after that stretch is free).
std::uint16_t half_edits(std::string_view a, std::string_view b, const LookAlikes& groups,
                         bool within) {
  a = a.substr(0, std::min(a.size(), kMaxLength));
  b = b.substr(0, std::min(b.size(), kMaxLength));
  const size_t m = b.size();
  // Three rolling rows: the two-for-one merges look back two rows or two columns.
  std::array<std::uint16_t, kMaxLength + 1> rows[3];
  std::uint16_t* older = rows[0].data();  // row i - 2
  std::uint16_t* prev = rows[1].data();   // row i - 1
  std::uint16_t* cur = rows[2].data();    // row i
  for (size_t j = 0; j <= m; ++j) prev[j] = within ? 0 : static_cast<std::uint16_t>(j * kEdit);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<std::uint16_t>(i * kEdit);
    const char ca = a[i - 1];
    for (size_t j = 1; j <= m; ++j) {
      const char cb = b[j - 1];
      std::uint16_t best = static_cast<std::uint16_t>(prev[j - 1] + substitution(groups, ca, cb));
      best = std::min<std::uint16_t>(best, static_cast<std::uint16_t>(prev[j] + kEdit));
      best = std::min<std::uint16_t>(best, static_cast<std::uint16_t>(cur[j - 1] + kEdit));
      if (i >= 2 && merge_confusion(a[i - 2], ca, cb)) {
        best = std::min<std::uint16_t>(best, static_cast<std::uint16_t>(older[j - 1] + kConfusion));
      }
      if (j >= 2 && merge_confusion(b[j - 2], cb, ca)) {
        best = std::min<std::uint16_t>(best, static_cast<std::uint16_t>(prev[j - 2] + kConfusion));
      }
      cur[j] = best;
    }
    std::uint16_t* recycled = older;
    older = prev;
    prev = cur;
    cur = recycled;
  }
  return within ? *std::min_element(prev, prev + m + 1) : prev[m];
}

}  // namespace

double ocr_edit_distance(std::string_view a, std::string_view b) {
  return half_edits(a, b, kNameLookAlikes, false) / static_cast<double>(kEdit);
}

double number_distance_in_line(std::string_view printed, std::string_view line) {
  auto squeezed = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == ' ') continue;
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
  };
  return half_edits(squeezed(printed), squeezed(line), kNumberLookAlikes, true) /
         static_cast<double>(kEdit);
}

double name_distance_in_line(std::string_view name, std::string_view line) {
  return half_edits(name, line, kNameLookAlikes, true) / static_cast<double>(kEdit);
}

double name_similarity(std::string_view a, std::string_view b) {
  const size_t longer = std::max(std::min(a.size(), kMaxLength), std::min(b.size(), kMaxLength));
  if (longer == 0) return 0.0;
  const double d = ocr_edit_distance(a, b);
  return std::clamp(1.0 - d / static_cast<double>(longer), 0.0, 1.0);
}

}  // namespace cardmint::catalog
