#include "card_photo/font_library.h"

#include <fmt/format.h>
#include <ft2build.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>
#include FT_FREETYPE_H
#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

namespace cardmint::card_photo {
namespace {

enum class FontDir { kTruetype, kUrw };

struct FontFile {
  const char* family;
  FontDir dir;
  const char* file;
  FontWeight weight;
  char pool;  // 'a' or 'b'
};

std::string font_path(const FontFile& f) {
  return std::string(f.dir == FontDir::kTruetype ? "/usr/share/fonts/truetype/"
                                                 : "/usr/share/fonts/opentype/urw-base35/") +
         f.file;
}

// Pool a: DejaVu, Liberation, FreeFont. Pool b: Noto and the URW clones (URW Gothic, a Futura /
// Avant Garde look-alike, is the closest to the real card fonts, so pool a leaves it out).
constexpr FontDir kTt = FontDir::kTruetype;
constexpr FontDir kUrw = FontDir::kUrw;
constexpr FontWeight kBold = FontWeight::kBold;
constexpr FontWeight kRegular = FontWeight::kRegular;
constexpr FontFile kFontFiles[] = {
    {"DejaVu Sans", kTt, "dejavu/DejaVuSans-Bold.ttf", kBold, 'a'},
    {"DejaVu Sans", kTt, "dejavu/DejaVuSans.ttf", kRegular, 'a'},
    {"DejaVu Sans Condensed", kTt, "dejavu/DejaVuSansCondensed-Bold.ttf", kBold, 'a'},
    {"DejaVu Sans Condensed", kTt, "dejavu/DejaVuSansCondensed.ttf", kRegular, 'a'},
    {"DejaVu Serif", kTt, "dejavu/DejaVuSerif-Bold.ttf", kBold, 'a'},
    {"Liberation Sans", kTt, "liberation2/LiberationSans-Bold.ttf", kBold, 'a'},
    {"Liberation Sans", kTt, "liberation2/LiberationSans-Regular.ttf", kRegular, 'a'},
    {"Liberation Serif", kTt, "liberation2/LiberationSerif-Bold.ttf", kBold, 'a'},
    {"Liberation Serif", kTt, "liberation2/LiberationSerif-Regular.ttf", kRegular, 'a'},
    {"FreeSans", kTt, "freefont/FreeSansBold.ttf", kBold, 'a'},
    {"FreeSans", kTt, "freefont/FreeSans.ttf", kRegular, 'a'},
    {"FreeSerif", kTt, "freefont/FreeSerifBold.ttf", kBold, 'a'},
    {"Noto Sans", kTt, "noto/NotoSans-Bold.ttf", kBold, 'b'},
    {"Noto Sans", kTt, "noto/NotoSans-Regular.ttf", kRegular, 'b'},
    {"Noto Serif", kTt, "noto/NotoSerif-Bold.ttf", kBold, 'b'},
    {"Noto Serif", kTt, "noto/NotoSerif-Regular.ttf", kRegular, 'b'},
    {"URW Gothic", kUrw, "URWGothic-Demi.otf", kBold, 'b'},
    {"URW Gothic", kUrw, "URWGothic-Book.otf", kRegular, 'b'},
    {"Nimbus Sans", kUrw, "NimbusSans-Bold.otf", kBold, 'b'},
    {"Nimbus Sans", kUrw, "NimbusSans-Regular.otf", kRegular, 'b'},
    {"Nimbus Sans Narrow", kUrw, "NimbusSansNarrow-Bold.otf", kBold, 'b'},
    {"URW Bookman", kUrw, "URWBookman-Demi.otf", kBold, 'b'},
    {"C059", kUrw, "C059-Bold.otf", kBold, 'b'},
    {"C059", kUrw, "C059-Roman.otf", kRegular, 'b'},
    {"P052", kUrw, "P052-Roman.otf", kRegular, 'b'},
};

struct FtLibraryDone {
  void operator()(FT_Library lib) const { FT_Done_FreeType(lib); }
};
struct FtFaceDone {
  void operator()(FT_Face face) const { FT_Done_Face(face); }
};
using FtLibrary = std::unique_ptr<FT_LibraryRec_, FtLibraryDone>;
using FtFace = std::unique_ptr<FT_FaceRec_, FtFaceDone>;

struct LoadedFont {
  FontInfo info;
  FtFace face;                                // glyph coverage only
  cv::Ptr<cv::freetype::FreeType2> renderer;  // drawing
  std::map<int, int> baseline_by_height;      // cv::freetype puts the baseline here below org.y
};

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' '; });
}

}  // namespace

struct FontLibrary::Impl {
  FtLibrary ft;  // declared first: destroyed after the faces
  std::vector<LoadedFont> fonts;
};

Result<FontPool> parse_font_pool(std::string_view name) {
  if (name == "all") return FontPool::kAll;
  if (name == "a") return FontPool::kA;
  if (name == "b") return FontPool::kB;
  return Status::invalid_input(fmt::format("unknown font pool '{}' (all, a, b)", name));
}

std::vector<char32_t> utf8_code_points(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const int len = b < 0x80           ? 1
                    : (b >> 5) == 0x6  ? 2
                    : (b >> 4) == 0xE  ? 3
                    : (b >> 3) == 0x1E ? 4
                                       : 0;
    if (len == 0 || i + len > text.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = ok && (c >> 6) == 0x2;
      cp = (cp << 6) | (c & 0x3F);
    }
    out.push_back(ok ? cp : char32_t{0xFFFD});
    i += ok ? len : 1;
  }
  return out;
}

