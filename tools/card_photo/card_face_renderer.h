#pragma once
// Renders a catalog card's face (63:88) in one of several era layouts: border, name, HP, a
// procedural art box, attacks with fake damage, the illustrator line and the collector number
// as printed in that era. Not thread-safe only through the FontLibrary it borrows.

#include <opencv2/core.hpp>
#include <string>

#include "base/status.h"
#include "card_photo/card_face_style.h"
#include "card_photo/catalog_reader.h"
#include "card_photo/font_library.h"

namespace cardmint::card_photo {

struct CardFaceOptions {
  // Face height in pixels; the width is height * 63 / 88 rounded. 1056 (= 12 × 88) gives an
  // exact 756 × 1056 face, where the ~1.5 mm number is about 18 px tall.
  int height_px = 1056;
};

int face_width_for_height(int height_px);

struct CardFace {
  cv::Mat bgr;    // CV_8UC3
  cv::Mat alpha;  // CV_8UC1: 255 inside the card, 0 outside its rounded corners
  FaceStyle style;
  std::string printed_number;    // "58/102", "TG05/TG30", "SWSH050"
  std::string hp_text;           // "60 HP", "HP 60", or "" without HP
  cv::Rect name_box;             // ink of the name, in bgr pixels
  cv::Rect number_box;           // ink of the printed number, in bgr pixels
  std::string name_font_family;  // for the manifest: which fonts drew it
  std::string body_font_family;
  std::string number_font_family;
};

// `subset_total` as for printed_number(). Errors: invalid_input when height_px < 264;
// unprocessable when the catalog does not know what the card prints (cel25cc).
[[nodiscard]] Result<CardFace> render_card_face(const CatalogCard& card, const CatalogSet& set,
                                                int subset_total, const FaceStyle& style,
                                                FontLibrary& fonts,
                                                const CardFaceOptions& options = {});

}  // namespace cardmint::card_photo
