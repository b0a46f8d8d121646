#include "image/card_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "image/card_photo_for_test.h"

namespace cardmint::image {
namespace {

using test::Desk;
using test::Photo;
using test::PhotoOptions;

// Test photos are 1200x900: the detector works on a 640 px copy either way, and smaller photos
// keep the suite quick under the sanitizers.
constexpr int kPhotoWidth = 1200;
constexpr int kPhotoHeight = 900;

cv::Mat face(std::uint32_t seed = 1, cv::Scalar border = {236, 196, 48}) {
  test::FaceOptions options;
  options.seed = seed;
  options.border = border;
  return test::render_face(options);
}

PhotoOptions pose(Desk desk, std::uint32_t seed) {
  PhotoOptions o = test::random_pose(desk, seed);
  o.width = kPhotoWidth;
  o.height = kPhotoHeight;
  return o;
}

double card_height(const Photo& p) { return cv::norm(p.corners[3] - p.corners[0]); }

// Largest corner distance, as a fraction of the card's height, under the best cyclic match: the
// detector only promises clockwise corners, not which one comes first.
double corner_error(const CardQuad& quad, const Photo& p) {
  double best = 1e9;
  for (int shift = 0; shift < 4; ++shift) {
    double worst = 0;
    for (int k = 0; k < 4; ++k) {
      const Point2 c = quad.corners[(k + shift) % 4];
      worst = std::max(worst, cv::norm(cv::Point2d(c.x, c.y) - p.corners[k]));
    }
    best = std::min(best, worst);
  }
  return best / card_height(p);
}

std::string describe(const PhotoOptions& o) {
  return std::string(test::desk_name(o.desk)) + " angle=" + std::to_string(o.angle_deg) +
         " tilt=" + std::to_string(o.tilt_x_deg) + "," + std::to_string(o.tilt_y_deg) +
         " seed=" + std::to_string(o.seed);
}

void expect_found(const cv::Mat& card_face, const PhotoOptions& o, double max_error) {
  const Photo p = test::render_photo(card_face, o);
  Result<CardQuad> quad = find_card(test::to_rgb_image(p.rgb));
  ASSERT_TRUE(quad.ok()) << describe(o) << ": " << quad.status().message();
  EXPECT_LT(corner_error(*quad, p), max_error) << describe(o);
  EXPECT_GT(quad->score, 0.35) << describe(o);
  // Clockwise on screen, short side first.
  const auto& c = quad->corners;
  double area = 0;
  for (int i = 0; i < 4; ++i) area += c[i].x * c[(i + 1) % 4].y - c[(i + 1) % 4].x * c[i].y;
  EXPECT_GT(area, 0) << describe(o);
  const double side01 = std::hypot(c[1].x - c[0].x, c[1].y - c[0].y);
  const double side12 = std::hypot(c[2].x - c[1].x, c[2].y - c[1].y);
  EXPECT_LT(side01, side12) << describe(o);
}

class CardDetectorDeskTest : public ::testing::TestWithParam<Desk> {};

TEST_P(CardDetectorDeskTest, FindsTheCardCorners) {
  const cv::Mat card = face();
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    expect_found(card, pose(GetParam(), seed * 31 + std::uint32_t(GetParam())), 0.015);
  }
}

INSTANTIATE_TEST_SUITE_P(Desks, CardDetectorDeskTest,
                         ::testing::Values(Desk::kWood, Desk::kCloth, Desk::kGradient, Desk::kDark,
                                           Desk::kLight),
                         [](const auto& info) { return std::string(test::desk_name(info.param)); });

TEST(CardDetectorTest, FindsTheCardAtEveryQuarterTurnAndTilt) {
  const cv::Mat card = face(2);
  const double tilts[][2] = {{0, 0}, {14, -6}, {-9, 13}, {5, 15}};
  for (int quarter = 0; quarter < 4; ++quarter) {
    PhotoOptions o = pose(Desk::kWood, 100 + quarter);
    o.angle_deg = quarter * 90.0 + (quarter % 2 == 0 ? 7.0 : -11.0);
    o.tilt_x_deg = tilts[quarter][0];
    o.tilt_y_deg = tilts[quarter][1];
    o.center_x_frac = o.center_y_frac = 0.5;
    expect_found(card, o, 0.015);
  }
}

TEST(CardDetectorTest, FindsTheCardNotItsSleeve) {
  // A sleeve's corners are ~2.4% of the card height outside the card's; 1% tells them apart.
  const cv::Mat card = face(3);
  for (Desk desk : {Desk::kGradient, Desk::kWood, Desk::kDark}) {
    PhotoOptions o = pose(desk, 200 + std::uint32_t(desk));
    o.sleeve = true;
    expect_found(card, o, 0.01);
  }
}

TEST(CardDetectorTest, FindsTheCardEdgeNotTheBorderInsideIt) {
  // The border's inner edge is a card-shaped quad of its own, ~4.5% of the height inside.
  // Silver on a dark desk and yellow on a light one: either edge can be the stronger.
  expect_found(face(4, {196, 198, 204}), pose(Desk::kDark, 300), 0.01);
  expect_found(face(4), pose(Desk::kLight, 301), 0.01);
  expect_found(face(5), pose(Desk::kLight, 302), 0.01);
}

TEST(CardDetectorTest, SurvivesGlareAndShadow) {
  const cv::Mat card = face(6);
  for (std::uint32_t seed = 0; seed < 3; ++seed) {
    PhotoOptions o = pose(Desk(seed % 5), 400 + seed);
    o.glare = true;
    o.shadow = true;
    expect_found(card, o, 0.015);
  }
}

TEST(CardDetectorTest, FindsSmallAndFrameFillingCards) {
  const cv::Mat card = face(7);
  PhotoOptions small = pose(Desk::kCloth, 500);
  small.card_height_frac = 0.3;
  small.angle_deg = 20;
  expect_found(card, small, 0.015);
  PhotoOptions large = pose(Desk::kWood, 501);
  large.card_height_frac = 0.9;
  large.angle_deg = 3;
  large.tilt_x_deg = large.tilt_y_deg = 2;
  large.center_x_frac = large.center_y_frac = 0.5;
  expect_found(card, large, 0.015);
}

TEST(CardDetectorTest, WorksWithoutDownscalingASmallPhoto) {
  PhotoOptions o = pose(Desk::kGradient, 600);
  o.width = 480;
  o.height = 360;
  expect_found(face(8), o, 0.02);
}

TEST(CardDetectorTest, DeskWithoutACardIsNotFoundWithAReason) {
  for (int object = 0; object < 4; ++object) {  // nothing, a coin, a square coaster, a pen
    for (Desk desk : {Desk::kWood, Desk::kCloth, Desk::kGradient, Desk::kLight}) {
      const cv::Mat photo =
          test::render_desk(desk, kPhotoWidth, kPhotoHeight, 700 + object, object);
      Result<CardQuad> quad = find_card(test::to_rgb_image(photo));
      ASSERT_FALSE(quad.ok()) << test::desk_name(desk) << " object " << object;
      EXPECT_EQ(quad.status().code(), StatusCode::kNotFound);
      EXPECT_EQ(quad.status().message().rfind("no card-shaped quadrilateral found: ", 0), 0u)
          << quad.status().message();
      EXPECT_GT(quad.status().message().size(), 40u) << "the reason is missing";
    }
  }
}

TEST(CardDetectorTest, RejectsEmptyAndInconsistentImages) {
  Result<CardQuad> empty = find_card(RgbImage{});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidInput);

  RgbImage short_buffer;
  short_buffer.width = 100;
  short_buffer.height = 100;
  short_buffer.pixels.resize(100 * 99 * 3);
  Result<CardQuad> bad = find_card(short_buffer);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace cardmint::image
