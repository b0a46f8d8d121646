#include "image/card_photo_for_test.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>
#include <vector>

#include "card_photo/photo_effects.h"
#include "image/card_detector.h"
#include "image/card_rectifier.h"
#include "image/cv_interop.h"

namespace cardmint::image::test {
namespace {

using Rng = std::mt19937;

double uniform(Rng& rng, double a, double b) { return std::uniform_real_distribution<>(a, b)(rng); }

// Smooth noise in [-1, 1]: random values on a coarse grid, upscaled cubically.
cv::Mat smooth_noise(int width, int height, int cells, Rng& rng) {
  cv::Mat small(std::max(2, height * cells / std::max(width, height)) + 1, cells + 1, CV_32F);
  for (int y = 0; y < small.rows; ++y) {
    for (int x = 0; x < small.cols; ++x) small.at<float>(y, x) = float(uniform(rng, -1, 1));
  }
  cv::Mat out;
  cv::resize(small, out, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
  return out;
}

void add_noise(cv::Mat& rgb, double sigma, Rng& rng) {
  cv::Mat noise(rgb.size(), CV_32FC3);
  cv::RNG cvrng(rng());
  cvrng.fill(noise, cv::RNG::NORMAL, 0, sigma);
  cv::Mat f;
  rgb.convertTo(f, CV_32FC3);
  f += noise;
  f.convertTo(rgb, CV_8UC3);
}

// Rainbow sheen: hue running along a diagonal every ~14 px, bent by smooth noise, plus sparkles.
cv::Mat rainbow_layer(cv::Size size, Rng& rng) {
  cv::Mat hsv(size, CV_8UC3);
  const cv::Mat bend = smooth_noise(size.width, size.height, 6, rng);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const double phase = (x * 0.8 + y * 0.6) / 14.0 + 2.0 * bend.at<float>(y, x);
      const int hue = int(std::fmod(std::abs(phase) * 60.0, 180.0));
      hsv.at<cv::Vec3b>(y, x) = cv::Vec3b(std::uint8_t(hue), 200, 255);
    }
  }
  cv::Mat rgb;
  cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
  const int sparkles = size.area() / 900;
  for (int i = 0; i < sparkles; ++i) {
    cv::circle(rgb, {int(uniform(rng, 0, size.width)), int(uniform(rng, 0, size.height))}, 1,
               cv::Scalar(255, 255, 255), cv::FILLED);
  }
  return rgb;
}

void blend_into(cv::Mat& dst, const cv::Mat& layer, double alpha) {
  cv::addWeighted(dst, 1 - alpha, layer, alpha, 0, dst);
}

void text_lines(cv::Mat& face, int x0, int x1, int y0, int lines, int pitch, double scale,
                Rng& rng) {
  static const char* kWords[] = {"Flip",       "a",         "coin.",   "If",   "heads,",
                                 "the",        "Defending", "Pokemon", "is",   "now",
                                 "Paralyzed.", "Discard",   "Energy",  "card", "attached",
                                 "to",         "this",      "damage",  "each", "your"};
  for (int l = 0; l < lines; ++l) {
    std::string line;
    int width = 0;
    while (true) {
      const std::string word = kWords[rng() % std::size(kWords)];
      int base = 0;
      const cv::Size s =
          cv::getTextSize(line + word + " ", cv::FONT_HERSHEY_SIMPLEX, scale, 1, &base);
      if (x0 + s.width > x1) break;
      line += word + " ";
      width = s.width;
    }
    (void)width;
    cv::putText(face, line, {x0, y0 + l * pitch}, cv::FONT_HERSHEY_SIMPLEX, scale,
                cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
  }
}

}  // namespace

cv::Mat render_face(const FaceOptions& o) {
  Rng rng(o.seed);
  cv::Mat face(kFaceHeight, kFaceWidth, CV_8UC3, o.border);
  const cv::Rect inner(28, 28, kFaceWidth - 56, kFaceHeight - 56);
  const cv::Scalar body_colours[] = {
      {214, 226, 180}, {232, 206, 170}, {200, 214, 232}, {226, 218, 200}};
  face(inner).setTo(body_colours[rng() % 4]);
  if (o.blank) return face;
  const cv::Rect art(60, 105, 510, 305);
  if (o.rainbow_body) {
    cv::Mat body = face(inner);
    blend_into(body, rainbow_layer(inner.size(), rng), 0.55);
  }
  if (o.title_band)
    face(cv::Rect(inner.x, inner.y, inner.width, 100 - inner.y)).setTo(*o.title_band);
  // Name band: bold name on the left, HP on the right.
  cv::putText(face, o.name, {62, 84}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(15, 15, 15), 3,
              cv::LINE_AA);
  cv::putText(face, o.hp, {470, 84}, cv::FONT_HERSHEY_DUPLEX, 1.0, o.hp_colour, 2, cv::LINE_AA);
  // Art box: a sky, hills and a few bright figures, framed.
  cv::Mat a = face(art);
  for (int y = 0; y < a.rows; ++y) {
    const double t = double(y) / a.rows;
    a.row(y).setTo(cv::Scalar(90 + 120 * t, 150 + 60 * t, 240 - 90 * t));
  }
  for (int i = 0; i < 9; ++i) {
    const cv::Point c(int(uniform(rng, 20, art.width - 20)),
                      int(uniform(rng, 20, art.height - 20)));
    const cv::Size axes(int(uniform(rng, 15, 90)), int(uniform(rng, 15, 70)));
    const cv::Scalar colour(uniform(rng, 0, 255), uniform(rng, 0, 255), uniform(rng, 0, 255));
    cv::ellipse(a, c, axes, uniform(rng, 0, 180), 0, 360, colour, cv::FILLED, cv::LINE_AA);
  }
  cv::ellipse(a, {art.width / 2, art.height + 60}, {art.width / 2 + 40, 140}, 0, 180, 360,
              cv::Scalar(70, 160, 60), cv::FILLED, cv::LINE_AA);
  if (o.rainbow_art) blend_into(a, rainbow_layer(art.size(), rng), 0.55);
  cv::rectangle(face, art, cv::Scalar(180, 150, 60), 5);
  // Info strip, two attacks with energy symbols, weakness line.
  cv::putText(face, "Mouse Pokemon. Length: 1'04\", Weight: 13 lbs.", {90, 436},
              cv::FONT_HERSHEY_SIMPLEX, 0.42, cv::Scalar(30, 30, 30), 1, cv::LINE_AA);
  for (int k = 0; k < int(std::min<std::size_t>(2, o.attacks.size())); ++k) {
    const int y = 500 + k * 130;
    cv::circle(face, {70, y - 8}, 14, cv::Scalar(230, 200, 40), cv::FILLED, cv::LINE_AA);
    cv::circle(face, {102, y - 8}, 14, cv::Scalar(240, 240, 240), cv::FILLED, cv::LINE_AA);
    cv::putText(face, o.attacks[std::size_t(k)], {135, y}, cv::FONT_HERSHEY_DUPLEX, 0.9,
                cv::Scalar(15, 15, 15), 2, cv::LINE_AA);
    cv::putText(face, k == 0 ? "10" : "30", {520, y}, cv::FONT_HERSHEY_DUPLEX, 0.9,
                cv::Scalar(15, 15, 15), 2, cv::LINE_AA);
    text_lines(face, 60, 570, y + 32, 2, 24, 0.5, rng);
  }
  cv::line(face, {45, 770}, {585, 770}, cv::Scalar(60, 60, 60), 2);
  cv::putText(face, "weakness      resistance      retreat cost", {60, 795},
              cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
  // Small print: illustrator and collector number, ~1.5 mm tall.
  const cv::Point illus = o.number_bottom_left ? cv::Point(45, 818) : cv::Point(45, 840);
  if (!o.illustrator.empty())
    cv::putText(face, "Illus. " + o.illustrator, illus, cv::FONT_HERSHEY_SIMPLEX, 0.45,
                cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
  const cv::Point number = o.number_bottom_left ? cv::Point(45, 842) : cv::Point(480, 840);
  cv::putText(face, o.number, number, cv::FONT_HERSHEY_SIMPLEX, 0.55, cv::Scalar(20, 20, 20), 1,
              cv::LINE_AA);
  cv::putText(face, "(c)1999 Nintendo", {300, 842}, cv::FONT_HERSHEY_SIMPLEX, 0.35,
              cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
  return face;
}

const char* desk_name(Desk desk) {
  switch (desk) {
    case Desk::kWood:
      return "wood";
    case Desk::kCloth:
      return "cloth";
    case Desk::kGradient:
      return "gradient";
    case Desk::kDark:
      return "dark";
    case Desk::kLight:
      return "light";
  }
  return "?";
}

cv::Mat render_desk(Desk desk, int width, int height, std::uint32_t seed, int object) {
  Rng rng(seed * 7919u + 17u);
  cv::Mat out(height, width, CV_8UC3);
  switch (desk) {
    case Desk::kWood: {
      const cv::Mat bend = smooth_noise(width, height, 5, rng);
      const cv::Mat fine = smooth_noise(width, height, 60, rng);
      const double a = uniform(rng, 0, CV_PI);
      const cv::Vec3d base(uniform(rng, 120, 190), uniform(rng, 75, 120), uniform(rng, 35, 70));
      for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
          const double u = x * std::cos(a) + y * std::sin(a);
          const double g = std::sin(u / 9.0 + 6.0 * bend.at<float>(y, x)) +
                           0.5 * std::sin(u / 2.7 + 3.0 * fine.at<float>(y, x));
          const double k = 1.0 + 0.12 * g;
          out.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<std::uint8_t>(base[0] * k),
                                              cv::saturate_cast<std::uint8_t>(base[1] * k),
                                              cv::saturate_cast<std::uint8_t>(base[2] * k));
        }
      }
      add_noise(out, 5, rng);
      break;
    }
    case Desk::kCloth: {
      const cv::Vec3d base(uniform(rng, 40, 200), uniform(rng, 40, 200), uniform(rng, 40, 200));
      for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
          const double weave = 0.08 * std::sin(x * 1.6) * std::sin(y * 1.6);
          const cv::Vec3d c = base * (1.0 + weave);
          out.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<std::uint8_t>(c[0]),
                                              cv::saturate_cast<std::uint8_t>(c[1]),
                                              cv::saturate_cast<std::uint8_t>(c[2]));
        }
      }
      add_noise(out, 18, rng);
      break;
    }
    case Desk::kGradient: {
      const cv::Vec3d c0(uniform(rng, 60, 230), uniform(rng, 60, 230), uniform(rng, 60, 230));
      const cv::Vec3d c1(uniform(rng, 20, 200), uniform(rng, 20, 200), uniform(rng, 20, 200));
      const double a = uniform(rng, 0, 2 * CV_PI);
      for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
          const double t = std::clamp(
              0.5 + ((x - width / 2.0) * std::cos(a) + (y - height / 2.0) * std::sin(a)) /
                        double(width + height),
              0.0, 1.0);
          const cv::Vec3d c = c0 * (1 - t) + c1 * t;
          out.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<std::uint8_t>(c[0]),
                                              cv::saturate_cast<std::uint8_t>(c[1]),
                                              cv::saturate_cast<std::uint8_t>(c[2]));
        }
      }
      add_noise(out, 3, rng);
      break;
    }
    case Desk::kDark:
      out.setTo(cv::Scalar(uniform(rng, 15, 45), uniform(rng, 15, 45), uniform(rng, 20, 50)));
      add_noise(out, 4, rng);
      break;
    case Desk::kLight:
      out.setTo(cv::Scalar(uniform(rng, 215, 240), uniform(rng, 215, 240), uniform(rng, 210, 235)));
      add_noise(out, 4, rng);
      break;
  }
  const cv::Point centre(width / 2 + int(uniform(rng, -width / 6.0, width / 6.0)),
                         height / 2 + int(uniform(rng, -height / 6.0, height / 6.0)));
  const int r = height / 4;
  if (object == 1) {  // a coin: round, metallic, with a rim
    cv::circle(out, centre, r, cv::Scalar(170, 150, 110), cv::FILLED, cv::LINE_AA);
    cv::circle(out, centre, r - r / 10, cv::Scalar(200, 180, 140), 4, cv::LINE_AA);
    cv::circle(out, centre, r / 2, cv::Scalar(150, 130, 90), cv::FILLED, cv::LINE_AA);
  } else if (object == 2) {  // a square coaster, turned a little
    const cv::RotatedRect box(centre, cv::Size2f(float(2 * r), float(2 * r)), 20);
    cv::Point2f p[4];
    box.points(p);
    std::vector<cv::Point> poly(p, p + 4);
    cv::fillConvexPoly(out, poly, cv::Scalar(40, 90, 160), cv::LINE_AA);
  } else if (object == 3) {  // a pen
    const cv::RotatedRect box(centre, cv::Size2f(float(3 * r), float(r / 5)), -30);
    cv::Point2f p[4];
    box.points(p);
    std::vector<cv::Point> poly(p, p + 4);
    cv::fillConvexPoly(out, poly, cv::Scalar(30, 40, 150), cv::LINE_AA);
  }
  return out;
}

