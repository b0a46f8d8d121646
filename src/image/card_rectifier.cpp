#include "image/card_rectifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "image/card_orientation.h"
#include "image/cv_interop.h"
#include "image/quad_fit.h"

namespace cardmint::image {
namespace {

Status check_quad(const Quad& q, const RgbImage& photo) {
  const double w = photo.width;
  const double h = photo.height;
  for (const cv::Point2d& p : q) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
      return Status::invalid_input("card quad has a non-finite corner");
    }
    // A corner may fall a little outside the frame (a card cut by the edge), not anywhere.
    if (p.x < -0.5 * w || p.x > 1.5 * w || p.y < -0.5 * h || p.y > 1.5 * h) {
      return Status::invalid_input(
          fmt::format("card quad corner ({:.0f}, {:.0f}) is far outside the {}x{} photo", p.x, p.y,
                      photo.width, photo.height));
    }
  }
  if (!is_usable_card_quad(q)) {
    return Status::invalid_input("card quad is not a convex quadrilateral of useful size");
  }
  return {};
}

// Clockwise angle from photo-up to card-up, rounded to a quarter turn.
int quarter_turn_of(const Quad& q) {
  const cv::Point2d up = (q[0] + q[1]) * 0.5 - (q[2] + q[3]) * 0.5;
  const double deg = std::atan2(up.x, -up.y) * 180.0 / CV_PI;  // image y grows downwards
  const int quarter = int(std::lround(deg / 90.0));
  return ((quarter % 4) + 4) % 4 * 90;
}

// Photo to a `width` x `height` card canvas whose top-left corner is `ordered[0]`, the canvas
// shifted by `margin` px right and down.
cv::Mat card_homography(const Quad& ordered, double width, double height, double margin) {
  // Corners are card edges, and pixel centres sit at integers, so the canvas edges are at -0.5.
  const cv::Point2f src[4] = {cv::Point2f(ordered[0]), cv::Point2f(ordered[1]),
                              cv::Point2f(ordered[2]), cv::Point2f(ordered[3])};
  const float lo = float(margin - 0.5), right = float(width + margin - 0.5),
              bottom = float(height + margin - 0.5);
  const cv::Point2f dst[4] = {{lo, lo}, {right, lo}, {right, bottom}, {lo, bottom}};
  return cv::getPerspectiveTransform(src, dst);
}

Result<RectifiedCard> rectify(const RgbImage& photo, const Quad& ordered,
                              const RectifyOptions& options) {
  const cv::Mat homography = card_homography(ordered, options.width_px, options.height_px, 0);
  RectifiedCard out;
  out.card.width = options.width_px;
  out.card.height = options.height_px;
  out.card.pixels.resize(std::size_t(options.width_px) * std::size_t(options.height_px) * 3);
  // Same size and type as the destination, so OpenCV writes straight into the card's buffer.
  cv::Mat warped = view_of(out.card);
  cv::warpPerspective(view_of(photo), warped, homography, warped.size(), cv::INTER_LINEAR,
                      cv::BORDER_REPLICATE);
  Result<UprightEstimate> upright = estimate_upright(out.card);
  if (!upright.ok()) return upright.status();
  Quad q = ordered;
  out.orientation_score = upright->score;
  if (upright->score < 0) {
    cv::Mat turned;
    cv::rotate(warped, turned, cv::ROTATE_180);
    turned.copyTo(warped);
    q = shifted(q, 2);
    out.orientation_score = -upright->score;
  }
  out.orientation_confidence = upright->confidence;
  out.rotation_deg = quarter_turn_of(q);
  for (int i = 0; i < 4; ++i) out.quad.corners[i] = {q[i].x, q[i].y};
  return out;
}

}  // namespace

Result<RectifiedCard> rectify_card(const RgbImage& photo, const CardQuad& quad,
                                   const RectifyOptions& options) {
  if (Status s = check_rgb_image(photo, "photo"); !s.ok()) return s;
  if (options.width_px < 16 || options.height_px < 16 || options.width_px > 4096 ||
      options.height_px > 4096 || options.width_px >= options.height_px) {
    return Status::invalid_input(
        fmt::format("canonical card size {}x{} is not a portrait size "
                    "between 16 and 4096 px",
                    options.width_px, options.height_px));
  }
  Quad q;
  for (int i = 0; i < 4; ++i) q[i] = {quad.corners[i].x, quad.corners[i].y};
  if (Status s = check_quad(q, photo); !s.ok()) return s;
  q = short_side_first(clockwise(q));
  try {
    Result<RectifiedCard> out = rectify(photo, q, options);
    if (out.ok()) out->quad.score = quad.score;
    return out;
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("card rectification failed in OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory rectifying a card");
  }
}

Result<RgbImage> warp_card_surround(const RgbImage& photo, const CardQuad& quad, int width_px,
                                    int height_px, int margin_px) {
  if (Status s = check_rgb_image(photo, "photo"); !s.ok()) return s;
  if (width_px < 16 || height_px < 16 || width_px > 4096 || height_px > 4096 || margin_px < 0 ||
      margin_px > height_px) {
    return Status::invalid_input(
        fmt::format("card surround {}x{} with a {} px margin is outside "
                    "16-4096 px and [0, height]",
                    width_px, height_px, margin_px));
  }
  Quad q;
  for (int i = 0; i < 4; ++i) q[i] = {quad.corners[i].x, quad.corners[i].y};
  if (Status s = check_quad(q, photo); !s.ok()) return s;
  try {
    RgbImage out;
    out.width = width_px + 2 * margin_px;
    out.height = height_px + 2 * margin_px;
    out.pixels.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
    cv::Mat around = view_of(out);
    cv::warpPerspective(view_of(photo), around, card_homography(q, width_px, height_px, margin_px),
                        around.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("card surround warp failed in OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory warping a card's surround");
  }
}

Result<RgbImage> rotate_image(const RgbImage& image, int degrees) {
  if (Status s = check_rgb_image(image, "image"); !s.ok()) return s;
  const int d = ((degrees % 360) + 360) % 360;
  if (d % 90 != 0) {
    return Status::invalid_input(fmt::format("rotation {}° is not a quarter turn", degrees));
  }
  if (d == 0) return image;
  try {
    cv::Mat turned;
    const int code = d == 90    ? cv::ROTATE_90_CLOCKWISE
                     : d == 180 ? cv::ROTATE_180
                                : cv::ROTATE_90_COUNTERCLOCKWISE;
    cv::rotate(view_of(image), turned, code);
    return rgb_image_of(turned);
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("rotation failed in OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory rotating an image");
  }
}

}  // namespace cardmint::image
