#pragma once
// Finds one trading card in a photo of it lying on a desk (wood, cloth, gradients, shadows, glare,
// a clear sleeve), tilted up to ~15° and turned any way in the image plane.
// Thread-safe: free functions with no shared state.

#include <vector>

#include "base/status.h"
#include "image/card_quad.h"
#include "image/rgb_image.h"

namespace cardmint::image {

struct CardDetectorOptions {
  // Candidates are searched on a copy scaled so its longest side is this; the corners are then
  // refined on the full-resolution photo. At 640 find_card takes ~25 ms (p50; ~38 ms p90) on a
  // 1600x1200 photo on one or two cores, and a card a third of the frame high spans ~160 px.
  int detect_max_side_px = 640;
  // Rough outlines snapped to the photo's edges and scored, the most card-shaped first; each
  // costs ~0.2 ms.
  int max_outlines = 32;
  // Below this the best candidate is reported as not found rather than guessed.
  double min_score = 0.35;
  // A card smaller than this fraction of the photo's area is too small to read anyway.
  double min_area_fraction = 0.03;
  // find_card_outlines: at most this many other outlines that may be the card instead.
  int max_alternatives = 2;
  // Outlines from the photo's straight edges ranked with the others, not only offered as
  // alternatives: they find a card whose edge no closed region follows (a dark full-art card on
  // dark cloth), but grid lines and tiles make card-shaped quads on an empty desk too, so only
  // for a caller that lets the reading confirm a card (Recognizer's below-the-floor pass).
  bool rank_straight_edge_outlines = false;
};

// Finds the card's four corners in `photo` pixels, clockwise. corners[0]→corners[1] is a short
// side; of the two short sides the one higher in the photo is taken as the top, so corners[0]
// is the card's top-left only provisionally: rectify_card() decides 0° vs 180° from the content
// and reorders. Errors: invalid_input for an empty or inconsistent image; not_found with a
// reason ("no card-shaped quadrilateral found: ...") when nothing card-like scores min_score;
// internal when OpenCV fails.
[[nodiscard]] Result<CardQuad> find_card(const RgbImage& photo,
                                         const CardDetectorOptions& options = {});

// The card find_card() finds, and larger outlines that may be the card instead: on a card whose
// edge is faint against the desk (a white card on pale cloth, a silver border in flat light), a
// card-shaped part of its layout (the art box with the name band, a text panel) or of the desk
// (a tile) can out-score it. Which is the card only reading it tells, so a caller unsure of what
// it read on `card` reads `alternatives` too (best first, each scoring min_score; usually none).
// Last come the cards `card` would lie in were it a part of the layout: the art box, alone or
// with the name band, or the card below the art box (where the layouts print them, each way up,
// those inside the photo): on a white card on pale cloth only the art frame's edge may be strong
// enough to outline. They are not counted in max_alternatives and carry `card`'s score.
// Errors as find_card().
struct CardOutlines {
  CardQuad card;
  std::vector<CardQuad> alternatives;
};
[[nodiscard]] Result<CardOutlines> find_card_outlines(const RgbImage& photo,
                                                      const CardDetectorOptions& options = {});

}  // namespace cardmint::image
