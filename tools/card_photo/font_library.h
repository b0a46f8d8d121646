#pragma once
// The installed fonts the card renderer may draw with (Debian packages fonts-dejavu-core,
// fonts-liberation2, fonts-freefont-ttf, fonts-noto-core, fonts-urw-base35; see
// scripts/install-deps.sh), their glyph coverage, and text rendered to alpha masks through
// OpenCV's cv::freetype module.
// Not thread-safe: FreeType faces keep per-call state. Use one FontLibrary per thread.

#include <cstddef>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cardmint::card_photo {

// Two disjoint pools let a developer render a training set with one and check that the
// recognizer still reads cards drawn with fonts it never saw (pool kB).
enum class FontPool { kAll, kA, kB };
[[nodiscard]] Result<FontPool> parse_font_pool(std::string_view name);  // "all", "a", "b"

enum class FontWeight { kRegular, kBold };

struct FontInfo {
  std::string family;  // "DejaVu Sans", "URW Gothic"
  std::string path;
  FontWeight weight = FontWeight::kRegular;
};

// Text drawn white-on-black, cropped to its ink. `baseline_y` is the baseline's row in `alpha`
// (below the last row for text without descenders it is alpha.rows or a little less).
struct TextMask {
  cv::Mat alpha;  // CV_8UC1, 255 = ink
  int baseline_y = 0;
};

class FontLibrary {
 public:
  // Loads every font of `pool` that is installed. Errors: not_found when the pool has no
  // installed regular or no installed bold font.
  [[nodiscard]] static Result<std::unique_ptr<FontLibrary>> open(FontPool pool);
  ~FontLibrary();
  FontLibrary(const FontLibrary&) = delete;
  FontLibrary& operator=(const FontLibrary&) = delete;

  std::size_t size() const;
  const FontInfo& info(std::size_t font) const;
  // True when the font has a glyph for every code point of the UTF-8 `text`.
  bool covers(std::size_t font, std::string_view text) const;
  // Fonts of `weight` that cover `text`, in library order.
  std::vector<std::size_t> fonts_covering(std::string_view text, FontWeight weight) const;
  // REQUIRES: height_px >= 4. Empty or all-blank text gives an empty alpha.
  TextMask render(std::size_t font, std::string_view text, int height_px);

 private:
  struct Impl;
  explicit FontLibrary(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Decodes UTF-8; invalid bytes become U+FFFD.
std::vector<char32_t> utf8_code_points(std::string_view text);

// Composites `color` into the CV_8UC3 `image` through `alpha` placed with its top-left at
// `top_left`; parts outside the image are clipped. `opacity` scales the mask.
void blend_mask(cv::Mat& image, const cv::Mat& alpha, cv::Point top_left, const cv::Scalar& color,
                double opacity = 1.0);

}  // namespace cardmint::card_photo
