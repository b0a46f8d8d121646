#include "card_photo/photo_effects.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>
#include <vector>

namespace cardmint::card_photo {
namespace {

constexpr double kPi = 3.14159265358979323846;

cv::Point2d lerp(const cv::Point2d& a, const cv::Point2d& b, double t) { return a + (b - a) * t; }

// Point at (u, v) of the card: bilinear in its four corners.
cv::Point2d on_card(const std::array<cv::Point2d, 4>& c, double u, double v) {
  return lerp(lerp(c[0], c[1], u), lerp(c[3], c[2], u), v);
}

std::vector<cv::Point> rotated_rect_points(cv::Point2d center, cv::Size2d size, double angle_deg) {
  cv::Point2f pts[4];
  cv::RotatedRect(cv::Point2f(static_cast<float>(center.x), static_cast<float>(center.y)),
                  cv::Size2f(static_cast<float>(size.width), static_cast<float>(size.height)),
                  static_cast<float>(angle_deg))
      .points(pts);
  std::vector<cv::Point> out;
  for (const cv::Point2f& p : pts) out.emplace_back(cvRound(p.x), cvRound(p.y));
  return out;
}

}  // namespace

void draw_distractors(cv::Mat& frame, int count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  const double s = std::min(frame.cols, frame.rows);
  for (int i = 0; i < count; ++i) {
    const cv::Point2d c(uni(0, frame.cols), uni(0, frame.rows));
    const double angle = uni(0, 180);
    const int kind = static_cast<int>(rng() % 5);
    const cv::Point shadow_off(static_cast<int>(s * 0.006), static_cast<int>(s * 0.008));
    auto poly = [&](const std::vector<cv::Point>& pts, const cv::Scalar& color) {
      std::vector<cv::Point> shifted;
      for (const cv::Point& p : pts) shifted.push_back(p + shadow_off);
      cv::fillConvexPoly(frame, shifted, cv::Scalar::all(25), cv::LINE_AA);
      cv::fillConvexPoly(frame, pts, color, cv::LINE_AA);
    };
    switch (kind) {
      case 0: {  // sticky note
        const double side = uni(0.1, 0.2) * s;
        const cv::Scalar pastel[] = {
            {120, 240, 250}, {200, 170, 250}, {240, 210, 150}, {160, 240, 170}};
        poly(rotated_rect_points(c, {side, side}, angle), pastel[rng() % 4]);
        break;
      }
      case 1: {  // coin
        const int r = static_cast<int>(uni(0.025, 0.06) * s);
        const cv::Scalar metal = rng() % 2 ? cv::Scalar(170, 170, 175) : cv::Scalar(80, 150, 190);
        cv::circle(frame, cv::Point(c) + shadow_off, r, cv::Scalar::all(25), -1, cv::LINE_AA);
        cv::circle(frame, cv::Point(c), r, metal, -1, cv::LINE_AA);
        cv::circle(frame, cv::Point(c), r * 8 / 10, metal * 0.8, std::max(1, r / 12), cv::LINE_AA);
        break;
      }
      case 2: {  // pen
        const double len = uni(0.3, 0.6) * s;
        const cv::Scalar ink[] = {{30, 30, 30}, {160, 60, 20}, {30, 30, 170}, {200, 200, 200}};
        poly(rotated_rect_points(c, {len, uni(0.018, 0.03) * s}, angle), ink[rng() % 4]);
        break;
      }
      case 3: {  // phone, about 1:2.1, dark glass with a bezel highlight
        const double h = uni(0.3, 0.5) * s;
        const std::vector<cv::Point> body = rotated_rect_points(c, {h / 2.1, h}, angle);
        poly(body, cv::Scalar(25, 22, 20));
        cv::polylines(frame, body, true, cv::Scalar(90, 90, 95),
                      std::max(1, static_cast<int>(s / 300)), cv::LINE_AA);
        break;
      }
      default: {  // receipt strip
        const double h = uni(0.3, 0.55) * s;
        poly(rotated_rect_points(c, {h / uni(2.6, 3.5), h}, angle), cv::Scalar(235, 238, 238));
        break;
      }
    }
  }
}

void apply_drop_shadow(cv::Mat& frame, const cv::Mat& card_alpha, double card_height_px,
                       const Shadows& shadows) {
  if (!shadows.drop || card_alpha.empty()) return;
  const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, shadows.drop_dx * card_height_px, 0, 1,
                         shadows.drop_dy * card_height_px);
  cv::Mat moved;
  cv::warpAffine(card_alpha, moved, shift, card_alpha.size(), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT);
  const double sigma = std::max(1.0, shadows.drop_blur * card_height_px);
  cv::GaussianBlur(moved, moved, cv::Size(), sigma);
  cv::Mat gain = 1.0 - moved * shadows.drop_darkness;
  cv::Mat gain3;
  cv::cvtColor(gain, gain3, cv::COLOR_GRAY2BGR);
  cv::multiply(frame, gain3, frame);
}

