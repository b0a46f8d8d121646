#pragma once
// The digest of an upload's raw bytes: the same file sent again is recognised before it is
// decoded. XXH3-128 reads ~20 GB/s, so a 2 MB photo costs ~0.1 ms; it is not a cryptographic
// hash, but a cache key only needs accidental collisions to be negligible (2^-64 at 2^32 files).
// Thread-safe: free functions with no shared state.

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace cardmint::hash {

struct UploadDigest {
  std::array<std::uint64_t, 2> words{};

  friend bool operator==(const UploadDigest&, const UploadDigest&) = default;
};

UploadDigest upload_digest(std::span<const std::uint8_t> bytes);

// 32 lowercase hex digits.
std::string to_hex(const UploadDigest& digest);

}  // namespace cardmint::hash
