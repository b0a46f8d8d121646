#pragma once
// Warps a found card to an upright, canonical 63:88 image and says how it lay in the photo.
// Thread-safe: free functions with no shared state.

#include "base/status.h"
#include "image/card_quad.h"
#include "image/rgb_image.h"

namespace cardmint::image {

struct RectifyOptions {
  // 744x1039 is the 63x88 mm card at 300 dpi (11.8 px/mm), the resolution Tesseract is tuned
  // for: the 1.5 mm collector number comes out ~18 px tall and the name ~35 px. A card in a
  // 1600x1200 photo rarely spans more than ~1000 px, so a larger canvas would only interpolate.
  // OCR that wants taller glyphs should upscale the small number crop, not the whole card.
  int width_px = 744;
  int height_px = 1039;
};

struct RectifiedCard {
  RgbImage card;  // width_px x height_px, upright as far as the cues can tell
  // How the card lay in the photo: the clockwise angle from the photo's "up" to the card's
  // "up", rounded to 0, 90, 180 or 270.
  int rotation_deg = 0;
  // The upright estimate for `card` as returned (see card_orientation.h): score > 0 agrees with
  // the choice made, confidence in [0, 1]. Below ~0.5 a caller should confirm by OCR both ways.
  double orientation_score = 0;
  double orientation_confidence = 0;
  CardQuad quad;  // the input quad reordered: corners[0] is the card's top-left, clockwise
};

// Warps `quad` (any corner first, either winding) from `photo` to the canonical size, portrait
// (the short sides become top and bottom), then turns it 180° if the layout cues say it is
// upside down. Errors: invalid_input for an empty photo, a bad size, or a quad that is not a
// convex card-like quadrilateral near the photo; internal when OpenCV fails.
[[nodiscard]] Result<RectifiedCard> rectify_card(const RgbImage& photo, const CardQuad& quad,
                                                 const RectifyOptions& options = {});

// `image` turned clockwise by `degrees` (0, 90, 180 or 270). For callers that confirm the
// orientation themselves, e.g. OCR on both half turns. Errors: invalid_input otherwise.
// The warp rectify_card() made of the card at `quad` (RectifiedCard::quad: corners[0] its top-left,
// clockwise) into `width_px` x `height_px`, with `margin_px` of `photo` kept around it on every
// side, the card in the middle. For print that an outline on a border's inner edge cut off at the
// card image's edge; it costs as much as the card's own warp, so it is made only where such print
// was found. Errors: invalid_input for a bad photo or quad, or a margin outside [0, height_px];
// internal when OpenCV fails.
[[nodiscard]] Result<RgbImage> warp_card_surround(const RgbImage& photo, const CardQuad& quad,
                                                  int width_px, int height_px, int margin_px);

[[nodiscard]] Result<RgbImage> rotate_image(const RgbImage& image, int degrees);

}  // namespace cardmint::image
