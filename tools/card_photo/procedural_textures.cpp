#include "card_photo/procedural_textures.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace cardmint::card_photo {
namespace {

constexpr double kPi = 3.14159265358979323846;

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

cv::Scalar random_color(std::mt19937_64& rng, double lo, double hi) {
  return cv::Scalar(uniform(rng, lo, hi), uniform(rng, lo, hi), uniform(rng, lo, hi));
}

cv::Scalar mix(const cv::Scalar& a, const cv::Scalar& b, double t) { return a * (1 - t) + b * t; }

cv::Scalar scale_color(const cv::Scalar& c, double k) {
  return cv::Scalar(std::clamp(c[0] * k, 0.0, 255.0), std::clamp(c[1] * k, 0.0, 255.0),
                    std::clamp(c[2] * k, 0.0, 255.0));
}

// Writes mix(a, b, t(x, y)) for every pixel; `t` is clamped to [0, 1].
template <typename F>
void shade(cv::Mat& out, const cv::Scalar& a, const cv::Scalar& b, F t_of) {
  for (int y = 0; y < out.rows; ++y) {
    cv::Vec3b* row = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < out.cols; ++x) {
      const double t = std::clamp(t_of(x, y), 0.0, 1.0);
      for (int c = 0; c < 3; ++c)
        row[x][c] = cv::saturate_cast<std::uint8_t>(a[c] + (b[c] - a[c]) * t);
    }
  }
}

void add_grain(cv::Mat& image, double sigma, cv::RNG& rng) {
  cv::Mat noise(image.size(), CV_16SC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, sigma);
  cv::Mat wide;
  image.convertTo(wide, CV_16SC3);
  wide += noise;
  wide.convertTo(image, CV_8UC3);
}

// A [0,1] field stretched along `angle` (long streaks), for wood grain and brushed textures.
cv::Mat streak_noise(cv::Size size, double along_px, double across_px, double angle_deg,
                     cv::RNG& rng) {
  const int diag = static_cast<int>(std::hypot(size.width, size.height)) + 2;
  cv::Mat small(std::max(2, static_cast<int>(diag / across_px)),
                std::max(2, static_cast<int>(diag / along_px)), CV_32F);
  rng.fill(small, cv::RNG::UNIFORM, 0.0, 1.0);
  cv::Mat big;
  cv::resize(small, big, cv::Size(diag, diag), 0, 0, cv::INTER_CUBIC);
  const cv::Mat rot =
      cv::getRotationMatrix2D(cv::Point2f(diag / 2.0f, diag / 2.0f), angle_deg, 1.0);
  cv::Mat rotated;
  cv::warpAffine(big, rotated, rot, big.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  const cv::Rect crop((diag - size.width) / 2, (diag - size.height) / 2, size.width, size.height);
  return rotated(crop).clone();
}

}  // namespace

std::string_view background_name(BackgroundKind kind) {
  switch (kind) {
    case BackgroundKind::kWood:
      return "wood";
    case BackgroundKind::kCloth:
      return "cloth";
    case BackgroundKind::kGradient:
      return "gradient";
    case BackgroundKind::kDeskMat:
      return "desk_mat";
    case BackgroundKind::kSolid:
      return "solid";
    case BackgroundKind::kNoise:
      return "noise";
    case BackgroundKind::kMarble:
      return "marble";
    case BackgroundKind::kCarpet:
      return "carpet";
  }
  return "unknown";
}

std::string_view foil_pattern_name(FoilPattern pattern) {
  switch (pattern) {
    case FoilPattern::kRainbow:
      return "rainbow";
    case FoilPattern::kCosmos:
      return "cosmos";
    case FoilPattern::kSparkle:
      return "sparkle";
    case FoilPattern::kTextured:
      return "textured";
  }
  return "unknown";
}

