#pragma once
// The mixed load of `cardmint bench soak`: what each kind of request sends, and what the service
// must answer to it. A request whose answer differs from its kind's is an error of the soak.
// Thread-safe: SoakLoad is shared by the client threads; each passes its own keep-alive client
// and random generator.

#include <httplib.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cli/photo_folder.h"

namespace cardmint::cli {

enum class SoakKind {
  kHit,            // a remembered photo's bytes again
  kChangedHit,     // a remembered photo in new bytes: the same pixels, or saved again
  kMiss,           // a photo the service has not seen
  kStream,         // ?stream=1, read to the complete event
  kDisconnect,     // ?stream=1 on a new photo, hung up after the first event
  kTruncatedJpeg,  // 422
  kPngBomb,        // 422: its header claims 60000×60000
  kWrongType,      // 415: a photo sent as text/plain
  kEmptyBody,      // 400
  kOversized,      // 413: one byte over the upload limit and more
  kGarbage,        // 415 or 422: random bytes as image/jpeg
  kHealth,         // GET /health
  kStats,          // GET /stats
  kMetrics,        // GET /metrics
  kCatalogSearch,  // GET /catalog/search?q=pika
};
inline constexpr std::size_t kSoakKindCount = 15;

// "hit", "changed_hit", "miss", "stream", "disconnect", "truncated_jpeg", ... as the report names
// them.
std::string_view soak_kind_name(SoakKind kind);

// One client's kinds, in the order it sends them: first each kind once, in a shuffled order, so
// that even a soak of seconds sends every kind; then kinds drawn by their share of the load (cheap
// reads and refusals often, photos the recognizer must read less often: they take the cores for
// most of a second each). The same seed gives the same sequence.
class SoakKindSequence {
 public:
  explicit SoakKindSequence(unsigned seed);
  SoakKind next();

 private:
  std::mt19937 rng_;
  std::vector<SoakKind> first_round_;  // dealt from the back
};

struct SoakOutcome {
  SoakKind kind = SoakKind::kHealth;
  double started_s = 0;  // when it was sent, since the load began
  double ms = 0;         // sent to answered (for a stream: to its last event read)
  int status = 0;        // the HTTP status; 0 when none came (a disconnect's hang-up included)
  bool expected = false;
  // What answered a good recognition ("cache/bytes", "ocr", ...), or why the answer was wrong.
  std::string detail;
  bool card_named = false;  // a plain recognition's answer named a card
};

struct SoakTarget {
  std::string host = "127.0.0.1";
  int port = 0;
  std::size_t max_upload_bytes = 0;  // the service's limit: kOversized sends more
};

class SoakLoad {
 public:
  // REQUIRES: `photos` is not empty.
  SoakLoad(SoakTarget target, std::vector<FolderPhoto> photos);

  // Sends a new photo and, when it is answered, remembers it for the hits: before the load, so
  // that the first hit has a photo to repeat. False when it was not answered 200.
  bool prime(httplib::Client& client);

  // One request of `kind`; `client` is this thread's keep-alive connection to the target.
  SoakOutcome send(SoakKind kind, httplib::Client& client, std::mt19937& rng, double started_s);

  const SoakTarget& target() const { return target_; }

 private:
  struct Remembered {
    std::string bytes;      // as it was first uploaded and answered
    std::string reencoded;  // the same picture saved again: the cache's hash answers it
  };

  std::string next_new_photo();
  void remember(std::string bytes);
  std::shared_ptr<const Remembered> any_remembered(std::mt19937& rng);
  // `jpeg` with a comment no upload had before: new bytes, the very same pixels.
  std::string renamed(const std::string& jpeg);

  SoakOutcome recognize(SoakKind kind, httplib::Client& client, const std::string& body,
                        const std::string& content_type);
  SoakOutcome stream(SoakKind kind, const std::string& image, std::size_t stop_after_events);
  SoakOutcome get(SoakKind kind, httplib::Client& client, const std::string& path);

  const SoakTarget target_;
  const std::vector<FolderPhoto> photos_;
  const std::string bomb_;
  const std::string oversized_;
  std::atomic<long> new_photos_{0};
  std::atomic<long> renames_{0};
  std::mutex mutex_;
  std::vector<std::shared_ptr<const Remembered>> remembered_;  // guarded by mutex_
};

}  // namespace cardmint::cli
