#include "card_photo/card_face_style.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

namespace cardmint::card_photo {
namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}
bool chance(std::mt19937_64& rng, double p) { return uniform(rng, 0, 1) < p; }

cv::Scalar rgb(double r, double g, double b) { return cv::Scalar(b, g, r); }

cv::Scalar jitter_color(const cv::Scalar& c, std::mt19937_64& rng, double amount) {
  cv::Scalar out;
  for (int i = 0; i < 3; ++i) out[i] = std::clamp(c[i] + uniform(rng, -amount, amount), 0.0, 255.0);
  return out;
}

double luminance(const cv::Scalar& bgr) { return 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]; }

bool is_full_art_rarity(std::string_view rarity, CardEra era, std::mt19937_64& rng) {
  static constexpr std::array<std::string_view, 8> kAlways = {
      "Illustration rare", "Special illustration rare", "Hyper rare",      "Full Art Trainer",
      "Shiny Ultra Rare",  "Mega Hyper Rare",           "Shiny rare VMAX", "Shiny rare V"};
  for (std::string_view r : kAlways) {
    if (r == rarity) return true;
  }
  if (era == CardEra::kClassic || era == CardEra::kExDp) return false;
  if (rarity == "Secret Rare") return true;
  if (rarity == "Ultra Rare") return chance(rng, 0.6);
  return false;
}

std::size_t pick(const std::vector<std::size_t>& options, std::mt19937_64& rng) {
  return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(rng)];
}

}  // namespace

std::string_view face_layout_name(FaceLayout layout) {
  return layout == FaceLayout::kFullArt ? "full_art" : "standard";
}

std::string_view foil_kind_name(FoilKind kind) {
  switch (kind) {
    case FoilKind::kNone:
      return "none";
    case FoilKind::kArtHolo:
      return "art_holo";
    case FoilKind::kReverse:
      return "reverse";
    case FoilKind::kFullCard:
      return "full_card";
  }
  return "unknown";
}

cv::Scalar type_color(const CatalogCard& card) {
  if (card.category == "Trainer") {
    return card.trainer_type == "Supporter" ? rgb(225, 200, 170) : rgb(200, 208, 220);
  }
  const std::string type = card.types.empty() ? "Colorless" : card.types.front();
  if (type == "Grass") return rgb(130, 190, 90);
  if (type == "Fire") return rgb(232, 100, 60);
  if (type == "Water") return rgb(80, 155, 225);
  if (type == "Lightning") return rgb(245, 212, 70);
  if (type == "Psychic") return rgb(175, 110, 195);
  if (type == "Fighting") return rgb(195, 120, 70);
  if (type == "Darkness") return rgb(55, 70, 85);
  if (type == "Metal") return rgb(165, 170, 180);
  if (type == "Fairy") return rgb(238, 150, 195);
  if (type == "Dragon") return rgb(195, 165, 70);
  return rgb(222, 216, 205);  // Colorless and untyped
}

