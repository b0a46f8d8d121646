#pragma once
// How one card face looks: era layout, fonts, sizes, colors and foil, sampled from a seed and
// recorded in the manifest so a photo can be re-rendered or filtered by look. Plain data.

#include <cstddef>
#include <opencv2/core.hpp>
#include <random>
#include <string>
#include <string_view>

#include "base/status.h"
#include "card_photo/catalog_reader.h"
#include "card_photo/font_library.h"
#include "card_photo/printed_number.h"
#include "card_photo/procedural_textures.h"

namespace cardmint::card_photo {

enum class FaceLayout {
  kStandard,  // border, header, framed art box, attacks, footer
  kFullArt,   // art behind everything (illustration / secret / full-art rares)
};
std::string_view face_layout_name(FaceLayout layout);

enum class FoilKind { kNone, kArtHolo, kReverse, kFullCard };
std::string_view foil_kind_name(FoilKind kind);

struct FaceStyle {
  CardEra era = CardEra::kModern;
  FaceLayout layout = FaceLayout::kStandard;
  std::string finish = "normal";  // printing: "normal", "holo", "reverse", "first_edition"
  FoilKind foil = FoilKind::kNone;
  FoilPattern foil_pattern = FoilPattern::kRainbow;
  double foil_strength = 0.0;  // 0..1
  double foil_phase = 0.0;
  std::string border = "yellow";  // "yellow", "silver", "gold", "black", "white", "blue", "art"
  cv::Scalar border_color;        // BGR
  cv::Scalar panel_color;         // BGR: the type color behind the text
  cv::Scalar text_color;          // BGR: black on light panels, white on dark ones
  std::size_t name_font = 0;      // FontLibrary indices
  std::size_t body_font = 0;
  std::size_t number_font = 0;
  double name_height = 0.045;    // text heights as fractions of the face height
  double number_height = 0.018;  // ~1.5 mm of 88 mm
  double jitter_x = 0.0;         // text block offsets, fractions of the face width/height
  double jitter_y = 0.0;
  bool number_on_left = false;  // Sword & Shield on: bottom left, with the regulation mark
  bool show_set_code = false;   // "SSH", "PAL EN" next to the number
  bool show_copyright = true;   // "©1999 Wizards" line: digits that are not the number
  std::uint64_t art_seed = 0;
};

// Energy-type color for a card (its first type; Trainers and Energies have their own), BGR.
cv::Scalar type_color(const CatalogCard& card);

// Samples a style for `card`. Errors: unprocessable when no installed font of `fonts` has
// glyphs for the card's name (the one Japanese-named card, with pool a or b).
[[nodiscard]] Result<FaceStyle> sample_face_style(const CatalogCard& card, const CatalogSet& set,
                                                  const FontLibrary& fonts, std::mt19937_64& rng);

}  // namespace cardmint::card_photo
