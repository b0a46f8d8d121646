#pragma once
// Procedural pictures for synthetic card photos: table backgrounds, the card's "art", foil
// overlays and smooth noise. Every function is deterministic in its seed and thread-safe
// (no shared state; OpenCV's global RNG is never used).

#include <cstdint>
#include <opencv2/core.hpp>
#include <random>
#include <string_view>

namespace cardmint::card_photo {

enum class BackgroundKind { kWood, kCloth, kGradient, kDeskMat, kSolid, kNoise, kMarble, kCarpet };
std::string_view background_name(BackgroundKind kind);

struct BackgroundParams {
  BackgroundKind kind = BackgroundKind::kSolid;
  cv::Scalar color_a;  // BGR 0..255: main color
  cv::Scalar color_b;  // BGR: second color (grain, weave, gradient end)
  double scale = 1.0;  // feature size multiplier, 0.5..2
  double angle_deg = 0;
  std::uint64_t seed = 0;
};

BackgroundParams sample_background(std::mt19937_64& rng);
cv::Mat render_background(const BackgroundParams& params, cv::Size size);  // CV_8UC3

// Smooth value noise in [0, 1] (CV_32F): random values on a grid of `cell_px` cells, bicubic.
cv::Mat smooth_noise(cv::Size size, double cell_px, cv::RNG& rng);

// Procedural "art" for a card's art box: a sky-like gradient in `base`, a horizon, blobs and a
// creature-like figure in `accent`, textured with noise. CV_8UC3.
cv::Mat render_art(cv::Size size, const cv::Scalar& base, const cv::Scalar& accent,
                   std::uint64_t seed);

enum class FoilPattern { kRainbow, kCosmos, kSparkle, kTextured };
std::string_view foil_pattern_name(FoilPattern pattern);

// Adds a holographic sheen to the CV_8UC3 `image` where `mask` (CV_8UC1) is set, with
// `strength` 0..1. The hue bands run diagonally; `phase` shifts them (viewing angle).
void apply_foil(cv::Mat& image, const cv::Mat& mask, FoilPattern pattern, double strength,
                double phase, std::uint64_t seed);

}  // namespace cardmint::card_photo
