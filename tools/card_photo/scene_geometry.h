#pragma once
// Where the card lands in the photo: a 63:88 rectangle rotated on the table, the table tilted
// against the camera, projected through a pinhole and scaled to a requested share of the frame.
// Thread-safe: pure functions.

#include <array>
#include <opencv2/core.hpp>

namespace cardmint::card_photo {

struct CardPose {
  double rotation_deg = 0;     // in-plane, clockwise as seen in the photo; 180 = upside down
  double tilt_deg = 0;         // angle between the table's normal and the optical axis
  double tilt_axis_deg = 0;    // direction (in the image plane) of the axis the table tilts about
  double focal_factor = 0.8;   // focal length / frame diagonal: smaller = wider lens, more keystone
  double area_fraction = 0.5;  // requested card area / frame area (before fitting)
  double center_u = 0.5;       // where in the free space the card sits, 0..1 across
  double center_v = 0.5;       // and 0..1 down
  double margin_fraction = 0.02;  // the card stays this far (× the short side) inside the frame
};

struct CardPlacement {
  std::array<cv::Point2d, 4> corners;  // card top-left, top-right, bottom-right, bottom-left
  double area_fraction = 0;            // achieved: less than requested when the card would not fit
};

// REQUIRES: frame has positive size, area_fraction > 0.
CardPlacement place_card(const CardPose& pose, cv::Size frame);

// Polygon area (shoelace); positive for corners listed clockwise on screen (y down).
double signed_area(const std::array<cv::Point2d, 4>& quad);
// True when every turn of the closed quad goes the same way.
bool is_convex(const std::array<cv::Point2d, 4>& quad);
// Clockwise angle of the card's "up" (bottom-edge midpoint → top-edge midpoint) from the image's
// up direction, in [0, 360).
double up_angle_deg(const std::array<cv::Point2d, 4>& quad);

}  // namespace cardmint::card_photo
