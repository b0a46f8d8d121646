#include "recognize/cached_answer.h"

#include <algorithm>
#include <cmath>

#include "base/elapsed.h"
#include "recognize/ocr_recognizer.h"

namespace cardmint::recognize {

using Clock = SteadyClock;

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

CachedAnswers::CachedAnswers(const catalog::Catalog& catalog, cache::CardCache& cache,
                             const image::DecodeLimits& limits)
    : catalog_(catalog), cache_(cache), limits_(limits) {}

Result<std::optional<Recognition>> CachedAnswers::find(std::span<const std::uint8_t> bytes,
                                                       CacheKeys& keys,
                                                       RecognitionTimings& timings) const {
  const auto start = Clock::now();
  keys.digest = hash::upload_digest(bytes);
  if (std::optional<cache::CacheHit> hit = cache_.find_bytes(keys.digest)) {
    if (std::optional<Recognition> answer = confirm(*hit, nullptr)) {
      answer->timings.cache_ms = ms_between(start, Clock::now());
      return answer;
    }
    cache_.unconfirmed(*hit);
  }
  const auto hashing_at = Clock::now();
  Result<hash::PhotoCardHash> photo = hash::hash_card_in_photo(bytes, limits_);
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
          cache_.find_card(keys.photo->hash, keys.photo->turned_hash)) {
    answer = confirm(*hit, &*keys.photo);
    if (!answer) cache_.unconfirmed(*hit);
  }
  timings.cache_ms = ms_between(start, hashing_at) + ms_between(lookup_at, Clock::now());
  if (answer) {
    answer->timings.decode_ms = keys.photo->decode_ms;
    answer->timings.hash_ms = timings.hash_ms;
    answer->timings.cache_ms = timings.cache_ms;
  }
  return answer;
}

void CachedAnswers::remember(const CacheKeys& keys, const Recognition& answer) const {
  if (!keys.photo || !answer.card) return;
  cache::CachedCard remembered{answer.card->id, answer.card->finish, answer.confidence,
                               answer.finish_confidence, answer.source};
  cache_.remember(keys.digest, keys.photo->hash, remembered);
}

std::optional<Recognition> CachedAnswers::confirm(const cache::CacheHit& hit,
                                                  const hash::PhotoCardHash* photo) const {
  Result<catalog::Card> card = catalog_.get_card(hit.card.card_id);
  std::optional<catalog::Finish> finish = catalog::parse_finish(hit.card.finish);
  if (!card.ok() || !finish ||
      std::find(card->printings.begin(), card->printings.end(), *finish) == card->printings.end())
    return std::nullopt;
  double finish_confidence = hit.card.finish_confidence;
  if (photo != nullptr) {
    Result<int> lookalikes = catalog_.lookalike_count(card->id);
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
  out.card = to_card_match(catalog_, candidate);
  out.confidence = hit.card.confidence;
  out.finish_confidence = finish_confidence;
  out.candidates.push_back({*out.card, hit.card.confidence});
  out.source = hit.card.source == "reference" ? "hash" : "cache";
  out.cache = CacheAnswer{std::string(cache::hit_kind_name(hit.kind)), hit.distance, hit.shared};
  return out;
}

}  // namespace cardmint::recognize
