#include "recognize/recognizer.h"

#include <fmt/format.h>

#include <chrono>

#include "base/elapsed.h"
#include "catalog/catalog.h"
#include "image/border_colour.h"
#include "image/card_detector.h"
#include "image/card_rectifier.h"
#include "image/finish_hint.h"
#include "image/image_decoder.h"
#include "recognize/ocr_recognizer.h"
#include "recognize/vlm_worker.h"
#include "vlm/card_description.h"
#include "vlm/vlm_engine.h"

namespace cardmint::recognize {
namespace {

using Clock = SteadyClock;

// The short turn after the image; the long instructions sit in the cached system prompt.
constexpr const char* kUserPrompt = "Describe this card as JSON.";

image::FinishHint to_image_hint(catalog::Finish finish) {
  switch (finish) {
    case catalog::Finish::kHolo:
      return image::FinishHint::kHolo;
    case catalog::Finish::kReverseHolo:
      return image::FinishHint::kReverseHolo;
    case catalog::Finish::kFirstEdition:
      return image::FinishHint::kFirstEdition;
    case catalog::Finish::kNormal:
      break;
  }
  return image::FinishHint::kNormal;
}

}  // namespace

struct Recognizer::Impl {
  RecognizerOptions options;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<OcrRecognizer> ocr;
  std::unique_ptr<VlmWorker> worker;  // null without a model

