#include "image/finish_hint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// Measured on a copy halved until under twice this tall (520 px for a 1039 px card): a foil's
// colour bands are tens of pixels wide and the stamp is ~15 px across there, and the whole
// estimate costs a few milliseconds. Lengths below are in pixels of a 520 px tall copy and are
// scaled for other sizes.
constexpr int kWorkHeight = 400;
constexpr double kReferenceHeight = 520;

struct Box {
  double x0, y0, x1, y1;  // fractions of the card's width and height
};
// Inside the art frame of every era's standard layout (frames span 0.095-0.905 across and
// 0.105 down to 0.46 on classic cards, 0.475 later), with room for a card warped a little off.
constexpr Box kArtBox{0.13, 0.13, 0.87, 0.44};
// The body a reverse holo foils: the name band above the art box and the attack and rules
// area below it, inside the printed border (never foiled).
constexpr Box kBodyTop{0.07, 0.06, 0.93, 0.095};
constexpr Box kBodyLow{0.07, 0.50, 0.93, 0.93};

// Two foil measures on the chromaticity of flat print (chromaticity: the colour with its
// brightness divided out, so light and shade do not count):
// - Hue drift: how far the colour moves round grey between pixels kDriftStep apart. Print keeps
//   one hue per area; light, shade, gamma and white glare only move a colour towards or away
//   from grey. A foil's rainbow sheen turns the hue across the card. Measured away from ink and
//   colour edges, where the print changes colour itself.
// - Colour bend: how far the middle of three colours a step apart lies off the line through
//   the outer two. Every mixture of two inks, every gradient between two colours, shade, glare
//   and exposure lies on a straight line in chromaticity; a foil's interference colours go round
//   the hue circle, within a millimetre on sparkle and etched patterns. The median over all
//   unclipped pixels, edges included: an edge between two inks is a mixture of them, so only
//   junctions of three inks bend, and those are a minority even in busy art.
// Lengths in px of a 520 px tall copy, measured on a copy half that size.
constexpr double kDriftSmooth = 2.4;  // Gaussian sigma: averages sensor noise and print grain
constexpr double kDriftStep = 8;
constexpr double kEdgeLuma = 0.32;       // Sobel of R+G+B over local brightness (+60)
constexpr double kEdgeChroma = 0.2;      // Sobel of chromaticity
constexpr double kEdgeReach = 4;         // how far around an edge is left out
constexpr double kClipLevel = 254;       // any channel at or above: clipped, hue unknown
constexpr float kNeutralChroma = 0.05f;  // below this chroma, "towards grey" has no direction
struct BendScale {
  double step;
  double smooth;
};
// Etched and sparkle patterns, rainbow bands. The fine scale shares the drift's smoothing.
constexpr BendScale kBendScales[] = {{4, kDriftSmooth}, {12, 4}};
constexpr float kMinChord = 0.01f;  // below this the outer colours give the line no direction
// A region with fewer valid pairs or triples than this share of its pixels has nothing to say.
constexpr double kMinValidShare = 0.10;
// Every second pixel across and down: the colours are smoothed over more than that anyway.
constexpr int kSample = 2;

// Art frame: a straight edge along all of a side, found as the 20th percentile of the grey
// step across it. Print that merely happens to be there (text, art) breaks up along the line,
// and on full-art cards at most one band (where the veil behind the text starts) shows one.
constexpr double kFrameEdge = 6;  // grey levels across 2 px, on at least 2 of the 4 sides

// First-edition stamp: a black disc ~0.028 of the card's height across, its centre 0.01-0.035
// of the height below the art box and 0.07-0.18 of the width from the left edge.
constexpr double kStampRadius = 0.014;
// Black ink, not mid-tone print. Glare over the stamp greys it: dev 0106's reads 0.55, where
// plain classic cards' darkest print there reads up to 0.54 with a score under 0.3.
constexpr double kStampMinInside = 0.5;
constexpr double kStampMaxRing = 0.3;  // the paper around it: darker means text or art