namespace {

// Evaluates a smooth gain field g(x, y) on a coarse grid and spreads it over the frame: light
// varies over hundreds of pixels, so 1/8 resolution loses nothing and saves most of the work.
template <typename F>
cv::Mat smooth_field(cv::Size size, F gain_at) {
  constexpr int kStep = 8;
  cv::Mat coarse(size.height / kStep + 2, size.width / kStep + 2, CV_32FC1);
  for (int y = 0; y < coarse.rows; ++y) {
    float* row = coarse.ptr<float>(y);
    for (int x = 0; x < coarse.cols; ++x) {
      row[x] = static_cast<float>(
          gain_at(x * kStep * (size.width - 1.0) / ((coarse.cols - 1.0) * kStep),
                  y * kStep * (size.height - 1.0) / ((coarse.rows - 1.0) * kStep)));
    }
  }
  cv::Mat full;
  cv::resize(coarse, full, size, 0, 0, cv::INTER_LINEAR);
  return full;
}

void multiply_by(cv::Mat& frame, const cv::Mat& gain) {
  cv::Mat gain3;
  cv::cvtColor(gain, gain3, cv::COLOR_GRAY2BGR);
  cv::multiply(frame, gain3, frame);
}

}  // namespace

void apply_occluder(cv::Mat& frame, const Shadows& shadows) {
  if (!shadows.occluder) return;
  const double a = shadows.occluder_angle_deg * kPi / 180;
  const double diag = std::hypot(frame.cols, frame.rows);
  const double cx = frame.cols / 2.0, cy = frame.rows / 2.0;
  const double soft = diag * 0.08;
  multiply_by(frame, smooth_field(frame.size(), [&](double x, double y) {
                const double d = (x - cx) * std::cos(a) + (y - cy) * std::sin(a) -
                                 shadows.occluder_offset * diag;
                const double inside = 1 / (1 + std::exp(-d / soft * 4));  // 1 on the shaded side
                return 1 - shadows.occluder_darkness * inside;
              }));
}

void apply_lighting(cv::Mat& frame, const Lighting& l) {
  const double a = l.gradient_angle_deg * kPi / 180;
  const double cx = frame.cols / 2.0, cy = frame.rows / 2.0;
  const double half_diag = std::hypot(cx, cy);
  multiply_by(frame, smooth_field(frame.size(), [&](double x, double y) {
                const double dx = (x - cx) / half_diag, dy = (y - cy) / half_diag;
                const double grad = 1 + l.gradient_strength * (dx * std::cos(a) + dy * std::sin(a));
                const double vig = 1 - l.vignette * (dx * dx + dy * dy);
                return l.brightness * grad * vig;
              }));
  // White balance (B, G, R gains), then clip like a sensor and apply the tone curve.
  const cv::Scalar wb(1 - 0.14 * l.warmth, 1 + 0.01 * l.warmth, 1 + 0.14 * l.warmth);
  cv::multiply(frame, wb, frame);
  cv::min(frame, 255.0, frame);
  cv::max(frame, 0.0, frame);
  if (std::abs(l.gamma - 1.0) > 1e-6) {
    frame *= 1.0 / 255;
    cv::pow(frame, l.gamma, frame);
    frame *= 255.0;
  }
}

