#pragma once
// Private to image/: quadrilateral geometry and the edge probe that the card detector uses to
// snap a rough quad onto the card's sides and to score how well a quad sits on real edges.
// Thread-compatible: an EdgeProbe only reads the image it borrows.

#include <array>
#include <opencv2/core.hpp>
#include <optional>

namespace cardmint::image {

using Quad = std::array<cv::Point2d, 4>;

// Shoelace area; positive when the corners run clockwise on screen (y grows downwards).
double signed_area(const Quad& q);
bool is_convex(const Quad& q);
// An outline a card can be warped from: convex and at least 64 px² (a card 7x9 px), either
// winding. The rectifier refuses anything else, so the detector reports nothing less.
bool is_usable_card_quad(const Quad& q);
// Reorders to clockwise on screen, keeping corner 0.
Quad clockwise(const Quad& q);
// Rotates the corner list so that corner 0 comes `shift` places later (q[shift] becomes first).
Quad shifted(const Quad& q, int shift);
// Short over long side, from the means of opposite sides; 1 for a square, 63/88 for a card.
double aspect_ratio(const Quad& q);
// Largest |interior angle - 90°| in degrees.
double max_corner_deviation_deg(const Quad& q);
// Rotates a clockwise quad so that side 0→1 is one of the two shorter sides.
Quad short_side_first(const Quad& q);
// The quad whose side i runs through point[i] along dir[i] (corner i where sides i-1 and i
// meet); nullopt when two neighbouring sides are parallel or the result is not a convex,
// clockwise quad.
std::optional<Quad> quad_from_sides(const std::array<cv::Point2d, 4>& point,
                                    const std::array<cv::Point2d, 4>& dir);

// Reads colour steps across lines in an 8-bit 3-channel image, sharing its pixels.
class EdgeProbe {
 public:
  explicit EdgeProbe(const cv::Mat& image) : image_(image) {}

  struct SideEdge {
    double support = 0;  // fraction of samples whose inside/outside colour step >= min_step
    double median_step = 0;
  };
  // Per side, sampled along the middle of the side (samples off the image count as no step).
  // REQUIRES: q clockwise.
  std::array<SideEdge, 4> side_edges(const Quad& q, double band_px, double min_step) const;

  // Moves each side onto the strongest colour step within ±search_px of it (a robust line fit
  // through the per-sample maxima) and re-intersects the sides. Sides with too few steps stay.
  // With outer_ratio > 0 a sample takes the outermost peak at least that fraction of its
  // strongest instead: a card's outer edge over the border's inner edge, once the quad is known
  // to be the card. Returns nullopt when the result is no longer a convex quad.
  // REQUIRES: q clockwise.
  std::optional<Quad> refine(const Quad& q, double search_px, double band_px, double min_step,
                             double outer_ratio = 0) const;

  // Mean colour along side `side` of `q` (0..3, or -1 for all four), `offset_px` outside (+) or
  // inside (-) of it. REQUIRES: q clockwise.
  cv::Vec3d mean_along(const Quad& q, int side, double offset_px) const;

  const cv::Mat& image() const { return image_; }

 private:
  // Bilinear sample; false outside the image.
  bool sample(double x, double y, cv::Vec3f* out) const;
  // Colour profile along the normal at `c`: slots for offsets -reach..reach (1 px apart), each
  // averaged over three points along the tangent. Returns false if any slot fell outside.
  bool profile(cv::Point2d c, cv::Point2d t, cv::Point2d n, int reach, cv::Vec3f* out) const;

  cv::Mat image_;  // a header sharing the caller's pixels
};

}  // namespace cardmint::image
