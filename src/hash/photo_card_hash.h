#pragma once
// The cache's view of an upload: the card found in a quarter-size decode of the photo, rectified
// small and hashed. Cheap on purpose (~13 ms against the recognizer's ~35 ms before it reads a
// word, and its ~170 ms in all), because on a cache hit it is the whole cost of the answer.
// Thread-safe: free functions with no shared state.

#include <cstdint>
#include <span>

#include "base/status.h"
#include "hash/card_hash.h"
#include "image/decode_limits.h"
#include "image/rgb_image.h"

namespace cardmint::hash {

struct PhotoCardHash {
  CardHash hash;  // of the card as rectified, upright as far as the layout cues tell
  // The rectified card, 248x346 (a third of the recognizer's): what was hashed, kept for the
  // finish check a cache hit needs when the card has several printings.
  image::RgbImage card;
  CardHash turned_hash;  // of the card turned 180°
  double decode_ms = 0;
  double rectify_ms = 0;  // find the card, warp it, hash it
};

// Errors: the decode errors of image::decode_image (checked on the whole upload, as the
// recognizer checks them); not_found with a reason when no card is found; internal when OpenCV
// fails.
[[nodiscard]] Result<PhotoCardHash> hash_card_in_photo(std::span<const std::uint8_t> bytes,
                                                       const image::DecodeLimits& limits);

// A reference image of a printing (`cardmint catalog add-images`): a photo of the card as above,
// or a scan cropped to the card, which has no background to find it against and is taken whole
// when its sides are in a card's 63:88 proportion (within 6%). Errors: as hash_card_in_photo;
// not_found when neither finds a card.
[[nodiscard]] Result<PhotoCardHash> hash_reference_image(std::span<const std::uint8_t> bytes,
                                                         const image::DecodeLimits& limits);

}  // namespace cardmint::hash