// The printings' log-likelihoods (FinishEstimate::log_likelihood) are linear in the two
// evidences: a multinomial logistic fit on generated desk photos (seeds 7, 31, 101 and 102: 1,656
// standard-layout cards), less the log of each printing's share there, so that a card's own
// printings start even. Left out of that fit, the development set's cards were told apart
// normal from reverse holo 101 times in 115, holo from reverse 83 in 83, normal from holo 123 in
// 142. Readings are clamped to where the fit saw data.
constexpr double kHoloPerHoloEvidence = 0.61, kHoloPerReverseEvidence = -1.716, kHoloBias = -3.492;
constexpr double kReversePerHoloEvidence = -0.054, kReversePerReverseEvidence = 3.963,
                 kReverseBias = -1.514;
constexpr double kMinEvidence = -10, kMaxEvidence = 20;
// A stamp's score against first-edition printings, a tenth either way worth a factor of ~3.
// Even at 0.33, between the readings of 460 framed classic cards photographed on generated desks
// (the development set, thirteen seeds and two more; warped by their true corners): the 360
// plain ones read up to 0.28, the 100 stamped ones from 0.38 (mostly 0.6-0.95).
constexpr double kStampEven = 0.33, kStampPerScore = 12, kMaxStampLogLikelihood = 6;
// Where no art frame was found (blur can flatten its thin line), the stamp is looked for where
// the frame usually ends, and only a clearer reading counts: art runs there on a full-art card,
// and a dark spot in it read up to 0.48 on the same photos; the two stamped framed cards whose
// frame was missed read 0.74 and 0.81.
constexpr double kFramelessStampEven = 0.55;

// The layout's log-likelihood ratios, full-art against framed, from the same photos (1,033
// cards, 205 full-art): a frame was found on no full-art card (counted as one in 207) and on 752
// of 828 framed ones; without a frame, reverse_evidence over 0.9 on 184 of 205 full-art cards
// and 7 of 828 framed ones, the rest 21 and 69.
constexpr double kFramedFullArtLogRatio = -5.2;
constexpr double kFramelessFoiledLogRatio = 4.66;
constexpr double kFramelessLogRatio = 0.21;
constexpr double kFullArtFoilEvidence = 0.9;

constexpr double kMaxConfidence = 0.9;
// Foil over a card without a framed art box: a full-art card, foiled whatever its printing.
constexpr double kFramelessCap = 0.5;

// Linear from (x0, y0) to (x1, y1), flat outside.
double ramp(double x, double x0, double y0, double x1, double y1) {
  const double t = std::clamp((x - x0) / (x1 - x0), 0.0, 1.0);
  return y0 + (y1 - y0) * t;
}

// Piecewise linear through three points, flat outside.
double ramp(double x, double x0, double y0, double x1, double y1, double x2, double y2) {
  return x < x1 ? ramp(x, x0, y0, x1, y1) : ramp(x, x1, y1, x2, y2);
}

cv::Rect box_rect(const cv::Size& size, const Box& b) {
  const int x0 = int(std::lround(b.x0 * size.width));
  const int y0 = int(std::lround(b.y0 * size.height));
  const int x1 = int(std::lround(b.x1 * size.width));
  const int y1 = int(std::lround(b.y1 * size.height));
  return cv::Rect(x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0)) &
         cv::Rect(0, 0, size.width, size.height);
}

struct ColourCopy {
  cv::Mat u, v;            // CV_32F chromaticity, smoothed for the drift and the fine bend
  cv::Mat u_wide, v_wide;  // smoothed more, for the wide bend
  cv::Mat flat;            // CV_8U: away from edges and clipping (drift)
  cv::Mat unclipped;       // CV_8U: no channel clipped nearby (bend)
  double scale = 1;        // px of this copy per px of a 520 px tall card
};

// Chromaticity: two opponent axes over R+G+B.
void chromaticity(const cv::Mat& rgb_f, cv::Mat& u, cv::Mat& v, cv::Mat& sum) {
  cv::Mat ch[3];
  cv::split(rgb_f, ch);
  sum = ch[0] + ch[1] + ch[2] + 3;
  cv::divide(ch[0] - ch[1], sum, u);
  cv::divide(ch[0] + ch[1] - 2 * ch[2], sum, v, 1 / std::sqrt(3.0));
}

