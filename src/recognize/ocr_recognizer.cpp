#include "recognize/ocr_recognizer.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "base/elapsed.h"
#include "image/text_bands.h"
#include "ocr/ocr_reader.h"

namespace cardmint::recognize {
namespace {

using Clock = SteadyClock;

// One Tesseract per thread, created on first use: TessBaseAPI is not thread-safe and takes ~100 ms
// to initialise, so it must be neither shared nor rebuilt per request.
Result<ocr::OcrReader*> thread_reader() {
  thread_local std::unique_ptr<ocr::OcrReader> reader;
  if (!reader) {
    Result<std::unique_ptr<ocr::OcrReader>> opened = ocr::OcrReader::open();
    if (!opened.ok()) return opened.status();
    reader = std::move(opened).value();
  }
  return reader.get();
}

struct CardText {
  ocr::OcrLine name;
  ocr::OcrLine number_left;
  ocr::OcrLine number_right;
};

Result<CardText> read_card_text(ocr::OcrReader& reader, const image::RgbImage& card) {
  Result<image::TextBands> bands = image::crop_text_bands(card);
  if (!bands.ok()) return bands.status();
  Result<image::RgbImage> name = image::enhance_for_ocr(bands->name, {.scale = 1.0});
  // The number is ~18 px tall on the canonical card; Tesseract reads best near 30 px.
  Result<image::RgbImage> left = image::enhance_for_ocr(bands->number_left, {.scale = 2.0});
  Result<image::RgbImage> right = image::enhance_for_ocr(bands->number_right, {.scale = 2.0});
  if (!name.ok()) return name.status();
  if (!left.ok()) return left.status();
  if (!right.ok()) return right.status();
  CardText text;
  Result<ocr::OcrLine> n = reader.read(*name, ocr::LineKind::kName);
  Result<ocr::OcrLine> l = reader.read(*left, ocr::LineKind::kNumber);
  Result<ocr::OcrLine> r = reader.read(*right, ocr::LineKind::kNumber);
  if (!n.ok()) return n.status();
  if (!l.ok()) return l.status();
  if (!r.ok()) return r.status();
  text.name = *n;
  text.number_left = *l;
  text.number_right = *r;
  return text;
}

struct Reading {
  CardText text;
  catalog::MatchResult match;
  std::string number_line;  // the strip whose number the catalog used
};

// Classic cards print the number bottom-right, modern ones bottom-left; each strip is matched and
// the better-supported reading wins.
Result<Reading> read_and_match(const catalog::Catalog& catalog, ocr::OcrReader& reader,
                               const image::RgbImage& card, const catalog::MatchHints& hints) {
  Result<CardText> text = read_card_text(reader, card);
  if (!text.ok()) return text.status();
  Reading best;
  bool have = false;
  for (const ocr::OcrLine* strip : {&text->number_right, &text->number_left}) {
    Result<catalog::MatchResult> match = catalog.match(text->name.text, strip->text, hints);
    if (!match.ok()) return match.status();
    const double score = match->candidates.empty() ? 0.0 : match->candidates[0].score;
    const double best_score =
        have && !best.match.candidates.empty() ? best.match.candidates[0].score : -1.0;
    if (!have || score > best_score ||
        (score == best_score && match->confidence > best.match.confidence)) {
      best.match = std::move(match).value();
      best.number_line = strip->text;
      have = true;
    }
  }
  best.text = std::move(text).value();
  return best;
}

double best_score(const Reading& r) {
  return r.match.candidates.empty() ? 0.0 : r.match.candidates[0].score;
}

}  // namespace

CardMatch to_card_match(const catalog::Catalog& catalog, const catalog::MatchCandidate& candidate) {
  const catalog::Card& card = candidate.card;
  CardMatch out;
  out.id = card.id;
  out.name = card.name;
  out.set_id = card.set_id;
  out.set_name = card.set_name;
  out.number = card.local_id;
  Result<catalog::CardSet> set = catalog.get_set(card.set_id);
  out.printed_total = set.ok() && set->prints_total ? set->official_count : 0;
  out.finish = std::string(catalog::finish_name(candidate.finish));
  out.condition = "unknown";  // condition grading needs the model; OCR cannot see wear
  return out;
}

OcrRecognizer::OcrRecognizer(const catalog::Catalog& catalog, const OcrRecognizerOptions& options)
    : catalog_(catalog), options_(options) {}

Result<Recognition> OcrRecognizer::recognize(const image::RectifiedCard& card,
                                             const catalog::MatchHints& hints) const {
  Recognition out;
  out.source = "ocr";
  Result<ocr::OcrReader*> reader = thread_reader();
  if (!reader.ok()) return reader.status();
  const auto start = Clock::now();
  Result<Reading> reading = read_and_match(catalog_, **reader, card.card, hints);
  if (!reading.ok()) return reading.status();
  // Layout cues can mistake a card for upside down; when they are unsure, the text decides.
  if (card.orientation_confidence < options_.confirm_orientation_below) {
    Result<image::RgbImage> turned = image::rotate_image(card.card, 180);
    if (!turned.ok()) return turned.status();
    Result<Reading> other = read_and_match(catalog_, **reader, *turned, hints);
    if (!other.ok()) return other.status();
    if (best_score(*other) > best_score(*reading)) reading = std::move(other);
  }
  out.timings.ocr_ms = ms_since(start);

  const Reading& r = *reading;
  out.ocr = OcrReading{r.text.name.text, r.number_line, r.text.name.confidence,
                       r.number_line == r.text.number_left.text ? r.text.number_left.confidence
                                                                : r.text.number_right.confidence};
  for (const catalog::MatchCandidate& c : r.match.candidates) {
    out.candidates.push_back({to_card_match(catalog_, c), c.score});
  }
  if (out.candidates.empty() || out.candidates[0].score < options_.min_candidate_score) {
    out.unknown_reason =
        fmt::format("no catalog card matches the text read (name \"{}\", number \"{}\")",
                    r.text.name.text, r.number_line);
    out.confidence = 0;
    return out;
  }
  out.card = out.candidates[0].card;
  out.confidence = r.match.confidence;
  return out;
}

}  // namespace cardmint::recognize
