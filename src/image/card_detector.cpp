#include "image/card_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <iterator>
#include <new>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "image/card_candidates.h"
#include "image/cv_interop.h"
#include "image/quad_fit.h"

namespace cardmint::image {
namespace {

// A peak this fraction of the strongest counts as "nearly as strong" when snapping sides outwards.
constexpr double kOuterRatio = 0.5;
// Straight edges: the longest lines kept, and the outlines from them offered besides the others.
constexpr std::size_t kMaxEdgeLines = 12;
constexpr std::size_t kMaxLineAlternatives = 1;
constexpr std::size_t kMaxLineQuads = 6;
// Region masks are also opened this share of the detection copy's short side (12 px of 480):
// on generated photos (six seeds, 900 cards) it freed a card from a cable and a sheet of paper
// touching it and moved one outline from the border's inner edge to the card's, and took none
// away; at 0.04 it cut the card itself on three.
constexpr double kDetachShare = 0.025;
// CardDetectorOptions::rank_straight_edge_outlines: the most card-shaped this many are ranked.
constexpr std::size_t kMaxRankedLineQuads = 24;

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
// rounded corners), or every four of five to eight vertices, and its minimum-area rectangle.
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
    const int n = int(approx.size());
    if (n == 4) {
      add_candidate({cv::Point2d(approx[0]), cv::Point2d(approx[1]), cv::Point2d(approx[2]),
                     cv::Point2d(approx[3])},
                    scene, out);
      break;
    }
    // Something touching the card (a pen, a cable, a finger) adds hull vertices; the card is
    // then four of them. Few enough to try every choice (at most 70).
    if (n > 4 && n <= 8 && eps >= 0.03) {
      for (int a = 0; a < n; ++a) {
        for (int b = a + 1; b < n; ++b) {
          for (int c = b + 1; c < n; ++c) {
            for (int d = c + 1; d < n; ++d) {
              add_candidate({cv::Point2d(approx[a]), cv::Point2d(approx[b]), cv::Point2d(approx[c]),
                             cv::Point2d(approx[d])},
                            scene, out);
            }
          }
        }
      }
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

// A straight line through the detection copy: unit normal (nx, ny) and offset rho (n·p = rho),
// with the length of the edge segments on it.
struct EdgeLine {
  double nx = 0, ny = 0, rho = 0;
  double support = 0;
};

std::optional<cv::Point2d> crossing(const EdgeLine& a, const EdgeLine& b) {
  const double det = a.nx * b.ny - a.ny * b.nx;
  if (std::abs(det) < 1e-6) return std::nullopt;
  return cv::Point2d((a.rho * b.ny - a.ny * b.rho) / det, (a.nx * b.rho - a.rho * b.nx) / det);
}

// Quads from straight edges: a card's sides are long straight edges even where desk print
// crosses them (marble veins, a cable) and no closed edge region follows the card all round.
// Long segments are merged into lines; every two near-parallel pairs of lines, a card's width
// apart, crossing near right angles make a quad.
std::vector<Quad> line_quads(const cv::Mat& edges, const Scene& scene) {
  const double short_side = std::min(edges.cols, edges.rows);
  std::vector<cv::Vec4i> segments;
  cv::HoughLinesP(edges, segments, 1, CV_PI / 180, int(0.1 * short_side), 0.15 * short_side,
                  0.02 * short_side);
  std::vector<EdgeLine> lines;
  const double same_direction = std::cos(3 * CV_PI / 180);
  for (const cv::Vec4i& seg : segments) {
    const double dx = seg[2] - seg[0], dy = seg[3] - seg[1];
    const double length = std::hypot(dx, dy);
    if (length <= 0) continue;
    EdgeLine l{-dy / length, dx / length, 0, length};
    l.rho = l.nx * seg[0] + l.ny * seg[1];
    const double mid_x = (seg[0] + seg[2]) / 2.0, mid_y = (seg[1] + seg[3]) / 2.0;
    auto same_line = [&](const EdgeLine& m) {
      return std::abs(m.nx * l.nx + m.ny * l.ny) > same_direction &&
             std::abs(m.nx * mid_x + m.ny * mid_y - m.rho) < 0.015 * short_side;
    };
    const auto it = std::find_if(lines.begin(), lines.end(), same_line);
    if (it != lines.end()) {
      it->support += length;
    } else {
      lines.push_back(l);
    }
  }
  std::sort(lines.begin(), lines.end(),
            [](const EdgeLine& a, const EdgeLine& b) { return a.support > b.support; });
  if (lines.size() > kMaxEdgeLines) lines.resize(kMaxEdgeLines);
  std::vector<std::pair<std::size_t, std::size_t>> sides;  // near-parallel, a card apart
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      const EdgeLine &a = lines[i], &b = lines[j];
      if (std::abs(a.nx * b.nx + a.ny * b.ny) < std::cos(20 * CV_PI / 180)) continue;
      const double sign = a.nx * b.nx + a.ny * b.ny > 0 ? 1 : -1;
      if (std::abs(a.rho - sign * b.rho) < 0.15 * short_side) continue;
      sides.emplace_back(i, j);
    }
  }
  std::vector<Quad> out;
  for (std::size_t p = 0; p < sides.size(); ++p) {
    for (std::size_t q = p + 1; q < sides.size(); ++q) {
      const EdgeLine &a = lines[sides[p].first], &b = lines[sides[p].second];
      const EdgeLine &c = lines[sides[q].first], &d = lines[sides[q].second];
      if (std::abs(a.nx * c.nx + a.ny * c.ny) > std::cos(60 * CV_PI / 180)) continue;
      const auto c0 = crossing(a, c), c1 = crossing(c, b), c2 = crossing(b, d), c3 = crossing(d, a);
      if (c0 && c1 && c2 && c3) add_candidate({*c0, *c1, *c2, *c3}, scene, &out);
    }
  }
  return out;
}

// Candidates from colour edges: per pixel the Lab channel with the strongest gradient (so a
// yellow border on beige wood shows even where brightness matches), Canny at two strictness
// levels taken from the photo's own gradient distribution (wood grain raises both), then the
// outlines of the closed edge regions.
void edge_candidates(const Scene& scene, std::vector<Quad>* out, cv::Mat* line_edges) {
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
    if (q == 0.90) edges.copyTo(*line_edges);
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
  const int detach = std::max(7, int(std::lround(kDetachShare * std::min(lab.cols, lab.rows))));
  const cv::Mat detach_k = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(detach, detach));
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
      // Things lying against the card (a cable, a sheet of paper under it) join its region,
      // and their hull is no card shape; opened wider, the region loses them.
      cv::Mat detached;
      cv::morphologyEx(clean, detached, cv::MORPH_OPEN, detach_k);
      add_quads_from_mask(detached, scene, cv::RETR_EXTERNAL, out);
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

// `q` snapped onto the steps within `search_px` of its sides, then settled within 2 px;
// nullopt when its sides found no steps.
std::optional<Quad> snapped(const EdgeProbe& probe, const Quad& q, double search_px, double outer) {
  std::optional<Quad> r = probe.refine(q, search_px, kDetectBand, kRefineStep, outer);
  if (r) r = probe.refine(canonical_order(*r), 2, kDetectBand, kRefineStep, outer);
  if (r) r = canonical_order(*r);
  return r;
}

// Side ratio closer to a card's.
bool more_card_shaped(const Quad& a, const Quad& b) {
  return std::abs(std::log(aspect_ratio(a) / kCardAspect)) <
         std::abs(std::log(aspect_ratio(b) / kCardAspect));
}

// Provisional order: a short side first, the higher of the two short sides as the top.
Quad provisional_order(const Quad& q) {
  Quad c = short_side_first(clockwise(q));
  const double top = c[0].y + c[1].y;
  const double bottom = c[2].y + c[3].y;
  if (bottom < top - 1e-6) c = shifted(c, 2);
  return c;
}

CardQuad card_quad_of(const Quad& q, double score) {
  CardQuad out;
  for (int i = 0; i < 4; ++i) out.corners[i] = {q[i].x, q[i].y};
  out.score = score;
  return out;
}

// The card around `outline` were it a part of the card's layout: its art box, alone or with the
// name band above it, or the card below the art box. A white or silver card on pale cloth shows
// too faint an edge to outline, while the art frame's is strong. Where the standard layouts
// print them (fractions of the card; a few percent either way between eras), for each way up
// the part may lie; only cards inside the photo. The outline's long side is the card's width.
// Read, they tell whether the outline was the card.
std::vector<Quad> cards_around_layout_part(const Quad& outline, const cv::Size& photo) {
  struct Part {
    double x0, x1, y0, y1;
  };
  constexpr Part kParts[] = {{0.087, 0.913, 0.105, 0.47},  // the art box
                             {0.087, 0.913, 0.03, 0.47},   // with the name band
                             {0.0, 1.0, 0.47, 1.0}};       // the card below the art box
  const double slack = 0.02 * std::max(photo.width, photo.height);
  std::vector<Quad> out;
  // Unit square to the outline: v along a short side (down the card), u along a long side.
  const Quad q = short_side_first(clockwise(outline));
  const cv::Point2f unit[4] = {{0, 0}, {0, 1}, {1, 1}, {1, 0}};
  const cv::Point2f corners[4] = {cv::Point2f(q[0]), cv::Point2f(q[1]), cv::Point2f(q[2]),
                                  cv::Point2f(q[3])};
  const cv::Mat to_photo = cv::getPerspectiveTransform(unit, corners);
  for (const Part& part : kParts) {
    const double across = part.x1 - part.x0, down = part.y1 - part.y0;
    const double u0 = -part.x0 / across, u1 = (1 - part.x0) / across;
    for (const bool part_on_top : {true, false}) {
      const double v0 = part_on_top ? -part.y0 / down : 1 - (1 - part.y0) / down;
      const double v1 = part_on_top ? (1 - part.y0) / down : 1 + part.y0 / down;
      const std::vector<cv::Point2d> card = {{u0, v0}, {u0, v1}, {u1, v1}, {u1, v0}};
      std::vector<cv::Point2d> mapped;
      cv::perspectiveTransform(card, mapped, to_photo);
      Quad around;
      bool inside = true;
      for (int i = 0; i < 4; ++i) {
        around[i] = mapped[std::size_t(i)];
        inside = inside && around[i].x >= -slack && around[i].y >= -slack &&
                 around[i].x <= photo.width + slack && around[i].y <= photo.height + slack;
      }
      if (!inside || !is_usable_card_quad(clockwise(around))) continue;
      out.push_back(provisional_order(around));
    }
  }
  return out;
}

Result<CardOutlines> find_card_impl(const RgbImage& photo, const CardDetectorOptions& options) {
  const cv::Mat full = view_of(photo);
  const Downscaled small = downscale(full, std::max(64, options.detect_max_side_px));
  Scene scene;
  scene.rgb = small.rgb;
  cv::cvtColor(scene.rgb, scene.lab, cv::COLOR_RGB2Lab);
  cv::GaussianBlur(scene.lab, scene.lab, cv::Size(5, 5), 1.0);
  const double image_area = double(scene.lab.cols) * scene.lab.rows;
  scene.min_area = options.min_area_fraction * image_area;
  scene.max_area = 0.97 * image_area;
  std::vector<Quad> rough;
  cv::Mat line_edges;
  edge_candidates(scene, &rough, &line_edges);
  region_candidates(scene, &rough);
  const double diagonal = std::hypot(scene.lab.cols, scene.lab.rows);
  rough = deduplicated(std::move(rough), 0.015 * diagonal);
  // Snapping costs ~0.2 ms a quad; keep the most card-shaped rough quads (stable order, so the
  // generators' own order breaks ties).
  const std::size_t kMaxRough = static_cast<std::size_t>(std::max(1, options.max_outlines));
  if (rough.size() > kMaxRough) {
    std::stable_sort(rough.begin(), rough.end(), more_card_shaped);
    rough.resize(kMaxRough);
  }
  if (rough.empty()) {
    return Status::not_found(fmt::format(
        "no card-shaped quadrilateral found: no outline covering {:.0f}% or more of the photo "
        "with a plausible shape",
        100 * options.min_area_fraction));
  }

  const EdgeProbe probe(scene.lab);
  std::vector<Quad> refined;
  // Each rough quad is snapped onto the strongest step near each side, and onto the outermost
  // strong one. Near a border both the card's edge and the border's inner edge are in
  // reach, and which is stronger can differ from side to side; scoring picks the consistent one.
  // A third, wider pass catches rough quads that one side's clutter (a cable, a dark corner of
  // art against a dark desk) pulled a little further off.
  struct Pass {
    double search_px;
    double outer;
  };
  for (const Quad& q : rough) {
    bool settled = false;  // the first pass already sits on four well-supported sides
    for (const Pass pass : {Pass{6, 0.0}, Pass{6, kOuterRatio}, Pass{12, 0.0}}) {
      if (pass.search_px > 6 && settled) break;
      const std::optional<Quad> r = snapped(probe, q, pass.search_px, pass.outer);
      const Quad use = r ? *r : q;
      if (!plausible(use, scene)) continue;
      refined.push_back(use);
      if (pass.outer == 0.0 && r) {
        const auto sides = probe.side_edges(use, kDetectBand, kSupportStep);
        settled = std::all_of(sides.begin(), sides.end(),
                              [](const EdgeProbe::SideEdge& e) { return e.support >= 0.9; });
      }
    }
  }
  refined = deduplicated(std::move(refined), 0.005 * diagonal);
  std::vector<Candidate> ranked;
  for (const Quad& q : refined) ranked.push_back(score_candidate(q, probe));
  // Straight-edge outlines (~4 ms for the lines), the most card-shaped `max` of `quads`; each
  // costs a snap (~0.2 ms).
  std::optional<std::vector<Quad>> edge_lines;
  auto line_candidates = [&](auto keep, std::size_t max) {
    if (!edge_lines) edge_lines = line_quads(line_edges, scene);
    std::vector<Quad> quads;
    std::copy_if(edge_lines->begin(), edge_lines->end(), std::back_inserter(quads), keep);
    quads = deduplicated(std::move(quads), 0.015 * diagonal);
    std::stable_sort(quads.begin(), quads.end(), more_card_shaped);
    if (quads.size() > max) quads.resize(max);
    std::vector<Candidate> out;
    for (const Quad& q : quads) {
      const Quad use = snapped(probe, q, 6, 0.0).value_or(q);
      if (plausible(use, scene)) out.push_back(score_candidate(use, probe));
    }
    return out;
  };
  if (options.rank_straight_edge_outlines) {
    const std::vector<Candidate> lined =
        line_candidates([](const Quad&) { return true; }, kMaxRankedLineQuads);
    ranked.insert(ranked.end(), lined.begin(), lined.end());
  }
  if (ranked.empty()) {
    return Status::not_found(
        "no card-shaped quadrilateral found: outlines lost their shape "
        "when fitted to the edges");
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  const Candidate& top = ranked.front();
  // The rim colour only ranks look-alikes of one card; whether there is a card at all is down to
  // shape and edges, so a full-art card (no border, a changing rim) is not turned away for it.
  if (top.shape_score < options.min_score) {
    return Status::not_found(fmt::format(
        "no card-shaped quadrilateral found: best of {} candidates scored {:.2f} < {:.2f} "
        "(side ratio {:.2f}, card is {:.2f}; edge support {:.2f}; {:.0f}% of the photo)",
        ranked.size(), top.shape_score, options.min_score, top.aspect, kCardAspect, top.edge,
        100 * top.area));
  }
  Candidate chosen = choose_card(ranked, probe, options.min_score);
  if (std::optional<Quad> wider = widen_to_card_edge(chosen, ranked, probe)) {
    const Candidate c = score_candidate(*wider, probe);
    if (c.score >= 0.8 * chosen.score) chosen = c;
  }

  // The outline in photo pixels, its sides refined on the full-resolution photo; nullopt for one
  // the rectifier would refuse (in a photo of a few dozen pixels, 3% of it is a speck).
  const EdgeProbe fine(full);
  auto in_photo = [&](const Candidate& c) -> std::optional<CardQuad> {
    Quad q = small.to_photo(c.quad);
    if (small.sx > 1.0) {
      // Reach past the detection copy's error, but not to the border's inner edge, which sits
      // ~4.5% of the card's width inside its edge.
      const double short_side = std::min(cv::norm(q[1] - q[0]), cv::norm(q[2] - q[1]));
      const double search = std::min(3 * small.sx + 2, std::max(small.sx + 1, 0.02 * short_side));
      if (std::optional<Quad> r = fine.refine(q, search, 3, kRefineStep)) {
        if (std::optional<Quad> r2 = fine.refine(*r, 2, 3, kRefineStep)) r = r2;
        q = *r;
      }
    }
    q = provisional_order(q);
    if (!is_usable_card_quad(q)) return std::nullopt;
    return card_quad_of(q,
                        std::clamp(c.shape_score, 0.0, 1.0));  // the measure min_score was held to
  };
  std::optional<CardQuad> card = in_photo(chosen);
  if (!card) {
    return Status::not_found(
        "no card-shaped quadrilateral found: the best outline is too small to hold a card");
  }
  CardOutlines out;
  out.card = *card;
  const std::size_t max_alternatives = std::size_t(std::max(0, options.max_alternatives));
  std::vector<Candidate> others =
      larger_alternatives(ranked, chosen, options.min_score, max_alternatives);
  if (max_alternatives > 0) {
    // Outlines from straight edges, only ever offered to be read: ranked with the others they
    // out-scored the card with a part of it about as often as they found a missed card (6
    // against 5 of 150 generated photos, seed 83).
    std::vector<Candidate> lined = others;
    const std::size_t from = lined.size();
    // Only outlines clearly larger than the card chosen can be offered (larger_alternatives),
    // and snapping costs ~0.2 ms each: the few most card-shaped of those.
    const std::vector<Candidate> larger = line_candidates(
        [&](const Quad& q) {
          return signed_area(q) * kLargerOutlineAreaShare >= chosen.area * image_area;
        },
        kMaxLineQuads);
    lined.insert(lined.end(), larger.begin(), larger.end());
    std::stable_sort(lined.begin() + std::ptrdiff_t(from), lined.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    others = larger_alternatives(lined, chosen, options.min_score, from + kMaxLineAlternatives);
  }
  for (const Candidate& c : others) {
    if (std::optional<CardQuad> other = in_photo(c)) out.alternatives.push_back(*other);
  }
  if (max_alternatives > 0) {
    Quad chosen_in_photo;
    for (int i = 0; i < 4; ++i) chosen_in_photo[i] = {card->corners[i].x, card->corners[i].y};
    for (const Quad& around : cards_around_layout_part(chosen_in_photo, full.size()))
      out.alternatives.push_back(card_quad_of(around, card->score));
  }
  return out;
}

}  // namespace

Result<CardQuad> find_card(const RgbImage& photo, const CardDetectorOptions& options) {
  CardDetectorOptions card_only = options;
  card_only.max_alternatives = 0;
  Result<CardOutlines> found = find_card_outlines(photo, card_only);
  if (!found.ok()) return found.status();
  return found->card;
}

Result<CardOutlines> find_card_outlines(const RgbImage& photo, const CardDetectorOptions& options) {
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
