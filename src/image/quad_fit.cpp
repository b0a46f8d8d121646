#include "image/quad_fit.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace cardmint::image {
namespace {

constexpr int kSamplesPerSide = 28;  // for scoring a side
constexpr int kFitSamples = 20;      // for snapping one: a line needs fewer, and it is the hot loop
// Rounded card corners bend away from the straight side over ~5% of its length; sampling only
// the middle keeps the arcs out of both the fit and the score.
constexpr double kSideStart = 0.10;
constexpr double kSideEnd = 0.90;
constexpr int kMaxReach = 64;

double norm(cv::Point2d v) { return std::hypot(v.x, v.y); }

double color_step(const cv::Vec3f& a, const cv::Vec3f& b) {
  const cv::Vec3f d = a - b;
  return std::sqrt(double(d[0]) * d[0] + double(d[1]) * d[1] + double(d[2]) * d[2]);
}

// Colour step centred on slot `i` of a profile: mean of `band` slots before vs after it.
double step_at(const cv::Vec3f* prof, int i, int band) {
  cv::Vec3f in(0, 0, 0);
  cv::Vec3f out(0, 0, 0);
  for (int d = 1; d <= band; ++d) {
    in += prof[i - d];
    out += prof[i + d];
  }
  return color_step(in, out) / band;
}

// The colour change (inside minus outside) behind step_at.
cv::Vec3f step_vector(const cv::Vec3f* prof, int i, int band) {
  cv::Vec3f in(0, 0, 0);
  cv::Vec3f out(0, 0, 0);
  for (int d = 1; d <= band; ++d) {
    in += prof[i - d];
    out += prof[i + d];
  }
  return (in - out) / float(band);
}

std::optional<cv::Point2d> intersect(cv::Point2d p1, cv::Point2d d1, cv::Point2d p2,
                                     cv::Point2d d2) {
  const double den = d1.x * d2.y - d1.y * d2.x;
  if (std::abs(den) < 1e-9) return std::nullopt;
  const cv::Point2d w = p2 - p1;
  const double t = (w.x * d2.y - w.y * d2.x) / den;
  return p1 + d1 * t;
}

// The largest set of points within `tolerance` of a line through two of them that lie at least
// a quarter of the list apart; empty if it has fewer than `min_count`.
std::vector<cv::Point2f> consensus(const std::vector<cv::Point2f>& pts, double tolerance,
                                   std::size_t min_count) {
  const std::size_t n = pts.size();
  const std::size_t gap = std::max<std::size_t>(1, n / 4);
  std::size_t best_count = 0;
  std::size_t best_i = 0;
  std::size_t best_j = 0;
  for (std::size_t i = 0; i + gap < n; ++i) {
    for (std::size_t j = i + gap; j < n; ++j) {
      const cv::Point2f d = pts[j] - pts[i];
      const double len = std::hypot(d.x, d.y);
      if (len < 1e-6) continue;
      std::size_t count = 0;
      for (const cv::Point2f& p : pts) {
        const cv::Point2f w = p - pts[i];
        if (std::abs(d.x * w.y - d.y * w.x) / len <= tolerance) ++count;
      }
      if (count > best_count) {
        best_count = count;
        best_i = i;
        best_j = j;
      }
    }
  }
  std::vector<cv::Point2f> out;
  if (best_count < min_count) return out;
  const cv::Point2f d = pts[best_j] - pts[best_i];
  const double len = std::hypot(d.x, d.y);
  for (const cv::Point2f& p : pts) {
    const cv::Point2f w = p - pts[best_i];
    if (std::abs(d.x * w.y - d.y * w.x) / len <= tolerance) out.push_back(p);
  }
  return out;
}

}  // namespace

double signed_area(const Quad& q) {
  double a = 0;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2d& p = q[i];
    const cv::Point2d& n = q[(i + 1) % 4];
    a += p.x * n.y - n.x * p.y;
  }
  return a / 2;
}

bool is_convex(const Quad& q) {
  int sign = 0;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2d a = q[(i + 1) % 4] - q[i];
    const cv::Point2d b = q[(i + 2) % 4] - q[(i + 1) % 4];
    const double cross = a.x * b.y - a.y * b.x;
    if (std::abs(cross) < 1e-9) return false;
    const int s = cross > 0 ? 1 : -1;
    if (sign != 0 && s != sign) return false;
    sign = s;
  }
  return true;
}

bool is_usable_card_quad(const Quad& q) { return is_convex(q) && std::abs(signed_area(q)) >= 64; }

Quad clockwise(const Quad& q) {
  if (signed_area(q) >= 0) return q;
  return {q[0], q[3], q[2], q[1]};
}

Quad shifted(const Quad& q, int shift) {
  Quad out;
  for (int i = 0; i < 4; ++i) out[i] = q[(i + shift) % 4];
  return out;
}

double aspect_ratio(const Quad& q) {
  const double a = norm(q[1] - q[0]) + norm(q[3] - q[2]);
  const double b = norm(q[2] - q[1]) + norm(q[0] - q[3]);
  if (a <= 0 || b <= 0) return 0;
  return std::min(a, b) / std::max(a, b);
}

