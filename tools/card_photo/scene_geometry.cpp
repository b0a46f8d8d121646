#include "card_photo/scene_geometry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cardmint::card_photo {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kCardW = 63.0, kCardH = 88.0;  // mm

cv::Vec3d rotate_about(const cv::Vec3d& v, const cv::Vec3d& axis, double angle) {
  // Rodrigues: v cosθ + (k × v) sinθ + k (k·v)(1 − cosθ)
  const double c = std::cos(angle), s = std::sin(angle);
  return v * c + axis.cross(v) * s + axis * (axis.dot(v) * (1 - c));
}

}  // namespace

CardPlacement place_card(const CardPose& pose, cv::Size frame) {
  const double theta = pose.rotation_deg * kPi / 180;
  const double tilt = pose.tilt_deg * kPi / 180;
  const double axis_angle = pose.tilt_axis_deg * kPi / 180;
  const cv::Vec3d axis(std::cos(axis_angle), std::sin(axis_angle), 0);
  const double frame_area = static_cast<double>(frame.area());
  const double diag = std::hypot(frame.width, frame.height);
  const double focal = pose.focal_factor * diag;
  // Distance that makes the card about the requested size, so the keystone is physical.
  const double target_h = std::sqrt(pose.area_fraction * frame_area * kCardH / kCardW);
  const double distance = focal * kCardH / std::max(target_h, 1.0);

  const cv::Point2d card[4] = {{-kCardW / 2, -kCardH / 2},
                               {kCardW / 2, -kCardH / 2},
                               {kCardW / 2, kCardH / 2},
                               {-kCardW / 2, kCardH / 2}};
  std::array<cv::Point2d, 4> quad;
  for (int i = 0; i < 4; ++i) {
    // y points down on screen, so this matrix turns clockwise as seen in the photo.
    const cv::Vec3d flat(card[i].x * std::cos(theta) - card[i].y * std::sin(theta),
                         card[i].x * std::sin(theta) + card[i].y * std::cos(theta), 0);
    const cv::Vec3d p = rotate_about(flat, axis, tilt);
    const double z = distance + p[2];
    quad[i] = {focal * p[0] / z, focal * p[1] / z};
  }
  // Scale to the requested area, shrink if the bounding box cannot fit, then position.
  const double area0 = std::abs(signed_area(quad));
  double scale = std::sqrt(pose.area_fraction * frame_area / area0);
  double min_x = std::numeric_limits<double>::max(), max_x = -min_x, min_y = min_x, max_y = -min_x;
  for (const cv::Point2d& q : quad) {
    min_x = std::min(min_x, q.x), max_x = std::max(max_x, q.x);
    min_y = std::min(min_y, q.y), max_y = std::max(max_y, q.y);
  }
  const double margin = pose.margin_fraction * std::min(frame.width, frame.height);
  const double fit = std::min((frame.width - 2 * margin) / (max_x - min_x),
                              (frame.height - 2 * margin) / (max_y - min_y));
  scale = std::min(scale, fit);
  const double lo_x = margin - scale * min_x, hi_x = frame.width - margin - scale * max_x;
  const double lo_y = margin - scale * min_y, hi_y = frame.height - margin - scale * max_y;
  const double tx = lo_x + std::clamp(pose.center_u, 0.0, 1.0) * std::max(0.0, hi_x - lo_x);
  const double ty = lo_y + std::clamp(pose.center_v, 0.0, 1.0) * std::max(0.0, hi_y - lo_y);
  CardPlacement out;
  for (int i = 0; i < 4; ++i) out.corners[i] = {quad[i].x * scale + tx, quad[i].y * scale + ty};
  out.area_fraction = std::abs(signed_area(out.corners)) / frame_area;
  return out;
}

double signed_area(const std::array<cv::Point2d, 4>& quad) {
  double twice = 0;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2d& a = quad[i];
    const cv::Point2d& b = quad[(i + 1) % 4];
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

bool is_convex(const std::array<cv::Point2d, 4>& quad) {
  int sign = 0;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2d e1 = quad[(i + 1) % 4] - quad[i];
    const cv::Point2d e2 = quad[(i + 2) % 4] - quad[(i + 1) % 4];
    const double cross = e1.x * e2.y - e1.y * e2.x;
    const int s = cross > 0 ? 1 : cross < 0 ? -1 : 0;
    if (s == 0) return false;
    if (sign == 0) sign = s;
    if (s != sign) return false;
  }
  return true;
}

double up_angle_deg(const std::array<cv::Point2d, 4>& quad) {
  const cv::Point2d top = (quad[0] + quad[1]) * 0.5;
  const cv::Point2d bottom = (quad[2] + quad[3]) * 0.5;
  const cv::Point2d up = top - bottom;
  // Image up is (0, -1); clockwise on screen (y down) is positive.
  double deg = std::atan2(up.x, -up.y) * 180 / kPi;
  if (deg < 0) deg += 360;
  return deg;
}

}  // namespace cardmint::card_photo
