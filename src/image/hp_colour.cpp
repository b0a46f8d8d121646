#include "image/hp_colour.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <vector>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

struct Box {
  double x0, y0, x1, y1;  // fractions of the card's width and height
};
// The HP's place on the title band's text line: right-aligned before the type symbol (~0.9
// across), above the art frame (whose top edge, from 0.105 down, is often orange).
constexpr Box kHpPlace{0.62, 0.035, 0.87, 0.095};
// Red ink: red over the stronger of green and blue by this much, and by as much over the place's
// own paper (its median), so that a warm light or a red title band does not count.
constexpr int kRedInk = 40;
// A red HP shows as this share or more of its place, and blurred, as a few red pixels: a faint
// reading, rare either way, so more likely a red HP's than not. Counted on generated desk photos
// (seeds 101 and 102: 596 cards, 73 standard-layout Pokémon of the red-HP era; each count plus
// a half): of those 73, 69 read red, 3 faint and 1 neither; of the other 523 cards (full-art
// faces and red type symbols among them), 6, 4 and 513.
constexpr double kRedSeen = 0.015, kRedFaint = 0.002;
constexpr double kSeenLogRatio = 4.33;   // ln((69.5 / 74) / (6.5 / 524))
constexpr double kFaintLogRatio = 1.70;  // ln((3.5 / 74) / (4.5 / 524))
constexpr double kNoneLogRatio = -3.88;  // ln((1.5 / 74) / (513.5 / 524))

// The share of `box` that is red ink.
double red_share(const cv::Mat& rgb, const Box& box) {
  const cv::Rect rect(cv::Point(int(box.x0 * rgb.cols), int(box.y0 * rgb.rows)),
                      cv::Point(int(box.x1 * rgb.cols), int(box.y1 * rgb.rows)));
  const cv::Mat place = rgb(rect & cv::Rect(0, 0, rgb.cols, rgb.rows));
  std::vector<int> redness;
  redness.reserve(place.total());
  for (int y = 0; y < place.rows; ++y) {
    const cv::Vec3b* row = place.ptr<cv::Vec3b>(y);
    for (int x = 0; x < place.cols; ++x)
      redness.push_back(int(row[x][0]) - std::max<int>(row[x][1], row[x][2]));
  }
  if (redness.empty()) return 0;
  std::vector<int> sorted = redness;
  std::nth_element(sorted.begin(), sorted.begin() + long(sorted.size() / 2), sorted.end());
  const int paper = sorted[sorted.size() / 2];
  const long red = std::count_if(redness.begin(), redness.end(),
                                 [&](int r) { return r >= kRedInk && r - paper >= kRedInk; });
  return double(red) / double(redness.size());
}

}  // namespace

Result<HpColour> read_hp_colour(const RgbImage& card) {
  if (Status s = check_rgb_image(card, "card image"); !s.ok()) return s;
  const cv::Mat rgb = view_of(card);
  HpColour out;
  out.red = red_share(rgb, kHpPlace);
  out.red_hp_log_ratio = out.red >= kRedSeen    ? kSeenLogRatio
                         : out.red >= kRedFaint ? kFaintLogRatio
                                                : kNoneLogRatio;
  return out;
}

}  // namespace cardmint::image
