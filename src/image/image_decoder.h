#pragma once
// Guarded decoding of untrusted uploads (JPEG, PNG, WebP) into RGB.
// Thread-safe: free functions with no shared state.

#include <cstdint>
#include <span>
#include <string_view>

#include "base/status.h"
#include "image/decode_limits.h"
#include "image/rgb_image.h"

namespace cardmint::image {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp };

// Sniffs the format from magic bytes; the declared content type is never trusted alone.
ImageFormat sniff_format(std::span<const std::uint8_t> bytes);

// Header-only probe: the pixel dimensions a decode would produce (before EXIF rotation), without
// decoding. Errors: invalid_input for empty input; unsupported_media for unknown magic bytes;
// unprocessable when the header is cut short or malformed. Never reads past `bytes`.
struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;
  int height = 0;
};
[[nodiscard]] Result<ImageHeader> read_header(std::span<const std::uint8_t> bytes);

// Decodes `bytes`, honouring EXIF orientation (JPEG APP1, PNG eXIf, WebP EXIF) so the result is
// upright. Errors, checked in this order:
//   too_large          more than limits.max_bytes;
//   invalid_input      empty input (an empty upload is a malformed request, not a media type);
//   unsupported_media  not JPEG/PNG/WebP by magic bytes;
//   unprocessable      header dimensions over max_side/max_pixels (refused from the header,
//                      before any pixel buffer is allocated), then truncated or corrupt data
//                      (a JPEG without its end-of-image marker, a PNG without IEND, a WebP
//                      shorter than its RIFF size);
//   internal           the decoder ran out of memory or failed in an unexpected way.
[[nodiscard]] Result<RgbImage> decode_image(std::span<const std::uint8_t> bytes,
                                            const DecodeLimits& limits);

// The same checks and errors, decoded at 1/2, 1/4 or 1/8 size: the smallest of those whose
// longest side is still at least `min_long_side` (full size when none is; 0 = full size). For
// the cache's hash, which needs a card a few hundred pixels tall, not a legible number.
[[nodiscard]] Result<RgbImage> decode_image_reduced(std::span<const std::uint8_t> bytes,
                                                    const DecodeLimits& limits, int min_long_side);

}  // namespace cardmint::image
