#pragma once
// The colour of a Pokémon card's HP, as evidence of its era: Wizards of the Coast's cards (Base
// Set through the e-Card series, 1999-2003) print the HP in red ("60 HP") at the top right, left
// of the type symbol; every later card prints it in black or white. Colour survives the blur that
// makes the digits unreadable, so this tells a 1999 Zapdos from a 2009 one when the number does
// not. Evidence to weigh, never a verdict: red print of the card's own can sit there too.
// Thread-safe: free functions with no shared state.

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

struct HpColour {
  // The share of the HP's place that is red ink, in [0, 1]: ~0.02-0.2 under a red HP, ~0
  // otherwise.
  double red = 0;
  // log P(reading | the card prints a red HP) / P(reading | it does not).
  double red_hp_log_ratio = 0;
};

// REQUIRES: `card` is a rectified, upright card (rectify_card()), so the title band runs along
// its top. Errors: invalid_input for an empty or inconsistent image.
[[nodiscard]] Result<HpColour> read_hp_colour(const RgbImage& card);

}  // namespace cardmint::image
