#include "hash/card_hash.h"

#include <fmt/format.h>

namespace cardmint::hash {

std::string to_hex(const CardHash& hash) {
  return fmt::format("{:016x}{:016x}", hash.words[0], hash.words[1]);
}

bool parse_card_hash(const std::string& hex, CardHash* out) {
  if (hex.size() != 32) return false;
  CardHash parsed;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const char c = hex[i];
    std::uint64_t nibble = 0;
    if (c >= '0' && c <= '9') {
      nibble = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      nibble = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    std::uint64_t& word = parsed.words[i / 16];
    word = (word << 4) | nibble;
  }
  *out = parsed;
  return true;
}

}  // namespace cardmint::hash
