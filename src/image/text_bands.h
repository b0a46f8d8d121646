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

// Crops of an upright card (rectify_card()). The name is printed top-left on every layout, the
// collector number bottom-right on classic cards and bottom-left from Sword & Shield on. Both
// bands span the width inside the border and reach past the printed text's usual place, so a
// card warped a few percent off (a detector that took the inner frame of a silver border) still
// has its text inside.
//
// The body, between the art and the strip, holds the attack and ability names: larger than the
// rules text around them, and what tells apart printings of one name when the number is too
// blurred to read.
struct TextBands {
  RgbImage name;          // 0-14% of the height: stage line, name, HP
  RgbImage number_strip;  // 87.5-99.5% of the height: illustrator, number, copyright
  RgbImage body;          // 45-87.5% of the height: abilities, attacks, rules text
  BandRect name_rect;
  BandRect number_strip_rect;
  BandRect body_rect;
};

// Errors: invalid_input for an empty or inconsistent image, or one too small to hold text.
[[nodiscard]] Result<TextBands> crop_text_bands(const RgbImage& card);

// The number strip of `surround`, a card with `margin` px of the photo around it on every side
// (RectifiedCard::surround), carried on past the card's foot into the photo: an outline that
// took a silver border's inner edge for the card's edge cuts the number line off at the foot.
// Errors: invalid_input for an empty or inconsistent image, or one too small to hold text.
[[nodiscard]] Result<RgbImage> crop_number_strip_past_edge(const RgbImage& surround, int margin);

struct EnhanceOptions {
  // Upscale before contrast work (cubic). On a 1039 px card the number is ~18 px tall;
  // Tesseract reads best near 30 px, so 2.0 suits the number crops and 1.0 the name.
  double scale = 1.0;
  // CLAHE clip limit: higher digs more text out of glare and shadow but amplifies print texture.
  double clahe_clip_limit = 2.0;
  // Read the R, G or B plane instead of luminance when it shows the print with clearly more
  // contrast (for one line of print on coloured stock; a whole band mixes colours).
  bool strongest_channel = false;
  // Black print on white by a locally adaptive threshold after CLAHE: print on a gradient or
  // foil background that CLAHE alone leaves grey.
  bool binarize = false;
  // Richardson-Lucy deconvolution with a Gaussian of this sigma (output pixels; 0: none) after
  // CLAHE: print that defocus or shake has smeared into blobs gets its strokes back.
  double deblur_sigma = 0.0;
};

// Grayscale (returned as R = G = B, since RgbImage is the only picture type that leaves image/),
// optionally upscaled, with local contrast equalised by CLAHE so text under a shadow or faded
// by glare reaches full contrast. Errors: invalid_input for an empty or inconsistent image or a
// scale outside (0, 8]; internal when OpenCV fails.
[[nodiscard]] Result<RgbImage> enhance_for_ocr(const RgbImage& band,
                                               const EnhanceOptions& options = {});

}  // namespace cardmint::image
