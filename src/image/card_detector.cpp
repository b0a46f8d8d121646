#include "image/card_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <exception>
#include <new>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/cv_interop.h"
#include "image/quad_fit.h"

namespace cardmint::image {
namespace {

constexpr double kCardAspect = 63.0 / 88.0;
// Colour steps are measured in 8-bit Lab units on the detection copy (about ΔE).
constexpr double kSupportStep = 8;  // a side sample counts as "on an edge" above this
constexpr double kRefineStep = 8;    // weaker steps are ignored when snapping sides
// Bands of this many pixels either side of a line: narrower than a card border at 640 px
// (~6-10 px), so a side's step compares border to desk, not desk to artwork.
constexpr double kDetectBand = 2;
// A peak this fraction of the strongest counts as "nearly as strong" when settling sides outwards.
constexpr double kOuterRatio = 0.5;
// Two rings around a quad whose mean colours differ by less than this look like the same desk.
constexpr double kSameSurfaceStep = 14;

struct Candidate {
  Quad quad{};
  double score = 0;
  double edge = 0;
  double aspect = 0;
  double area = 0;
  double rim_spread = 0;  // largest colour difference between the insides of two sides
};

struct Scene {
  cv::Mat rgb;  // the detection copy
  cv::Mat lab;  // the same, lightly blurred, in 8-bit Lab: steps then read as colour distance
  double min_area = 0;
  double max_area = 0;
};

double percentile(std::vector<float> values, double q) {
  if (values.empty()) return 0;
  const auto k = std::size_t(q * double(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
  return values[k];
}

// Starts the corner list at the corner nearest the image origin so equal quads compare equal.
Quad canonical_order(const Quad& q) {
  const Quad c = clockwise(q);
  int first = 0;
  for (int i = 1; i < 4; ++i) {
    if (c[i].x + c[i].y < c[first].x + c[first].y) first = i;
  }
  return shifted(c, first);
}

bool plausible(const Quad& q, const Scene& scene) {
  if (!is_convex(q)) return false;
  const double area = signed_area(q);
  return area >= scene.min_area && area <= scene.max_area && aspect_ratio(q) >= 0.45 &&
         max_corner_deviation_deg(q) <= 40;
}

void add_candidate(const Quad& q, const Scene& scene, std::vector<Quad>* out) {
  const Quad c = canonical_order(q);
  if (plausible(c, scene)) out->push_back(c);
}

// Rough quads from one region outline: its hull simplified to four vertices (cutting the
// rounded corners), and its minimum-area rectangle for when simplification leaves more.
void add_quads_from_contour(const std::vector<cv::Point>& contour, const Scene& scene,
                            std::vector<Quad>* out) {
  const cv::Rect box = cv::boundingRect(contour);
  if (double(box.width) * box.height < scene.min_area) return;
  std::vector<cv::Point> hull;
  cv::convexHull(contour, hull);
  if (cv::contourArea(hull) < scene.min_area) return;
  const double perimeter = cv::arcLength(hull, true);
  for (double eps : {0.015, 0.03, 0.05}) {
    std::vector<cv::Point> approx;
    cv::approxPolyDP(hull, approx, eps * perimeter, true);
    if (approx.size() == 4) {
      add_candidate({cv::Point2d(approx[0]), cv::Point2d(approx[1]), cv::Point2d(approx[2]),
                     cv::Point2d(approx[3])},
                    scene, out);
      break;
    }
  }
  cv::Point2f r[4];
  cv::minAreaRect(hull).points(r);
  add_candidate({cv::Point2d(r[0]), cv::Point2d(r[1]), cv::Point2d(r[2]), cv::Point2d(r[3])}, scene,
                out);
}

void add_quads_from_mask(const cv::Mat& mask, const Scene& scene, int mode,
                         std::vector<Quad>* out) {
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, mode, cv::CHAIN_APPROX_SIMPLE);
  for (const auto& c : contours) add_quads_from_contour(c, scene, out);
}

// Candidates from colour edges: per pixel the Lab channel with the strongest gradient (so a
// yellow border on beige wood shows even where brightness matches), Canny at two strictness
// levels taken from the photo's own gradient distribution (wood grain raises both), then the
// outlines of the closed edge regions.
void edge_candidates(const Scene& scene, std::vector<Quad>* out) {
  std::vector<cv::Mat> ch;
  cv::split(scene.lab, ch);
  cv::Mat dx(scene.lab.size(), CV_16S, cv::Scalar(0));
  cv::Mat dy(scene.lab.size(), CV_16S, cv::Scalar(0));
  cv::Mat best_mag(scene.lab.size(), CV_32S, cv::Scalar(-1));
  for (const cv::Mat& c : ch) {
    cv::Mat cx;
    cv::Mat cy;
    cv::Sobel(c, cx, CV_16S, 1, 0, 3);
    cv::Sobel(c, cy, CV_16S, 0, 1, 3);
    for (int y = 0; y < c.rows; ++y) {
      const auto* px = cx.ptr<std::int16_t>(y);
      const auto* py = cy.ptr<std::int16_t>(y);
      auto* ox = dx.ptr<std::int16_t>(y);
      auto* oy = dy.ptr<std::int16_t>(y);
      auto* om = best_mag.ptr<std::int32_t>(y);
      for (int x = 0; x < c.cols; ++x) {
        const std::int32_t m = std::int32_t(px[x]) * px[x] + std::int32_t(py[x]) * py[x];
        if (m > om[x]) {
          om[x] = m;
          ox[x] = px[x];
          oy[x] = py[x];
        }
      }
    }
  }
  std::vector<float> mags;
  mags.reserve(std::size_t(best_mag.total() / 9 + 1));
  for (int y = 0; y < best_mag.rows; y += 3) {
    const auto* m = best_mag.ptr<std::int32_t>(y);
    for (int x = 0; x < best_mag.cols; x += 3) mags.push_back(std::sqrt(float(m[x])));
  }
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
  for (double q : {0.90, 0.97}) {
    // Sobel answers ~4x a one-level step; below ~15 Lab units it is noise, not a card side.
    const double high = std::max(60.0, percentile(mags, q));
    cv::Mat edges;
    cv::Canny(dx, dy, edges, 0.4 * high, high, true);
    cv::dilate(edges, edges, kernel);
    add_quads_from_mask(edges, scene, cv::RETR_LIST, out);
  }
}

// Candidates from regions: the distance of each pixel's colour from the desk (the median colour
// of the photo's outer frame), and saturation and lightness, each split by Otsu.
void region_candidates(const Scene& scene, std::vector<Quad>* out) {
  const cv::Mat& lab = scene.lab;
  const int fw = std::max(2, lab.cols / 25);
  const int fh = std::max(2, lab.rows / 25);
  std::array<std::vector<float>, 3> frame;
  for (int y = 0; y < lab.rows; ++y) {
    const auto* row = lab.ptr<cv::Vec3b>(y);
    const bool edge_row = y < fh || y >= lab.rows - fh;
    for (int x = 0; x < lab.cols; ++x) {
      if (!edge_row && x == fw) x = lab.cols - fw;  // skip the interior of the row
      for (int k = 0; k < 3; ++k) frame[k].push_back(row[x][k]);
    }
  }
  const cv::Vec3f desk(float(percentile(frame[0], 0.5)), float(percentile(frame[1], 0.5)),
                       float(percentile(frame[2], 0.5)));
  cv::Mat distance(lab.size(), CV_8U);
  for (int y = 0; y < lab.rows; ++y) {
    const auto* row = lab.ptr<cv::Vec3b>(y);
    auto* d = distance.ptr<std::uint8_t>(y);
    for (int x = 0; x < lab.cols; ++x) {
      const float a = row[x][0] - desk[0];
      const float b = row[x][1] - desk[1];
      const float c = row[x][2] - desk[2];
      d[x] = cv::saturate_cast<std::uint8_t>(2.0f * std::sqrt(a * a + b * b + c * c));
    }
  }
  cv::Mat hsv;
  cv::cvtColor(scene.rgb, hsv, cv::COLOR_RGB2HSV);
  std::vector<cv::Mat> hsv_ch;
  cv::split(hsv, hsv_ch);
  std::vector<cv::Mat> lab_ch;
  cv::split(lab, lab_ch);
  // Square kernels: 4x cheaper than round ones here, and the quads come from hulls anyway.
  const cv::Mat open_k = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5));
  const cv::Mat close_k = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(9, 9));
  for (const cv::Mat* channel : {&distance, &hsv_ch[1], &lab_ch[0]}) {
    cv::Mat mask;
    cv::threshold(*channel, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    for (int polarity = 0; polarity < 2; ++polarity) {
      if (polarity == 1) {
        if (channel == &distance) break;  // "unlike the desk" has one meaning
        cv::bitwise_not(mask, mask);
      }
      cv::Mat clean;
      cv::morphologyEx(mask, clean, cv::MORPH_OPEN, open_k);
      cv::morphologyEx(clean, clean, cv::MORPH_CLOSE, close_k);
      add_quads_from_mask(clean, scene, cv::RETR_EXTERNAL, out);
    }
  }
}

std::vector<Quad> deduplicated(std::vector<Quad> quads, double tolerance_px) {
  std::vector<Quad> out;
  for (const Quad& q : quads) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const Quad& o) {
      for (int i = 0; i < 4; ++i) {
        if (std::hypot(o[i].x - q[i].x, o[i].y - q[i].y) > tolerance_px) return false;
      }
      return true;
    });
    if (!seen) out.push_back(q);
  }
  return out;
}