double max_corner_deviation_deg(const Quad& q) {
  double worst = 0;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2d a = q[(i + 3) % 4] - q[i];
    const cv::Point2d b = q[(i + 1) % 4] - q[i];
    const double c = (a.x * b.x + a.y * b.y) / std::max(1e-12, norm(a) * norm(b));
    const double deg = std::acos(std::clamp(c, -1.0, 1.0)) * 180.0 / CV_PI;
    worst = std::max(worst, std::abs(deg - 90.0));
  }
  return worst;
}

Quad short_side_first(const Quad& q) {
  const double a = norm(q[1] - q[0]) + norm(q[3] - q[2]);
  const double b = norm(q[2] - q[1]) + norm(q[0] - q[3]);
  return a <= b ? q : shifted(q, 1);
}

std::optional<Quad> quad_from_sides(const std::array<cv::Point2d, 4>& point,
                                    const std::array<cv::Point2d, 4>& dir) {
  Quad out;
  for (int i = 0; i < 4; ++i) {
    const int prev = (i + 3) % 4;
    std::optional<cv::Point2d> p = intersect(point[prev], dir[prev], point[i], dir[i]);
    if (!p) return std::nullopt;
    out[i] = *p;
  }
  if (!is_convex(out) || signed_area(out) <= 0) return std::nullopt;
  return out;
}

bool EdgeProbe::sample(double x, double y, cv::Vec3f* out) const {
  if (image_.cols < 2 || image_.rows < 2) return false;
  if (!(x >= 0 && y >= 0 && x <= image_.cols - 1 && y <= image_.rows - 1)) return false;
  const int x0 = std::min(int(x), image_.cols - 2);
  const int y0 = std::min(int(y), image_.rows - 2);
  const int x1 = x0 + 1;
  const int y1 = y0 + 1;
  const float fx = float(x - x0);
  const float fy = float(y - y0);
  const cv::Vec3b& a = image_.at<cv::Vec3b>(y0, x0);
  const cv::Vec3b& b = image_.at<cv::Vec3b>(y0, x1);
  const cv::Vec3b& c = image_.at<cv::Vec3b>(y1, x0);
  const cv::Vec3b& d = image_.at<cv::Vec3b>(y1, x1);
  for (int k = 0; k < 3; ++k) {
    const float top = a[k] + (b[k] - a[k]) * fx;
    const float bottom = c[k] + (d[k] - c[k]) * fx;
    (*out)[k] = top + (bottom - top) * fy;
  }
  return true;
}

bool EdgeProbe::profile(cv::Point2d c, cv::Point2d t, cv::Point2d n, int reach,
                        cv::Vec3f* out) const {
  for (int s = -reach; s <= reach; ++s) {
    cv::Vec3f sum(0, 0, 0);
    for (int k = -1; k <= 1; ++k) {
      const cv::Point2d p = c + n * double(s) + t * (1.5 * k);
      cv::Vec3f v;
      if (!sample(p.x, p.y, &v)) return false;
      sum += v;
    }
    out[s + reach] = sum / 3.0f;
  }
  return true;
}

std::array<EdgeProbe::SideEdge, 4> EdgeProbe::side_edges(const Quad& q, double band_px,
                                                         double min_step) const {
  const int band = std::clamp(int(std::lround(band_px)), 1, 8);
  const int reach = band + 1;  // the step may sit one pixel off the line
  cv::Vec3f prof[2 * 10 + 1];
  std::array<SideEdge, 4> out{};
  for (int side = 0; side < 4; ++side) {
    const cv::Point2d a = q[side];
    const cv::Point2d b = q[(side + 1) % 4];
    const double len = norm(b - a);
    if (len < 1) continue;
    const cv::Point2d t = (b - a) / len;
    const cv::Point2d n(t.y, -t.x);  // outward for a clockwise quad
    std::array<double, kSamplesPerSide> steps{};
    std::array<cv::Vec3f, kSamplesPerSide> diffs{};
    cv::Vec3f sum(0, 0, 0);
    for (int i = 0; i < kSamplesPerSide; ++i) {
      const double f = kSideStart + (kSideEnd - kSideStart) * (i + 0.5) / kSamplesPerSide;
      if (!profile(a + (b - a) * f, t, n, reach, prof)) continue;
      for (int s = -1; s <= 1; ++s) {
        const double st = step_at(prof, reach + s, band);
        if (st > steps[i]) {
          steps[i] = st;
          diffs[i] = step_vector(prof, reach + s, band);
        }
      }
      sum += diffs[i];
    }
    // A real side changes colour the same way all along (border to desk); texture crossing a
    // wrong line changes it every which way. Count only samples that agree with the side's mean
    // change, so a faint but straight edge (a silver border on a white desk) still counts.
    const double sum_norm = cv::norm(sum);
    int hits = 0;
    for (int i = 0; i < kSamplesPerSide; ++i) {
      if (steps[i] < min_step || sum_norm <= 0) continue;
      const double agree = diffs[i].dot(sum) / (cv::norm(diffs[i]) * sum_norm);
      if (agree >= 0.7) ++hits;
    }
    std::nth_element(steps.begin(), steps.begin() + kSamplesPerSide / 2, steps.end());
    out[side].support = double(hits) / kSamplesPerSide;
    out[side].median_step = steps[kSamplesPerSide / 2];
  }
  return out;
}

