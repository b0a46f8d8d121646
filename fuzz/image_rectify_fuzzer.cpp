// Feeds an upload's bytes down the path a photo takes before any model sees it: decode_image
// (JPEG, PNG, WebP, EXIF orientation), then find_card and rectify_card on the decoded photo. The
// limits are small (128 px a side, 16 Ki pixels; the seeds are 128 px desk photos), the detector
// refines one outline, and the rectified card is a quarter of the real canvas, so a run takes a
// few milliseconds under ASan; the code paths are the ones a full-size photo takes.
// Beyond "does not crash", checks that:
//  - an error is one decode_image documents for these bytes (too_large, invalid_input,
//    unsupported_media, unprocessable), never internal;
//  - a decoded image respects its DecodeLimits, its pixel buffer is exactly width*height*3, and
//    its size is the header's, turned by EXIF or not;
//  - decode_image_reduced takes whatever decode_image takes, at 1/1, 1/2, 1/4 or 1/8 of the size
//    (rounded up), as the cache's hash asks of it;
//  - a card the detector finds has finite corners and a score in [0, 1], and the rectifier
//    accepts that quad (not invalid_input) and returns a card of the size asked, turned a
//    quarter turn, with its confidence in [0, 1].

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>

#include "base/status.h"
#include "fuzz_check.h"
#include "image/card_detector.h"
#include "image/card_rectifier.h"
#include "image/decode_limits.h"
#include "image/image_decoder.h"

namespace {

using namespace cardmint;
using namespace cardmint::image;

constexpr DecodeLimits kLimits{.max_bytes = 64 << 10,
                               .max_pixels = 16 << 10,
                               .max_side = 128,
                               .max_decode_time = std::chrono::milliseconds(2000)};
// One outline refined instead of 32: each refinement walks the same code, and together they were
// most of a run's time.
constexpr CardDetectorOptions kDetector{.max_outlines = 1};
constexpr RectifyOptions kCanvas{.width_px = 186, .height_px = 260};

bool documented_decode_error(StatusCode code) {
  return code == StatusCode::kTooLarge || code == StatusCode::kInvalidInput ||
         code == StatusCode::kUnsupportedMedia || code == StatusCode::kUnprocessable;
}

void check_image(const RgbImage& image) {
  FUZZ_CHECK(!image.empty());
  FUZZ_CHECK(image.width <= kLimits.max_side && image.height <= kLimits.max_side);
  FUZZ_CHECK(std::uint64_t(image.width) * std::uint64_t(image.height) <= kLimits.max_pixels);
  FUZZ_CHECK(image.pixels.size() == std::size_t(image.width) * std::size_t(image.height) * 3);
}

bool reduced_from(const RgbImage& reduced, const RgbImage& full) {
  for (int r : {1, 2, 4, 8}) {
    if (reduced.width == (full.width + r - 1) / r && reduced.height == (full.height + r - 1) / r) {
      return true;
    }
  }
  return false;
}

void check_rectify_path(const RgbImage& photo) {
  const Result<CardQuad> quad = find_card(photo, kDetector);
  if (!quad.ok()) {
    // A decoded photo is never "empty or inconsistent"; it may be too small, or hold no card.
    FUZZ_CHECK(quad.status().code() == StatusCode::kNotFound ||
               (quad.status().code() == StatusCode::kInvalidInput &&
                (photo.width < 16 || photo.height < 16)));
    return;
  }
  for (const Point2& p : quad->corners) FUZZ_CHECK(std::isfinite(p.x) && std::isfinite(p.y));
  FUZZ_CHECK(quad->score >= 0.0 && quad->score <= 1.0);

  const Result<RectifiedCard> card = rectify_card(photo, *quad, kCanvas);
  if (!card.ok()) {
    const auto& c = quad->corners;
    std::fprintf(stderr,
                 "found in a %dx%d photo, not rectified: (%.2f, %.2f) (%.2f, %.2f) (%.2f, %.2f) "
                 "(%.2f, %.2f): %s\n",
                 photo.width, photo.height, c[0].x, c[0].y, c[1].x, c[1].y, c[2].x, c[2].y, c[3].x,
                 c[3].y, card.status().to_string().c_str());
  }
  FUZZ_CHECK(card.ok());
  FUZZ_CHECK(card->card.width == kCanvas.width_px && card->card.height == kCanvas.height_px);
  FUZZ_CHECK(card->card.pixels.size() ==
             std::size_t(kCanvas.width_px) * std::size_t(kCanvas.height_px) * 3);
  FUZZ_CHECK(card->rotation_deg == 0 || card->rotation_deg == 90 || card->rotation_deg == 180 ||
             card->rotation_deg == 270);
  FUZZ_CHECK(card->orientation_confidence >= 0.0 && card->orientation_confidence <= 1.0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const Result<RgbImage> photo = decode_image(bytes, kLimits);
  if (!photo.ok()) {
    FUZZ_CHECK(documented_decode_error(photo.status().code()));
    return 0;
  }
  check_image(*photo);
  const Result<ImageHeader> header = read_header(bytes);
  FUZZ_CHECK(header.ok());
  FUZZ_CHECK((header->width == photo->width && header->height == photo->height) ||
             (header->width == photo->height && header->height == photo->width));

  const Result<RgbImage> reduced = decode_image_reduced(bytes, kLimits, 16);
  if (!reduced.ok()) {
    std::fprintf(stderr, "decoded at full size (%dx%d), not reduced: %s\n", photo->width,
                 photo->height, reduced.status().to_string().c_str());
  }
  FUZZ_CHECK(reduced.ok());
  check_image(*reduced);
  FUZZ_CHECK(reduced_from(*reduced, *photo));

  check_rectify_path(*photo);
  return 0;
}
