#pragma once
// The cache in front of the recognizer: the same bytes again, or the card's perceptual hash, with
// every hit confirmed against the catalog before it is an answer. Thread-safe (the cache and the
// catalog are).

#include <cstdint>
#include <optional>
#include <span>

#include "base/status.h"
#include "cache/card_cache.h"
#include "catalog/catalog.h"
#include "hash/photo_card_hash.h"
#include "hash/upload_digest.h"
#include "image/decode_limits.h"
#include "image/finish_hint.h"
#include "recognize/recognition.h"

namespace cardmint::recognize {

// What the cache path learned about an upload, for remembering its answer on a miss.
struct CacheKeys {
  hash::UploadDigest digest;
  std::optional<hash::PhotoCardHash> photo;  // none when no card was found in the reduced decode
};

class CachedAnswers {
 public:
  // REQUIRES: `catalog` and `cache` outlive this object.
  CachedAnswers(const catalog::Catalog& catalog, cache::CardCache& cache,
                const image::DecodeLimits& limits);

  // The cached answer for this upload, or nullopt (with `keys` filled for remember()). Errors:
  // the decode errors, found on the reduced decode exactly as the full one would find them.
  [[nodiscard]] Result<std::optional<Recognition>> find(std::span<const std::uint8_t> bytes,
                                                        CacheKeys& keys,
                                                        RecognitionTimings& timings) const;

  // Keeps `answer` for uploads like this one. Only call it with answers sure enough to repeat.
  void remember(const CacheKeys& keys, const Recognition& answer) const;

 private:
  // The hit as an answer, or nullopt when the catalog does not back it: the card is gone, or
  // (for a hit by hash) another card may print the same picture, or the photo's foil readings
  // favour another of the card's printings than the one remembered.
  std::optional<Recognition> confirm(const cache::CacheHit& hit,
                                     const hash::PhotoCardHash* photo) const;

  const catalog::Catalog& catalog_;
  cache::CardCache& cache_;
  const image::DecodeLimits limits_;
};

// The image module's finish hint for a catalog finish; shared by the recognizer's hints.
image::FinishHint to_image_hint(catalog::Finish finish);

}  // namespace cardmint::recognize
