#include "card_photo/printed_number.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

namespace cardmint::card_photo {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

struct SplitNumber {
  std::string_view prefix;  // leading letters
  std::string_view digits;  // the digit run after them
  std::string_view rest;    // anything after the digits ("a" of "54a")
};

SplitNumber split_number(std::string_view id) {
  std::size_t i = 0;
  while (i < id.size() && is_alpha(id[i])) ++i;
  std::size_t j = i;
  while (j < id.size() && is_digit(id[j])) ++j;
  return {id.substr(0, i), id.substr(i, j - i), id.substr(j)};
}

std::string strip_zeros(std::string_view digits) {
  std::size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return std::string(digits.substr(i));
}

std::string pad_to(std::string_view digits, std::size_t width) {
  std::string s = strip_zeros(digits);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// Subsets whose cards print a prefixed denominator ("TG05/TG30"); other prefixed numbers
// (Platinum "SH4", Arceus "AR9", Call of Legends "SL9") print the number alone.
bool prints_prefixed_total(std::string_view prefix) {
  static constexpr std::array<std::string_view, 5> kPrefixes = {"TG", "GG", "SV", "RC", "H"};
  for (std::string_view p : kPrefixes) {
    if (p == prefix) return true;
  }
  return false;
}

}  // namespace

std::string_view era_name(CardEra era) {
  switch (era) {
    case CardEra::kClassic:
      return "classic";
    case CardEra::kExDp:
      return "ex_dp";
    case CardEra::kBwSm:
      return "bw_sm";
    case CardEra::kModern:
      return "modern";
  }
  return "unknown";
}

CardEra era_of_set(const CatalogSet& set) {
  const std::string_view serie = set.serie_id;
  for (std::string_view s : {"base", "gym", "neo", "lc", "ecard"}) {
    if (serie == s) return CardEra::kClassic;
  }
  for (std::string_view s : {"ex", "pop", "dp", "pl", "hgss", "col"}) {
    if (serie == s) return CardEra::kExDp;
  }
  for (std::string_view s : {"bw", "xy", "sm"}) {
    if (serie == s) return CardEra::kBwSm;
  }
  for (std::string_view s : {"swsh", "sv", "me"}) {
    if (serie == s) return CardEra::kModern;
  }
  // Series that span generations (McDonald's, trainer kits, misc): ISO dates compare as strings.
  const std::string& date = set.release_date;
  if (date < "2003-06-01") return CardEra::kClassic;
  if (date < "2011-04-01") return CardEra::kExDp;
  if (date < "2020-02-01") return CardEra::kBwSm;
  return CardEra::kModern;
}

bool is_promo_set(std::string_view set_id) {
  static constexpr std::array<std::string_view, 13> kPromoSets = {
      "basep", "np",  "dpp", "hgssp", "bwp", "xyp", "smp",
      "swshp", "svp", "mep", "miscp", "wp",  "P-A"};
  for (std::string_view p : kPromoSets) {
    if (p == set_id) return true;
  }
  return false;
}

bool has_known_printed_number(const CatalogSet& set) { return set.id != "cel25cc"; }

std::string_view letter_prefix(std::string_view local_id) { return split_number(local_id).prefix; }

std::string decode_local_id(std::string_view local_id) {
  std::string out;
  for (std::size_t i = 0; i < local_id.size(); ++i) {
    if (local_id[i] == '%' && i + 2 < local_id.size() &&
        std::isxdigit(static_cast<unsigned char>(local_id[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(local_id[i + 2]))) {
      out.push_back(
          static_cast<char>(std::stoi(std::string(local_id.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(local_id[i]);
    }
  }
  return out;
}

std::string printed_number(std::string_view local_id, const CatalogSet& set, int subset_total) {
  const std::string decoded = decode_local_id(local_id);
  const SplitNumber n = split_number(decoded);
  if (n.digits.empty()) return decoded;  // "ONE", "A", "?", "Museum"
  const bool three_digits = era_of_set(set) == CardEra::kModern;
  // Promo and gallery numbers print as stored ("DP01", "TG05", "SV001"); RC/H subsets inside
  // a main set do not pad ("H2/H32" where the catalog has "H02").
  const bool promo = is_promo_set(set.id);
  const bool own_set = n.prefix == "TG" || n.prefix == "GG" || n.prefix == "SV";
  const std::string number = n.prefix.empty()
                                 ? (three_digits ? pad_to(n.digits, 3) : strip_zeros(n.digits))
                             : promo || own_set ? std::string(n.digits)
                                                : strip_zeros(n.digits);
  const std::string front = fmt::format("{}{}", n.prefix, number);
  if (promo) return front;
  if (!n.prefix.empty()) {
    if (!prints_prefixed_total(n.prefix)) return front;
    // TG/GG/SV subsets are sets of their own, counted by official_count; RC and H subsets sit
    // inside a main set whose official_count counts the main cards only.
    const int total = own_set || subset_total <= 0 ? set.official_count : subset_total;
    return fmt::format("{}/{}{}", front, n.prefix, pad_to(std::to_string(total), n.digits.size()));
  }
  if (set.official_count <= 0) return front;
  const std::string total = std::to_string(set.official_count);
  return fmt::format("{}/{}", front, three_digits ? pad_to(total, 3) : total);
}

}  // namespace cardmint::card_photo