// On the work copy halved once more, in float: the halving is most of the smoothing wanted and
// costs a quarter of blurring the work copy.
ColourCopy colour_copy(const cv::Mat& work, double scale) {
  cv::Mat f, colour;
  work.convertTo(f, CV_32F);
  cv::pyrDown(f, colour);
  ColourCopy c;
  c.scale = scale / 2;
  cv::Mat u, v, sum;
  chromaticity(colour, u, v, sum);

  cv::Mat gx, gy, luma_edge;
  cv::Sobel(sum, gx, CV_32F, 1, 0);
  cv::Sobel(sum, gy, CV_32F, 0, 1);
  cv::magnitude(gx, gy, luma_edge);
  cv::Mat brightness;
  cv::GaussianBlur(sum, brightness, cv::Size(), 4 * c.scale);
  cv::divide(luma_edge, brightness + 60, luma_edge);
  cv::Mat chroma_edge = cv::Mat::zeros(colour.size(), CV_32F);
  for (const cv::Mat* m : {&u, &v}) {
    cv::Sobel(*m, gx, CV_32F, 1, 0);
    cv::Sobel(*m, gy, CV_32F, 0, 1);
    chroma_edge += gx.mul(gx) + gy.mul(gy);
  }
  cv::Mat peak;
  cv::Mat ch[3];
  cv::split(colour, ch);
  cv::max(ch[0], ch[1], peak);
  cv::max(peak, ch[2], peak);
  const cv::Mat clipped = peak >= kClipLevel;
  cv::Mat excluded = (luma_edge > kEdgeLuma) | (chroma_edge > kEdgeChroma * kEdgeChroma) | clipped;
  // Square reaches: OpenCV dilates with a rectangle in passes along rows and columns.
  auto grow = [](const cv::Mat& mask, int reach) {
    cv::Mat out;
    cv::dilate(mask, out,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * reach + 1, 2 * reach + 1)));
    return out;
  };
  c.flat = grow(excluded, std::max(1, int(std::lround(kEdgeReach * c.scale)))) == 0;
  c.unclipped = grow(clipped, 1) == 0;
  cv::GaussianBlur(u, c.u, cv::Size(), kDriftSmooth * c.scale);
  cv::GaussianBlur(v, c.v, cv::Size(), kDriftSmooth * c.scale);
  cv::GaussianBlur(u, c.u_wide, cv::Size(), kBendScales[1].smooth * c.scale);
  cv::GaussianBlur(v, c.v_wide, cv::Size(), kBendScales[1].smooth * c.scale);
  return c;
}

struct Reading {
  double value = 0;  // x1000 chromaticity
  bool measured = false;
};

// Mean hue drift over pairs of flat pixels `d` apart (across and down) inside `rects`.
Reading hue_drift(const ColourCopy& c, const std::vector<cv::Rect>& rects) {
  const int d = std::max(1, int(std::lround(kDriftStep * c.scale)));
  double total = 0;
  long pairs = 0;
  long pixels = 0;
  for (const cv::Rect& r : rects) {
    pixels += long(r.area());
    for (int y = r.y; y < r.br().y; y += kSample) {
      const auto* flat = c.flat.ptr<std::uint8_t>(y);
      const bool down = y + d < c.flat.rows;
      const auto* flat_below = down ? c.flat.ptr<std::uint8_t>(y + d) : nullptr;
      const float* u = c.u.ptr<float>(y);
      const float* v = c.v.ptr<float>(y);
      const float* u_below = down ? c.u.ptr<float>(y + d) : nullptr;
      const float* v_below = down ? c.v.ptr<float>(y + d) : nullptr;
      for (int x = r.x; x < r.br().x; x += kSample) {
        if (!flat[x]) continue;
        auto add = [&](float u2, float v2) {
          const float mu = 0.5f * (u[x] + u2), mv = 0.5f * (v[x] + v2);
          const float du = u2 - u[x], dv = v2 - v[x];
          const float radial =
              (du * mu + dv * mv) / std::max(std::sqrt(mu * mu + mv * mv), kNeutralChroma);
          total += std::sqrt(std::max(0.0f, du * du + dv * dv - radial * radial));
          ++pairs;
        };
        if (x + d < c.flat.cols && flat[x + d]) add(u[x + d], v[x + d]);
        if (down && flat_below[x]) add(u_below[x], v_below[x]);
      }
    }
  }
  Reading out;
  out.measured = pixels > 0 && double(pairs * kSample * kSample) >= kMinValidShare * double(pixels);
  if (out.measured) out.value = 1000 * total / double(pairs);
  return out;
}

