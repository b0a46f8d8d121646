#pragma once
// Test-only: synthetic card faces and desk photos with known corners, for the image pipeline
// tests and tuning. A card face follows the Pokémon layout the pipeline relies on (name band on
// top, art box in the upper half, rules text below, small print along the bottom edge); the
// photo puts it on a desk in perspective. Not linked into any library.

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image::test {

// 630x880: the 63x88 mm card at 10 px/mm.
inline constexpr int kFaceWidth = 630;
inline constexpr int kFaceHeight = 880;

struct FaceOptions {
  std::string name = "Pikachu";
  std::string number = "58/102";
  std::string hp = "HP 60";
  cv::Scalar hp_colour = {190, 30, 30};         // RGB: red, as Wizards of the Coast printed it
  std::string illustrator = "Mitsuhiro Arita";  // "": no illustrator line
  // At most two are drawn.
  std::vector<std::string> attacks = {"Gnaw", "Thunder Jolt"};
  bool number_bottom_left = false;       // modern (Sword & Shield on) layout
  bool rainbow_art = false;              // holo: foil sheen over the art box
  bool rainbow_body = false;             // reverse holo: foil sheen over the body
  bool blank = false;                    // border and plain face only: no cue for orientation
  cv::Scalar border = {236, 196, 48};    // RGB, the yellow border
  std::optional<cv::Scalar> title_band;  // RGB behind the name and HP; none: the body's colour
  std::uint32_t seed = 1;
};

// An R G B face, kFaceWidth x kFaceHeight, square-cornered (the photo rounds the corners).
cv::Mat render_face(const FaceOptions& options);

enum class Desk { kWood, kCloth, kGradient, kDark, kLight };
const char* desk_name(Desk desk);

struct PhotoOptions {
  Desk desk = Desk::kWood;
  int width = 1600;
  int height = 1200;
  double angle_deg = 0;           // in-plane, clockwise on screen
  double tilt_x_deg = 0;          // about the card's horizontal axis
  double tilt_y_deg = 0;          // about its vertical axis
  double card_height_frac = 0.7;  // projected card height / photo height (before tilt)
  double center_x_frac = 0.5;
  double center_y_frac = 0.5;
  bool shadow = false;
  bool glare = false;
  bool sleeve = false;
  std::uint32_t seed = 1;
};

struct Photo {
  cv::Mat rgb;
  std::array<cv::Point2d, 4> corners;  // the card's top-left, top-right, bottom-right, bottom-left
  int rotation_deg = 0;                // angle_deg rounded to a quarter turn
};

// Puts `face` (kFaceWidth x kFaceHeight) on a desk.
Photo render_photo(const cv::Mat& face, const PhotoOptions& options);
// A desk alone, optionally with a non-card object on it: 0 none, 1 a coin, 2 a square coaster,
// 3 a pen.
cv::Mat render_desk(Desk desk, int width, int height, std::uint32_t seed, int object = 0);
// Random pose within the detector's brief: any in-plane angle, tilt up to 15°, card 45-80% of
// the photo height, placed so it stays in frame.
PhotoOptions random_pose(Desk desk, std::uint32_t seed);

RgbImage to_rgb_image(const cv::Mat& rgb);

// `face` photographed on a wood desk in random_pose(seed), under a light `warmth` warm (red up
// and blue down by 14 % a unit; below 0, cool), then found and warped upright as the recognizer
// does: for the tests of what is read off a rectified card. Errors: the detector's or the
// rectifier's.
Result<RgbImage> rectified_in_photo(const cv::Mat& face, std::uint32_t seed, double warmth = 0);

// `picture` (8-bit R G B) smeared along a straight path `length_px` long at `angle_deg`, as a
// hand moving during the exposure smears it: the photo generator's motion blur, whose kernel is
// one line of pixels (OpenCV draws no anti-aliasing on float pictures).
cv::Mat smear_in_a_line(const cv::Mat& picture, double length_px, double angle_deg);

}  // namespace cardmint::image::test
