#include "card_photo/card_face_renderer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <vector>

#include "card_photo/card_face_parts.h"
#include "card_photo/printed_number.h"
#include "card_photo/procedural_textures.h"

namespace cardmint::card_photo {
namespace {

enum class Align { kLeft, kRight, kCenter };

struct TextSpec {
  std::size_t font = 0;
  double height = 0.02;  // fraction of the face height
  double x = 0;          // fraction of the width: left edge, right edge or center per align
  double baseline = 0;   // fraction of the height
  Align align = Align::kLeft;
  cv::Scalar color;
  double max_width = 1.0;  // fraction of the width
  bool outline = false;    // a contrasting halo, for text over art
};

cv::Scalar mix(const cv::Scalar& a, const cv::Scalar& b, double t) { return a * (1 - t) + b * t; }

// Draws text in face fractions; long text is condensed (and shrunk if it must squeeze hard), as
// real cards do with long names. Returns the ink box in pixels.
class Painter {
 public:
  Painter(cv::Mat& img, FontLibrary& fonts, double jx, double jy)
      : img_(img), fonts_(fonts), jx_(jx), jy_(jy) {}

  int px(double fx) const { return static_cast<int>(std::lround(fx * img_.cols)); }
  int py(double fy) const { return static_cast<int>(std::lround(fy * img_.rows)); }
  cv::Point pt(double fx, double fy) const { return {px(fx), py(fy)}; }

  cv::Rect text(std::string_view s, const TextSpec& spec) {
    int h = std::max(6, py(spec.height));
    TextMask mask = fonts_.render(spec.font, s, h);
    if (mask.alpha.empty()) return {};
    const int max_w = std::max(8, px(spec.max_width));
    const double ratio = static_cast<double>(max_w) / mask.alpha.cols;
    if (ratio < 0.7) {
      h = std::max(6, static_cast<int>(h * std::max(0.55, ratio / 0.7)));
      mask = fonts_.render(spec.font, s, h);
    }
    if (mask.alpha.cols > max_w) {
      cv::Mat squeezed;
      cv::resize(mask.alpha, squeezed, cv::Size(max_w, mask.alpha.rows), 0, 0, cv::INTER_AREA);
      mask.alpha = squeezed;
    }
    const int anchor = px(spec.x + jx_);
    const int left = spec.align == Align::kLeft    ? anchor
                     : spec.align == Align::kRight ? anchor - mask.alpha.cols
                                                   : anchor - mask.alpha.cols / 2;
    const cv::Point top_left(left, py(spec.baseline + jy_) - mask.baseline_y);
    if (spec.outline) {
      const int k = std::max(2, h / 9) * 2 + 1;
      cv::Mat halo;
      cv::dilate(mask.alpha, halo, cv::getStructuringElement(cv::MORPH_ELLIPSE, {k, k}));
      const double lum = spec.color[0] + spec.color[1] + spec.color[2];
      blend_mask(img_, halo, top_left - cv::Point(0, 0),
                 lum > 380 ? cv::Scalar::all(15) : cv::Scalar::all(245), 0.85);
    }
    blend_mask(img_, mask.alpha, top_left, spec.color);
    return cv::Rect(top_left, mask.alpha.size());
  }

  double width_of(std::string_view s, std::size_t font, double height) {
    const TextMask m = fonts_.render(font, s, std::max(6, py(height)));
    return static_cast<double>(m.alpha.cols) / img_.cols;
  }