// Median colour bend over triples of unclipped pixels `d` apart inside `rects`.
Reading colour_bend(const cv::Mat& u, const cv::Mat& v, const cv::Mat& unclipped,
                    const std::vector<cv::Rect>& rects, int d) {
  std::vector<float> bends;
  long pixels = 0;
  auto add = [&](float ua, float va, float ub, float vb, float uc, float vc) {
    const float chord_u = uc - ua, chord_v = vc - va;
    const float bend_u = uc + ua - 2 * ub, bend_v = vc + va - 2 * vb;
    const float chord = std::max(std::sqrt(chord_u * chord_u + chord_v * chord_v), kMinChord);
    const float along = (bend_u * chord_u + bend_v * chord_v) / chord;
    bends.push_back(std::sqrt(std::max(0.0f, bend_u * bend_u + bend_v * bend_v - along * along)));
  };
  for (const cv::Rect& r : rects) {
    pixels += long(r.area());
    for (int y = r.y; y < r.br().y; y += kSample) {
      const auto* ok = unclipped.ptr<std::uint8_t>(y);
      const float* uu = u.ptr<float>(y);
      const float* vv = v.ptr<float>(y);
      const bool vertical = y >= d && y + d < u.rows;
      const auto* ok_above = vertical ? unclipped.ptr<std::uint8_t>(y - d) : nullptr;
      const auto* ok_below = vertical ? unclipped.ptr<std::uint8_t>(y + d) : nullptr;
      const float* u_above = vertical ? u.ptr<float>(y - d) : nullptr;
      const float* v_above = vertical ? v.ptr<float>(y - d) : nullptr;
      const float* u_below = vertical ? u.ptr<float>(y + d) : nullptr;
      const float* v_below = vertical ? v.ptr<float>(y + d) : nullptr;
      for (int x = r.x; x < r.br().x; x += kSample) {
        if (!ok[x]) continue;
        if (x >= d && x + d < u.cols && ok[x - d] && ok[x + d]) {
          add(uu[x - d], vv[x - d], uu[x], vv[x], uu[x + d], vv[x + d]);
        }
        if (vertical && ok_above[x] && ok_below[x]) {
          add(u_above[x], v_above[x], uu[x], vv[x], u_below[x], v_below[x]);
        }
      }
    }
  }
  Reading out;
  out.measured =
      pixels > 0 && double(bends.size() * kSample * kSample) >= kMinValidShare * double(pixels);
  if (!out.measured) return out;
  const auto median = bends.begin() + std::ptrdiff_t(bends.size() / 2);
  std::nth_element(bends.begin(), median, bends.end());
  out.value = 1000 * double(*median);
  return out;
}

struct RegionFoil {
  Reading drift;
  Reading bend;  // the larger of the two scales
};

RegionFoil region_foil(const ColourCopy& c, const std::vector<cv::Rect>& rects) {
  RegionFoil out;
  out.drift = hue_drift(c, rects);
  const cv::Mat* planes[2][2] = {{&c.u, &c.v}, {&c.u_wide, &c.v_wide}};
  for (int i = 0; i < 2; ++i) {
    const int d = std::max(1, int(std::lround(kBendScales[i].step * c.scale)));
    const Reading r = colour_bend(*planes[i][0], *planes[i][1], c.unclipped, rects, d);
    if (r.measured && (!out.bend.measured || r.value > out.bend.value)) out.bend = r;
  }
  return out;
}

// `a` - `k` `b` where both were measured; no evidence either way otherwise.
double excess(const Reading& a, const Reading& b, double k) {
  return a.measured && b.measured ? a.value - k * b.value : 0;
}