Result<FaceStyle> sample_face_style(const CatalogCard& card, const CatalogSet& set,
                                    const FontLibrary& fonts, std::mt19937_64& rng) {
  FaceStyle s;
  s.era = era_of_set(set);
  s.layout = is_full_art_rarity(card.rarity, s.era, rng) || chance(rng, 0.04)
                 ? FaceLayout::kFullArt
                 : FaceLayout::kStandard;

  std::vector<std::string> finishes;
  if (card.variants.normal) finishes.emplace_back("normal");
  if (card.variants.holo) finishes.emplace_back("holo");
  if (card.variants.reverse) finishes.emplace_back("reverse");
  if (card.variants.first_edition) finishes.emplace_back("first_edition");
  if (finishes.empty()) finishes.emplace_back("normal");
  s.finish = finishes[std::uniform_int_distribution<std::size_t>(0, finishes.size() - 1)(rng)];
  if (s.layout == FaceLayout::kFullArt) {
    s.foil = FoilKind::kFullCard;
  } else if (s.finish == "holo" || (s.finish == "first_edition" && card.variants.holo)) {
    s.foil = FoilKind::kArtHolo;
  } else if (s.finish == "reverse") {
    s.foil = FoilKind::kReverse;
  }
  s.foil_pattern = s.layout == FaceLayout::kFullArt && chance(rng, 0.6)
                       ? FoilPattern::kTextured
                       : static_cast<FoilPattern>(std::uniform_int_distribution<int>(0, 3)(rng));
  s.foil_strength = uniform(rng, 0.2, 0.6);
  s.foil_phase = uniform(rng, 0, 1);

  // Borders: yellow through Sword & Shield, silver from Scarlet & Violet, sometimes otherwise.
  const bool silver_era = set.serie_id == "sv" || set.serie_id == "me";
  s.border = silver_era ? "silver" : "yellow";
  const double odd = uniform(rng, 0, 1);
  if (odd < 0.06)
    s.border = silver_era ? "yellow" : "silver";
  else if (odd < 0.09)
    s.border = "black";
  else if (odd < 0.12)
    s.border = "white";
  else if (odd < 0.14)
    s.border = "blue";
  if (s.layout == FaceLayout::kFullArt && chance(rng, 0.5)) {
    s.border = card.rarity.find("Hyper") != std::string::npos || chance(rng, 0.3) ? "gold" : "art";
  }
  const cv::Scalar panel = jitter_color(type_color(card), rng, 18);
  if (s.border == "yellow")
    s.border_color = jitter_color(rgb(242, 208, 60), rng, 14);
  else if (s.border == "silver")
    s.border_color = jitter_color(rgb(198, 200, 206), rng, 12);
  else if (s.border == "gold")
    s.border_color = jitter_color(rgb(212, 175, 85), rng, 12);
  else if (s.border == "black")
    s.border_color = jitter_color(rgb(25, 25, 28), rng, 8);
  else if (s.border == "white")
    s.border_color = jitter_color(rgb(240, 240, 236), rng, 8);
  else if (s.border == "blue")
    s.border_color = jitter_color(rgb(40, 70, 160), rng, 15);
  else
    s.border_color = panel * 0.8;
  s.panel_color = panel;
  s.text_color = luminance(panel) < 110 || s.layout == FaceLayout::kFullArt
                     ? cv::Scalar::all(chance(rng, 0.85) ? 250 : 20)
                     : cv::Scalar::all(uniform(rng, 5, 40));

  std::vector<std::size_t> name_fonts = fonts.fonts_covering(card.name, FontWeight::kBold);
  if (name_fonts.empty() || chance(rng, 0.1)) {
    std::vector<std::size_t> regular = fonts.fonts_covering(card.name, FontWeight::kRegular);
    if (!regular.empty()) name_fonts = std::move(regular);
  }
  if (name_fonts.empty()) {
    return Status::unprocessable(fmt::format("no installed font has glyphs for '{}'", card.name));
  }
  s.name_font = pick(name_fonts, rng);
  std::string body_text = card.illustrator + " Pokémon";
  for (const std::string& a : card.attack_names) body_text += a;
  for (const std::string& a : card.ability_names) body_text += a;
  std::vector<std::size_t> body_fonts = fonts.fonts_covering(body_text, FontWeight::kRegular);
  if (body_fonts.empty())
    body_fonts = fonts.fonts_covering("Pokemon 0123456789", FontWeight::kRegular);
  std::vector<std::size_t> number_fonts = fonts.fonts_covering(
      "0123456789/", chance(rng, 0.4) ? FontWeight::kBold : FontWeight::kRegular);
  if (body_fonts.empty() || number_fonts.empty()) {
    return Status::unprocessable("no installed font has the digits and Latin letters");
  }
  s.body_font = pick(body_fonts, rng);
  s.number_font = pick(number_fonts, rng);

  s.name_height = uniform(rng, 0.036, 0.05);
  s.number_height = uniform(rng, 0.0155, 0.022);
  s.jitter_x = uniform(rng, -0.008, 0.008);
  s.jitter_y = uniform(rng, -0.005, 0.005);
  s.number_on_left = (s.era == CardEra::kModern) != chance(rng, 0.05);
  s.show_set_code = s.era == CardEra::kModern ? chance(rng, 0.85) : chance(rng, 0.25);
  s.show_copyright = chance(rng, 0.8);
  s.art_seed = rng();
  return s;
}

}  // namespace cardmint::card_photo
