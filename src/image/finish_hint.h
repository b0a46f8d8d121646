#pragma once
// A hint at a card's printing from one photo: holo cards shine in the art box, reverse holos
// over the card body around it, and classic first-edition cards carry a small black "1st
// EDITION" stamp below the art box's lower-left corner. Foil only shows when light catches it,
// and busy artwork can look like foil, so this is evidence for the recognizer to weigh, never a
// verdict. Thread-safe: free functions with no shared state.

#include <array>

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

// The catalog lists a first-edition card as its own printing, whether or not it is also holo,
// so the stamp outranks the foil reading.
enum class FinishHint { kNormal, kHolo, kReverseHolo, kFirstEdition };

struct FinishEstimate {
  FinishHint hint = FinishHint::kNormal;
  // In [0, 0.9]: an estimate of how often a hint read like this one is right. Capped below 1
  // because one photo can always miss the foil (no light on it, or a blown-out print) or be
  // fooled by artwork. A foil reading stays below 0.6 on a card without a framed art box: foil
  // over a full-art card says nothing about which printing it is, nor does foil over both the
  // art box and the body. For display: the recognizer weighs `log_likelihood` instead.
  double confidence = 0;
  // The measures behind the hint, for logs and tuning: how far the colour of the art box and
  // of the card body (outside the art box, inside the border) turns in hue, x1000 in
  // chromaticity; see finish_hint.cpp. Print keeps one hue per area, and light, shade and white
  // glare only change its brightness and saturation; a foil's rainbow turns the hue. On
  // generated desk photos plain art boxes read 3-6 (their own texture), plain bodies 1.5-3.5,
  // foiled regions mostly 5-20; 0 where a region was blown out.
  double art_foil = 0;
  double body_foil = 0;
  // In [0, 1]: how much darker a disc of the stamp's size below the art box's lower-left corner
  // is than the paper around it (0.65-0.95 for a stamp).
  double first_edition = 0;
  // How well each printing explains these readings: log-likelihoods up to a common constant,
  // indexed by FinishHint. Unlike `hint`, this is for choosing among the printings one card
  // has: weak foil evidence that names no finish on its own still tells a reverse holo from
  // the same card's plain printing. For a framed card: foil over a full-art card says nothing of
  // its printing, which the catalog weighs by each card's chance of a full-art print.
  std::array<double, 4> log_likelihood{};
  // The layout: log P(readings | full-art card) / P(readings | framed art box). A full-art card
  // shows no art frame, and its foil, over the whole card, reaches the body.
  double full_art_log_ratio = 0;
};

// REQUIRES: `card` is a rectified, upright card (rectify_card()), so the art box is at the usual
// place in the upper half. Errors: invalid_input for an empty or inconsistent image; internal
// when OpenCV fails.
[[nodiscard]] Result<FinishEstimate> estimate_finish(const RgbImage& card);

}  // namespace cardmint::image