Candidate score(const Quad& q, const EdgeProbe& probe, const Scene& scene) {
  Candidate c;
  c.quad = q;
  const std::array<EdgeProbe::SideEdge, 4> sides = probe.side_edges(q, kDetectBand, kSupportStep);
  double mean = 0;
  double worst = 1;
  double weakest_step = 1e9;
  double strongest_step = 0;
  for (const EdgeProbe::SideEdge& s : sides) {
    mean += s.support / 4;
    worst = std::min(worst, s.support);
    weakest_step = std::min(weakest_step, s.median_step);
    strongest_step = std::max(strongest_step, s.median_step);
  }
  // A card has four sides, not three and a shadow; and the same border against the same desk
  // gives similar steps on all four. A side much weaker than the others is usually a sleeve's
  // edge or a shadow line that a wrong quad borrowed.
  const double evenness = std::min(1.0, 2.5 * weakest_step / std::max(1.0, strongest_step));
  c.edge = (0.5 * mean + 0.5 * worst) * (0.6 + 0.4 * evenness);
  // The printed border runs all the way round, so just inside a card's four sides the colour is
  // the same. A quad that took the border's inner edge on some sides and the card's edge on
  // others sees face colour on some and border colour on the rest.
  std::array<cv::Vec3d, 4> inside;
  for (int i = 0; i < 4; ++i) inside[i] = probe.mean_along(q, i, -1.5);
  double spread = 0;
  for (int i = 0; i < 4; ++i) {
    for (int j = i + 1; j < 4; ++j) spread = std::max(spread, cv::norm(inside[i] - inside[j]));
  }
  c.rim_spread = spread;
  const double rim = 0.55 + 0.45 * std::exp(-(spread / 40) * (spread / 40));
  c.aspect = aspect_ratio(q);
  c.area = signed_area(q) / (double(scene.lab.cols) * scene.lab.rows);
  // A 15° tilt moves the side ratio by ~4%; 0.12 in log terms leaves room for wide lenses.
  const double aspect_err = std::log(c.aspect / kCardAspect) / 0.12;
  const double angle_err = max_corner_deviation_deg(q) / 30.0;
  c.score = c.edge * rim * std::exp(-aspect_err * aspect_err) * std::exp(-angle_err * angle_err);
  return c;
}

