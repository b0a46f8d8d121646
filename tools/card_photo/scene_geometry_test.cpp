#include "card_photo/scene_geometry.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cardmint::card_photo {
namespace {

double angle_gap(double a, double b) {
  const double d = std::fmod(std::abs(a - b), 360.0);
  return std::min(d, 360 - d);
}

TEST(CardPhotoGeometryTest, FlatUprightCardHasTheCardAspect) {
  CardPose pose;
  pose.area_fraction = 0.3;
  const CardPlacement p = place_card(pose, {1200, 1600});
  const double top = cv::norm(p.corners[1] - p.corners[0]);
  const double left = cv::norm(p.corners[3] - p.corners[0]);
  EXPECT_NEAR(top / left, 63.0 / 88.0, 1e-9);
  EXPECT_NEAR(p.area_fraction, 0.3, 1e-9);
  EXPECT_NEAR(up_angle_deg(p.corners), 0.0, 1e-6);
  EXPECT_GT(signed_area(p.corners), 0);  // clockwise on screen
}

TEST(CardPhotoGeometryTest, QuadsStayInsideConvexClockwiseAndAtTheRequestedArea) {
  const cv::Size frames[] = {{1600, 1200}, {1200, 1600}, {1920, 1080}};
  int checked = 0;
  for (const cv::Size frame : frames) {
    for (double rotation : {0.0, 33.0, 90.0, 180.0, 270.0, 305.0}) {
      for (double tilt : {0.0, 8.0, 15.0}) {
        CardPose pose;
        pose.rotation_deg = rotation;
        pose.tilt_deg = tilt;
        pose.tilt_axis_deg = rotation * 1.7;
        pose.focal_factor = 0.55;
        pose.area_fraction = 0.22;  // fits any orientation in these frames
        pose.center_u = 0.9;
        pose.center_v = 0.1;
        const CardPlacement p = place_card(pose, frame);
        const double margin = pose.margin_fraction * std::min(frame.width, frame.height);
        for (const cv::Point2d& c : p.corners) {
          EXPECT_GE(c.x, margin - 1e-6);
          EXPECT_LE(c.x, frame.width - margin + 1e-6);
          EXPECT_GE(c.y, margin - 1e-6);
          EXPECT_LE(c.y, frame.height - margin + 1e-6);
        }
        EXPECT_TRUE(is_convex(p.corners));
        EXPECT_GT(signed_area(p.corners), 0);
        EXPECT_NEAR(std::abs(signed_area(p.corners)) / frame.area(), 0.22, 1e-6);
        EXPECT_NEAR(p.area_fraction, 0.22, 1e-6);
        // Keystone bends the edges a little; the card's "up" stays within a few degrees.
        EXPECT_LT(angle_gap(up_angle_deg(p.corners), rotation), tilt > 0 ? 6.0 : 1e-6)
            << "rotation " << rotation << " tilt " << tilt;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 54);
}

TEST(CardPhotoGeometryTest, TooLargeRequestShrinksToFit) {
  CardPose pose;
  pose.area_fraction = 0.8;  // an upright card in a landscape frame tops out near 0.5
  const CardPlacement p = place_card(pose, {1600, 1200});
  EXPECT_LT(p.area_fraction, 0.55);
  EXPECT_GT(p.area_fraction, 0.4);
  double min_y = 1e9, max_y = -1e9;
  for (const cv::Point2d& c : p.corners) min_y = std::min(min_y, c.y), max_y = std::max(max_y, c.y);
  EXPECT_NEAR(max_y - min_y, 1200 - 2 * 0.02 * 1200, 1e-6);  // touches both margins
}

TEST(CardPhotoGeometryTest, ConvexityRejectsAFoldedQuad) {
  const std::array<cv::Point2d, 4> bow_tie = {{{0, 0}, {10, 10}, {10, 0}, {0, 10}}};
  EXPECT_FALSE(is_convex(bow_tie));
  const std::array<cv::Point2d, 4> counter_clockwise = {{{0, 0}, {0, 10}, {10, 10}, {10, 0}}};
  EXPECT_TRUE(is_convex(counter_clockwise));
  EXPECT_LT(signed_area(counter_clockwise), 0);
}

}  // namespace
}  // namespace cardmint::card_photo