std::optional<Quad> EdgeProbe::refine(const Quad& q, double search_px, double band_px,
                                      double min_step, double outer_ratio) const {
  const int band = std::clamp(int(std::lround(band_px)), 1, 8);
  const int search = std::clamp(int(std::lround(search_px)), 1, kMaxReach - band);
  const int reach = search + band;
  std::vector<cv::Vec3f> prof(2 * reach + 1);
  std::vector<double> steps(2 * reach + 1, 0.0);
  std::array<cv::Point2d, 4> line_point;
  std::array<cv::Point2d, 4> line_dir;
  for (int side = 0; side < 4; ++side) {
    const cv::Point2d a = q[side];
    const cv::Point2d b = q[(side + 1) % 4];
    const double len = norm(b - a);
    if (len < 1) return std::nullopt;
    const cv::Point2d t = (b - a) / len;
    const cv::Point2d n(t.y, -t.x);
    line_point[side] = a;
    line_dir[side] = t;
    std::vector<cv::Point2f> hits;
    for (int i = 0; i < kFitSamples; ++i) {
      const double f = kSideStart + (kSideEnd - kSideStart) * (i + 0.5) / kFitSamples;
      const cv::Point2d c = a + (b - a) * f;
      if (!profile(c, t, n, reach, prof.data())) continue;
      int best_i = -1;
      double best = min_step;
      for (int s = -search; s <= search; ++s) {
        steps[s + reach] = step_at(prof.data(), s + reach, band);
        if (steps[s + reach] > best) {
          best = steps[s + reach];
          best_i = s + reach;
        }
      }
      if (best_i < 0) continue;
      if (outer_ratio > 0) {
        // The outermost local peak that is nearly as strong as the strongest.
        for (int i = reach + search - 1; i > best_i; --i) {
          if (steps[i] >= outer_ratio * best && steps[i] >= min_step && steps[i] >= steps[i - 1] &&
              steps[i] >= steps[i + 1]) {
            best_i = i;
            best = steps[i];
            break;
          }
        }
      }
      double offset = best_i - reach;
      // Parabola through the peak and its neighbours: sub-pixel position of the step.
      if (best_i > reach - search && best_i < reach + search) {
        const double l = steps[best_i - 1];
        const double r = steps[best_i + 1];
        const double den = l - 2 * best + r;
        if (den < 0) offset += std::clamp(0.5 * (l - r) / den, -0.5, 0.5);
      }
      const cv::Point2d p = c + n * offset;
      hits.emplace_back(float(p.x), float(p.y));
    }
    if (hits.size() < kFitSamples / 3) continue;  // too little evidence: keep the side
    // A border gives two parallel steps (desk to border, border to face) a few pixels apart, and
    // the strongest one can alternate along the side; a plain fit through both would tilt the
    // side across them. So take the line through two well-separated hits that most others sit
    // on (exhaustive: at most a few hundred pairs), and fit only those.
    const std::vector<cv::Point2f> inliers = consensus(hits, 0.5 * band, kFitSamples / 3);
    if (inliers.empty()) continue;
    cv::Vec4f fit;
    cv::fitLine(inliers, fit, cv::DIST_L2, 0, 0.01, 0.01);
    cv::Point2d dir(fit[0], fit[1]);
    if (dir.x * t.x + dir.y * t.y < 0) dir = -dir;
    // A fitted side that turned by more than ~12° came from some other edge: keep the old one.
    if (dir.x * t.x + dir.y * t.y < std::cos(12.0 * CV_PI / 180.0)) continue;
    line_point[side] = cv::Point2d(fit[2], fit[3]);
    line_dir[side] = dir;
  }
  return quad_from_sides(line_point, line_dir);
}

cv::Vec3d EdgeProbe::mean_along(const Quad& q, int which, double offset_px) const {
  cv::Vec3d sum(0, 0, 0);
  int count = 0;
  for (int side = 0; side < 4; ++side) {
    if (which >= 0 && side != which) continue;
    const cv::Point2d a = q[side];
    const cv::Point2d b = q[(side + 1) % 4];
    const double len = norm(b - a);
    if (len < 1) continue;
    const cv::Point2d t = (b - a) / len;
    const cv::Point2d n(t.y, -t.x);
    for (int i = 0; i < kSamplesPerSide; ++i) {
      const double f = kSideStart + (kSideEnd - kSideStart) * (i + 0.5) / kSamplesPerSide;
      const cv::Point2d p = a + (b - a) * f + n * offset_px;
      cv::Vec3f v;
      if (!sample(p.x, p.y, &v)) continue;
      sum += cv::Vec3d(v[0], v[1], v[2]);
      ++count;
    }
  }
  return count > 0 ? sum / count : sum;
}

}  // namespace cardmint::image
