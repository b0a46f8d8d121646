#pragma once
// The "photographer": lays a rendered card face on a procedural table and shoots it with a
// phone-like camera (perspective, lighting, shadows, glare, sleeve, blur, noise, JPEG).
// Sampling and rendering are split: sample_scene() draws every random choice into a plain
// SceneParams (recorded in the manifest), and render_photo() is a pure function of it.
// Thread-safe: no shared state.

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "card_photo/card_face_renderer.h"
#include "card_photo/procedural_textures.h"
#include "card_photo/scene_geometry.h"

namespace cardmint::card_photo {

enum class SceneStyle {
  kVaried,  // everything varies widely: the default for data sets
  kClean,   // upright-ish, flat, sharp, even light: fixtures for OCR and rectification tests
};

struct SceneOptions {
  SceneStyle style = SceneStyle::kVaried;
  int width_px = 0;  // 0: sampled (mostly 1600×1200 or 1200×1600)
  int height_px = 0;
  double area_fraction = 0;            // 0: sampled in [0.30, 0.80]
  std::optional<double> rotation_deg;  // unset: sampled (any angle, upright most often)
  double max_tilt_deg = 15;
  int max_jpeg_quality = 100;  // caps the sampled quality; the rest of the scene is unchanged
};

struct Lighting {
  double brightness = 1.0;       // overall gain
  double gradient_strength = 0;  // 0..0.45: one side darker than the other
  double gradient_angle_deg = 0;
  double vignette = 0;  // 0..0.5
  double warmth = 0;    // -1 (cool, bluish) .. 1 (warm, tungsten)
  double gamma = 1.0;
};

struct Shadows {
  bool drop = false;   // the card's own soft shadow on the table
  double drop_dx = 0;  // offset, fraction of the card's height in the photo
  double drop_dy = 0;
  double drop_blur = 0.02;  // fraction of the card's height
  double drop_darkness = 0.3;
  bool occluder = false;  // a soft band (a phone or a hand) across the frame
  double occluder_angle_deg = 0;
  double occluder_offset = 0;  // -0.5..0.5 of the frame diagonal from the center
  double occluder_darkness = 0.3;
};

struct Glare {
  bool on = false;
  double u = 0.5, v = 0.5;  // position on the card (0..1 across its width and height)
  double radius = 0.1;      // fraction of the card's height
  double aspect = 1.0;      // minor / major axis
  double angle_deg = 0;
  double intensity = 0.5;  // added white at the center, 0..1
};

struct Sleeve {
  bool on = false;
  double side_margin = 0.015;  // fractions of the face size beyond the card
  double top_margin = 0.03;    // the open end sticks out further
  double opacity = 0.08;       // the film's own tint over the card
  cv::Scalar tint;             // BGR
  double streak = 0;           // intensity of a long specular streak along the film
};

enum class BlurKind { kNone, kDefocus, kMotion };

struct CameraBlur {
  BlurKind kind = BlurKind::kNone;
  double sigma = 0;      // defocus Gaussian sigma, px
  double length_px = 0;  // motion blur streak
  double angle_deg = 0;
};

struct SceneParams {
  int width = 1600, height = 1200;
  BackgroundParams background;
  CardPose pose;
  Lighting lighting;
  Shadows shadows;
  Glare glare;
  Sleeve sleeve;
  CameraBlur blur;
  double noise_sigma = 2;   // sensor noise, 8-bit units
  double chroma_noise = 0;  // extra per-channel noise share, 0..1
  int distractors = 0;      // other objects on the table (notes, coins, pens, a phone)
  int jpeg_quality = 90;
  std::uint64_t seed = 0;  // noise and distractor details
};

SceneParams sample_scene(std::mt19937_64& rng, const SceneOptions& options);
// The same table and light with a new hand position: for sequential scans of a set.
SceneParams jitter_scene(const SceneParams& base, std::mt19937_64& rng);

struct PhotoTruth {
  bool has_card = false;
  std::array<cv::Point2d, 4> corners{};  // card TL, TR, BR, BL in photo pixels (clockwise)
  double rotation_deg = 0;               // pose.rotation_deg normalized to [0, 360)
  double area_fraction = 0;              // achieved card area / frame area
};

struct Photo {
  cv::Mat bgr;                     // the frame before JPEG compression, CV_8UC3
  std::vector<std::uint8_t> jpeg;  // what a phone would upload
  PhotoTruth truth;
};

// `face` null: a photo of the table without a card. Errors: invalid_input for a frame smaller
// than 64 px or over 8000 px; internal if OpenCV fails.
[[nodiscard]] Result<Photo> render_photo(const CardFace* face, const SceneParams& params);

}  // namespace cardmint::card_photo
