#pragma once
// Tesseract, wrapped for the two lines a card scanner reads: the printed name and the collector
// number line. Not thread-safe: one OcrReader per OCR thread (a TessBaseAPI holds per-call state).
// Init costs ~100 ms, so each thread keeps its reader for its whole life.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::ocr {

struct OcrOptions {
  // Folder holding eng.traineddata; empty means Tesseract's compiled-in default (Debian:
  // /usr/share/tesseract-ocr/5/tessdata).
  std::filesystem::path tessdata_dir;
  std::string language = "eng";
};

enum class LineKind {
  kName,    // a line of large print that may be the name: doubtful words are dropped
  kNumber,  // a line of small print that may hold "58/102", "TG05/TG30" or "SWSH050": all kept
  kBody,    // a row of the body that may hold an attack name among symbols and figures: all kept
};

struct OcrWord {
  std::string text;       // UTF-8
  double confidence = 0;  // Tesseract's, 0..1
};

struct OcrLine {
  std::string text;       // UTF-8, the words kept joined by one space
  double confidence = 0;  // Tesseract's mean confidence over the words kept, 0..1
  // Every word read, in order, the doubtful ones a name line drops included: Tesseract rates some
  // clean print near 0 (white letters in a dark outline on full-art cards, "Charjabug" at 0.00).
  std::vector<OcrWord> words;
  // `text` keeps words below what its kind keeps (line_of_words with a lower floor): a caller's
  // variant, worth taking only where the catalog confirms it.
  bool doubtful = false;
};

// The line made of the words of `words` at or above `min_confidence` (0..1): their text joined by
// one space and their mean confidence; `words` are kept whole.
OcrLine line_of_words(std::vector<OcrWord> words, double min_confidence);

class OcrReader {
 public:
  // Errors: unavailable when the language data cannot be loaded.
  [[nodiscard]] static Result<std::unique_ptr<OcrReader>> open(const OcrOptions& options = {});
  ~OcrReader();
  OcrReader(const OcrReader&) = delete;
  OcrReader& operator=(const OcrReader&) = delete;

  // REQUIRES: `band` is one line of text at least ~15 px high (image::find_text_lines); a
  // crop from image::enhance_for_ocr is ideal. Errors: invalid_input for an empty image.
  [[nodiscard]] Result<OcrLine> read(const image::RgbImage& band, LineKind kind);

 private:
  struct Impl;
  explicit OcrReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::ocr
