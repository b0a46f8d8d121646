#include "recognize/recognizer.h"

#include <fmt/format.h>

#include <chrono>

#include "base/elapsed.h"
#include "catalog/catalog.h"
#include "hash/photo_card_hash.h"
#include "hash/upload_digest.h"
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

// What the cache path learned about an upload, for remembering its answer on a miss.
struct CacheKeys {
  hash::UploadDigest digest;
  std::optional<hash::PhotoCardHash> photo;  // none when no card was found in the reduced decode
};

struct Recognizer::Impl {
  RecognizerOptions options;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<OcrRecognizer> ocr;
  std::unique_ptr<VlmWorker> worker;        // null without a model
  std::unique_ptr<cache::CardCache> cache;  // null without one

  // The cached answer for this upload, or nullopt (with `keys` filled for remember()). Errors:
  // the decode errors, found on the reduced decode exactly as the full one would find them.
  Result<std::optional<Recognition>> answer_from_cache(std::span<const std::uint8_t> bytes,
                                                       CacheKeys& keys,
                                                       RecognitionTimings& timings) const;
  // The hit as an answer, or nullopt when the catalog does not back it: the card is gone, or
  // (for a hit by hash) another card may print the same picture, or the photo's foil readings
  // favour another of the card's printings than the one remembered.
  std::optional<Recognition> confirm(const cache::CacheHit& hit,
                                     const hash::PhotoCardHash* photo) const;

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
  if (options.cache) {
    Result<catalog::CatalogStats> stats = impl->catalog->stats();
    if (!stats.ok()) return stats.status();
    const catalog::Catalog& known = *impl->catalog;
    Result<std::unique_ptr<cache::CardCache>> cache = cache::CardCache::open(
        *options.cache, stats->build_id,
        [&known](std::string_view card_id) { return known.get_card(card_id).ok(); });
    if (!cache.ok()) return cache.status();
    impl->cache = std::move(cache).value();
  }
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

std::optional<cache::CardCacheStats> Recognizer::cache_stats() const {
  if (!impl_->cache) return std::nullopt;
  return impl_->cache->stats();
}

Result<std::optional<Recognition>> Recognizer::Impl::answer_from_cache(
    std::span<const std::uint8_t> bytes, CacheKeys& keys, RecognitionTimings& timings) const {
  const auto start = Clock::now();
  keys.digest = hash::upload_digest(bytes);
  if (std::optional<cache::CacheHit> hit = cache->find_bytes(keys.digest)) {
    if (std::optional<Recognition> answer = confirm(*hit, nullptr)) {
      answer->timings.cache_ms = ms_between(start, Clock::now());
      return answer;
    }
    cache->unconfirmed(*hit);
  }
  const auto hashing_at = Clock::now();
  Result<hash::PhotoCardHash> photo = hash::hash_card_in_photo(bytes, options.decode_limits);
  timings.hash_ms = ms_between(hashing_at, Clock::now());
  if (!photo.ok()) {
    // No card in the small picture: the full-size path looks again and says why.
    if (photo.status().code() == StatusCode::kNotFound) return std::optional<Recognition>();
    return photo.status();
  }
  keys.photo = std::move(photo).value();
  const auto lookup_at = Clock::now();
  std::optional<Recognition> answer;
  if (std::optional<cache::CacheHit> hit =
          cache->find_card(keys.photo->hash, keys.photo->turned_hash)) {
    answer = confirm(*hit, &*keys.photo);
    if (!answer) cache->unconfirmed(*hit);
  }
  timings.cache_ms = ms_between(start, hashing_at) + ms_between(lookup_at, Clock::now());
  if (answer) {
    answer->timings.decode_ms = keys.photo->decode_ms;
    answer->timings.hash_ms = timings.hash_ms;
    answer->timings.cache_ms = timings.cache_ms;
  }
  return answer;
}

std::optional<Recognition> Recognizer::Impl::confirm(const cache::CacheHit& hit,
                                                     const hash::PhotoCardHash* photo) const {
  Result<catalog::Card> card = catalog->get_card(hit.card.card_id);
  std::optional<catalog::Finish> finish = catalog::parse_finish(hit.card.finish);
  if (!card.ok() || !finish ||
      std::find(card->printings.begin(), card->printings.end(), *finish) == card->printings.end())
    return std::nullopt;
  double finish_confidence = hit.card.finish_confidence;
  if (photo != nullptr) {
    Result<int> lookalikes = catalog->lookalike_count(card->id);
    if (!lookalikes.ok() || *lookalikes > 0) return std::nullopt;
    if (card->printings.size() > 1) {
      // The hash cannot see foil: this photo's own readings must favour the remembered finish
      // among the card's printings, as the recognizer would weigh them.
      Result<image::FinishEstimate> readings = image::estimate_finish(photo->card);
      if (!readings.ok()) return std::nullopt;
      double best = -1e300, total = 0, mine = 0;
      std::optional<catalog::Finish> favoured;
      for (catalog::Finish f : card->printings) {
        const double ll = readings->log_likelihood[std::size_t(to_image_hint(f))];
        if (ll > best) {
          best = ll;
          favoured = f;
        }
      }
      if (favoured != finish) return std::nullopt;
      for (catalog::Finish f : card->printings) {
        const double p = std::exp(readings->log_likelihood[std::size_t(to_image_hint(f))] - best);
        total += p;
        if (f == *finish) mine = p;
      }
      finish_confidence = mine / total;
    } else {
      finish_confidence = 1.0;
    }
  }
  Recognition out;
  catalog::MatchCandidate candidate;
  candidate.card = std::move(card).value();
  candidate.finish = *finish;
  out.card = to_card_match(*catalog, candidate);
  out.confidence = hit.card.confidence;
  out.finish_confidence = finish_confidence;
  out.candidates.push_back({*out.card, hit.card.confidence});
  out.source = hit.card.source == "reference" ? "hash" : "cache";
  out.cache = CacheAnswer{std::string(cache::hit_kind_name(hit.kind)), hit.distance, hit.shared};
  return out;
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
  CacheKeys keys;
  RecognitionTimings cache_timings;
  if (m.cache) {
    Result<std::optional<Recognition>> cached =
        m.answer_from_cache(image_bytes, keys, cache_timings);
    if (!cached.ok()) return cached.status();
    if (cached->has_value()) {
      Recognition answer = std::move(cached->value());
      answer.timings.total_ms = ms_between(start, Clock::now());
      return answer;
    }
  }
  const auto full_path_at = Clock::now();
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
  out.timings.decode_ms = ms_between(full_path_at, decoded_at);
  out.timings.hash_ms = cache_timings.hash_ms;
  out.timings.cache_ms = cache_timings.cache_ms;

  if (m.worker && (!out.card || out.confidence < m.options.escalate_below)) {
    // The rectified card is the model's best view (one tile); without one, the whole photo.
    Result<Recognition> consulted =
        m.consult_model(rectified ? rectified->card : *decoded, hints, std::move(out));
    if (!consulted.ok()) return consulted.status();
    out = std::move(consulted).value();
  }
  // Only a sure answer is worth repeating: the cache never makes an answer surer than it was.
  if (m.cache && keys.photo && out.card && out.confidence >= m.options.escalate_below) {
    cache::CachedCard remembered{out.card->id, out.card->finish, out.confidence,
                                 out.finish_confidence, out.source};
    m.cache->remember(keys.digest, keys.photo->hash, remembered);
  }
  out.timings.total_ms = ms_between(start, Clock::now());
  return out;
}

}  // namespace cardmint::recognize
