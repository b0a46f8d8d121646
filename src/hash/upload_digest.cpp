#include "hash/upload_digest.h"

#include <fmt/format.h>
#include <xxhash.h>

namespace cardmint::hash {

UploadDigest upload_digest(std::span<const std::uint8_t> bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return UploadDigest{{h.high64, h.low64}};
}

std::string to_hex(const UploadDigest& digest) {
  return fmt::format("{:016x}{:016x}", digest.words[0], digest.words[1]);
}

}  // namespace cardmint::hash
