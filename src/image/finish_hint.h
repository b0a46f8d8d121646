#pragma once
// A hint at a card's foil finish from one photo: holo cards shine in the art box, reverse holos
// over the card body around it. Foil only shows when light catches it, and busy artwork can
// look like foil, so this is evidence for the recognizer to weigh, never a verdict.
// Thread-safe: free functions with no shared state.

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

enum class FinishHint { kNormal, kHolo, kReverseHolo };

struct FinishEstimate {
  FinishHint hint = FinishHint::kNormal;
  // In [0, 0.9]: how far the foil measures sit from the decision thresholds. Capped below 1
  // because one photo can always miss the foil (no light on it) or be fooled by artwork.
  double confidence = 0;
  // The measures behind the hint, for logs and tuning: the fraction of the art box and of the
  // card body (outside the art box and border) that looks like foil (rainbow hue changes over
  // a few pixels, small specular sparkles).
  double art_foil = 0;
  double body_foil = 0;
};

// REQUIRES: `card` is a rectified, upright card (rectify_card()), so the art box is at the usual
// place in the upper half. Errors: invalid_input for an empty or inconsistent image; internal
// when OpenCV fails.
[[nodiscard]] Result<FinishEstimate> estimate_finish(const RgbImage& card);

}  // namespace cardmint::image