  // Asks the model about `picture` and snaps its reading to the catalog. `base` carries the work
  // done so far (timings, OCR reading); the result replaces its answer only when surer.
  Result<Recognition> consult_model(const image::RgbImage& picture,
                                    const catalog::MatchHints& hints, Recognition base) const;
};

Recognizer::Recognizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Recognizer::~Recognizer() = default;

Result<std::unique_ptr<Recognizer>> Recognizer::open(const RecognizerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  Result<std::unique_ptr<catalog::Catalog>> catalog =
      catalog::Catalog::open({.db_path = options.catalog_db});
  if (!catalog.ok()) return catalog.status();
  impl->catalog = std::move(catalog).value();
  OcrRecognizerOptions ocr_options;
  ocr_options.min_candidate_score = options.min_candidate_score;
  impl->ocr = std::make_unique<OcrRecognizer>(*impl->catalog, ocr_options);
  if (options.vlm) {
    vlm::VlmOptions vlm_options = *options.vlm;
    if (vlm_options.system_prompt.empty()) vlm_options.system_prompt = vlm::card_prompt();
    Result<std::unique_ptr<vlm::VlmEngine>> engine = vlm::VlmEngine::open(vlm_options);
    if (!engine.ok()) return engine.status();
    impl->worker =
        std::make_unique<VlmWorker>(std::move(engine).value(), std::max(1, options.queue_capacity));
  }
  return std::unique_ptr<Recognizer>(new Recognizer(std::move(impl)));
}

void Recognizer::drain() {
  if (impl_->worker) impl_->worker->stop_accepting();
}

Result<Recognition> Recognizer::Impl::consult_model(const image::RgbImage& picture,
                                                    const catalog::MatchHints& hints,
                                                    Recognition base) const {
  vlm::GenerateRequest request;
  request.images.push_back(picture);
  request.user_prompt = kUserPrompt;
  request.max_new_tokens = options.max_new_tokens;
  if (options.constrain_output) request.grammar = vlm::card_grammar();
  const auto submitted_at = Clock::now();
  Result<VlmWorker::Reply> reply = worker->submit(std::move(request));
  if (!reply.ok()) return reply.status();
  Result<vlm::Generation> generation = reply->get();
  if (!generation.ok()) return generation.status();
  const vlm::StageTimings& stages = generation->timings;
  base.timings.encode_ms = stages.encode_ms;
  base.timings.prefill_ms = stages.prefill_ms;
  base.timings.generate_ms = stages.generate_ms;
  base.timings.queue_ms = std::max(0.0, ms_between(submitted_at, Clock::now()) - stages.encode_ms -
                                            stages.prefill_ms - stages.generate_ms);
  base.raw_model_output = generation->text;
  base.tokens = {generation->image_tokens, generation->prompt_tokens,
                 static_cast<int>(generation->tokens.size())};

  Result<vlm::CardDescription> description = vlm::parse_card_description(*generation);
  if (!description.ok()) {
    if (!base.card) {
      base.source = options.vlm->label;
      base.unknown_reason =
          fmt::format("{}; model: {}", base.unknown_reason, description.status().message());
    }
    return base;
  }
  // The model's words are evidence, never the answer: only a catalog printing can be returned.
  Result<catalog::MatchResult> match =
      catalog->match(description->name, description->number, hints);
  if (!match.ok()) return match.status();
  const double model_confidence =
      match->candidates.empty() ? 0.0 : std::min(description->confidence, match->confidence);
  if (match->candidates.empty() || match->candidates[0].score < options.min_candidate_score ||
      (base.card && model_confidence <= base.confidence)) {
    if (!base.card) {
      base.source = options.vlm->label;
      base.unknown_reason = fmt::format("no catalog printing confirms the model's \"{}\" {}",
                                        description->name, description->number);
    }
    return base;
  }
  base.source = options.vlm->label;
  base.candidates.clear();
  for (const catalog::MatchCandidate& c : match->candidates) {
    base.candidates.push_back({to_card_match(*catalog, c), c.score});
  }
  base.card = base.candidates[0].card;
  base.card->condition = description->condition;
  base.confidence = model_confidence;
  base.finish_confidence = match->finish_confidence;
  base.unknown_reason.clear();
  return base;
}

Result<Recognition> Recognizer::recognize(std::span<const std::uint8_t> image_bytes) {
  const Impl& m = *impl_;
  const auto start = Clock::now();
  Result<image::RgbImage> decoded = image::decode_image(image_bytes, m.options.decode_limits);
  if (!decoded.ok()) return decoded.status();
  const auto decoded_at = Clock::now();

  Recognition out;
  out.source = "ocr";
  catalog::MatchHints hints;
  std::optional<image::RectifiedCard> rectified;
  Result<image::CardQuad> quad = image::find_card(*decoded);
  if (quad.ok()) {
    Result<image::RectifiedCard> warped = image::rectify_card(*decoded, *quad);
    if (!warped.ok()) return warped.status();
    rectified = std::move(warped).value();
  } else if (quad.status().code() != StatusCode::kNotFound) {
    return quad.status();
  }
  if (rectified) {
    if (Result<image::FinishEstimate> finish = image::estimate_finish(rectified->card);
        finish.ok()) {
      static constexpr const char* kHintNames[] = {"normal", "holo", "reverse holo",
                                                   "first edition"};
      out.finish_hint = kHintNames[static_cast<int>(finish->hint)];
      out.finish_hint_confidence = finish->confidence;
      // The hint's finish ranks first only among a card's printings, and by likelihood: the
      // card's other printings are the alternatives that count, not all four.
      std::array<double, 4> ll;
      for (catalog::Finish f : catalog::kAllFinishes)
        ll[std::size_t(f)] = finish->log_likelihood[std::size_t(to_image_hint(f))];
      hints.finish_log_likelihood = ll;
      hints.full_art_log_ratio = finish->full_art_log_ratio;
    }
    if (Result<image::BorderColour> border = image::read_border_colour(rectified->card);
        border.ok())
      hints.silver_border_log_ratio = border->silver_era_log_ratio;
    const double preprocess_ms = ms_between(decoded_at, Clock::now());
    Result<Recognition> read = m.ocr->recognize(*rectified, hints);
    if (!read.ok()) return read.status();
    const std::string finish_hint = out.finish_hint;
    const double finish_confidence = out.finish_hint_confidence;
    out = std::move(read).value();
    out.finish_hint = finish_hint;
    out.finish_hint_confidence = finish_confidence;
    out.timings.preprocess_ms = preprocess_ms;
  } else {
    out.unknown_reason = quad.status().message();
    out.timings.preprocess_ms = ms_between(decoded_at, Clock::now());
  }
  out.timings.decode_ms = ms_between(start, decoded_at);

  if (m.worker && (!out.card || out.confidence < m.options.escalate_below)) {
    // The rectified card is the model's best view (one tile); without one, the whole photo.
    Result<Recognition> consulted =
        m.consult_model(rectified ? rectified->card : *decoded, hints, std::move(out));
    if (!consulted.ok()) return consulted.status();
    out = std::move(consulted).value();
  }
  out.timings.total_ms = ms_between(start, Clock::now());
  return out;
}

}  // namespace cardmint::recognize
