#include "hash/photo_card_hash.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "hash/perceptual_hash.h"
#include "image/card_detector.h"
#include "image/card_rectifier.h"
#include "image/image_decoder.h"

namespace cardmint::hash {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// A hash needs only a card a few hundred pixels tall, and a cache hit's cost is mostly finding
// it: decoding at a quarter (libjpeg's DCT scaling) and searching at 400 px instead of the
// recognizer's 640 took find+rectify+hash from ~33 to ~13.5 ms (p50) on generated 1600x1200
// photos, and snapping the 8 most card-shaped outlines instead of 32 to ~10 ms (p99 30 -> 13),
// finding the same share of repeats (cardmint-hash-roc, 150 cards, within a card or two).
constexpr int kDecodeLongSide = 400;
constexpr image::CardDetectorOptions kDetectSmall{.detect_max_side_px = 400, .max_outlines = 8};
constexpr image::RectifyOptions kHashCardSize{248, 346};

// Warps `quad` of `photo` to the hash's card size and hashes it both ways up.
Result<PhotoCardHash> hash_quad(const image::RgbImage& photo, const image::CardQuad& quad) {
  Result<image::RectifiedCard> rectified = image::rectify_card(photo, quad, kHashCardSize);
  if (!rectified.ok()) return rectified.status();
  Result<CardHashes> hashes = perceptual_hashes(rectified->card);
  if (!hashes.ok()) return hashes.status();
  PhotoCardHash out;
  out.hash = hashes->upright;
  out.turned_hash = hashes->turned;
  out.card = std::move(rectified->card);
  return out;
}

}  // namespace

Result<PhotoCardHash> hash_card_in_photo(std::span<const std::uint8_t> bytes,
                                         const image::DecodeLimits& limits) {
  const auto start = Clock::now();
  Result<image::RgbImage> photo = image::decode_image_reduced(bytes, limits, kDecodeLongSide);
  if (!photo.ok()) return photo.status();
  const auto decoded_at = Clock::now();
  Result<image::CardQuad> quad = image::find_card(*photo, kDetectSmall);
  if (!quad.ok()) return quad.status();
  Result<PhotoCardHash> out = hash_quad(*photo, *quad);
  if (!out.ok()) return out.status();
  out->decode_ms = ms_between(start, decoded_at);
  out->rectify_ms = ms_between(decoded_at, Clock::now());
  return out;
}

Result<PhotoCardHash> hash_reference_image(std::span<const std::uint8_t> bytes,
                                           const image::DecodeLimits& limits) {
  Result<image::RgbImage> scan = image::decode_image_reduced(bytes, limits, kDecodeLongSide);
  if (!scan.ok()) return scan.status();
  Result<image::CardQuad> quad = image::find_card(*scan, kDetectSmall);
  if (quad.ok()) return hash_quad(*scan, *quad);
  if (quad.status().code() != StatusCode::kNotFound) return quad.status();
  const double w = scan->width, h = scan->height;
  const double aspect = std::min(w, h) / std::max(w, h);
  constexpr double kCardAspect = 63.0 / 88.0;
  if (std::abs(aspect / kCardAspect - 1.0) > 0.06) {
    return Status::not_found(fmt::format("{}; and a {}x{} image is not a card-shaped scan",
                                         quad.status().message(), scan->width, scan->height));
  }
  image::CardQuad whole;
  whole.corners = {image::Point2{-0.5, -0.5}, image::Point2{w - 0.5, -0.5},
                   image::Point2{w - 0.5, h - 0.5}, image::Point2{-0.5, h - 0.5}};
  whole.score = 1;
  return hash_quad(*scan, whole);
}

}  // namespace cardmint::hash
