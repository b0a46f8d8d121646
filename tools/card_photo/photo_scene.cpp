#include "card_photo/photo_scene.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "card_photo/photo_effects.h"

namespace cardmint::card_photo {
namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}
bool chance(std::mt19937_64& rng, double p) { return uniform(rng, 0, 1) < p; }

double sample_rotation(std::mt19937_64& rng) {
  const double r = uniform(rng, 0, 1);
  if (r < 0.40) return uniform(rng, -10, 10);      // upright, as most people shoot
  if (r < 0.55) return 90 + uniform(rng, -8, 8);   // turned right
  if (r < 0.70) return 270 + uniform(rng, -8, 8);  // turned left
  if (r < 0.80) return 180 + uniform(rng, -8, 8);  // upside down
  return uniform(rng, 0, 360);
}

cv::Size sample_frame(std::mt19937_64& rng, bool portrait) {
  static const cv::Size kOther[] = {{1920, 1080}, {1280, 960},  {2016, 1512},
                                    {1024, 768},  {1440, 1080}, {2400, 1800}};
  cv::Size s = chance(rng, 0.78) ? cv::Size(1600, 1200) : kOther[rng() % 6];
  if (portrait) std::swap(s.width, s.height);
  return s;
}

// The card's axis-aligned size, so the frame can be oriented like the card most of the time.
bool card_looks_portrait(double rotation_deg) {
  const double r = std::fmod(std::fmod(rotation_deg, 180) + 180, 180);
  return r < 45 || r > 135;
}

}  // namespace

SceneParams sample_scene(std::mt19937_64& rng, const SceneOptions& options) {
  SceneParams p;
  const bool clean = options.style == SceneStyle::kClean;
  p.pose.rotation_deg = options.rotation_deg ? *options.rotation_deg
                        : clean              ? uniform(rng, -3, 3)
                                             : sample_rotation(rng);
  const bool portrait =
      chance(rng, clean ? 0.9 : 0.6) ? card_looks_portrait(p.pose.rotation_deg) : chance(rng, 0.5);
  const cv::Size frame = sample_frame(rng, portrait);
  p.width = options.width_px > 0 ? options.width_px : frame.width;
  p.height = options.height_px > 0 ? options.height_px : frame.height;
  const double max_tilt = clean ? std::min(options.max_tilt_deg, 4.0) : options.max_tilt_deg;
  p.pose.tilt_deg = max_tilt * std::pow(uniform(rng, 0, 1), 0.7);
  p.pose.tilt_axis_deg = uniform(rng, 0, 360);
  p.pose.focal_factor = uniform(rng, 0.55, 1.3);
  p.pose.area_fraction =
      options.area_fraction > 0 ? options.area_fraction : uniform(rng, 0.30, 0.80);
  p.pose.center_u = (uniform(rng, 0, 1) + uniform(rng, 0, 1)) / 2;
  p.pose.center_v = (uniform(rng, 0, 1) + uniform(rng, 0, 1)) / 2;

  p.background = sample_background(rng);
  p.lighting.brightness = clean ? uniform(rng, 0.95, 1.05) : uniform(rng, 0.7, 1.15);
  p.lighting.gradient_strength = clean ? uniform(rng, 0, 0.08) : uniform(rng, 0, 0.45);
  p.lighting.gradient_angle_deg = uniform(rng, 0, 360);
  p.lighting.vignette = clean ? 0.0 : uniform(rng, 0, 0.45);
  p.lighting.warmth = clean ? uniform(rng, -0.1, 0.1) : uniform(rng, -1, 1);
  p.lighting.gamma = clean ? 1.0 : uniform(rng, 0.85, 1.15);

  p.shadows.drop = chance(rng, clean ? 0.3 : 0.7);
  p.shadows.drop_dx = uniform(rng, -0.04, 0.04);
  p.shadows.drop_dy = uniform(rng, -0.04, 0.04);
  p.shadows.drop_blur = uniform(rng, 0.01, 0.05);
  p.shadows.drop_darkness = uniform(rng, 0.15, 0.5);
  p.shadows.occluder = !clean && chance(rng, 0.15);
  p.shadows.occluder_angle_deg = uniform(rng, 0, 360);
  p.shadows.occluder_offset = uniform(rng, -0.35, 0.2);
  p.shadows.occluder_darkness = uniform(rng, 0.15, 0.45);

  p.glare.on = !clean && chance(rng, 0.45);
  p.glare.u = uniform(rng, 0, 1);
  p.glare.v = uniform(rng, 0, 1);
  p.glare.radius = uniform(rng, 0.05, 0.3);
  p.glare.aspect = uniform(rng, 0.3, 1.0);
  p.glare.angle_deg = uniform(rng, 0, 180);
  p.glare.intensity = uniform(rng, 0.15, 0.8);

  p.sleeve.on = !clean && chance(rng, 0.3);
  p.sleeve.side_margin = uniform(rng, 0.008, 0.025);
  p.sleeve.top_margin = uniform(rng, 0.015, 0.05);
  p.sleeve.opacity = uniform(rng, 0.04, 0.15);
  p.sleeve.tint =
      cv::Scalar(uniform(rng, 200, 255), uniform(rng, 200, 250), uniform(rng, 190, 245));
  p.sleeve.streak = chance(rng, 0.5) ? uniform(rng, 0.05, 0.3) : 0.0;

  const double blur_pick = clean ? 0.0 : uniform(rng, 0, 1);
  if (blur_pick > 0.85) {
    p.blur.kind = BlurKind::kMotion;
    p.blur.length_px = uniform(rng, 3, 14);
    p.blur.angle_deg = uniform(rng, 0, 180);
  } else if (blur_pick > 0.55) {
    p.blur.kind = BlurKind::kDefocus;
    p.blur.sigma = uniform(rng, 0.6, 2.5);
  } else {
    p.blur.kind = BlurKind::kDefocus;
    p.blur.sigma = uniform(rng, 0, 0.6);
  }
  p.noise_sigma = clean ? 1.5 : uniform(rng, 1, 8);
  p.chroma_noise = !clean && chance(rng, 0.3) ? uniform(rng, 0.2, 0.6) : 0.0;
  p.distractors = clean ? 0 : chance(rng, 0.3) ? static_cast<int>(1 + rng() % 3) : 0;
  p.jpeg_quality =
      std::min(options.max_jpeg_quality, clean ? 92 : static_cast<int>(uniform(rng, 60, 95.999)));
  p.seed = rng();
  return p;
}

