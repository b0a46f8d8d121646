#include "image/card_candidates.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <vector>

namespace cardmint::image {
namespace {

// Two rings around a quad whose mean colours differ by less than this look like the same desk.
constexpr double kSameSurfaceStep = 14;
// Two patches of one printed border differ by less than this (light and glare vary across it).
constexpr double kSameInkStep = 25;

// Colour distance between two patches of what may be one printed ink: lightness counts half,
// because light falls unevenly across a card (a gradient, a glare) while hue does not change.
double ink_distance(const cv::Vec3d& a, const cv::Vec3d& b) {
  const cv::Vec3d d = a - b;
  return std::sqrt(0.25 * d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
}

cv::Point2d unit(cv::Point2d v) { return v / std::max(1e-9, std::hypot(v.x, v.y)); }

// True when, across a side, the band between a side and a line further out looks like the
// desk beyond that line more than like the inside of the side.
bool band_is_desk(const cv::Vec3d& band, const cv::Vec3d& beyond, const cv::Vec3d& inside) {
  return cv::norm(band - beyond) < std::max(kSameSurfaceStep, 0.35 * cv::norm(band - inside));
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
    const cv::Point2d t = unit(b - a);
    const cv::Point2d n(t.y, -t.x);
    int j_best = 0;
    double best_dot = -2;
    for (int j = 0; j < 4; ++j) {
      const cv::Point2d d = outer[(j + 1) % 4] - outer[j];
      const cv::Point2d nj = unit(cv::Point2d(d.y, -d.x));
      if (n.dot(nj) > best_dot) {
        best_dot = n.dot(nj);
        j_best = j;
      }
    }
    const cv::Point2d oa = outer[j_best];
    const cv::Point2d od = outer[(j_best + 1) % 4] - oa;
    const double gap =
        std::abs(od.x * (mid.y - oa.y) - od.y * (mid.x - oa.x)) / std::max(1e-9, cv::norm(od));
    if (gap < 1.5) continue;  // the same side in both quads
    ++gaps;
    const cv::Vec3d ring = probe.mean_along(inner, i, std::min(2.5, 0.5 * gap));
    const cv::Vec3d desk = probe.mean_along(outer, j_best, 3.5);
    const cv::Vec3d inside = probe.mean_along(inner, i, -2.5);
    if (band_is_desk(ring, desk, inside)) ++desk_like;
  }
  return gaps > 0 && 2 * desk_like >= gaps;
}

}  // namespace

Candidate score_candidate(const Quad& q, const EdgeProbe& probe) {
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
  // 3 px in: clear of the blurred edge itself, still inside a border at the detection scale.
  for (int i = 0; i < 4; ++i) inside[i] = probe.mean_along(q, i, -3.0);
  double spread = 0;
  for (int i = 0; i < 4; ++i) {
    for (int j = i + 1; j < 4; ++j) spread = std::max(spread, cv::norm(inside[i] - inside[j]));
  }
  c.rim_spread = spread;
  const double rim = 0.55 + 0.45 * std::exp(-(spread / 40) * (spread / 40));
  c.aspect = aspect_ratio(q);
  c.area = signed_area(q) / (double(probe.image().cols) * probe.image().rows);
  // A 15° tilt moves the side ratio by ~4%; 0.12 in log terms leaves room for wide lenses.
  const double aspect_err = std::log(c.aspect / kCardAspect) / 0.12;
  const double angle_err = max_corner_deviation_deg(q) / 30.0;
  c.shape_score = c.edge * std::exp(-aspect_err * aspect_err) * std::exp(-angle_err * angle_err);
  c.score = c.shape_score * rim;
  return c;
}

// Inside a card, a printed border makes the inner face a strong card-shaped quad of its own
// (area ~0.84 of the card), and parts of the layout can happen to be card-shaped too; around it,
// a sleeve makes a faint one (the card is ~0.92 of it). So step out to an enclosing candidate
// across anything but desk (nearly as good when it is much larger), then step in from a sleeve
// to the card inside it.
const Candidate& choose_card(const std::vector<Candidate>& ranked, const EdgeProbe& probe,
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

std::vector<Candidate> larger_alternatives(const std::vector<Candidate>& ranked,
                                           const Candidate& chosen, double min_score,
                                           std::size_t max) {
  // Two outlines whose areas differ by less than this, one around the other, are the same card.
  constexpr double kSameOutlineShare = 0.9;
  std::vector<Candidate> out;
  for (const Candidate& c : ranked) {  // best first
    if (out.size() >= max) break;
    if (c.shape_score < min_score || chosen.area >= kLargerOutlineAreaShare * c.area) continue;
    const bool repeat = std::any_of(out.begin(), out.end(), [&](const Candidate& o) {
      const double share = std::min(o.area, c.area) / std::max(o.area, c.area);
      return share >= kSameOutlineShare && (contains(o.quad, c.quad) || contains(c.quad, o.quad));
    });
    if (!repeat) out.push_back(c);
  }
  return out;
}

std::optional<Quad> widen_to_card_edge(const Candidate& chosen,
                                       const std::vector<Candidate>& ranked,
                                       const EdgeProbe& probe) {
  const Quad& q = chosen.quad;
  const double short_side = std::min(cv::norm(q[1] - q[0]) + cv::norm(q[3] - q[2]),
                                     cv::norm(q[2] - q[1]) + cv::norm(q[0] - q[3])) /
                            2;
  // A border is 3-5% of the card's width; a sleeve or shadow further out is not a border.
  const double max_offset = 0.08 * short_side;
  const double min_cos = std::cos(4.0 * CV_PI / 180.0);
  std::vector<std::array<EdgeProbe::SideEdge, 4>> sides(ranked.size());
  std::vector<bool> measured(ranked.size(), false);

  struct Move {
    cv::Point2d point, dir;
    double offset = 0;
    cv::Vec3d band;
  };
  std::array<std::optional<Move>, 4> moves;
  std::array<cv::Vec3d, 4> inside;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2d a = q[i];
    const cv::Point2d b = q[(i + 1) % 4];
    const double len = cv::norm(b - a);
    const cv::Point2d t = unit(b - a);
    const cv::Point2d n(t.y, -t.x);
    inside[i] = probe.mean_along(q, i, -2.5);
    for (std::size_t k = 0; k < ranked.size(); ++k) {
      const Candidate& c = ranked[k];
      // `chosen` itself drops out below: its own sides sit at offset 0.
      if (c.score < 0.15) continue;
      for (int j = 0; j < 4; ++j) {
        const cv::Point2d ca = c.quad[j];
        const cv::Point2d dj = unit(c.quad[(j + 1) % 4] - ca);
        if (n.dot(cv::Point2d(dj.y, -dj.x)) < min_cos) continue;
        const cv::Point2d mid = (ca + c.quad[(j + 1) % 4]) * 0.5;
        const double offset = n.dot(mid - a);
        const double along = t.dot(mid - a);
        if (offset < 1.5 || offset > max_offset || along < 0.2 * len || along > 0.8 * len) continue;
        if (moves[i] && offset <= moves[i]->offset) continue;  // keep the outermost
        if (!measured[k]) {
          sides[k] = probe.side_edges(c.quad, kDetectBand, kSupportStep);
          measured[k] = true;
        }
        if (sides[k][j].support < 0.6) continue;
        // The band crossed must be one printed colour (a border, not border then shadow) and
        // not the desk (a sleeve's margin).
        const cv::Vec3d near = probe.mean_along(q, i, 0.3 * offset);
        const cv::Vec3d far = probe.mean_along(q, i, 0.7 * offset);
        if (ink_distance(near, far) > kSameInkStep) continue;
        const cv::Vec3d band = (near + far) * 0.5;
        if (band_is_desk(band, probe.mean_along(c.quad, j, 2.5), inside[i])) continue;
        moves[i] = Move{ca, dj, offset, band};
      }
    }
  }
  // A border has one colour all round: the bands crossed must match each other and match the
  // inside of the sides that stay (those already sit on the card's edge).
  int moved = 0;
  cv::Vec3d kept(0, 0, 0);
  for (int i = 0; i < 4; ++i) {
    if (moves[i]) {
      ++moved;
    } else {
      kept += inside[i];
    }
  }
  if (moved == 0) return std::nullopt;
  if (moved < 4) kept /= double(4 - moved);
  for (int i = 0; i < 4; ++i) {
    if (!moves[i]) continue;
    // Nearer the border seen elsewhere than the face this side sits on.
    const double tolerance = std::max(kSameInkStep, 0.5 * ink_distance(moves[i]->band, inside[i]));
    if (moved < 4 && ink_distance(moves[i]->band, kept) > tolerance) return std::nullopt;
    for (int j = i + 1; j < 4; ++j) {
      if (moves[j] && ink_distance(moves[i]->band, moves[j]->band) > tolerance) {
        return std::nullopt;
      }
    }
  }
  std::array<cv::Point2d, 4> point;
  std::array<cv::Point2d, 4> dir;
  for (int i = 0; i < 4; ++i) {
    point[i] = moves[i] ? moves[i]->point : q[i];
    dir[i] = moves[i] ? moves[i]->dir : unit(q[(i + 1) % 4] - q[i]);
  }
  return quad_from_sides(point, dir);
}

}  // namespace cardmint::image
