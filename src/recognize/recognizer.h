#pragma once
// The recognition pipeline behind /recognize and `cardmint scan`: the cache (the same bytes, or
// the card's perceptual hash, confirmed against the catalog) → decode → find and rectify the
// card → OCR + catalog → (when unsure and a model is configured) SmolVLM, snapped to the catalog.
// Thread-safe: any number of HTTP threads call recognize(); decoding, detection and OCR run on the
// caller's thread, and model work goes through the VlmWorker's bounded queue to the one thread
// that owns the model.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "base/status.h"
#include "cache/card_cache.h"
#include "image/decode_limits.h"
#include "recognize/recognition.h"
#include "vlm/vlm_options.h"

namespace cardmint::recognize {

struct RecognizerOptions {
  std::filesystem::path catalog_db;    // built by `cardmint catalog import`
  std::optional<vlm::VlmOptions> vlm;  // none: OCR alone
  // Below this OCR confidence the model is consulted (when there is one).
  double escalate_below = 0.85;
  // A best catalog candidate scoring below this is "unknown", whichever source read the card.
  double min_candidate_score = 0.35;
  image::DecodeLimits decode_limits;
  int queue_capacity = 32;       // requests waiting for the model; beyond it recognize() is busy
  int max_new_tokens = 160;      // longest model answer
  bool constrain_output = true;  // JSON grammar from data/card_schema.json
  // None: every upload is recognised afresh. Only answers at least escalate_below sure are
  // remembered.
  std::optional<cache::CardCacheOptions> cache;
};

class Recognizer {
 public:
  // Opens the catalog and loads the model (seconds). Errors: unavailable when the catalog or a
  // model file is missing or broken.
  [[nodiscard]] static Result<std::unique_ptr<Recognizer>> open(const RecognizerOptions& options);
  ~Recognizer();  // finishes queued work, then stops the model thread
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;

  // Errors: decode errors from image::decode_image (413/415/422 class), busy when the model queue
  // is full, unavailable after drain() began, internal for a model failure. Garbage from the model
  // is not an error: it is an unknown card, and so is a photo with no card in it.
  [[nodiscard]] Result<Recognition> recognize(std::span<const std::uint8_t> image_bytes);

  // Stops accepting new work; recognize() calls already queued still complete.
  void drain();

  // nullopt without a cache.
  std::optional<cache::CardCacheStats> cache_stats() const;

 private:
  struct Impl;
  explicit Recognizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::recognize