BackgroundParams sample_background(std::mt19937_64& rng) {
  BackgroundParams p;
  p.kind = static_cast<BackgroundKind>(std::uniform_int_distribution<int>(0, 7)(rng));
  p.scale = uniform(rng, 0.5, 2.0);
  p.angle_deg = uniform(rng, 0, 180);
  p.seed = rng();
  switch (p.kind) {
    case BackgroundKind::kWood: {
      const cv::Scalar tones[] = {
          {40, 80, 140}, {30, 60, 100}, {90, 150, 200}, {20, 35, 60}, {120, 170, 210}};
      p.color_a = scale_color(tones[rng() % 5], uniform(rng, 0.8, 1.2));
      p.color_b = scale_color(p.color_a, uniform(rng, 0.55, 0.8));
      break;
    }
    case BackgroundKind::kMarble:
      p.color_a = random_color(rng, 200, 250);
      p.color_b = random_color(rng, 60, 140);
      break;
    case BackgroundKind::kSolid:
    case BackgroundKind::kDeskMat:
      // Anything from black through saturated to white; white desks are hard on silver borders.
      p.color_a =
          rng() % 4 == 0 ? cv::Scalar::all(uniform(rng, 170, 245)) : random_color(rng, 10, 230);
      p.color_b = scale_color(p.color_a, uniform(rng, 0.6, 1.4));
      break;
    default:
      p.color_a = random_color(rng, 20, 230);
      p.color_b = random_color(rng, 20, 230);
      break;
  }
  return p;
}

cv::Mat smooth_noise(cv::Size size, double cell_px, cv::RNG& rng) {
  cell_px = std::max(cell_px, 2.0);
  cv::Mat small(std::max(2, static_cast<int>(size.height / cell_px) + 2),
                std::max(2, static_cast<int>(size.width / cell_px) + 2), CV_32F);
  rng.fill(small, cv::RNG::UNIFORM, 0.0, 1.0);
  cv::Mat big;
  cv::resize(small, big, size, 0, 0, cv::INTER_CUBIC);
  cv::Mat clamped;
  cv::max(big, 0.0, clamped);
  cv::min(clamped, 1.0, clamped);
  return clamped;
}

