// Feeds the collector-number functions (catalog/collector_number.h) OCR'd number lines and
// catalog numbers: each input is one line, and its newline-separated pieces are numbers.
// Beyond "does not crash", checks what the header promises or the matcher relies on:
//  - normalize_collector_number is idempotent and leaves no lower-case letter or separator;
//  - number_place splits a normalized number into prefix, value and suffix that spell it again;
//  - collector_order_less is a strict weak order (irreflexive, asymmetric, transitive) on the
//    pieces, as std::sort needs;
//  - parse_number_line returns normalized numbers;
//  - printed_number_forms gives upper-case forms without duplicates that normalize back to the
//    number;
//  - number_line_alternatives never repeats itself nor returns the line it was given;
//  - without_copyright_years only takes away.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "catalog/collector_number.h"
#include "fuzz_check.h"

namespace {

using namespace cardmint::catalog;

bool has_lower_or_separator(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == ' ' || c == '-' || c == '.' || c == '_' || c == '\t' ||
           c == '\n' || c == '\r';
  });
}

void check_number(std::string_view raw) {
  const std::string n = normalize_collector_number(raw);
  FUZZ_CHECK(normalize_collector_number(n) == n);
  FUZZ_CHECK(!has_lower_or_separator(n));

  const NumberPlace place = number_place(n);
  FUZZ_CHECK(place.prefix == number_prefix(n));
  FUZZ_CHECK(n.starts_with(place.prefix));
  if (place.value) {
    FUZZ_CHECK(*place.value >= 0);
    // The first digit run of a normalized number has no leading zeros, so the value spells it.
    FUZZ_CHECK(
        std::string(place.prefix) + std::to_string(*place.value) + std::string(place.suffix) == n);
  }
  FUZZ_CHECK(!collector_order_less(n, n));

  // A set that prints its total, one that does not (promos), and a subset with a total of its own.
  const std::optional<int> no_subset;
  for (auto [prints_total, official, subset] :
       {std::tuple{true, 102, no_subset}, std::tuple{false, 0, no_subset},
        std::tuple{true, 195, std::optional<int>(30)}}) {
    const std::vector<std::string> forms = printed_number_forms(n, prints_total, official, subset);
    const std::set<std::string> distinct(forms.begin(), forms.end());
    FUZZ_CHECK(distinct.size() == forms.size());
    for (const std::string& form : forms) {
      FUZZ_CHECK(!has_lower_or_separator(form));
      if (n.find('/') == std::string::npos) {
        FUZZ_CHECK(normalize_collector_number(std::string_view(form).substr(0, form.find('/'))) ==
                   n);
      }
    }
  }
}

void check_line(std::string_view line) {
  if (std::optional<PrintedNumber> parsed = parse_number_line(line)) {
    FUZZ_CHECK(normalize_collector_number(parsed->number) == parsed->number);
    if (parsed->total) FUZZ_CHECK(*parsed->total >= 0);
  }
  const std::vector<std::string> alternatives = number_line_alternatives(line);
  const std::set<std::string> distinct(alternatives.begin(), alternatives.end());
  FUZZ_CHECK(distinct.size() == alternatives.size());
  FUZZ_CHECK(distinct.count(std::string(line)) == 0);
  for (const std::string& alternative : alternatives) (void)parse_number_line(alternative);
  FUZZ_CHECK(without_copyright_years(line).size() <= line.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_line(text);

  std::vector<std::string> numbers;
  for (std::size_t begin = 0; begin <= text.size() && numbers.size() < 8;) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    numbers.push_back(normalize_collector_number(text.substr(begin, end - begin)));
    check_number(text.substr(begin, end - begin));
    begin = end + 1;
  }
  for (const std::string& a : numbers) {
    for (const std::string& b : numbers) {
      FUZZ_CHECK(!(collector_order_less(a, b) && collector_order_less(b, a)));
      for (const std::string& c : numbers) {
        if (collector_order_less(a, b) && collector_order_less(b, c)) {
          FUZZ_CHECK(collector_order_less(a, c));
        }
      }
    }
  }
  return 0;
}