// 20th percentile of the grey step across the line at each row (or column) of a band; the
// strongest line in it and where it is.
struct Line {
  double strength = 0;
  int at = 0;
};

Line straight_edge(const cv::Mat& gray, bool horizontal, double band0, double band1, double along0,
                   double along1) {
  const int n = horizontal ? gray.rows : gray.cols;
  const int m = horizontal ? gray.cols : gray.rows;
  const int b0 = std::max(1, int(band0 * n)), b1 = std::min(n - 2, int(band1 * n));
  const int a0 = std::max(0, int(along0 * m)), a1 = std::min(m, int(along1 * m));
  Line best;
  std::vector<float> steps;
  for (int b = b0; b <= b1; ++b) {
    steps.clear();
    for (int a = a0; a < a1; ++a) {
      const float before = horizontal ? gray.at<float>(b - 1, a) : gray.at<float>(a, b - 1);
      const float after = horizontal ? gray.at<float>(b + 1, a) : gray.at<float>(a, b + 1);
      steps.push_back(std::abs(after - before));
    }
    if (steps.empty()) continue;
    const auto q = steps.begin() + std::ptrdiff_t(steps.size() / 5);
    std::nth_element(steps.begin(), q, steps.end());
    if (*q > best.strength) best = {*q, b};
  }
  return best;
}

struct ArtFrame {
  bool found = false;
  bool bottom_found = false;  // the lower edge, under which the stamp sits, at least
  double bottom = 0.465;      // fraction of the height
};

ArtFrame find_art_frame(const cv::Mat& gray) {
  const Line top = straight_edge(gray, true, 0.09, 0.125, 0.25, 0.75);
  const Line bottom = straight_edge(gray, true, 0.445, 0.49, 0.25, 0.75);
  const Line left = straight_edge(gray, false, 0.07, 0.12, 0.18, 0.40);
  const Line right = straight_edge(gray, false, 0.88, 0.93, 0.18, 0.40);
  double s[] = {top.strength, bottom.strength, left.strength, right.strength};
  std::sort(std::begin(s), std::end(s), std::greater<>());
  ArtFrame frame;
  frame.found = s[1] >= kFrameEdge;
  // A strong lower edge alone will do for the stamp: full-art cards show none there.
  frame.bottom_found = frame.found || bottom.strength >= 2 * kFrameEdge;
  if (bottom.strength >= kFrameEdge) frame.bottom = double(bottom.at) / gray.rows;
  return frame;
}

struct Stamp {
  double score = 0;  // disc darkness minus ring darkness
  double inside = 0;
  double ring = 1;
};