void apply_glare(cv::Mat& frame, const cv::Mat& gloss, const std::array<cv::Point2d, 4>& corners,
                 const Glare& glare) {
  if (!glare.on) return;
  const cv::Point2d center = on_card(corners, glare.u, glare.v);
  const double card_h = cv::norm((corners[0] + corners[1]) * 0.5 - (corners[2] + corners[3]) * 0.5);
  const double major = std::max(2.0, glare.radius * card_h);
  const double minor = std::max(2.0, major * glare.aspect);
  const double a = glare.angle_deg * kPi / 180;
  const double ca = std::cos(a), sa = std::sin(a);
  const cv::Rect box =
      cv::Rect(cv::Point(cvFloor(center.x - 3 * major), cvFloor(center.y - 3 * major)),
               cv::Point(cvCeil(center.x + 3 * major), cvCeil(center.y + 3 * major))) &
      cv::Rect(0, 0, frame.cols, frame.rows);
  for (int y = box.y; y < box.br().y; ++y) {
    cv::Vec3f* row = frame.ptr<cv::Vec3f>(y);
    const float* shine = gloss.empty() ? nullptr : gloss.ptr<float>(y);
    for (int x = box.x; x < box.br().x; ++x) {
      const double u = ((x - center.x) * ca + (y - center.y) * sa) / major;
      const double v = (-(x - center.x) * sa + (y - center.y) * ca) / minor;
      const double k = std::exp(-(u * u + v * v) * 2);
      const double add = 255 * glare.intensity * k * (0.25 + 0.75 * (shine ? shine[x] : 1.0f));
      for (int c = 0; c < 3; ++c)
        row[x][c] = static_cast<float>(row[x][c] + add * (1 - row[x][c] / 300));
    }
  }
}

void apply_sleeve_streak(cv::Mat& frame, const cv::Mat& sleeve_alpha,
                         const std::array<cv::Point2d, 4>& corners, double intensity) {
  if (intensity <= 0 || sleeve_alpha.empty()) return;
  cv::Mat streak = cv::Mat::zeros(frame.size(), CV_32FC1);
  const double card_w = cv::norm(corners[1] - corners[0]);
  const cv::Point2d from = lerp(corners[0], corners[1], 0.3);
  const cv::Point2d to = lerp(corners[3], corners[2], 0.45);
  cv::line(streak, from, to, cv::Scalar(1.0), std::max(2, static_cast<int>(card_w * 0.05)),
           cv::LINE_AA);
  cv::GaussianBlur(streak, streak, cv::Size(), std::max(1.0, card_w * 0.03));
  cv::multiply(streak, sleeve_alpha, streak);
  cv::Mat add3;
  cv::cvtColor(streak * (255 * intensity), add3, cv::COLOR_GRAY2BGR);
  frame += add3;
}

void apply_blur(cv::Mat& frame, const CameraBlur& blur) {
  if (blur.kind == BlurKind::kDefocus && blur.sigma > 0.05) {
    cv::GaussianBlur(frame, frame, cv::Size(), blur.sigma);
  } else if (blur.kind == BlurKind::kMotion && blur.length_px >= 2) {
    const int k = static_cast<int>(std::ceil(blur.length_px)) | 1;
    cv::Mat kernel = cv::Mat::zeros(k, k, CV_32F);
    const double a = blur.angle_deg * kPi / 180;
    const cv::Point2d c(k / 2.0, k / 2.0),
        d(std::cos(a) * blur.length_px / 2, std::sin(a) * blur.length_px / 2);
    cv::line(kernel, c - d, c + d, cv::Scalar(1.0), 1, cv::LINE_AA);
    kernel /= cv::sum(kernel)[0];
    cv::filter2D(frame, frame, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
  }
}

void apply_noise(cv::Mat& frame, double sigma, double chroma, std::uint64_t seed) {
  if (sigma <= 0) return;
  cv::RNG rng(seed);
  cv::Mat luma(frame.size(), CV_32FC1);
  rng.fill(luma, cv::RNG::NORMAL, 0, sigma * (1 - chroma));
  cv::Mat luma3;
  cv::cvtColor(luma, luma3, cv::COLOR_GRAY2BGR);
  frame += luma3;
  if (chroma > 0) {
    cv::Mat color(frame.size(), CV_32FC3);
    rng.fill(color, cv::RNG::NORMAL, 0, sigma * chroma);
    frame += color;
  }
}

}  // namespace cardmint::card_photo