cv::Mat render_background(const BackgroundParams& p, cv::Size full_size) {
  cv::RNG rng(p.seed);
  // Smooth kinds are drawn at half size and enlarged (4× less work); the fine ones at full size.
  const bool half = p.kind == BackgroundKind::kWood || p.kind == BackgroundKind::kMarble ||
                    p.kind == BackgroundKind::kNoise || p.kind == BackgroundKind::kGradient;
  const cv::Size size =
      half ? cv::Size((full_size.width + 1) / 2, (full_size.height + 1) / 2) : full_size;
  const double s = p.scale * (half ? 0.5 : 1.0);
  cv::Mat out(size, CV_8UC3);
  const double a = p.angle_deg * kPi / 180;
  const double ca = std::cos(a), sa = std::sin(a);
  switch (p.kind) {
    case BackgroundKind::kWood: {
      const cv::Mat warp = smooth_noise(size, 220 * s, rng);
      const cv::Mat streak = streak_noise(size, 400 * s, 3 * s, p.angle_deg, rng);
      const double freq = 2 * kPi / (38 * s);
      shade(out, p.color_a, p.color_b, [&](int x, int y) {
        const double across = -x * sa + y * ca;
        const double ring = 0.5 + 0.5 * std::sin(across * freq + 9 * warp.at<float>(y, x));
        return 0.55 * std::pow(ring, 3) + 0.45 * streak.at<float>(y, x);
      });
      // Plank seams on some tables.
      if (p.seed % 2 == 0) {
        const double gap = 260 * s;
        for (double off = -2 * size.width; off < 2 * size.width; off += gap) {
          const cv::Point c(size.width / 2, size.height / 2);
          const cv::Point d(static_cast<int>(ca * 3000), static_cast<int>(sa * 3000));
          const cv::Point n(static_cast<int>(-sa * off), static_cast<int>(ca * off));
          cv::line(out, c + n - d, c + n + d, scale_color(p.color_b, 0.5), 2, cv::LINE_AA);
        }
      }
      add_grain(out, 3, rng);
      break;
    }
    case BackgroundKind::kCloth: {
      const double period = 4 + 5 * s;
      const cv::Mat fiber = smooth_noise(size, 2, rng);
      const cv::Mat blotch = smooth_noise(size, 150 * s, rng);
      shade(out, p.color_a, p.color_b, [&](int x, int y) {
        const double u = x * ca + y * sa, v = -x * sa + y * ca;
        const double weave = std::sin(u * 2 * kPi / period) * std::sin(v * 2 * kPi / period);
        return 0.15 + 0.2 * weave + 0.25 * fiber.at<float>(y, x) + 0.25 * blotch.at<float>(y, x);
      });
      add_grain(out, 4, rng);
      break;
    }
    case BackgroundKind::kGradient: {
      const double span = std::abs(ca) * size.width + std::abs(sa) * size.height + 1;
      const double cx = size.width / 2.0, cy = size.height / 2.0;
      shade(out, p.color_a, p.color_b,
            [&](int x, int y) { return ((x - cx) * ca + (y - cy) * sa) / span + 0.5; });
      add_grain(out, 2, rng);
      break;
    }
    case BackgroundKind::kDeskMat: {
      out.setTo(p.color_a);
      const int step = std::max(12, static_cast<int>(45 * s));
      const cv::Scalar line = mix(p.color_a, p.color_b, 0.7);
      for (int x = step / 2; x < size.width; x += step) {
        cv::line(out, {x, 0}, {x, size.height}, line, 1 + (x / step) % 5 / 4, cv::LINE_AA);
      }
      for (int y = step / 2; y < size.height; y += step) {
        cv::line(out, {0, y}, {size.width, y}, line, 1 + (y / step) % 5 / 4, cv::LINE_AA);
      }
      add_grain(out, 2.5, rng);
      break;
    }
    case BackgroundKind::kSolid:
      out.setTo(p.color_a);
      add_grain(out, 1.5, rng);
      break;
    case BackgroundKind::kNoise: {
      const cv::Mat coarse = smooth_noise(size, 90 * s, rng);
      const cv::Mat fine = smooth_noise(size, 9 * s, rng);
      shade(out, p.color_a, p.color_b, [&](int x, int y) {
        return 0.7 * coarse.at<float>(y, x) + 0.3 * fine.at<float>(y, x);
      });
      add_grain(out, 3, rng);
      break;
    }
    case BackgroundKind::kMarble: {
      const cv::Mat t1 = smooth_noise(size, 160 * s, rng);
      const cv::Mat t2 = smooth_noise(size, 40 * s, rng);
      shade(out, p.color_a, p.color_b, [&](int x, int y) {
        const double u = (x * ca + y * sa) / (120 * s);
        const double turb = 6 * t1.at<float>(y, x) + 1.5 * t2.at<float>(y, x);
        return std::pow(1 - std::abs(std::sin(u + turb)), 8) * 0.9;
      });
      add_grain(out, 2, rng);
      break;
    }
    case BackgroundKind::kCarpet: {
      const cv::Mat fine = smooth_noise(size, 1.5, rng);
      const cv::Mat mid = smooth_noise(size, 6 * s, rng);
      shade(out, p.color_a, p.color_b,
            [&](int x, int y) { return 0.5 * fine.at<float>(y, x) + 0.5 * mid.at<float>(y, x); });
      add_grain(out, 6, rng);
      break;
    }
  }
  if (!half) return out;
  cv::Mat big;
  cv::resize(out, big, full_size, 0, 0, cv::INTER_LINEAR);
  add_grain(big, 1.5, rng);
  return big;
}

