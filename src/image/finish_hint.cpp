#include "image/finish_hint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// Measured on a copy halved until under twice this tall (520 px for a 1039 px card): foil
// streaks a few px wide survive one halving, and the measure costs ~1 ms.
constexpr int kWorkHeight = 400;
// Art box and body on the canonical card, as fractions (the art box is where both classic and
// modern layouts put it; the body skips the printed border, which is never foiled).
constexpr double kArtX0 = 0.10, kArtX1 = 0.90, kArtY0 = 0.12, kArtY1 = 0.46;
constexpr double kBodyX0 = 0.06, kBodyX1 = 0.94, kBodyY0 = 0.06, kBodyY1 = 0.94;
// Foil fractions above these read as foil. Tuned so flat printing stays well under them and a
// foil layer (rainbow over a third or more of the region) is well over.
constexpr double kArtFoil = 0.10;
constexpr double kBodyFoil = 0.07;
constexpr double kMaxConfidence = 0.9;

struct FoilMaps {
  cv::Mat rainbow;  // 1 where a saturated pixel's hue turns sharply within 2 px
  cv::Mat sparkle;  // 1 at small, bright, colourless highlights
};

FoilMaps foil_maps(const cv::Mat& rgb) {
  cv::Mat hsv;
  cv::cvtColor(rgb, hsv, cv::COLOR_RGB2HSV);  // H in [0, 180)
  FoilMaps maps;
  maps.rainbow = cv::Mat::zeros(hsv.size(), CV_8U);
  constexpr int kStep = 2;
  for (int y = 0; y + kStep < hsv.rows; ++y) {
    const auto* row = hsv.ptr<cv::Vec3b>(y);
    const auto* below = hsv.ptr<cv::Vec3b>(y + kStep);
    auto* out = maps.rainbow.ptr<std::uint8_t>(y);
    for (int x = 0; x + kStep < hsv.cols; ++x) {
      const cv::Vec3b& p = row[x];
      if (p[1] < 70 || p[2] < 110) continue;  // dull or dark: no visible sheen
      int turn = 0;
      for (const cv::Vec3b& q : {row[x + kStep], below[x]}) {
        if (q[1] < 70 || q[2] < 110) continue;
        const int d = std::abs(int(p[0]) - int(q[0]));
        turn = std::max(turn, std::min(d, 180 - d));
      }
      out[x] = turn >= 15 ? 1 : 0;  // 30° of hue in 2 px: printing rarely does that, foil does
    }
  }
  std::vector<cv::Mat> ch;
  cv::split(hsv, ch);
  // A sparkle is a small, near-white point well above the brightness around it. "Around" is a
  // median over ~3 mm, not a morphological opening: between the strokes of printed text the
  // paper is also small and brighter than its neighbours, but no brighter than the paper itself.
  cv::Mat surround;
  cv::medianBlur(ch[2], surround, 15);
  cv::Mat above;
  cv::subtract(ch[2], surround, above);  // saturates at 0
  cv::Mat bright = (above >= 40) & (ch[2] >= 200) & (ch[1] <= 60);
  maps.sparkle = bright / 255;
  return maps;
}

cv::Rect fraction_rect(const cv::Mat& m, double x0, double y0, double x1, double y1) {
  const int a = int(std::lround(x0 * m.cols));
  const int b = int(std::lround(y0 * m.rows));
  return {a, b, std::max(1, int(std::lround(x1 * m.cols)) - a),
          std::max(1, int(std::lround(y1 * m.rows)) - b)};
}

double foil_fraction(const FoilMaps& maps, const cv::Mat& region_mask) {
  const double area = std::max(1.0, double(cv::countNonZero(region_mask)));
  const double rainbow = cv::countNonZero(maps.rainbow & region_mask) / area;
  const double sparkle = cv::countNonZero(maps.sparkle & region_mask) / area;
  return rainbow + 3 * sparkle;  // a sparkle is a few pixels; a rainbow streak is many
}

double confidence_from_margin(double ratio) {  // ratio = measure / threshold
  return std::clamp(1 - std::exp(-std::abs(ratio - 1) * 2.5), 0.0, kMaxConfidence);
}

FinishEstimate estimate(const cv::Mat& card) {
  cv::Mat work = card;
  while (work.rows >= 2 * kWorkHeight) {
    cv::Mat half;
    cv::pyrDown(work, half);
    work = half;
  }
  const FoilMaps maps = foil_maps(work);
  cv::Mat art_mask = cv::Mat::zeros(work.size(), CV_8U);
  art_mask(fraction_rect(work, kArtX0, kArtY0, kArtX1, kArtY1)).setTo(1);
  cv::Mat body_mask = cv::Mat::zeros(work.size(), CV_8U);
  body_mask(fraction_rect(work, kBodyX0, kBodyY0, kBodyX1, kBodyY1)).setTo(1);
  // Keep a margin around the art box out of the body: its frame is printed, often in foil on
  // holos, and the box's edge sits a little differently from one era to the next.
  body_mask(fraction_rect(work, kArtX0 - 0.03, kArtY0 - 0.03, kArtX1 + 0.03, kArtY1 + 0.03))
      .setTo(0);

  FinishEstimate out;
  out.art_foil = foil_fraction(maps, art_mask);
  out.body_foil = foil_fraction(maps, body_mask);
  const double art = out.art_foil / kArtFoil;
  const double body = out.body_foil / kBodyFoil;
  if (body >= 1) {
    out.hint = FinishHint::kReverseHolo;
    out.confidence = confidence_from_margin(body);
    // Foil everywhere, strongest in the art box, is as much a full-art holo as a reverse holo.
    if (art > 2 * body) out.confidence *= 0.5;
  } else if (art >= 1) {
    out.hint = FinishHint::kHolo;
    out.confidence = confidence_from_margin(art);
  } else {
    out.hint = FinishHint::kNormal;
    out.confidence = confidence_from_margin(std::max(art, body));
  }
  return out;
}

}  // namespace

Result<FinishEstimate> estimate_finish(const RgbImage& card) {
  if (Status st = check_rgb_image(card, "card image"); !st.ok()) return st;
  if (card.width < 32 || card.height < 32) {
    return Status::invalid_input(
        fmt::format("card image is {}x{}, too small to judge", card.width, card.height));
  }
  try {
    return estimate(view_of(card));
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("finish estimate failed in OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory estimating the card finish");
  }
}

}  // namespace cardmint::image
