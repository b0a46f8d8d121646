#include "card_photo/card_face_parts.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <functional>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace cardmint::card_photo {
namespace {

constexpr double kPi = 3.14159265358979323846;

template <std::size_t N>
std::string_view one_of(const std::array<std::string_view, N>& options, std::mt19937_64& rng) {
  return options[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

int between(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::vector<cv::Point> star_points(cv::Point center, double outer, double inner, int points,
                                   double rotation) {
  std::vector<cv::Point> out;
  for (int i = 0; i < points * 2; ++i) {
    const double r = i % 2 == 0 ? outer : inner;
    const double a = rotation - kPi / 2 + i * kPi / points;
    out.emplace_back(static_cast<int>(std::lround(center.x + r * std::cos(a))),
                     static_cast<int>(std::lround(center.y + r * std::sin(a))));
  }
  return out;
}

cv::Scalar energy_color(std::string_view type) {
  if (type == "Grass") return {60, 170, 70};
  if (type == "Fire") return {40, 60, 220};
  if (type == "Water") return {210, 130, 40};
  if (type == "Lightning") return {30, 200, 245};
  if (type == "Psychic") return {170, 70, 150};
  if (type == "Fighting") return {40, 90, 170};
  if (type == "Darkness") return {60, 50, 40};
  if (type == "Metal") return {150, 150, 150};
  if (type == "Fairy") return {180, 110, 230};
  if (type == "Dragon") return {50, 140, 170};
  return {225, 225, 225};
}

}  // namespace

void draw_energy_symbol(cv::Mat& image, cv::Point center, int radius, std::string_view type) {
  const cv::Scalar color = energy_color(type);
  cv::circle(image, center, radius, color * 0.6, -1, cv::LINE_AA);
  cv::circle(image, center, std::max(1, radius * 9 / 10), color, -1, cv::LINE_AA);
  const cv::Scalar glyph =
      type == "Colorless" || type.empty() ? cv::Scalar(40, 40, 40) : cv::Scalar(250, 250, 250);
  const int r = std::max(1, radius / 2);
  const std::size_t h = std::hash<std::string_view>{}(type);
  switch (h % 4) {
    case 0:
      cv::fillPoly(image,
                   std::vector<std::vector<cv::Point>>{star_points(center, r, r * 0.45, 5, 0)},
                   glyph, cv::LINE_AA);
      break;
    case 1:
      cv::circle(image, center, r * 3 / 4, glyph, std::max(1, r / 3), cv::LINE_AA);
      break;
    case 2: {
      std::vector<cv::Point> tri = {center + cv::Point(0, -r), center + cv::Point(r, r * 3 / 4),
                                    center + cv::Point(-r, r * 3 / 4)};
      cv::fillConvexPoly(image, tri, glyph, cv::LINE_AA);
      break;
    }
    default:
      cv::ellipse(image, center, cv::Size(r, r / 2), 45, 0, 360, glyph, -1, cv::LINE_AA);
      break;
  }
}

void draw_rarity_symbol(cv::Mat& image, cv::Point center, int size, std::string_view rarity,
                        const cv::Scalar& color) {
  const int r = std::max(2, size / 2);
  if (rarity == "Common") {
    cv::circle(image, center, r * 3 / 4, color, -1, cv::LINE_AA);
  } else if (rarity == "Uncommon") {
    std::vector<cv::Point> diamond = {center + cv::Point(0, -r), center + cv::Point(r * 3 / 4, 0),
                                      center + cv::Point(0, r), center + cv::Point(-r * 3 / 4, 0)};
    cv::fillConvexPoly(image, diamond, color, cv::LINE_AA);
  } else if (rarity == "None" || rarity.empty() || rarity == "Promo") {
    return;
  } else {
    const bool two = rarity.find("Double") != std::string_view::npos ||
                     rarity.find("Special") != std::string_view::npos ||
                     rarity.find("Ultra") != std::string_view::npos;
    const cv::Scalar star = rarity.find("Hyper") != std::string_view::npos ||
                                    rarity.find("Special") != std::string_view::npos
                                ? cv::Scalar(60, 180, 220)
                                : color;
    for (int i = 0; i < (two ? 2 : 1); ++i) {
      const cv::Point c = center + cv::Point(two ? (i == 0 ? -r * 3 / 4 : r * 3 / 4) : 0, 0);
      cv::fillPoly(image, std::vector<std::vector<cv::Point>>{star_points(c, r, r * 0.42, 5, 0)},
                   star, cv::LINE_AA);
    }
  }
}

void draw_set_symbol(cv::Mat& image, cv::Point center, int size, std::string_view set_id,
                     const cv::Scalar& color) {
  const std::size_t h = std::hash<std::string_view>{}(set_id);
  const int r = std::max(3, size / 2);
  const int thick = std::max(1, size / 8);
  switch (h % 5) {
    case 0:
      cv::circle(image, center, r, color, thick, cv::LINE_AA);
      break;
    case 1:
      cv::rectangle(image, center - cv::Point(r, r * 3 / 4), center + cv::Point(r, r * 3 / 4),
                    color, thick, cv::LINE_AA);
      break;
    case 2:
      cv::fillPoly(image,
                   std::vector<std::vector<cv::Point>>{star_points(center, r, r * 0.5, 4, 0.3)},
                   color, cv::LINE_AA);
      break;
    case 3:
      cv::ellipse(image, center, cv::Size(r, r / 2), 30, 0, 360, color, -1, cv::LINE_AA);
      break;
    default: {
      std::vector<cv::Point> shield = {center + cv::Point(-r, -r), center + cv::Point(r, -r),
                                       center + cv::Point(r, 0), center + cv::Point(0, r),
                                       center + cv::Point(-r, 0)};
      cv::polylines(image, shield, true, color, thick, cv::LINE_AA);
    }
  }
  cv::line(image, center - cv::Point(r / 2, 0), center + cv::Point(r / 2, 0), color,
           std::max(1, thick / 2), cv::LINE_AA);
}

void draw_promo_star(cv::Mat& image, cv::Point center, int size) {
  const int r = std::max(3, size / 2);
  cv::fillPoly(image, std::vector<std::vector<cv::Point>>{star_points(center, r, r * 0.45, 5, 0)},
               cv::Scalar(20, 20, 20), cv::LINE_AA);
  cv::circle(image, center, std::max(1, r / 4), cv::Scalar(230, 230, 230), -1, cv::LINE_AA);
}

std::string filler_sentence(std::mt19937_64& rng) {
  static constexpr std::array<std::string_view, 14> kTemplates = {
      "Flip a coin. If heads, the Defending Pokémon is now Paralyzed.",
      "Discard {} Energy attached to this Pokémon.",
      "This attack does {}0 damage to 1 of your opponent's Benched Pokémon.",
      "Search your deck for up to {} Basic Pokémon and put them onto your Bench.",
      "Draw {} cards.",
      "Heal {}0 damage from this Pokémon.",
      "Your opponent's Active Pokémon is now Confused.",
      "This attack does {}0 more damage for each Energy attached to this Pokémon.",
      "Flip {} coins. This attack does 20 damage for each heads.",
      "Shuffle your hand into your deck. Then, draw {} cards.",
      "During your next turn, this Pokémon can't attack.",
      "Attach up to {} basic Energy cards from your discard pile to your Pokémon.",
      "You may play only 1 Supporter card during your turn.",
      "Put {} damage counters on your opponent's Pokémon in any way you like."};
  return fmt::format(fmt::runtime(one_of(kTemplates, rng)), between(rng, 1, 6));
}

std::string fake_damage(std::mt19937_64& rng, CardEra era) {
  const int r = between(rng, 0, 9);
  if (r == 0) return "";
  const int max_tens = era == CardEra::kClassic ? 8 : 28;
  const int value = 10 * between(rng, 1, max_tens);
  if (r == 1) return fmt::format("{}+", value);
  if (r == 2) return fmt::format("{}×", value);
  return std::to_string(value);
}

std::string pokedex_line(std::mt19937_64& rng) {
  static constexpr std::array<std::string_view, 10> kKinds = {
      "Mouse", "Flame", "Seed", "Shellfish", "Psi", "Bat", "Poison Bee", "Fox", "Balloon", "Drill"};
  return fmt::format("NO. {:03}  {} Pokémon  HT: {}'{:02}\"  WT: {}.{} lbs.", between(rng, 1, 1025),
                     one_of(kKinds, rng), between(rng, 0, 9), between(rng, 0, 11),
                     between(rng, 1, 999), between(rng, 0, 9));
}

std::string copyright_line(CardEra era, std::mt19937_64& rng) {
  switch (era) {
    case CardEra::kClassic:
      return "©1995, 96, 98, 99 Nintendo, Creatures, GAMEFREAK. ©1999-2000 Wizards.";
    case CardEra::kExDp:
      return fmt::format("©{} Pokémon / Nintendo / Creatures / GAME FREAK",
                         between(rng, 2003, 2010));
    case CardEra::kBwSm:
      return fmt::format("©{} Pokémon / Nintendo / Creatures / GAME FREAK",
                         between(rng, 2011, 2019));
    case CardEra::kModern:
      return fmt::format("©{} Pokémon / Nintendo / Creatures / GAME FREAK",
                         between(rng, 2020, 2026));
  }
  return "";
}

std::string stage_label(const CatalogCard& card) {
  if (card.category == "Trainer") return "TRAINER";
  if (card.category == "Energy") return card.energy_type == "Special" ? "SPECIAL ENERGY" : "ENERGY";
  if (card.stage == "Stage1") return "STAGE 1";
  if (card.stage == "Stage2") return "STAGE 2";
  if (card.stage.empty()) return "BASIC";
  std::string upper = card.stage;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

}  // namespace cardmint::card_photo
