#pragma once
// The recognition pipeline behind /recognize and `cardmint scan`, a cascade that tries the
// cheapest source first: the cache (the same bytes, or the card's perceptual hash, confirmed
// against the catalog) → decode → find and rectify the card → OCR + catalog → (when the cascade
// policy says so) SmolVLM-256M → SmolVLM-500M, each model answer snapped to the catalog.
//
// Threads: a CPU pool sized to the cores does the decoding, detection, hashing, OCR and catalog
// work; each model has the one thread that owns it (VlmWorker). A recognition that needs a model
// frees its pool thread while the model works, so the pool prepares the next uploads meanwhile.
// Any thread may call recognize() or start(); progress callbacks run on those internal threads.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/json_nesting.h"
#include "base/status.h"
#include "cache/card_cache.h"
#include "image/decode_limits.h"
#include "recognize/card_reader.h"
#include "recognize/cascade_policy.h"
#include "recognize/progress.h"
#include "recognize/recognition.h"
#include "session/scan_sessions.h"
#include "vlm/vlm_options.h"

namespace cardmint::recognize {

struct RecognizerOptions {
  std::filesystem::path catalog_db;  // built by `cardmint catalog import`
  // The models, fast first (SmolVLM-256M, then 500M); none: OCR alone. The one whose
  // `accurate` flag is set is the one high_value requests confirm with.
  struct Model {
    vlm::VlmOptions vlm;
    bool accurate = false;
  };
  std::vector<Model> models;
  EscalationPolicy escalation;  // when a surer source is asked
  ScanMode default_mode = ScanMode::kStandard;
  int cpu_threads = 0;  // the CPU pool; 0: one per hardware thread
  // A best catalog candidate scoring below this is "unknown", whichever source read the card.
  double min_candidate_score = 0.35;
  // An OCR reading less sure than this is read again on the detector's other outlines around
  // the card (image::find_card_outlines), and the surest reading kept: what was read may have
  // been a card-shaped part of the layout taken for the card.
  double read_other_outlines_below = 0.5;
  // With no outline scoring the detector's floor (image::CardDetectorOptions::min_score), the
  // best outlines above this are read anyway, straight-edge outlines ranked with the others: a
  // card that runs off the photo's edge has lost its shape, and a dark card on a dark desk shows
  // only its straight sides. Their reading counts only at weak_outline_min_confidence or more;
  // below it the answer is no card, with the detector's reason. 0: not read. On 160 generated
  // desk photos with no card (seeds 401 and 409) these readings reached 0.40 (a cutting mat's
  // grid cell read as junk) and 0.44; the right cards read this way, on 9 of the 12 photos of
  // six seeds where no card was found, read 0.60 and more.
  double read_weak_outlines_above = 0.1;
  double weak_outline_min_confidence = 0.5;
  image::DecodeLimits decode_limits;
  int queue_capacity = 32;   // uploads (and model requests) waiting; beyond it recognize() is busy
  int batch_size = 1;        // model requests decoded together (dynamic batching)
  int batch_timeout_ms = 5;  // how long a model waits for a batch to fill
  int max_new_tokens = 160;  // longest model answer
  bool constrain_output = true;  // JSON grammar from data/card_schema.json
  int max_json_depth =
      kDefaultMaxJsonDepth;  // MAX_JSON_DEPTH: a model answer nested deeper is refused
  // None: every upload is recognised afresh. Only answers at least escalate_below sure are
  // remembered.
  std::optional<cache::CardCacheOptions> cache;
  // Scan sessions (requests with a session id): their history predicts the next cards, whose
  // catalog rows are warmed and whose prediction breaks ties in the next match.
  session::ScanSessionOptions sessions;
  // Called, on a recognizer thread, with a session's likeliest next cards after each card it
  // identified surely: the service prefetches their prices. May be empty. Must not block.
  std::function<void(std::vector<std::string> card_ids)> on_predicted_cards;
};

// One request's settings.
struct RecognizeRequest {
  std::optional<ScanMode> mode;  // nullopt: the recognizer's default
  ProgressCallback on_progress;  // may be empty
  // The client's scan session (a binder, a box); empty: none. REQUIRES: empty or
  // session::check_session_id(session_id).ok().
  std::string session_id;
};

struct RecognizerStats {
  // Escalations from one source to the next, by "from→to" (e.g. "ocr→vlm-256m").
  std::map<std::string, std::int64_t> model_switches;
  std::map<std::string, std::int64_t> answers_by_source;
  std::optional<cache::CardCacheStats> cache;  // nullopt without a cache
  std::size_t cpu_queue = 0;                   // CPU work waiting now
  // Each model's thread (VlmWorker), fast first: its queue and how full its batches ran.
  struct ModelQueue {
    std::string source;              // "vlm-256m"
    int queue_depth = 0;             // jobs waiting now
    int batch_size = 1;              // the most jobs one batch decodes (BATCH_SIZE)
    std::uint64_t jobs = 0;          // accepted
    std::uint64_t batches = 0;       // generate_batch calls
    std::uint64_t batched_jobs = 0;  // the sum of their sizes
  };
  std::vector<ModelQueue> models;
};

class Recognizer {
 public:
  // Opens the catalog and loads the model (seconds). Errors: unavailable when the catalog or a
  // model file is missing or broken.
  [[nodiscard]] static Result<std::unique_ptr<Recognizer>> open(const RecognizerOptions& options);
  // The same with the model sources given instead of loaded from options.models (tests: readers
  // whose answers and confidence they control).
  [[nodiscard]] static Result<std::unique_ptr<Recognizer>> open(
      const RecognizerOptions& options, std::vector<std::unique_ptr<CardReader>> readers);
  ~Recognizer();  // finishes queued work, then stops the model thread
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;

  // Errors: decode errors from image::decode_image (413/415/422 class), busy when the model queue
  // is full, unavailable after drain() began, internal for a model failure. Garbage from the model
  // is not an error: it is an unknown card, and so is a photo with no card in it.
  [[nodiscard]] Result<Recognition> recognize(std::span<const std::uint8_t> image_bytes,
                                              const RecognizeRequest& request = {});

  // The same, returning at once; `on_done` gets the answer (or the error), exactly once, on a
  // recognizer thread, unless this returns an error: busy when the queue is full, unavailable
  // after drain().
  using DoneCallback = std::function<void(Result<Recognition>)>;
  [[nodiscard]] Status start(std::vector<std::uint8_t> image_bytes, RecognizeRequest request,
                             DoneCallback on_done);

  // Stops accepting new work; recognitions already accepted still complete.
  void drain();

  RecognizerStats stats() const;

  // The scan sessions of requests with a session id: their history and operator settings.
  session::ScanSessions& sessions();

  // The catalog every answer is checked against, for the service's own lookups (search, the
  // collection's cards). Thread-safe, as Catalog is.
  const catalog::Catalog& catalog() const;

 private:
  struct Impl;
  struct Run;  // one recognition moving through the cascade
  explicit Recognizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::recognize
