#pragma once
// The 128-bit perceptual code of a rectified card, compared by Hamming distance. 64 bits collide
// across a 20k-card catalog (scanner projects moved to 128), so two 64-bit DCT pHashes of
// different information are kept side by side: lightness (layout, art, text blocks) and the
// green-red colour axis (which a lamp's falloff and glare disturb far less).

#include <array>
#include <bit>
#include <cstdint>
#include <string>

namespace cardmint::hash {

struct CardHash {
  std::array<std::uint64_t, 2> words{};  // [0] lightness pHash, [1] colour pHash

  friend bool operator==(const CardHash&, const CardHash&) = default;
};

inline int hamming_distance(const CardHash& a, const CardHash& b) {
  return std::popcount(a.words[0] ^ b.words[0]) + std::popcount(a.words[1] ^ b.words[1]);
}

inline constexpr int kCardHashBits = 128;

// 32 lowercase hex digits, words[0] first; parse_card_hash accepts exactly that.
std::string to_hex(const CardHash& hash);
bool parse_card_hash(const std::string& hex, CardHash* out);

}  // namespace cardmint::hash
