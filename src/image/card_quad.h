#pragma once
// The geometry that image/ hands out for a found card: four corners in photo pixels.
// Plain values; copy freely.

#include <array>

namespace cardmint::image {

// A position in pixels. Integer coordinates are pixel centres, so a card edge between two pixel
// columns lies at x + 0.5.
struct Point2 {
  double x = 0;
  double y = 0;
};

// A card outline in the photo: the four corners of the card's rectangle (where its straight sides
// meet, outside the rounded corners), clockwise as seen in the photo. Which corner comes first
// depends on who produced it; see find_card() and rectify_card().
struct CardQuad {
  std::array<Point2, 4> corners;
  double score = 0;  // detector confidence in [0, 1]; higher is more card-like
};

}  // namespace cardmint::image
