#pragma once
// Whether a portrait card image reads upright or upside down, from layout cues that Pokémon cards
// share: the art box (colourful) in the upper half, rules text (thin dark strokes on a plain
// ground) in the lower half. Full-art cards weaken both cues; the confidence says so.
// Thread-safe: free functions with no shared state.

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

struct UprightEstimate {
  // > 0: the image as given reads upright; < 0: it is upside down. Roughly in [-1, 1]; the size
  // is how strongly the cues agree, not a probability.
  double score = 0;
  // In [0, 1], from |score|: near 0 the cues cannot tell (a full-art card, a blank back), and a
  // caller should confirm by reading the card both ways (OCR on the name band and its 180° turn).
  double confidence = 0;
};

// REQUIRES nothing of the size beyond a few pixels; a landscape image is judged as given.
// Errors: invalid_input for an empty or inconsistent image; internal when OpenCV fails.
[[nodiscard]] Result<UprightEstimate> estimate_upright(const RgbImage& portrait_card);

}  // namespace cardmint::image