// A dark disc of the stamp's size on light paper: the darkness of a square inside it (the white
// "1" takes a little) against four bands just around it, left, right, above and below, for a
// few radii (the warp can be a few percent off), over the place the stamp is printed. The ring
// counts its three lighter bands: text or an energy symbol may touch the stamp on one side.
// Box sums over an integral image keep it to a fraction of a millisecond.
Stamp find_stamp(const cv::Mat& gray, double art_bottom) {
  const int w = gray.cols, h = gray.rows;
  const int x0 = int(0.07 * w), x1 = int(0.18 * w);
  const int y0 = int((art_bottom + 0.010) * h), y1 = int((art_bottom + 0.034) * h);
  const double r = kStampRadius * h;
  const int pad = int(std::ceil(2.1 * r)) + 1;
  const cv::Rect window =
      cv::Rect(cv::Point(x0 - pad, y0 - pad), cv::Point(x1 + pad, y1 + pad)) & cv::Rect(0, 0, w, h);
  Stamp best;
  if (window.area() == 0) return best;
  const cv::Mat patch = gray(window);
  // Paper: the light end of what is there; dark: how far below it, 1 at 75% darker (black ink;
  // mid-tone print such as brown ground in the art stays well under 1).
  std::vector<float> values(patch.begin<float>(), patch.end<float>());
  const auto q = values.begin() + std::ptrdiff_t(values.size() * 8 / 10);
  std::nth_element(values.begin(), q, values.end());
  const double paper = std::max(1.0f, *q);
  cv::Mat dark = (paper - patch) / (0.75 * paper);
  cv::min(dark, 1.0, dark);
  cv::max(dark, 0.0, dark);
  cv::Mat sums;
  cv::integral(dark, sums, CV_64F);
  // Mean darkness over [x0, x1) x [y0, y1) in window coordinates, clipped to the window.
  auto mean = [&](int ax, int ay, int bx, int by) {
    ax = std::clamp(ax, 0, dark.cols);
    bx = std::clamp(bx, 0, dark.cols);
    ay = std::clamp(ay, 0, dark.rows);
    by = std::clamp(by, 0, dark.rows);
    if (bx <= ax || by <= ay) return 0.0;
    const double total = sums.at<double>(by, bx) - sums.at<double>(ay, bx) -
                         sums.at<double>(by, ax) + sums.at<double>(ay, ax);
    return total / double((bx - ax) * (by - ay));
  };
  for (const double radius : {0.9 * r, r, 1.1 * r}) {
    const int core = std::max(1, int(std::lround(0.6 * radius)));  // inside the disc
    const int near = int(std::lround(1.35 * radius));              // the ring, from
    const int far = int(std::lround(1.9 * radius));                // to
    const int span = int(std::lround(radius));                     // half its bands' length
    for (int y = std::max(y0, window.y); y <= std::min(y1, window.br().y - 1); ++y) {
      for (int x = std::max(x0, window.x); x <= std::min(x1, window.br().x - 1); ++x) {
        const int cx = x - window.x, cy = y - window.y;
        const double in = mean(cx - core, cy - core, cx + core + 1, cy + core + 1);
        double ring[4] = {mean(cx + near, cy - span, cx + far + 1, cy + span + 1),
                          mean(cx - far, cy - span, cx - near + 1, cy + span + 1),
                          mean(cx - span, cy + near, cx + span + 1, cy + far + 1),
                          mean(cx - span, cy - far, cx + span + 1, cy - near + 1)};
        std::sort(std::begin(ring), std::end(ring));
        const double out = (ring[0] + ring[1] + ring[2]) / 3;
        if (in - out > best.score) best = {in - out, in, out};
      }
    }
  }
  return best;
}