 private:
  cv::Mat& img_;
  FontLibrary& fonts_;
  double jx_, jy_;
};

std::vector<std::string> wrap(const std::string& text, std::size_t chars_per_line) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > chars_per_line) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void vertical_gradient(cv::Mat roi, const cv::Scalar& top, const cv::Scalar& bottom) {
  for (int y = 0; y < roi.rows; ++y) {
    const cv::Scalar c = mix(top, bottom, roi.rows > 1 ? y / (roi.rows - 1.0) : 0.0);
    roi.row(y).setTo(c);
  }
}

cv::Mat rounded_alpha(cv::Size size, int radius) {
  cv::Mat alpha = cv::Mat::zeros(size, CV_8UC1);
  const int w = size.width, h = size.height;
  cv::rectangle(alpha, cv::Rect(radius, 0, w - 2 * radius, h), cv::Scalar(255), -1);
  cv::rectangle(alpha, cv::Rect(0, radius, w, h - 2 * radius), cv::Scalar(255), -1);
  for (const cv::Point c :
       {cv::Point(radius, radius), cv::Point(w - 1 - radius, radius),
        cv::Point(radius, h - 1 - radius), cv::Point(w - 1 - radius, h - 1 - radius)}) {
    cv::circle(alpha, c, radius, cv::Scalar(255), -1, cv::LINE_AA);
  }
  return alpha;
}

std::string first_type(const CatalogCard& card) {
  return card.types.empty() ? "Colorless" : card.types.front();
}

struct Ctx {
  const CatalogCard& card;
  const CatalogSet& set;
  const FaceStyle& style;
  Painter& p;
  cv::Mat& img;
  std::mt19937_64& rng;
  bool full = false;
  double b = 0.04;             // border width, fraction of the width
  double left = 0, right = 1;  // text column, fractions of the width
  cv::Scalar ink;
  CardFace& face;
};

void draw_header(Ctx& c) {
  const FaceStyle& s = c.style;
  const double base = 0.087;
  const bool pokemon = c.card.category == "Pokemon";
  double name_x = c.left;
  const double tag_h = 0.0155;
  const std::string tag = stage_label(c.card);
  if (s.era == CardEra::kModern || s.era == CardEra::kBwSm) {
    // Inline tag box before the name ("BASIC", "STAGE 1", "TRAINER").
    const double tw = c.p.width_of(tag, s.body_font, tag_h);
    const cv::Rect box(c.p.pt(c.left - 0.008, base - 0.03),
                       c.p.pt(c.left + tw + 0.012, base + 0.004));
    cv::rectangle(c.img, box, mix(s.panel_color, cv::Scalar::all(255), 0.6), -1, cv::LINE_AA);
    cv::rectangle(c.img, box, s.panel_color * 0.5, 1, cv::LINE_AA);
    c.p.text(tag, {s.body_font, tag_h, c.left, base - 0.006, Align::kLeft, cv::Scalar::all(20)});
    name_x = c.left + tw + 0.03;
  } else {
    std::string small = tag;
    if (!c.card.evolve_from.empty()) small += "   Evolves from " + c.card.evolve_from;
    c.p.text(small, {s.body_font, 0.0125, c.left, 0.047, Align::kLeft, c.ink, 0.6, c.full});
  }
  // Right side: HP with the type symbol, or the card kind.
  double name_limit = c.right;
  if (pokemon && c.card.hp && *c.card.hp > 0) {
    const double sym_r = 0.019;
    const double sym_x = c.right - sym_r * 88 / 63;
    draw_energy_symbol(c.img, c.p.pt(sym_x, base - 0.014), c.p.py(sym_r), first_type(c.card));
    const std::string hp = std::to_string(*c.card.hp);
    const double num_h = s.name_height * 0.8;
    const double small_h = s.name_height * 0.4;
    const cv::Scalar hp_red = c.full ? c.ink : cv::Scalar(30, 30, 200);
    const double x_end = sym_x - 0.045;
    cv::Rect a, bbox;
    if (s.era == CardEra::kClassic) {  // "120 HP"
      a = c.p.text("HP", {s.body_font, small_h, x_end, base, Align::kRight, hp_red, 1, c.full});
      bbox = c.p.text(hp, {s.name_font, num_h, static_cast<double>(a.x) / c.img.cols - 0.006, base,
                           Align::kRight, hp_red, 1, c.full});
      c.face.hp_text = hp + " HP";
    } else {  // "HP 120"
      a = c.p.text(hp, {s.name_font, num_h, x_end, base, Align::kRight, c.ink, 1, c.full});
      bbox = c.p.text("HP", {s.body_font, small_h, static_cast<double>(a.x) / c.img.cols - 0.006,
                             base, Align::kRight, c.ink, 1, c.full});
      c.face.hp_text = "HP " + hp;
    }
    name_limit = static_cast<double>(std::min(a.x, bbox.x)) / c.img.cols - 0.03;
  } else if (!pokemon) {
    const std::string kind = c.card.category == "Trainer"
                                 ? (c.card.trainer_type.empty() ? "TRAINER" : c.card.trainer_type)
                                 : "ENERGY";
    std::string upper = kind;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const cv::Rect r = c.p.text(upper, {s.name_font, 0.026, c.right, base, Align::kRight,
                                        c.full ? c.ink : cv::Scalar(40, 40, 40), 0.3, c.full});
    name_limit = static_cast<double>(r.x) / c.img.cols - 0.03;
  }
  c.face.name_box = c.p.text(c.card.name, {s.name_font, s.name_height, name_x, base, Align::kLeft,
                                           c.ink, std::max(0.2, name_limit - name_x), c.full});
}

// Returns the y (fraction) below the drawn block.
double draw_text_lines(Ctx& c, const std::string& text, double y, double height, int max_lines) {
  const double width = c.right - c.left;
  const auto chars = static_cast<std::size_t>(std::max(10.0, width / (height * 88 / 63 * 0.5)));
  int n = 0;
  for (const std::string& line : wrap(text, chars)) {
    if (n++ >= max_lines) break;
    y += height * 1.35;
    c.p.text(line, {c.style.body_font, height, c.left, y, Align::kLeft, c.ink, width, c.full});
  }
  return y;
}

// The rule line of ex/V/GX cards and of Trainers: more printed text, more digits.
void draw_rule_box(Ctx& c, double y) {
  std::string rule;
  const std::string& sfx = c.card.suffix;
  if (c.card.category == "Pokemon" && !sfx.empty() && sfx != "Prime" && sfx != "Legend" &&
      sfx != "SP") {
    const int prizes = sfx == "VMAX" || sfx == "TAG TEAM-GX" ? 3 : 2;
    rule = fmt::format(
        "Pokémon {} rule: When your Pokémon {} is Knocked Out, your opponent takes "
        "{} Prize cards.",
        sfx, sfx, prizes);
  } else if (c.card.category == "Trainer" && c.style.era != CardEra::kClassic) {
    rule = c.card.trainer_type == "Supporter"
               ? "You may play only 1 Supporter card during your turn."
               : "You may play any number of Item cards during your turn.";
  }
  if (rule.empty() || y > 0.79) return;
  draw_text_lines(c, rule, 0.795, 0.0135, 2);
}

void draw_body(Ctx& c, double art_bottom) {
  const FaceStyle& s = c.style;
  double y = art_bottom + 0.01;
  if (c.card.category == "Pokemon" && !c.full && (c.rng() % 10) < 7) {
    c.p.text(pokedex_line(c.rng),
             {s.body_font, 0.0125, 0.5, art_bottom + 0.024, Align::kCenter, c.ink, 0.8});
    y += 0.02;
  }
  const double limit = 0.8;
  const double name_h = 0.027, line_h = 0.0165;
  if (c.card.category != "Pokemon") {
    y += 0.01;
    const int sentences = 2 + static_cast<int>(c.rng() % 3);
    for (int i = 0; i < sentences && y < limit - 0.04; ++i) {
      y = draw_text_lines(c, filler_sentence(c.rng), y, line_h, 2);
    }
    draw_rule_box(c, y);
    return;
  }
  for (const std::string& ability : c.card.ability_names) {
    if (y > limit - 0.05) break;
    y += 0.045;
    const std::string label = s.era == CardEra::kClassic ? "Pokémon Power:"
                              : s.era == CardEra::kExDp  ? "Poké-Power:"
                                                         : "Ability";
    const cv::Rect r = c.p.text(
        label, {s.body_font, 0.02, c.left, y, Align::kLeft, cv::Scalar(30, 30, 190), 0.3, c.full});
    c.p.text(ability, {s.name_font, name_h, static_cast<double>(r.br().x) / c.img.cols + 0.02, y,
                       Align::kLeft, cv::Scalar(30, 30, 190), 0.6, c.full});
    y = draw_text_lines(c, filler_sentence(c.rng), y, line_h, 2);
  }
  for (const std::string& attack : c.card.attack_names) {
    if (y > limit - 0.05) break;
    y += 0.05;
    const int cost = 1 + static_cast<int>(c.rng() % 3);
    for (int i = 0; i < cost; ++i) {
      draw_energy_symbol(c.img, c.p.pt(c.left + 0.015 + i * 0.045, y - 0.01), c.p.py(0.013),
                         i == 0 ? first_type(c.card) : "Colorless");
    }
    const double name_x = s.era == CardEra::kClassic ? 0.5 : c.left + 0.16;
    c.p.text(attack,
             {s.name_font, name_h, name_x, y,
              s.era == CardEra::kClassic ? Align::kCenter : Align::kLeft, c.ink, 0.5, c.full});
    const std::string dmg = fake_damage(c.rng, s.era);
    if (!dmg.empty()) {
      c.p.text(dmg, {s.name_font, 0.03, c.right, y, Align::kRight, c.ink, 0.2, c.full});
    }
    if (c.rng() % 3 != 0) y = draw_text_lines(c, filler_sentence(c.rng), y, line_h, 2);
  }
  draw_rule_box(c, y);
  // Weakness / resistance / retreat row.
  if (!c.full || c.rng() % 2 == 0) {
    const double row = 0.862;
    const double lab_h = 0.0115;
    c.p.text("weakness",
             {s.body_font, lab_h, c.left + 0.02, row - 0.012, Align::kLeft, c.ink, 0.2, c.full});
    draw_energy_symbol(c.img, c.p.pt(c.left + 0.05, row + 0.005), c.p.py(0.01), "Fire");
    c.p.text("×2",
             {s.body_font, 0.015, c.left + 0.075, row + 0.012, Align::kLeft, c.ink, 0.1, c.full});
    c.p.text("resistance",
             {s.body_font, lab_h, 0.42, row - 0.012, Align::kLeft, c.ink, 0.2, c.full});
    c.p.text("retreat", {s.body_font, lab_h, 0.7, row - 0.012, Align::kLeft, c.ink, 0.2, c.full});
    const int retreat = static_cast<int>(c.rng() % 4);
    for (int i = 0; i < retreat; ++i) {
      draw_energy_symbol(c.img, c.p.pt(0.72 + i * 0.04, row + 0.005), c.p.py(0.009), "Colorless");
    }
  }
}

void draw_footer(Ctx& c) {
  const FaceStyle& s = c.style;
  const bool promo = is_promo_set(c.set.id);
  const double num_base = s.era == CardEra::kModern ? 0.943 : 0.938;
  const double illus_base = s.number_on_left ? 0.912 : num_base;
  if (!c.card.illustrator.empty()) {
    c.p.text("Illus. " + c.card.illustrator,
             {s.body_font, 0.0135, c.left, illus_base, Align::kLeft, c.ink, 0.45, c.full});
  }
  const double h = s.number_height;
  const double sym = h * 0.9;
  if (s.number_on_left) {
    double x = c.left;
    if (!c.card.regulation_mark.empty() && c.card.regulation_mark != "None") {
      const cv::Rect box(c.p.pt(x, num_base - h * 1.15), c.p.pt(x + h * 1.1, num_base + h * 0.25));
      cv::rectangle(c.img, box, c.full ? cv::Scalar::all(240) : cv::Scalar::all(30), -1,
                    cv::LINE_AA);
      c.p.text(c.card.regulation_mark,
               {s.name_font, h * 0.85, x + h * 0.55, num_base - h * 0.05, Align::kCenter,
                c.full ? cv::Scalar::all(20) : cv::Scalar::all(240)});
      x += h * 1.1 + 0.012;
    }
    if (promo) {
      draw_promo_star(c.img, c.p.pt(x + 0.015, num_base - h * 0.45), c.p.py(h * 1.4));
      x += 0.035;
    } else if (s.show_set_code && !c.set.abbreviation.empty()) {
      std::string code = c.set.abbreviation.substr(0, c.set.abbreviation.find(':'));
      if (c.set.serie_id == "sv" || c.set.serie_id == "me") code += " EN";
      const cv::Rect r =
          c.p.text(code, {s.number_font, h * 0.85, x, num_base, Align::kLeft, c.ink, 0.2, c.full});
      x = static_cast<double>(r.br().x) / c.img.cols + 0.012;
    } else {
      draw_set_symbol(c.img, c.p.pt(x + 0.012, num_base - h * 0.45), c.p.py(h * 1.1), c.set.id,
                      c.ink);
      x += 0.032;
    }
    c.face.number_box = c.p.text(
        c.face.printed_number, {s.number_font, h, x, num_base, Align::kLeft, c.ink, 0.35, c.full});
    const double after = static_cast<double>(c.face.number_box.br().x) / c.img.cols;
    draw_rarity_symbol(c.img, c.p.pt(after + 0.02, num_base - h * 0.45), c.p.py(sym), c.card.rarity,
                       c.ink);
  } else {
    const double x_end = c.right - 0.035;
    c.face.number_box = c.p.text(c.face.printed_number, {s.number_font, h, x_end, num_base,
                                                         Align::kRight, c.ink, 0.35, c.full});
    draw_rarity_symbol(c.img, c.p.pt(x_end + 0.02, num_base - h * 0.45), c.p.py(sym), c.card.rarity,
                       c.ink);
    const double before = static_cast<double>(c.face.number_box.x) / c.img.cols;
    if (promo) {
      draw_promo_star(c.img, c.p.pt(before - 0.03, num_base - h * 0.45), c.p.py(h * 1.5));
    } else if (s.show_set_code && !c.set.abbreviation.empty()) {
      c.p.text(
          c.set.abbreviation.substr(0, c.set.abbreviation.find(':')),
          {s.number_font, h * 0.8, before - 0.02, num_base, Align::kRight, c.ink, 0.2, c.full});
    } else if (s.era == CardEra::kBwSm) {
      draw_set_symbol(c.img, c.p.pt(before - 0.03, num_base - h * 0.45), c.p.py(h * 1.2), c.set.id,
                      c.ink);
    }
  }
  if (s.show_copyright) {
    const bool under = !s.number_on_left && c.card.illustrator.empty();
    c.p.text(
        copyright_line(s.era, c.rng),
        {s.body_font, 0.0095, s.number_on_left ? c.right : 0.5, under ? 0.955 : num_base + 0.016,
         s.number_on_left ? Align::kRight : Align::kCenter, c.ink, 0.55, c.full});
  }
}

}  // namespace