bool contains(const Quad& outer, const Quad& inner) {
  std::vector<cv::Point2f> poly;
  for (const cv::Point2d& p : outer) poly.emplace_back(float(p.x), float(p.y));
  return std::all_of(inner.begin(), inner.end(), [&](const cv::Point2d& p) {
    return cv::pointPolygonTest(poly, cv::Point2f(float(p.x), float(p.y)), true) > -2.0;
  });
}

// True when the gap between `inner` and `outer` (REQUIRES: outer contains inner) is see-through
// (a sleeve over the desk, with some sheen) rather than a printed card border around the inner
// face: the ring just outside `inner` looks like the desk just outside `outer` more than like the
// inside of `inner`. Judged per side, over the sides where the two quads actually differ (a
// quad that snapped to the border's inner edge on two sides shares the other two with the card).
bool gap_is_desk(const EdgeProbe& probe, const Quad& inner, const Quad& outer) {
  int gaps = 0;
  int desk_like = 0;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2d a = inner[i];
    const cv::Point2d b = inner[(i + 1) % 4];
    const cv::Point2d mid = (a + b) * 0.5;
    const cv::Point2d t = (b - a) / std::max(1e-9, cv::norm(b - a));
    const cv::Point2d n(t.y, -t.x);
    int j_best = 0;
    double best_dot = -2;
    for (int j = 0; j < 4; ++j) {
      const cv::Point2d d = outer[(j + 1) % 4] - outer[j];
      const cv::Point2d nj = cv::Point2d(d.y, -d.x) / std::max(1e-9, cv::norm(d));
      if (n.dot(nj) > best_dot) {
        best_dot = n.dot(nj);
        j_best = j;
      }
    }
    const cv::Point2d oa = outer[j_best];
    const cv::Point2d od = outer[(j_best + 1) % 4] - oa;
    const double gap = std::abs(od.x * (mid.y - oa.y) - od.y * (mid.x - oa.x)) /
                       std::max(1e-9, cv::norm(od));
    if (gap < 1.5) continue;  // the same side in both quads
    ++gaps;
    const cv::Vec3d ring = probe.mean_along(inner, i, std::min(2.5, 0.5 * gap));
    const cv::Vec3d desk = probe.mean_along(outer, j_best, 3.5);
    const cv::Vec3d inside = probe.mean_along(inner, i, -2.5);
#ifdef CARDMINT_DETECT_DEBUG
    fprintf(stderr, "gap %.1f: ring-desk %.1f ring-inside %.1f\n", gap, cv::norm(ring - desk),
            cv::norm(ring - inside));
#endif
    if (cv::norm(ring - desk) < std::max(kSameSurfaceStep, 0.35 * cv::norm(ring - inside))) {
      ++desk_like;
    }
  }
  return gaps > 0 && 2 * desk_like >= gaps;
}

