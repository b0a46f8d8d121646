#pragma once
// The colour of a card's printed border, as evidence of its era: Pokémon cards were printed with
// yellow borders from 1999 through Sword & Shield, and with silver ones from Scarlet & Violet
// (2023) on. A few sets and special cards break the rule (gold secret rares, black or blue
// promos), and light can tint a border, so this is evidence to weigh, never a verdict.
// Thread-safe: free functions with no shared state.

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

struct BorderColour {
  // Shares of the border's unclipped pixels that read as yellow print (a saturated yellow)
  // and as silver (near grey), in [0, 1]; the rest are neither (gold, black, art, a shadow).
  double yellow = 0;
  double silver = 0;
  // log P(border | silver-bordered era) / P(border | yellow-bordered era), from which of the two
  // it reads as, or neither.
  double silver_era_log_ratio = 0;
};

// REQUIRES: `card` is a rectified card (rectify_card()): its border runs along the image edges.
// Errors: invalid_input for an empty or inconsistent image.
[[nodiscard]] Result<BorderColour> read_border_colour(const RgbImage& card);

}  // namespace cardmint::image