int face_width_for_height(int height_px) {
  return static_cast<int>(std::lround(height_px * 63.0 / 88.0));
}

namespace {

CardFace draw_face(const CatalogCard& card, const CatalogSet& set, int subset_total,
                   const FaceStyle& style, FontLibrary& fonts, int height) {
  const int width = face_width_for_height(height);
  CardFace face;
  face.style = style;
  face.printed_number = printed_number(card.local_id, set, subset_total);
  face.name_font_family = fonts.info(style.name_font).family;
  face.body_font_family = fonts.info(style.body_font).family;
  face.number_font_family = fonts.info(style.number_font).family;
  cv::Mat img(height, width, CV_8UC3);
  std::mt19937_64 rng(style.art_seed ^ 0xC0FFEE123456789ULL);
  Painter painter(img, fonts, style.jitter_x, style.jitter_y);

  const bool full = style.layout == FaceLayout::kFullArt;
  const double b = style.era == CardEra::kClassic ? 0.05 : 0.042;
  const int bpx = painter.px(b);
  vertical_gradient(img, style.border_color * 1.06, style.border_color * 0.9);
  const cv::Rect inner(bpx, bpx, width - 2 * bpx, height - 2 * bpx);
  const cv::Scalar panel_top = mix(style.panel_color, cv::Scalar::all(255), 0.35);
  vertical_gradient(img(inner), panel_top, style.panel_color);

  const cv::Scalar accent = mix(cv::Scalar::all(255) - style.panel_color, style.panel_color, 0.3);
  const cv::Rect art_rect =
      full ? (style.border == "art" ? cv::Rect(0, 0, width, height) : inner)
           : cv::Rect(painter.pt(b + 0.045, 0.105),
                      painter.pt(1 - b - 0.045, style.era == CardEra::kClassic ? 0.46 : 0.475));
  render_art(art_rect.size(), style.panel_color, accent, style.art_seed).copyTo(img(art_rect));
  if (!full) {
    const cv::Scalar frame =
        style.era == CardEra::kModern ? cv::Scalar(200, 200, 205) : cv::Scalar(60, 175, 215);
    cv::rectangle(img, art_rect, frame, std::max(2, painter.px(0.008)), cv::LINE_AA);
  }

  if (style.foil != FoilKind::kNone) {
    cv::Mat mask = cv::Mat::zeros(img.size(), CV_8UC1);
    if (style.foil == FoilKind::kArtHolo) mask(art_rect).setTo(255);
    if (style.foil == FoilKind::kFullCard) mask.setTo(255);
    if (style.foil == FoilKind::kReverse) {
      mask(inner).setTo(255);
      mask(art_rect).setTo(0);
    }
    apply_foil(img, mask, style.foil_pattern, style.foil_strength, style.foil_phase,
               style.art_seed);
  }
  if (full) {
    // Darken (or lighten) the text zones so the text stays legible over the art.
    const bool light_text = style.text_color[0] > 128;
    const cv::Scalar veil = light_text ? cv::Scalar::all(0) : cv::Scalar::all(255);
    for (int y = 0; y < height; ++y) {
      const double fy = static_cast<double>(y) / height;
      const double t = fy < 0.12 ? 0.35 : fy > 0.5 ? std::min(0.45, (fy - 0.5) * 1.6) : 0.0;
      if (t > 0) img.row(y) = img.row(y) * (1 - t) + veil * t;
    }
  }

  Ctx ctx{card, set,       style,         painter,          img, rng, full,
          b,    b + 0.035, 1 - b - 0.035, style.text_color, face};
  draw_header(ctx);
  if (card.category == "Energy") {
    const cv::Point center(art_rect.x + art_rect.width / 2, art_rect.y + art_rect.height / 2);
    draw_energy_symbol(img, center, art_rect.height / 4, first_type(card));
  }
  if (style.finish == "first_edition" && !full) {
    const cv::Point c =
        painter.pt(b + 0.07, (style.era == CardEra::kClassic ? 0.46 : 0.475) + 0.022);
    const int r = painter.py(0.014);
    cv::circle(img, c, r, cv::Scalar::all(15), -1, cv::LINE_AA);
    painter.text(
        "1", {style.name_font, 0.016, static_cast<double>(c.x) / width - style.jitter_x,
              (c.y + r * 0.55) / height - style.jitter_y, Align::kCenter, cv::Scalar::all(245)});
  }
  draw_body(ctx, full ? 0.5 : (style.era == CardEra::kClassic ? 0.46 : 0.475));
  draw_footer(ctx);

  face.bgr = img;
  face.alpha = rounded_alpha(img.size(), std::max(3, painter.px(0.05)));
  return face;
}

}  // namespace

Result<CardFace> render_card_face(const CatalogCard& card, const CatalogSet& set, int subset_total,
                                  const FaceStyle& style, FontLibrary& fonts,
                                  const CardFaceOptions& options) {
  if (options.height_px < 264) {
    return Status::invalid_input(fmt::format("face height {} < 264 px", options.height_px));
  }
  if (!has_known_printed_number(set)) {
    return Status::unprocessable(fmt::format("set {} prints numbers the catalog lacks", set.id));
  }
  try {
    return draw_face(card, set, subset_total, style, fonts, options.height_px);
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("OpenCV while drawing {}: {}", card.id, e.what()));
  }
}

}  // namespace cardmint::card_photo