cv::Mat render_art(cv::Size size, const cv::Scalar& base, const cv::Scalar& accent,
                   std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  cv::RNG cvrng(seed ^ 0x9E3779B97F4A7C15ULL);
  cv::Mat art(size, CV_8UC3);
  const cv::Scalar sky_top = mix(base, cv::Scalar::all(255), uniform(rng, 0.2, 0.6));
  const cv::Scalar sky_bottom = mix(base, cv::Scalar::all(255), uniform(rng, 0.0, 0.3));
  const double horizon = uniform(rng, 0.5, 0.8) * size.height;
  const cv::Scalar ground = scale_color(mix(base, random_color(rng, 40, 200), 0.5), 0.7);
  const cv::Mat cloud = smooth_noise(size, size.width / uniform(rng, 3, 8), cvrng);
  shade(art, sky_top, sky_bottom,
        [&](int x, int y) { return y / horizon + 0.25 * (cloud.at<float>(y, x) - 0.5) + 0 * x; });
  std::vector<cv::Point> hill;
  hill.emplace_back(0, size.height);
  for (int x = 0; x <= size.width; x += std::max(8, size.width / 12)) {
    hill.emplace_back(x, static_cast<int>(horizon + uniform(rng, -0.08, 0.08) * size.height));
  }
  hill.emplace_back(size.width, size.height);
  cv::fillPoly(art, std::vector<std::vector<cv::Point>>{hill}, ground, cv::LINE_AA);
  // Background blobs (trees, rocks, bubbles, flames).
  const int blobs = std::uniform_int_distribution<int>(3, 12)(rng);
  for (int i = 0; i < blobs; ++i) {
    const cv::Point c(static_cast<int>(uniform(rng, 0, size.width)),
                      static_cast<int>(uniform(rng, 0, size.height)));
    const cv::Size axes(static_cast<int>(uniform(rng, 0.03, 0.2) * size.width),
                        static_cast<int>(uniform(rng, 0.03, 0.2) * size.height));
    cv::ellipse(art, c, axes, uniform(rng, 0, 180), 0, 360,
                mix(random_color(rng, 30, 230), base, 0.4), -1, cv::LINE_AA);
  }
  // The "Pokémon": a body, a head, limbs and eyes, outlined like cel art.
  const cv::Point2d center(uniform(rng, 0.35, 0.65) * size.width,
                           uniform(rng, 0.45, 0.65) * size.height);
  const double body = uniform(rng, 0.16, 0.3) * size.height;
  const cv::Scalar outline = scale_color(accent, 0.3);
  const cv::Scalar belly = mix(accent, cv::Scalar::all(255), 0.5);
  const int thick = std::max(2, size.width / 150);
  auto blob = [&](cv::Point2d c, double rx, double ry, double ang, const cv::Scalar& col) {
    const cv::Point ci(static_cast<int>(c.x), static_cast<int>(c.y));
    const cv::Size ax(static_cast<int>(rx), static_cast<int>(ry));
    cv::ellipse(art, ci, ax, ang, 0, 360, col, -1, cv::LINE_AA);
    cv::ellipse(art, ci, ax, ang, 0, 360, outline, thick, cv::LINE_AA);
  };
  for (int limb = 0; limb < 4; ++limb) {
    const double ang = uniform(rng, 0, 360);
    blob(center + cv::Point2d(std::cos(ang * kPi / 180), std::sin(ang * kPi / 180)) * body * 0.9,
         body * 0.35, body * 0.15, ang, accent);
  }
  blob(center, body * uniform(rng, 0.7, 1.0), body * uniform(rng, 0.6, 0.9), uniform(rng, -20, 20),
       accent);
  blob(center + cv::Point2d(0, body * 0.2), body * 0.4, body * 0.3, 0, belly);
  const cv::Point2d head = center + cv::Point2d(uniform(rng, -0.3, 0.3) * body, -body * 0.95);
  blob(head, body * 0.55, body * 0.5, 0, accent);
  for (int side : {-1, 1}) {
    const cv::Point eye(static_cast<int>(head.x + side * body * 0.2), static_cast<int>(head.y));
    cv::circle(art, eye, std::max(2, static_cast<int>(body * 0.09)), cv::Scalar::all(20), -1,
               cv::LINE_AA);
    cv::circle(art, eye - cv::Point(1, 1), std::max(1, static_cast<int>(body * 0.03)),
               cv::Scalar::all(250), -1, cv::LINE_AA);
  }
  // Motion/energy rays sometimes.
  if (rng() % 3 == 0) {
    for (int i = 0; i < 14; ++i) {
      const double ang = uniform(rng, 0, 2 * kPi);
      const cv::Point from(static_cast<int>(center.x + std::cos(ang) * body * 1.5),
                           static_cast<int>(center.y + std::sin(ang) * body * 1.5));
      const cv::Point to(static_cast<int>(center.x + std::cos(ang) * body * 3),
                         static_cast<int>(center.y + std::sin(ang) * body * 3));
      cv::line(art, from, to, mix(accent, cv::Scalar::all(255), 0.6), thick, cv::LINE_AA);
    }
  }
  add_grain(art, 4, cvrng);
  return art;
}

