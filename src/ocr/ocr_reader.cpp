#include "ocr/ocr_reader.h"

#include <fmt/format.h>
#include <leptonica/allheaders.h>
#include <omp.h>
#include <tesseract/baseapi.h>

namespace cardmint::ocr {
namespace {

// Tesseract's per-word confidence (0..1) below which a name's word is dropped as noise.
constexpr double kMinWordConfidence = 0.35;

std::string trim(std::string s) {
  const char* space = " \t\r\n";
  s.erase(0, s.find_first_not_of(space));
  s.erase(s.find_last_not_of(space) + 1);
  return s;
}

// Words below this confidence are dropped from the name (card stock and foil texture read as
// short junk at 10-20%); the number strip keeps everything, since its parser skips junk and a
// small "58/102" often scores low; so does a body row, whose attack name the catalog matches
// inside whatever else was read.
double min_word_confidence(LineKind kind) {
  return kind == LineKind::kName ? kMinWordConfidence : 0;
}

}  // namespace

struct OcrReader::Impl {
  tesseract::TessBaseAPI api;  // its destructor calls End()
};

OcrReader::OcrReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OcrReader::~OcrReader() = default;

Result<std::unique_ptr<OcrReader>> OcrReader::open(const OcrOptions& options) {
  auto impl = std::make_unique<Impl>();
  const std::string datapath = options.tessdata_dir.string();
  if (impl->api.Init(datapath.empty() ? nullptr : datapath.c_str(), options.language.c_str(),
                     tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::unavailable(
        fmt::format("cannot load Tesseract language data '{}' (tessdata: {})", options.language,
                    datapath.empty() ? "default" : datapath));
  }
  // Card text is printed, not handwritten, and never in a dictionary; word lists only bias the
  // LSTM toward English words ("Pikachu" → "Pikachn" is better kept raw for fuzzy matching).
  impl->api.SetVariable("load_system_dawg", "0");
  impl->api.SetVariable("load_freq_dawg", "0");
  impl->api.SetVariable("debug_file", "/dev/null");
  return std::unique_ptr<OcrReader>(new OcrReader(std::move(impl)));
}

OcrLine line_of_words(std::vector<OcrWord> words, double min_confidence) {
  OcrLine line;
  double confidence_sum = 0;
  int kept = 0;
  for (const OcrWord& word : words) {
    if (word.confidence < min_confidence) continue;
    if (!line.text.empty()) line.text += ' ';
    line.text += word.text;
    confidence_sum += word.confidence;
    ++kept;
  }
  line.confidence = kept == 0 ? 0.0 : confidence_sum / kept;
  line.words = std::move(words);
  return line;
}

Result<OcrLine> OcrReader::read(const image::RgbImage& band, LineKind kind) {
  if (band.empty() || band.pixels.size() != static_cast<size_t>(band.width) * band.height * 3) {
    return Status::invalid_input("empty or malformed OCR band");
  }
  tesseract::TessBaseAPI& api = impl_->api;
  // PSM 7: callers hand over one printed line (image::find_text_lines); Tesseract's own page
  // layout breaks down on card stock, where foil and art read as junk lines. No character
  // whitelist for numbers: measured with `cardmint eval` on generated photos, digits and capitals
  // cost 8 points of top-1 (the LSTM forced into the list misreads more), and the catalog's
  // number_line_alternatives() turns the usual letter-for-digit confusions back into digits.
  api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  // Tesseract's LSTM opens 4-thread OpenMP regions. On a 2-core box, with other OCR threads and
  // the model's ggml threads running, those spin against each other: measured with `cardmint
  // eval`, p50 per photo was 2.8 s with them and 0.48 s without. Parallelism comes from one
  // reader per worker thread instead. libgomp keeps this setting per thread, so ggml's own
  // OpenMP regions in the model thread keep their threads.
  omp_set_max_active_levels(0);
  api.SetImage(band.pixels.data(), band.width, band.height, 3, band.width * 3);
  api.SetSourceResolution(300);  // rectified cards are 300 dpi; silences the "guessing" warning
  if (api.Recognize(nullptr) != 0) {
    api.Clear();
    return Status::internal("Tesseract failed to recognize the band");
  }
  // Word by word; the line keeps those Tesseract itself does not doubt.
  std::vector<OcrWord> words;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (it && !it->Empty(tesseract::RIL_WORD)) {
    do {
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!word) continue;
      std::string text = trim(word.get());
      if (text.empty()) continue;
      words.push_back({std::move(text), it->Confidence(tesseract::RIL_WORD) / 100.0});
    } while (it->Next(tesseract::RIL_WORD));
  }
  OcrLine line = line_of_words(std::move(words), min_word_confidence(kind));
  api.Clear();
  return line;
}

}  // namespace cardmint::ocr
