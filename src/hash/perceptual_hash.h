#pragma once
// The perceptual code of a rectified card: two photos of the same card land a few bits apart,
// photos of different cards about half the bits apart. The cache looks cards up by it.
// Thread-safe: free functions with no shared state.

#include "base/status.h"
#include "hash/card_hash.h"
#include "image/rgb_image.h"

namespace cardmint::hash {

// REQUIRES: `card` is a rectified, upright card (image::rectify_card), at any size from about
// 64 px wide: the code is computed from a 32x32 and a 9x8 summary, so a small fast rectification
// and the recognizer's 744x1039 one give nearly the same code. Errors: invalid_input for an
// empty or inconsistent image; internal when OpenCV fails.
[[nodiscard]] Result<CardHash> perceptual_hash(const image::RgbImage& card);

// The same, and the hash of the card turned 180° (for a lookup that cannot trust which way up
// the card is), from one pass over the pixels.
struct CardHashes {
  CardHash upright;
  CardHash turned;
};
[[nodiscard]] Result<CardHashes> perceptual_hashes(const image::RgbImage& card);

}  // namespace cardmint::hash