void apply_foil(cv::Mat& image, const cv::Mat& mask, FoilPattern pattern, double strength,
                double phase, std::uint64_t seed) {
  cv::RNG rng(seed);
  const cv::Size size = image.size();
  const cv::Mat wobble = smooth_noise(size, size.width / 6.0, rng);
  const cv::Mat fine = pattern == FoilPattern::kSparkle || pattern == FoilPattern::kCosmos
                           ? smooth_noise(size, 3, rng)
                           : cv::Mat();
  std::vector<cv::Point3d> dots;  // cosmos: x, y, radius
  if (pattern == FoilPattern::kCosmos) {
    for (int i = 0; i < size.area() / 900; ++i) {
      dots.emplace_back(rng.uniform(0, size.width), rng.uniform(0, size.height),
                        rng.uniform(2.0, size.width / 40.0));
    }
  }
  cv::Mat dot_mask = cv::Mat::zeros(size, CV_8UC1);
  for (const cv::Point3d& d : dots) {
    cv::circle(dot_mask, cv::Point(static_cast<int>(d.x), static_cast<int>(d.y)),
               static_cast<int>(d.z), cv::Scalar(255), 1, cv::LINE_AA);
  }
  const double period = size.width * 0.45;
  for (int y = 0; y < size.height; ++y) {
    const std::uint8_t* m = mask.ptr<std::uint8_t>(y);
    cv::Vec3b* px = image.ptr<cv::Vec3b>(y);
    for (int x = 0; x < size.width; ++x) {
      if (m[x] == 0) continue;
      const double hue =
          std::fmod((x + 0.7 * y) / period + phase + 0.6 * wobble.at<float>(y, x) + 10, 1.0);
      double intensity = 0.6 + 0.4 * std::sin(((x - y) / period + phase) * 2 * kPi);
      if (pattern == FoilPattern::kSparkle) intensity *= std::pow(fine.at<float>(y, x), 4) * 3;
      if (pattern == FoilPattern::kTextured) {
        intensity *=
            0.5 + 0.5 * std::sin((x + y) * 2 * kPi / 6.0) * std::sin((x - y) * 2 * kPi / 9.0);
      }
      if (pattern == FoilPattern::kCosmos)
        intensity *= 0.5 + 1.2 * dot_mask.at<std::uint8_t>(y, x) / 255.0;
      const double t = std::clamp(strength * intensity * m[x] / 255.0, 0.0, 1.0);
      // Hue wheel → BGR, pastel (a foil reflects mostly white).
      const double h6 = hue * 6;
      const double r = std::clamp(std::abs(h6 - 3) - 1, 0.0, 1.0);
      const double g = std::clamp(2 - std::abs(h6 - 2), 0.0, 1.0);
      const double b = std::clamp(2 - std::abs(h6 - 4), 0.0, 1.0);
      const double rainbow[3] = {155 + 100 * b, 155 + 100 * g, 155 + 100 * r};
      for (int c = 0; c < 3; ++c) {
        const double screen = 255 - (255 - px[x][c]) * (255 - rainbow[c]) / 255.0;
        px[x][c] = cv::saturate_cast<std::uint8_t>(px[x][c] + (screen - px[x][c]) * t);
      }
    }
  }
}

}  // namespace cardmint::card_photo