FinishEstimate estimate(const cv::Mat& card) {
  cv::Mat work = card;
  while (work.rows >= 2 * kWorkHeight) {
    cv::Mat half;
    cv::pyrDown(work, half);
    work = half;
  }
  const ColourCopy colour = colour_copy(work, work.rows / kReferenceHeight);
  const cv::Size size = colour.u.size();
  const RegionFoil art = region_foil(colour, {box_rect(size, kArtBox)});
  const RegionFoil body = region_foil(colour, {box_rect(size, kBodyTop), box_rect(size, kBodyLow)});
  cv::Mat gray;
  cv::cvtColor(work, gray, cv::COLOR_RGB2GRAY);
  gray.convertTo(gray, CV_32F);
  const ArtFrame frame = find_art_frame(gray);
  const Stamp stamp = find_stamp(gray, frame.bottom);
  const bool stamp_shaped = stamp.inside >= kStampMinInside && stamp.ring <= kStampMaxRing;
  const double stamp_even = frame.bottom_found ? kStampEven : kFramelessStampEven;

  FinishEstimate out;
  out.art_foil = art.drift.value + art.bend.value;
  out.body_foil = body.drift.value + body.bend.value;
  out.first_edition = std::clamp(stamp.score, 0.0, 1.0);

  // Each region against the other: sensor noise, JPEG and the light are common to both, and
  // the art box's own texture is most of the rest a plain card shows. A reverse holo's art box
  // is plain print, so half its reading is a fair floor for the body; the bend counts less
  // there, as bright panels near clipping bend a little too.
  const double holo_evidence =
      0.7 * excess(art.drift, body.drift, 1) + excess(art.bend, body.bend, 1);
  const double reverse_evidence =
      excess(body.drift, art.drift, 0.5) + 0.2 * excess(body.bend, art.bend, 1);
  // Anchors from generated desk photos (seeds 5 and 11: 356 standard-layout cards, 99 holo,
  // 43 reverse). holo_evidence >= 3.5 was holo 86 times in 100, >= 4 93, >= 5 98; the busiest
  // plain art reached 5.4. reverse_evidence >= 0.5 was a reverse holo 88 times in 100 and
  // >= 0.6 97; plain bodies reached 0.7. With holo_evidence < 2.5 and reverse_evidence < 0.2
  // the card was plain 98 times in 100 (and 63 in 100 plain cards read so). The confidences
  // sit under those rates: the share of foils among real scans is not known, and a wrong hint
  // costs the recognizer more than a missing one.
  const double holo = ramp(holo_evidence, 3.5, 0.5, 4, 0.62, 6, 0.88);
  const double reverse = ramp(reverse_evidence, 0.4, 0.5, 0.55, 0.62, 0.9, 0.88);
  double plain = 0.78 - 0.28 * std::max(ramp(holo_evidence, 2.5, 0, 3.5, 1),
                                        ramp(reverse_evidence, 0.2, 0, 0.4, 1));
  const bool seen =
      art.drift.measured && body.drift.measured && art.bend.measured && body.bend.measured;
  if (!seen) plain = std::min(plain, 0.55);  // part of the card could not be read
  // Readings no plain print reached in either region: foil over the whole card, which is not
  // one of the two printings (and on a full-art card none in particular).
  const bool foil_everywhere = (art.drift.value > 4 || art.bend.value > 7.5) &&
                               (body.drift.value > 2.2 || body.bend.value > 4.5);
  if (foil_everywhere) {
    out.hint = FinishHint::kHolo;
    out.confidence = 0.5;
  } else if (holo_evidence >= 3.5 && holo >= reverse) {
    out.hint = FinishHint::kHolo;
    out.confidence = holo;
  } else if (reverse_evidence >= 0.4) {
    // Foil outside a framed art box is a reverse holo; over a frameless card it is a full-art
    // foil, which the catalog may list as any printing.
    out.hint = frame.found ? FinishHint::kReverseHolo : FinishHint::kHolo;
    out.confidence = reverse;
  } else {
    out.hint = FinishHint::kNormal;
    out.confidence = plain;
  }
  if (!frame.found) out.confidence = std::min(out.confidence, kFramelessCap);

  if (stamp_shaped && stamp.score >= std::max(0.5, stamp_even)) {
    const double first = ramp(stamp.score, 0.5, 0.5, 0.8, 0.88);
    if (first >= 0.6 || first > out.confidence) {
      out.hint = FinishHint::kFirstEdition;
      out.confidence = first;
    }
  }
  out.confidence = std::clamp(out.confidence, 0.0, kMaxConfidence);

  std::array<double, 4>& ll = out.log_likelihood;
  // Also without a frame: foil across a frameless card is a full-art card's, whatever its
  // printing, but full-art cards are nearly all printed holo only, so the readings rarely have
  // printings of one to choose among; a framed card whose frame was missed under its foil
  // (a reverse holo, mostly) has.
  const double h = std::clamp(holo_evidence, kMinEvidence, kMaxEvidence);
  const double r = std::clamp(reverse_evidence, kMinEvidence, kMaxEvidence);
  ll[int(FinishHint::kHolo)] = kHoloPerHoloEvidence * h + kHoloPerReverseEvidence * r + kHoloBias;
  ll[int(FinishHint::kReverseHolo)] =
      kReversePerHoloEvidence * h + kReversePerReverseEvidence * r + kReverseBias;
  out.full_art_log_ratio = frame.found                               ? kFramedFullArtLogRatio
                           : reverse_evidence > kFullArtFoilEvidence ? kFramelessFoiledLogRatio
                                                                     : kFramelessLogRatio;
  // A first edition is a plain or holo card with the stamp.
  ll[int(FinishHint::kFirstEdition)] =
      std::max(ll[int(FinishHint::kNormal)], ll[int(FinishHint::kHolo)]) +
      (stamp_shaped ? std::clamp(kStampPerScore * (stamp.score - stamp_even),
                                 -kMaxStampLogLikelihood, kMaxStampLogLikelihood)
                    : -kMaxStampLogLikelihood);
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