SceneParams jitter_scene(const SceneParams& base, std::mt19937_64& rng) {
  SceneParams p = base;
  p.pose.rotation_deg = base.pose.rotation_deg + uniform(rng, -3, 3);
  p.pose.tilt_deg = std::clamp(base.pose.tilt_deg + uniform(rng, -2, 2), 0.0, 20.0);
  p.pose.area_fraction = std::clamp(base.pose.area_fraction + uniform(rng, -0.03, 0.03), 0.1, 0.9);
  p.pose.center_u = std::clamp(base.pose.center_u + uniform(rng, -0.08, 0.08), 0.0, 1.0);
  p.pose.center_v = std::clamp(base.pose.center_v + uniform(rng, -0.08, 0.08), 0.0, 1.0);
  p.glare.u = std::clamp(base.glare.u + uniform(rng, -0.1, 0.1), 0.0, 1.0);
  p.glare.v = std::clamp(base.glare.v + uniform(rng, -0.1, 0.1), 0.0, 1.0);
  p.lighting.brightness = base.lighting.brightness * uniform(rng, 0.97, 1.03);
  p.seed = rng();
  return p;
}

namespace {

struct CardLayer {
  cv::Mat premultiplied;  // CV_32FC3 in frame coordinates: color × alpha
  cv::Mat alpha;          // CV_32FC1: card and sleeve coverage
  cv::Mat card_alpha;     // CV_32FC1: the card alone (gloss for the glare)
  cv::Mat sleeve_alpha;   // CV_32FC1: the film, empty without a sleeve
};

CardLayer warp_card(const CardFace& face, const std::array<cv::Point2d, 4>& corners,
                    const Sleeve& sleeve, cv::Size frame) {
  const int fw = face.bgr.cols, fh = face.bgr.rows;
  const int mx = sleeve.on ? static_cast<int>(sleeve.side_margin * fw) + 2 : 2;
  const int mt = sleeve.on ? static_cast<int>(sleeve.top_margin * fh) + 2 : 2;
  const int mb = sleeve.on ? static_cast<int>(sleeve.side_margin * fh) + 2 : 2;
  cv::Mat color(fh + mt + mb, fw + 2 * mx, CV_32FC3, cv::Scalar::all(0));
  cv::Mat card_a(color.size(), CV_32FC1, cv::Scalar(0));
  const cv::Rect card_rect(mx, mt, fw, fh);
  face.bgr.convertTo(color(card_rect), CV_32FC3);
  face.alpha.convertTo(card_a(card_rect), CV_32FC1, 1.0 / 255);
  cv::Mat sleeve_a;
  cv::Mat alpha = card_a.clone();
  if (sleeve.on) {
    // The film: a faint tint everywhere, a brighter welded edge, and the card seen through it.
    sleeve_a = cv::Mat(color.size(), CV_32FC1, cv::Scalar(1.0));
    const cv::Mat tint(color.size(), CV_32FC3, sleeve.tint);
    cv::Mat card_a3;
    cv::cvtColor(card_a, card_a3, cv::COLOR_GRAY2BGR);
    cv::Mat seen = color.mul(card_a3) * (1 - sleeve.opacity) + tint.mul(card_a3) * sleeve.opacity;
    const float film = static_cast<float>(std::min(0.3, sleeve.opacity * 1.8));
    cv::Mat film_a = (1.0 - card_a) * film;
    cv::Mat film_a3;
    cv::cvtColor(film_a, film_a3, cv::COLOR_GRAY2BGR);
    color = seen + tint.mul(film_a3);  // premultiplied
    alpha = card_a + film_a;
    const int edge = std::max(2, fw / 250);
    cv::rectangle(alpha, cv::Rect(0, 0, color.cols, color.rows), cv::Scalar(0.55), edge);
    cv::rectangle(color, cv::Rect(0, 0, color.cols, color.rows), cv::Scalar::all(0.55 * 235), edge);
  } else {
    cv::Mat card_a3;
    cv::cvtColor(card_a, card_a3, cv::COLOR_GRAY2BGR);
    color = color.mul(card_a3);
  }
  // Shrink first when the card is small in the frame: warpPerspective does not filter.
  const double photo_h =
      cv::norm((corners[0] + corners[1]) * 0.5 - (corners[2] + corners[3]) * 0.5);
  double k = 1.0;
  if (photo_h < fh * 0.8) {
    k = photo_h * 1.2 / fh;
    auto shrink = [&](cv::Mat& m) {
      if (m.empty()) return;
      cv::Mat small;
      cv::resize(m, small, cv::Size(), k, k, cv::INTER_AREA);
      m = small;
    };
    shrink(color), shrink(alpha), shrink(card_a), shrink(sleeve_a);
  }
  const cv::Point2f src[4] = {cv::Point2f(mx * k, mt * k), cv::Point2f((mx + fw) * k, mt * k),
                              cv::Point2f((mx + fw) * k, (mt + fh) * k),
                              cv::Point2f(mx * k, (mt + fh) * k)};
  cv::Point2f dst[4];
  for (int i = 0; i < 4; ++i)
    dst[i] = cv::Point2f(static_cast<float>(corners[i].x), static_cast<float>(corners[i].y));
  const cv::Mat h = cv::getPerspectiveTransform(src, dst);
  CardLayer out;
  auto warp = [&](const cv::Mat& m, cv::Mat& o) {
    if (m.empty()) return;
    cv::warpPerspective(m, o, h, frame, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  };
  warp(color, out.premultiplied);
  warp(alpha, out.alpha);
  warp(card_a, out.card_alpha);
  warp(sleeve_a, out.sleeve_alpha);
  return out;
}

}  // namespace

Result<Photo> render_photo(const CardFace* face, const SceneParams& params) {
  if (params.width < 64 || params.height < 64 || params.width > 8000 || params.height > 8000) {
    return Status::invalid_input(
        fmt::format("frame {}x{} out of range", params.width, params.height));
  }
  try {
    const cv::Size size(params.width, params.height);
    Photo photo;
    cv::Mat bg8 = render_background(params.background, size);
    draw_distractors(bg8, params.distractors, params.seed ^ 0xD1CEULL);
    cv::Mat frame;
    bg8.convertTo(frame, CV_32FC3);
    CardLayer layer;
    if (face != nullptr) {
      const CardPlacement placement = place_card(params.pose, size);
      photo.truth.has_card = true;
      photo.truth.corners = placement.corners;
      photo.truth.area_fraction = placement.area_fraction;
      photo.truth.rotation_deg = std::fmod(std::fmod(params.pose.rotation_deg, 360) + 360, 360);
      layer = warp_card(*face, placement.corners, params.sleeve, size);
      const double card_h = cv::norm((placement.corners[0] + placement.corners[1]) * 0.5 -
                                     (placement.corners[2] + placement.corners[3]) * 0.5);
      apply_drop_shadow(frame, layer.alpha, card_h, params.shadows);
      cv::Mat inv3;
      cv::cvtColor(1.0 - layer.alpha, inv3, cv::COLOR_GRAY2BGR);
      frame = frame.mul(inv3) + layer.premultiplied;
    }
    apply_occluder(frame, params.shadows);
    apply_lighting(frame, params.lighting);
    if (face != nullptr) {
      apply_glare(frame, layer.card_alpha, photo.truth.corners, params.glare);
      apply_sleeve_streak(frame, layer.sleeve_alpha, photo.truth.corners, params.sleeve.streak);
    }
    apply_blur(frame, params.blur);
    apply_noise(frame, params.noise_sigma, params.chroma_noise, params.seed);
    frame.convertTo(photo.bgr, CV_8UC3);
    if (!cv::imencode(".jpg", photo.bgr, photo.jpeg,
                      {cv::IMWRITE_JPEG_QUALITY, std::clamp(params.jpeg_quality, 1, 100)})) {
      return Status::internal("JPEG encoding failed");
    }
    return photo;
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("OpenCV: {}", e.what()));
  }
}

}  // namespace cardmint::card_photo
