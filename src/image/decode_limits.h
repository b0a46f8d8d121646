#pragma once
// Bounds on what a decoder may be asked to do, checked before it allocates.

#include <cstddef>
#include <cstdint>

namespace cardmint::image {

struct DecodeLimits {
  std::size_t max_bytes = 20u << 20;      // MAX_UPLOAD_BYTES; a 48 MP phone JPEG is ~15 MB
  std::uint64_t max_pixels = 50'000'000;  // width*height read from the header; bombs stop here
  int max_side = 12'000;                  // either dimension, in pixels
};

}  // namespace cardmint::image