Result<std::unique_ptr<FontLibrary>> FontLibrary::open(FontPool pool) {
  auto impl = std::make_unique<Impl>();
  FT_Library raw_lib = nullptr;
  if (FT_Init_FreeType(&raw_lib) != 0) return Status::internal("FreeType init failed");
  impl->ft.reset(raw_lib);
  for (const FontFile& file : kFontFiles) {
    if (pool == FontPool::kA && file.pool != 'a') continue;
    if (pool == FontPool::kB && file.pool != 'b') continue;
    const std::string path = font_path(file);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    FT_Face raw_face = nullptr;
    if (FT_New_Face(impl->ft.get(), path.c_str(), 0, &raw_face) != 0) continue;
    LoadedFont font;
    font.face.reset(raw_face);
    font.info = {file.family, path, file.weight};
    try {
      font.renderer = cv::freetype::createFreeType2();
      font.renderer->loadFontData(path, 0);
    } catch (const cv::Exception&) {
      continue;  // a font OpenCV cannot load is simply not offered
    }
    impl->fonts.push_back(std::move(font));
  }
  auto has = [&](FontWeight w) {
    return std::any_of(impl->fonts.begin(), impl->fonts.end(),
                       [w](const LoadedFont& f) { return f.info.weight == w; });
  };
  if (!has(FontWeight::kRegular) || !has(FontWeight::kBold)) {
    return Status::not_found(
        "no regular or no bold font installed; run scripts/install-deps.sh (fonts-* packages)");
  }
  return std::unique_ptr<FontLibrary>(new FontLibrary(std::move(impl)));
}

FontLibrary::FontLibrary(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FontLibrary::~FontLibrary() = default;

std::size_t FontLibrary::size() const { return impl_->fonts.size(); }
const FontInfo& FontLibrary::info(std::size_t font) const { return impl_->fonts.at(font).info; }

bool FontLibrary::covers(std::size_t font, std::string_view text) const {
  FT_Face face = impl_->fonts.at(font).face.get();
  for (char32_t cp : utf8_code_points(text)) {
    if (cp == U' ') continue;
    if (FT_Get_Char_Index(face, static_cast<FT_ULong>(cp)) == 0) return false;
  }
  return true;
}

std::vector<std::size_t> FontLibrary::fonts_covering(std::string_view text,
                                                     FontWeight weight) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < impl_->fonts.size(); ++i) {
    if (impl_->fonts[i].info.weight == weight && covers(i, text)) out.push_back(i);
  }
  return out;
}

TextMask FontLibrary::render(std::size_t font_index, std::string_view text, int height_px) {
  LoadedFont& font = impl_->fonts.at(font_index);
  height_px = std::max(height_px, 4);
  TextMask out;
  if (text.empty() || is_blank(text)) return out;
  auto it = font.baseline_by_height.find(height_px);
  if (it == font.baseline_by_height.end()) {
    // Where cv::freetype puts the baseline below org.y: the bottom of an "H".
    cv::Mat probe(height_px * 3, height_px * 2, CV_8UC3, cv::Scalar::all(0));
    font.renderer->putText(probe, "H", {height_px / 2, height_px / 2}, height_px,
                           cv::Scalar::all(255), -1, cv::LINE_AA, false);
    cv::Mat gray;
    cv::extractChannel(probe, gray, 0);
    const cv::Rect ink = cv::boundingRect(gray > 127);
    const int baseline = ink.empty() ? height_px : ink.br().y - height_px / 2;
    it = font.baseline_by_height.emplace(height_px, baseline).first;
  }
  const std::string str(text);
  int base = 0;
  const cv::Size size = font.renderer->getTextSize(str, height_px, -1, &base);
  const int pad = height_px;
  cv::Mat canvas(height_px * 3, size.width + 2 * pad, CV_8UC3, cv::Scalar::all(0));
  const cv::Point org(pad, height_px / 2);
  font.renderer->putText(canvas, str, org, height_px, cv::Scalar::all(255), -1, cv::LINE_AA, false);
  cv::Mat gray;
  cv::extractChannel(canvas, gray, 0);
  const cv::Rect ink = cv::boundingRect(gray);
  if (ink.empty()) return out;
  out.alpha = gray(ink).clone();
  out.baseline_y = org.y + it->second - ink.y;
  return out;
}

void blend_mask(cv::Mat& image, const cv::Mat& alpha, cv::Point top_left, const cv::Scalar& color,
                double opacity) {
  if (alpha.empty()) return;
  const cv::Rect dst = cv::Rect(top_left, alpha.size()) & cv::Rect(0, 0, image.cols, image.rows);
  if (dst.empty()) return;
  const cv::Rect src(dst.tl() - top_left, dst.size());
  for (int y = 0; y < dst.height; ++y) {
    const std::uint8_t* a = alpha.ptr<std::uint8_t>(src.y + y) + src.x;
    cv::Vec3b* px = image.ptr<cv::Vec3b>(dst.y + y) + dst.x;
    for (int x = 0; x < dst.width; ++x) {
      const double t = opacity * a[x] / 255.0;
      if (t <= 0) continue;
      for (int c = 0; c < 3; ++c) {
        px[x][c] = cv::saturate_cast<std::uint8_t>(px[x][c] * (1 - t) + color[c] * t);
      }
    }
  }
}

}  // namespace cardmint::card_photo
