#pragma once
// Rectified card → printing by reading it: OCR the name and collector number line, and let the
// catalog rank printings. Thread-safe: each calling thread gets its own Tesseract
// instance (created on first use, kept for the thread's life); the catalog is thread-safe.

#include "base/status.h"
#include "catalog/catalog.h"
#include "image/card_rectifier.h"
#include "recognize/recognition.h"

namespace cardmint::recognize {

struct OcrRecognizerOptions {
  // Orientation cues below this confidence are checked by reading the card both ways up; so is
  // any card whose reading found no catalog name and did not settle (text read upside down is
  // junk, and a full-art card shows few cues: its art runs where the frame would say which way
  // is up).
  double confirm_orientation_below = 0.5;
  // Best candidate's score below this is "unknown": nothing in the catalog resembles the read.
  double min_candidate_score = 0.35;
  // A match below this confidence has the card's lines read again, harder (more preprocessing
  // variants, a wider name crop); above it, the first read stands and the photo costs one pass.
  double reread_below = 0.85;
};

class OcrRecognizer {
 public:
  // REQUIRES: `catalog` outlives this object.
  OcrRecognizer(const catalog::Catalog& catalog, const OcrRecognizerOptions& options);

  // An unreadable card is not an error: it is a Recognition with no card and the reason.
  // `photo`, the picture `card` was rectified from, when the caller has it: a number line cut by
  // the card image's foot (an outline on a border's inner edge) is then read on into it.
  // Errors: unavailable when Tesseract cannot start; internal for library failures.
  [[nodiscard]] Result<Recognition> recognize(const image::RectifiedCard& card,
                                              const catalog::MatchHints& hints,
                                              const image::RgbImage* photo = nullptr) const;

 private:
  const catalog::Catalog& catalog_;
  const OcrRecognizerOptions options_;
};

// The printing a candidate names, as results report it. Shared by every source that snaps to the
// catalog (OCR, VLM).
CardMatch to_card_match(const catalog::Catalog& catalog, const catalog::MatchCandidate& candidate);

}  // namespace cardmint::recognize
