#pragma once
// The tiny random-weight SmolVLM pair and a test picture, written once per test binary.

#include <filesystem>
#include <string>

#include "image/rgb_image.h"

namespace cardmint::testing {

struct TinyModel {
  std::filesystem::path model;
  std::filesystem::path mmproj;
};

// Writes (once) the tiny model to a temporary folder removed at exit.
const TinyModel& tiny_model();

// A deterministic 300×420 RGB picture with structure (gradient, shapes), and the same as a PNG
// file, so both the engine and llama-mtmd-cli (which decodes with stb_image) see identical pixels.
image::RgbImage test_picture();
std::filesystem::path test_picture_png();

// Deterministic variants of test_picture() that differ in shapes and colours (variant 0 is
// test_picture() itself), for tests that need several different pictures.
image::RgbImage test_picture(int variant);

}  // namespace cardmint::testing
