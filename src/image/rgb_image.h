#pragma once
// A decoded picture as packed 8-bit RGB, row-major, no padding. The currency between image/ and
// the model code, so vlm/ never needs OpenCV. Immutable by convention once built; copy freely.

#include <cstdint>
#include <vector>

namespace cardmint::image {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height * 3 bytes, R G B

  bool empty() const { return width <= 0 || height <= 0; }
};

}  // namespace cardmint::image
