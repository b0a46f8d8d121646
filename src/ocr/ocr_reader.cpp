#include "ocr/ocr_reader.h"

#include <fmt/format.h>
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>

namespace cardmint::ocr {
namespace {

// Tesseract's per-word confidence (0-100) below which a word is dropped as noise.
constexpr float kMinWordConfidence = 35.0f;

std::string trim(std::string s) {
  const char* space = " \t\r\n";
  s.erase(0, s.find_first_not_of(space));
  s.erase(s.find_last_not_of(space) + 1);
  return s;
}

// Settings that differ per line kind, applied before each read (the API is shared by both kinds).
void configure_for(tesseract::TessBaseAPI& api, LineKind kind) {
  if (kind == LineKind::kName) {
    // PSM 7: the name band is one line, so page layout analysis only adds time and mistakes.
    api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    api.SetVariable("tessedit_char_whitelist", "");
  } else {
    // The number strip also holds the illustrator, rarity and copyright; sparse text finds the
    // small "58/102" token wherever it sits. Restricting characters keeps "0" from becoming "O"
    // and "/" from becoming "l"; lower case stays for "74a"-style suffixes.
    api.SetPageSegMode(tesseract::PSM_SPARSE_TEXT);
    api.SetVariable("tessedit_char_whitelist",
                    "0123456789/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.");
  }
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

Result<OcrLine> OcrReader::read(const image::RgbImage& band, LineKind kind) {
  if (band.empty() || band.pixels.size() != static_cast<size_t>(band.width) * band.height * 3) {
    return Status::invalid_input("empty or malformed OCR band");
  }
  tesseract::TessBaseAPI& api = impl_->api;
  configure_for(api, kind);
  api.SetImage(band.pixels.data(), band.width, band.height, 3, band.width * 3);
  api.SetSourceResolution(300);  // rectified cards are 300 dpi; silences the "guessing" warning
  OcrLine line;
  if (api.Recognize(nullptr) != 0) {
    api.Clear();
    return Status::internal("Tesseract failed to recognize the band");
  }
  // Word by word, dropping words Tesseract itself doubts: on blank card stock and foil texture the
  // LSTM "reads" short junk ("ne") at 10-20% confidence, which would only mislead the matcher.
  double confidence_sum = 0;
  int words = 0;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (it) {
    do {
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      const float word_confidence = it->Confidence(tesseract::RIL_WORD);
      if (!word || word_confidence < kMinWordConfidence) continue;
      if (!line.text.empty()) line.text += ' ';
      line.text += trim(word.get());
      confidence_sum += word_confidence;
      ++words;
    } while (it->Next(tesseract::RIL_WORD));
  }
  line.confidence = words == 0 ? 0.0 : confidence_sum / words / 100.0;
  api.Clear();
  return line;
}

}  // namespace cardmint::ocr