// The best candidate, corrected for nesting. Inside a card, a printed border makes the inner face
// a strong card-shaped quad of its own (area ~0.84 of the card), and parts of the layout can
// happen to be card-shaped too; around it, a sleeve makes a faint one (the card is ~0.92 of it).
// So step out to an enclosing candidate across anything but desk (nearly as good when it is
// much larger), then step in from a sleeve to the card inside it.
const Candidate& choose(const std::vector<Candidate>& ranked, const EdgeProbe& probe,
                        double min_score) {
  const Candidate* best = &ranked.front();
  for (int round = 0; round < 3; ++round) {
    const Candidate* next = nullptr;
    for (const Candidate& c : ranked) {  // best first
      if (&c == best || c.score < min_score) continue;
      const double ratio = best->area / c.area;
      const double needed = ratio > 0.70 ? 0.65 : 0.85;
      if (ratio < 0.97 && c.score >= needed * best->score && contains(c.quad, best->quad) &&
          !gap_is_desk(probe, best->quad, c.quad)) {
        next = &c;
        break;
      }
    }
    if (next == nullptr) break;
    best = next;
  }
  for (const Candidate& c : ranked) {
    if (&c == best || c.score < std::max(min_score, 0.5 * best->score)) continue;
    const double ratio = best->area / c.area;
    if (ratio > 1.0 / 0.98 && ratio < 1.0 / 0.80 && contains(best->quad, c.quad) &&
        gap_is_desk(probe, c.quad, best->quad)) {
      return c;  // best was a sleeve; c is the card inside it
    }
  }
  return *best;
}

// The detection copy and the map from its pixel centres back to the photo's: p = s * q + o.
struct Downscaled {
  cv::Mat rgb;
  double sx = 1, sy = 1, ox = 0, oy = 0;

  Quad to_photo(const Quad& q) const {
    Quad out;
    for (int i = 0; i < 4; ++i) out[i] = {sx * q[i].x + ox, sy * q[i].y + oy};
    return out;
  }
};

