#pragma once
// Bounds on what a decoder may be asked to do, checked before it allocates.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace cardmint::image {

struct DecodeLimits {
  std::size_t max_bytes = 20u << 20;      // MAX_UPLOAD_BYTES; a 48 MP phone JPEG is ~15 MB
  std::uint64_t max_pixels = 50'000'000;  // width*height read from the header; bombs stop here
  int max_side = 12'000;                  // either dimension, in pixels
  // DECODE_TIMEOUT_MS, in CPU time on the decoding thread; 0 = none. A JPEG decode stops when it
  // runs out (a progressive file costs per scan, so its time is not bounded by its pixels alone);
  // PNG and WebP, whose cost follows their pixels, are checked when done.
  std::chrono::milliseconds max_decode_time{0};
};

}  // namespace cardmint::image
