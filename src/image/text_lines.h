#pragma once
// Finds the printed lines of text in a band of a card, so OCR reads each line on its own.
// Tesseract's own page layout breaks down on card stock: foil sparkle, art behind the text and
// photo grain read as dozens of junk "lines" that swallow the real ones. Characters, though, are
// stable blobs of similar height on a shared baseline, which texture rarely is.
// Thread-safe: free functions with no shared state.

#include <vector>

#include "base/status.h"
#include "image/rgb_image.h"
#include "image/text_bands.h"

namespace cardmint::image {

struct TextLineOptions {
  // Character heights (capitals and digits, in band pixels) that count as text.
  int min_char_height = 8;
  int max_char_height = 80;
  // Also the lines of glyphs inside a larger region that swallowed them (white letters in a
  // dark outline crossed by a streak of art, found as one blob with the ground between them),
  // where no other line is. For names: in the number strip such lines were stray marks that
  // read as short numbers (a Hitmonchan's "2", Best of Game promo 2).
  bool find_swallowed_lines = false;
};

struct TextLine {
  BandRect box;         // the line's characters, in band pixels, unpadded
  int char_height = 0;  // median character box height
  int characters = 0;   // character blobs grouped into the line
};

// Character heights on the 1039 px canonical card (rectify_card()): names print at ~30-45 px
// capitals (the stage line and "HP" far smaller), the number line at ~14-20 px, the copyright
// line at ~8-10 px.
inline constexpr TextLineOptions kTitleBandLines{
    .min_char_height = 14, .max_char_height = 90, .find_swallowed_lines = true};
inline constexpr TextLineOptions kNumberStripLines{.min_char_height = 9, .max_char_height = 40};
// Tesseract's LSTM reads best with capitals ~30-40 px tall.
inline constexpr double kOcrCharHeight = 36.0;

// Lines top to bottom (then left to right); a wide gap (over ~2 character heights) splits a
// line, so "Illus. Ken Sugimori" and "87/132" far to its right come back as two lines.
// Errors: invalid_input for an empty or inconsistent image or bad options; internal when OpenCV
// fails.
[[nodiscard]] Result<std::vector<TextLine>> find_text_lines(const RgbImage& band,
                                                            const TextLineOptions& options = {});

// `line` cut from `band`, padded with its background colour (about half a character height
// above and below, one to either side) so that no neighbouring print is in view.
[[nodiscard]] RgbImage crop_text_line(const RgbImage& band, const TextLine& line);

// `line` ready for OCR: cropped (crop_text_line), scaled so that its characters are about
// `char_height` px tall, and enhanced (enhance_for_ocr with `style`, strongest colour plane;
// style's scale is replaced). Errors as enhance_for_ocr.
[[nodiscard]] Result<RgbImage> text_line_for_ocr(const RgbImage& band, const TextLine& line,
                                                 double char_height = kOcrCharHeight,
                                                 EnhanceOptions style = {});

}  // namespace cardmint::image
