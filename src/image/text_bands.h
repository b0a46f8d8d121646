#pragma once
// Where OCR should look on a rectified card, and the clean-up that makes small print readable.
// Thread-safe: free functions with no shared state.

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

// A crop's place on the canonical card, in its pixels.
struct BandRect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// Crops of an upright card (rectify_card()). The name is printed top-left on every layout; the
// collector number sits bottom-right on classic cards and bottom-left from Sword & Shield on, so
// both bottom corners come back (they overlap in the middle so a centred number is whole in one).
struct TextBands {
  RgbImage name;          // ~2.5-12.5% of the height, left ~76% of the width (HP stays out)
  RgbImage number_strip;  // ~89.5-98.5% of the height, the full width inside the border
  RgbImage number_left;   // left 55% of the strip: illustrator and modern number line
  RgbImage number_right;  // right 55% of the strip: classic "58/102"
  BandRect name_rect;
  BandRect number_strip_rect;
  BandRect number_left_rect;
  BandRect number_right_rect;
};

// Errors: invalid_input for an empty or inconsistent image, or one too small to hold text.
[[nodiscard]] Result<TextBands> crop_text_bands(const RgbImage& card);

struct EnhanceOptions {
  // Upscale before contrast work (cubic). On a 1039 px card the number is ~18 px tall;
  // Tesseract reads best near 30 px, so 2.0 suits the number crops and 1.0 the name.
  double scale = 1.0;
  // CLAHE clip limit: higher digs more text out of glare and shadow but amplifies print texture.
  double clahe_clip_limit = 2.0;
};

// Grayscale (returned as R = G = B, since RgbImage is the only picture type that leaves image/),
// optionally upscaled, with local contrast equalised by CLAHE so text under a shadow or faded
// by glare reaches full contrast. Errors: invalid_input for an empty or inconsistent image or a
// scale outside (0, 8]; internal when OpenCV fails.
[[nodiscard]] Result<RgbImage> enhance_for_ocr(const RgbImage& band,
                                               const EnhanceOptions& options = {});

}  // namespace cardmint::image
