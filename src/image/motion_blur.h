#pragma once
// Linear motion blur: found from the picture alone, and taken out again. A hand that moves while
// the shutter is open smears a card's 1.5 mm collector number past reading; the smear is one
// straight path, which both its finding and its removal rely on.
// Thread-safe: free functions with no shared state.

#include <optional>

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

struct MotionBlur {
  // The smear's footprint, end to end, in pixels: a point becomes a streak this long and in this
  // direction. (dx, dy) and (-dx, -dy) are the same blur.
  double dx = 0;
  double dy = 0;
  // How far the cepstral dip that shows it stands below its neighbourhood, in standard
  // deviations: larger is surer.
  double strength = 0;
  // log(detail across the path / detail along it), mid to high spatial frequencies: a smear
  // takes the detail along its path only.
  double anisotropy = 0;

  double length() const;
};

// The straight-line blur that `image` shows, when its path is at least `min_length_px` long.
// A box blur of length L puts zeros in the spectrum every 1/L, which the cepstrum (the spectrum
// of the log spectrum) turns into one dip at distance L along the path. Defocus and noise have
// no such dip; JPEG's 8-pixel block grid has one on the axes, which is skipped. Sharp print
// spaced out evenly can make one, as shallow as a smear's once lens and JPEG have filled in its
// zeros, but keeps its detail in every direction: a dip counts only where the picture has lost
// its detail along the dip's direction and kept it across. std::nullopt when no dip stands out
// or `image` is not a valid picture.
std::optional<MotionBlur> estimate_motion_blur(const RgbImage& image, double min_length_px);

// `image` with `blur` taken out by Wiener deconvolution. `noise_to_signal` trades sharpness for
// noise: ~0.01 sharpens most, ~0.05 keeps JPEG ringing down.
// Errors: invalid_input for an empty or malformed image or a blur shorter than 2 pixels.
[[nodiscard]] Result<RgbImage> remove_motion_blur(const RgbImage& image, const MotionBlur& blur,
                                                  double noise_to_signal);

}  // namespace cardmint::image