// Halves with pyrDown while that stays above the target (a Gaussian and a decimation: fast, and
// free of aliasing), then a bilinear step for the rest. cv::resize's INTER_AREA takes ~9 ms for
// the 2.5x of a 1600x1200 photo; this takes ~2.
Downscaled downscale(const cv::Mat& full, int max_side) {
  Downscaled d;
  d.rgb = full;
  while (std::max(d.rgb.cols, d.rgb.rows) >= 2 * max_side) {
    cv::Mat half;
    cv::pyrDown(d.rgb, half);
    d.rgb = half;
    d.sx *= 2;  // pyrDown's pixel i is centred on input pixel 2i
    d.sy *= 2;
  }
  const int longest = std::max(d.rgb.cols, d.rgb.rows);
  if (longest > max_side) {
    const double f = double(max_side) / longest;
    const cv::Size size(std::max(1, int(std::lround(d.rgb.cols * f))),
                        std::max(1, int(std::lround(d.rgb.rows * f))));
    const double rx = double(d.rgb.cols) / size.width;
    const double ry = double(d.rgb.rows) / size.height;
    cv::Mat small;
    cv::resize(d.rgb, small, size, 0, 0, cv::INTER_LINEAR);
    d.rgb = small;
    // Bilinear resize: input x = (x' + 0.5) * r - 0.5.
    d.ox = d.sx * (0.5 * rx - 0.5);
    d.oy = d.sy * (0.5 * ry - 0.5);
    d.sx *= rx;
    d.sy *= ry;
  }
  return d;
}

// Provisional order: a short side first, the higher of the two short sides as the top.
Quad provisional_order(const Quad& q) {
  Quad c = short_side_first(clockwise(q));
  const double top = c[0].y + c[1].y;
  const double bottom = c[2].y + c[3].y;
  if (bottom < top - 1e-6) c = shifted(c, 2);
  return c;
}

#ifdef CARDMINT_DETECT_DEBUG
struct Tick {
  std::chrono::steady_clock::time_point t = std::chrono::steady_clock::now();
  void operator()(const char* what) {
    auto n = std::chrono::steady_clock::now();
    fprintf(stderr, "  %s %.2f ms\n", what, std::chrono::duration<double, std::milli>(n - t).count());
    t = n;
  }
};
#else
struct Tick { void operator()(const char*) {} };
#endif