Photo render_photo(const cv::Mat& face, const PhotoOptions& o) {
  Rng rng(o.seed);
  cv::Mat photo = render_desk(o.desk, o.width, o.height, o.seed);
  // The card in 3-D (face pixels, centred), turned in plane, tilted, then seen by a pinhole
  // camera with a phone-like field of view.
  const double f = 1.1 * o.width;
  const double depth = f * kFaceHeight / (o.card_height_frac * o.height);
  const double th = o.angle_deg * CV_PI / 180;
  const double ax = o.tilt_x_deg * CV_PI / 180;
  const double ay = o.tilt_y_deg * CV_PI / 180;
  auto project = [&](double px, double py) {
    double x = px - kFaceWidth / 2.0;
    double y = py - kFaceHeight / 2.0;
    const double xr = x * std::cos(th) - y * std::sin(th);
    const double yr = x * std::sin(th) + y * std::cos(th);
    // Tilt about x, then y (small angles; the order hardly matters).
    double X = xr;
    double Y = yr * std::cos(ax);
    double Z = yr * std::sin(ax);
    const double X2 = X * std::cos(ay) + Z * std::sin(ay);
    Z = -X * std::sin(ay) + Z * std::cos(ay);
    X = X2;
    return cv::Point2d(f * X / (Z + depth) + o.center_x_frac * o.width,
                       f * Y / (Z + depth) + o.center_y_frac * o.height);
  };
  const double e = 0.5;  // card edges are half a pixel outside the outer pixel centres
  const cv::Point2d face_corners[4] = {
      {-e, -e}, {kFaceWidth - e, -e}, {kFaceWidth - e, kFaceHeight - e}, {-e, kFaceHeight - e}};
  Photo out;
  cv::Point2f src[4];
  cv::Point2f dst[4];
  for (int i = 0; i < 4; ++i) {
    out.corners[i] = project(face_corners[i].x, face_corners[i].y);
    src[i] = cv::Point2f(face_corners[i]);
    dst[i] = cv::Point2f(out.corners[i]);
  }
  out.rotation_deg = ((int(std::lround(o.angle_deg / 90.0)) % 4 + 4) % 4) * 90;
  const cv::Mat h = cv::getPerspectiveTransform(src, dst);
  const cv::Size size(o.width, o.height);

  cv::Mat mask(kFaceHeight, kFaceWidth, CV_8U, cv::Scalar(0));
  const int radius = 30;  // 3 mm rounded corners
  cv::rectangle(mask, cv::Rect(radius, 0, kFaceWidth - 2 * radius, kFaceHeight), 255, cv::FILLED);
  cv::rectangle(mask, cv::Rect(0, radius, kFaceWidth, kFaceHeight - 2 * radius), 255, cv::FILLED);
  for (cv::Point c : {cv::Point(radius, radius), cv::Point(kFaceWidth - 1 - radius, radius),
                      cv::Point(radius, kFaceHeight - 1 - radius),
                      cv::Point(kFaceWidth - 1 - radius, kFaceHeight - 1 - radius)}) {
    cv::circle(mask, c, radius, 255, cv::FILLED, cv::LINE_AA);
  }
  cv::Mat photo_mask;
  cv::warpPerspective(mask, photo_mask, h, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
  cv::Mat f32;
  photo.convertTo(f32, CV_32FC3);
  auto composite = [&](const cv::Mat& alpha8, const cv::Mat& layer32, double strength) {
    for (int y = 0; y < size.height; ++y) {
      const auto* a = alpha8.ptr<std::uint8_t>(y);
      const auto* l = layer32.ptr<cv::Vec3f>(y);
      auto* d = f32.ptr<cv::Vec3f>(y);
      for (int x = 0; x < size.width; ++x) {
        const float t = float(strength) * a[x] / 255.0f;
        if (t > 0) d[x] = d[x] * (1 - t) + l[x] * t;
      }
    }
  };
  if (o.shadow) {
    cv::Mat shadow;
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 0.02 * o.width, 0, 1, 0.03 * o.height);
    cv::warpAffine(photo_mask, shadow, shift, size);
    cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), 0.015 * o.width);
    composite(shadow, cv::Mat(size, CV_32FC3, cv::Scalar(0, 0, 0)), 0.45);
  }
  if (o.sleeve) {  // 1.5 mm of clear plastic around the card: a faint sheen and a bright rim
    const double m = 15;
    const cv::Point2f sleeve_src[4] = {{float(-m), float(-m)},
                                       {float(kFaceWidth + m), float(-m)},
                                       {float(kFaceWidth + m), float(kFaceHeight + m)},
                                       {float(-m), float(kFaceHeight + m)}};
    std::vector<cv::Point2f> in(sleeve_src, sleeve_src + 4);
    std::vector<cv::Point2f> outp;
    cv::perspectiveTransform(in, outp, h);
    std::vector<cv::Point> poly;
    for (const auto& p : outp) poly.emplace_back(int(std::lround(p.x)), int(std::lround(p.y)));
    cv::Mat sleeve_mask(size, CV_8U, cv::Scalar(0));
    cv::fillConvexPoly(sleeve_mask, poly, 255, cv::LINE_AA);
    composite(sleeve_mask, cv::Mat(size, CV_32FC3, cv::Scalar(255, 255, 255)), 0.10);
    cv::Mat rim(size, CV_8U, cv::Scalar(0));
    cv::polylines(rim, std::vector<std::vector<cv::Point>>{poly}, true, 255, 2, cv::LINE_AA);
    composite(rim, cv::Mat(size, CV_32FC3, cv::Scalar(255, 255, 255)), 0.35);
  }
  cv::Mat warped;
  cv::warpPerspective(face, warped, h, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  cv::Mat warped32;
  warped.convertTo(warped32, CV_32FC3);
  composite(photo_mask, warped32, 1.0);
  if (o.glare) {  // a soft white highlight somewhere on the card
    const double u = uniform(rng, 0.2, 0.8);
    const double v = uniform(rng, 0.2, 0.8);
    const cv::Point2d centre = (out.corners[0] * (1 - u) + out.corners[1] * u) * (1 - v) +
                               (out.corners[3] * (1 - u) + out.corners[2] * u) * v;
    const double sigma = 0.08 * o.card_height_frac * o.height;
    cv::Mat glare(size, CV_8U, cv::Scalar(0));
    for (int y = 0; y < size.height; ++y) {
      auto* g = glare.ptr<std::uint8_t>(y);
      for (int x = 0; x < size.width; ++x) {
        const double d2 = (x - centre.x) * (x - centre.x) + (y - centre.y) * (y - centre.y);
        g[x] = cv::saturate_cast<std::uint8_t>(255 * std::exp(-d2 / (2 * sigma * sigma)));
      }
    }
    composite(glare, cv::Mat(size, CV_32FC3, cv::Scalar(255, 255, 250)), 0.85);
  }
  // Uneven light across the frame, sensor noise, a little lens softness.
  const cv::Mat light = smooth_noise(size.width, size.height, 3, rng);
  for (int y = 0; y < size.height; ++y) {
    auto* d = f32.ptr<cv::Vec3f>(y);
    const auto* l = light.ptr<float>(y);
    for (int x = 0; x < size.width; ++x) d[x] *= 1.0f + 0.12f * l[x];
  }
  f32.convertTo(photo, CV_8UC3);
  add_noise(photo, 3, rng);
  cv::GaussianBlur(photo, photo, cv::Size(3, 3), 0.7);
  out.rgb = photo;
  return out;
}

