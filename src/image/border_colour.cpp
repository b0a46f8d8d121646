#include "image/border_colour.h"

#include <algorithm>
#include <opencv2/core.hpp>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// The ring measured, in fractions of the card's width from its edges: inside the border
// (~0.045 of the width on every era's standard cards), clear of the table a corner found a
// little off lets in.
constexpr double kRingOuter = 0.012;
constexpr double kRingInner = 0.032;
constexpr int kClipLevel = 255;  // glare: the colour is gone
// Yellow print: hue between orange and yellow-green, clearly saturated; yellow borders read
// 0.6-0.8 saturation and silver ones under 0.1 under neutral light; a strongly warm or cool
// light tints silver to ~0.3.
constexpr double kYellowMinHue = 30, kYellowMaxHue = 75;  // degrees
constexpr double kYellowMinSaturation = 0.45;
constexpr double kSilverMaxSaturation = 0.35;
constexpr double kSilverMinValue = 70;  // darker is shadow or black print
// A border this much of one colour reads as that colour. The log-likelihood ratios of each
// reading, silver era (Scarlet & Violet, Mega Evolution) against earlier, were counted on
// generated desk photos (seeds 101 and 102: 596 cards, 118 of the silver era, full-art cards with
// gold or art borders among them): yellow read on 78 % of earlier cards and 12 % of silver-era
// ones, silver on 64 % and 11 %, neither on 25 % and 11 %.
constexpr double kSettledShare = 0.5;
constexpr double kYellowLogRatio = -1.9, kSilverLogRatio = 1.72, kNeitherLogRatio = 0.81;

double hue_degrees(double r, double g, double b, double max, double min) {
  const double chroma = max - min;
  if (chroma <= 0) return 0;
  double h;
  if (max == r)
    h = 60 * (g - b) / chroma;
  else if (max == g)
    h = 60 * (b - r) / chroma + 120;
  else
    h = 60 * (r - g) / chroma + 240;
  return h < 0 ? h + 360 : h;
}

}  // namespace

Result<BorderColour> read_border_colour(const RgbImage& card) {
  if (Status s = check_rgb_image(card, "card image"); !s.ok()) return s;
  const cv::Mat rgb = view_of(card);
  const int outer = int(kRingOuter * card.width);
  const int inner = std::max(outer + 1, int(kRingInner * card.width));
  long yellow = 0, silver = 0, counted = 0;
  for (int y = outer; y < card.height - outer; ++y) {
    const bool band_row = y < inner || y >= card.height - inner;
    const cv::Vec3b* row = rgb.ptr<cv::Vec3b>(y);
    for (int x = outer; x < card.width - outer; ++x) {
      if (!band_row && x >= inner && x < card.width - inner) {
        x = card.width - inner - 1;  // skip the face
        continue;
      }
      const double r = row[x][0], g = row[x][1], b = row[x][2];
      const double max = std::max({r, g, b}), min = std::min({r, g, b});
      if (max >= kClipLevel) continue;
      ++counted;
      const double saturation = max > 0 ? (max - min) / max : 0;
      const double hue = hue_degrees(r, g, b, max, min);
      if (saturation >= kYellowMinSaturation && hue >= kYellowMinHue && hue <= kYellowMaxHue)
        ++yellow;
      else if (saturation <= kSilverMaxSaturation && max >= kSilverMinValue)
        ++silver;
    }
  }
  BorderColour out;
  out.silver_era_log_ratio = kNeitherLogRatio;
  if (counted == 0) return out;
  out.yellow = double(yellow) / double(counted);
  out.silver = double(silver) / double(counted);
  if (out.yellow >= kSettledShare)
    out.silver_era_log_ratio = kYellowLogRatio;
  else if (out.silver >= kSettledShare)
    out.silver_era_log_ratio = kSilverLogRatio;
  return out;
}

}  // namespace cardmint::image