Result<CardQuad> find_card_impl(const RgbImage& photo, const CardDetectorOptions& options) {
  Tick tick;
  const cv::Mat full = view_of(photo);
  const Downscaled small = downscale(full, std::max(64, options.detect_max_side_px));
  Scene scene;
  scene.rgb = small.rgb;
  cv::cvtColor(scene.rgb, scene.lab, cv::COLOR_RGB2Lab);
  cv::GaussianBlur(scene.lab, scene.lab, cv::Size(5, 5), 1.0);
  const double image_area = double(scene.lab.cols) * scene.lab.rows;
  scene.min_area = options.min_area_fraction * image_area;
  scene.max_area = 0.97 * image_area;

  tick("prep");
  std::vector<Quad> rough;
  edge_candidates(scene, &rough);
  tick("edges");
  region_candidates(scene, &rough);
  tick("regions");
  const double diagonal = std::hypot(scene.lab.cols, scene.lab.rows);
  rough = deduplicated(std::move(rough), 0.01 * diagonal);
  if (rough.empty()) {
    return Status::not_found(fmt::format(
        "no card-shaped quadrilateral found: no outline covering {:.0f}% or more of the photo "
        "with a plausible shape",
        100 * options.min_area_fraction));
  }

  const EdgeProbe probe(scene.lab);
  std::vector<Quad> refined;
  // Each rough quad is snapped twice: onto the strongest step near each side, and onto the
  // outermost strong one. Near a border both the card's edge and the border's inner edge are in
  // reach, and which is stronger can differ from side to side; scoring picks the consistent one.
  for (const Quad& q : rough) {
    for (double outer : {0.0, kOuterRatio}) {
      std::optional<Quad> r = probe.refine(q, 6, kDetectBand, kRefineStep, outer);
      if (r) r = probe.refine(canonical_order(*r), 2, kDetectBand, kRefineStep, outer);
      const Quad use = r ? canonical_order(*r) : q;
      if (plausible(use, scene)) refined.push_back(use);
    }
  }
  tick("refine");
#ifdef CARDMINT_DETECT_DEBUG
  fprintf(stderr, "  rough %zu refined %zu\n", rough.size(), refined.size());
#endif
  refined = deduplicated(std::move(refined), 0.005 * diagonal);
  std::vector<Candidate> ranked;
  for (const Quad& q : refined) ranked.push_back(score(q, probe, scene));
  if (ranked.empty()) {
    return Status::not_found("no card-shaped quadrilateral found: outlines lost their shape "
                             "when fitted to the edges");
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
#ifdef CARDMINT_DETECT_DEBUG
  for (const Candidate& c : ranked) fprintf(stderr, "cand score %.3f rim %.0f edge %.2f aspect %.3f area %.3f  (%.0f,%.0f) (%.0f,%.0f) (%.0f,%.0f) (%.0f,%.0f)\n", c.score, c.rim_spread, c.edge, c.aspect, c.area, c.quad[0].x, c.quad[0].y, c.quad[1].x, c.quad[1].y, c.quad[2].x, c.quad[2].y, c.quad[3].x, c.quad[3].y);
#endif
#ifdef CARDMINT_DETECT_DEBUG
  {
    cv::Mat dbg;
    cv::cvtColor(scene.rgb, dbg, cv::COLOR_RGB2BGR);
    cv::resize(dbg, dbg, cv::Size(), 2, 2, cv::INTER_LINEAR);
    const cv::Scalar colours[] = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}, {0, 255, 255}};
    for (std::size_t k = 0; k < std::min<std::size_t>(4, ranked.size()); ++k) {
      for (int i = 0; i < 4; ++i) {
        cv::line(dbg, ranked[k].quad[i] * 2, ranked[k].quad[(i + 1) % 4] * 2, colours[k], 1);
      }
    }
    cv::imwrite("/tmp/cm/dbg_candidates.png", dbg);
  }
#endif
  const Candidate& top = ranked.front();
  if (top.score < options.min_score) {
    return Status::not_found(fmt::format(
        "no card-shaped quadrilateral found: best of {} candidates scored {:.2f} < {:.2f} "
        "(side ratio {:.2f}, card is {:.2f}; edge support {:.2f}; {:.0f}% of the photo)",
        ranked.size(), top.score, options.min_score, top.aspect, kCardAspect, top.edge,
        100 * top.area));
  }
  const Candidate& chosen = choose(ranked, probe, options.min_score);

  Quad q = small.to_photo(chosen.quad);
#ifdef CARDMINT_DETECT_DEBUG
  fprintf(stderr, "before full-res: (%.1f,%.1f) (%.1f,%.1f) (%.1f,%.1f) (%.1f,%.1f)\n", q[0].x, q[0].y, q[1].x, q[1].y, q[2].x, q[2].y, q[3].x, q[3].y);
#endif
  if (small.sx > 1.0) {
    // The detection copy leaves each corner within ~sx px; snap the sides on full pixels.
    const EdgeProbe fine(full);
    const double search = 3 * small.sx + 2;
    if (std::optional<Quad> r = fine.refine(q, search, 3, kRefineStep)) {
      if (std::optional<Quad> r2 = fine.refine(*r, 2, 3, kRefineStep)) r = r2;
      q = *r;
    }
  }
  tick("score+full");
  q = provisional_order(q);
  CardQuad out;
  for (int i = 0; i < 4; ++i) out.corners[i] = {q[i].x, q[i].y};
  out.score = std::clamp(chosen.score, 0.0, 1.0);
  return out;
}

}  // namespace

Result<CardQuad> find_card(const RgbImage& photo, const CardDetectorOptions& options) {
  if (Status s = check_rgb_image(photo, "photo"); !s.ok()) return s;
  if (photo.width < 16 || photo.height < 16) {
    return Status::invalid_input(
        fmt::format("photo is {}x{}, too small to hold a card", photo.width, photo.height));
  }
  try {
    return find_card_impl(photo, options);
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("card detection failed in OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return Status::internal(
        fmt::format("out of memory detecting a card in a {}x{} photo", photo.width, photo.height));
  }
}

}  // namespace cardmint::image