PhotoOptions random_pose(Desk desk, std::uint32_t seed) {
  Rng rng(seed * 2654435761u + 1u);
  PhotoOptions o;
  o.desk = desk;
  o.seed = seed;
  o.angle_deg = uniform(rng, 0, 360);
  o.tilt_x_deg = uniform(rng, -15, 15);
  o.tilt_y_deg = uniform(rng, -15, 15);
  o.card_height_frac = uniform(rng, 0.45, 0.8);
  // Keep the card's bounding circle (half its diagonal) inside the frame.
  const double half_diag = 0.5 * o.card_height_frac * o.height * std::hypot(63.0, 88.0) / 88.0;
  const double mx = std::max(0.0, 0.5 - half_diag / o.width - 0.03);
  const double my = std::max(0.0, 0.5 - half_diag / o.height - 0.03);
  o.center_x_frac = 0.5 + uniform(rng, -mx, mx);
  o.center_y_frac = 0.5 + uniform(rng, -my, my);
  return o;
}

RgbImage to_rgb_image(const cv::Mat& rgb) { return rgb_image_of(rgb); }

Result<RgbImage> rectified_in_photo(const cv::Mat& face, std::uint32_t seed, double warmth) {
  Photo photo = render_photo(face, random_pose(Desk::kWood, seed));
  photo.rgb.convertTo(photo.rgb, CV_8UC3);
  cv::multiply(photo.rgb, cv::Scalar(1 + 0.14 * warmth, 1 + 0.01 * warmth, 1 - 0.14 * warmth),
               photo.rgb);
  const RgbImage rgb = to_rgb_image(photo.rgb);
  Result<CardQuad> quad = find_card(rgb);
  if (!quad.ok()) return quad.status();
  Result<RectifiedCard> card = rectify_card(rgb, *quad);
  if (!card.ok()) return card.status();
  return std::move(card->card);
}

cv::Mat smear_in_a_line(const cv::Mat& picture, double length_px, double angle_deg) {
  cv::Mat frame;
  picture.convertTo(frame, CV_32FC3);
  card_photo::apply_blur(
      frame,
      {.kind = card_photo::BlurKind::kMotion, .length_px = length_px, .angle_deg = angle_deg});
  cv::Mat out;
  frame.convertTo(out, picture.type());
  return out;
}

}  // namespace cardmint::image::test
