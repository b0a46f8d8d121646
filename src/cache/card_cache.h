#pragma once
// The cache of recognised cards: what an upload was recognised as, found again by the upload's
// bytes (the same file re-sent) or by the perceptual hash of the card in it (the same card
// photographed again). Three tiers: an in-process LRU with a Hamming-space index, a SQLite file
// (WAL) that survives restarts, and, with a Redis address, a tier every instance shares.
// Thread-safe: any number of threads may call every method.
//
// The cache answers "which entries are near", never "is this the card": a hit is a candidate
// the caller confirms against the catalog (does the card still exist, could another printing
// look the same). It does refuse a perceptual hit itself when entries of two different printings
// are both near the query, because then the picture alone cannot tell them apart.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "cache/redis_client.h"
#include "hash/card_hash.h"
#include "hash/upload_digest.h"

namespace cardmint::cache {

// What an entry remembers: a printing of a catalog card.
struct CachedCard {
  std::string card_id;           // catalog id, e.g. "base1-58"
  std::string finish;            // "normal", "holo", "reverse holo", "first edition"
  double confidence = 0;         // that the card is right, when it was recognised
  double finish_confidence = 0;  // that the finish is right, given the card
  std::string source;  // who recognised it first: "ocr", "vlm-256m", ...; "reference" for a
                       // reference image added by `cardmint catalog add-images`
};

// cache.sqlite beside the catalog: the cache refers to the catalog's cards, so it lives where the
// catalog does (cardmintd's default and `cardmint catalog add-images`').
std::filesystem::path default_cache_file(const std::filesystem::path& catalog_db);

enum class HitKind { kBytes, kExact, kFuzzy };
std::string_view hit_kind_name(HitKind kind);  // "bytes", "exact", "fuzzy"

struct CacheHit {
  CachedCard card;
  HitKind kind = HitKind::kBytes;
  int distance = 0;  // Hamming distance of the perceptual hashes; 0 for a bytes hit
  // Recognised by another instance: it came through the shared (Redis) tier.
  bool shared = false;
};

struct CardCacheOptions {
  // CACHE_SIZE: recognised uploads kept, least recently used first out. Reference images do not
  // count and are never evicted: they are the user's own catalog.
  std::size_t capacity = 10'000;
  // The SQLite file (WAL); empty: memory only, gone at exit.
  std::filesystem::path file;
  // A perceptual hit is an entry at most this many of 128 bits from the query. Measured with
  // cardmint-hash-roc (150 generated cards, seed 7; the README's cache section has the table):
  // within 12 bits fall 89% of repeats on one scanning rig and 40% of re-photos in a wholly new
  // scene, and none of 11,175 pairs of different cards (median 58, sd ~8.5, nearest 21-22) nor
  // of 133 same-name printings.
  int fuzzy_radius = 12;
  // A perceptual hit is refused when an entry of another printing is within this many bits of
  // the nearest one: the two are too alike for the hash to choose.
  int ambiguity_margin = 10;
  // The shared tier (REDIS_URL); none: this instance alone.
  std::optional<RedisAddress> redis;
  std::chrono::milliseconds shared_ttl{std::chrono::hours(24 * 30)};
  std::string redis_prefix = "cardmint:v1:";
};

struct CardCacheStats {
  std::size_t entries = 0;     // recognised uploads in memory
  std::size_t references = 0;  // reference images
  std::uint64_t hits_bytes = 0, hits_exact = 0, hits_fuzzy = 0, misses = 0;
  std::uint64_t refused_ambiguous = 0;    // near entries of two printings
  std::uint64_t refused_unconfirmed = 0;  // hits the caller's catalog checks turned down
  std::uint64_t evictions = 0;
  std::uint64_t shared_hits = 0;      // answered with another instance's recognition
  std::uint64_t shared_received = 0;  // entries other instances published
  std::uint64_t shared_errors = 0;    // Redis calls that failed (the request went on without)
  bool shared_connected = false;      // both connections to Redis (requests, stream) are up
  double load_ms = 0;                 // reading the file at open
};

class CardCache {
 public:
  // Opens (or creates) the file and loads its entries, most recently used last, then connects
  // to Redis in the background. `catalog_build` is the catalog's build id: when it differs
  // from the one the file was written against, every entry whose card `card_exists` denies is
  // dropped (a re-import may have removed or renumbered cards). Errors: unavailable when the
  // file cannot be opened or is not a cache file.
  [[nodiscard]] static Result<std::unique_ptr<CardCache>> open(
      const CardCacheOptions& options, std::string_view catalog_build,
      const std::function<bool(std::string_view card_id)>& card_exists);
  ~CardCache();
  CardCache(const CardCache&) = delete;
  CardCache& operator=(const CardCache&) = delete;

  // The same upload seen before, here or (with Redis) on another instance.
  std::optional<CacheHit> find_bytes(const hash::UploadDigest& digest);

  // The nearest entry to `hash` or `turned_hash` (the card turned 180°, for when the layout cues
  // were wrong), within fuzzy_radius and not ambiguous.
  std::optional<CacheHit> find_card(const hash::CardHash& hash, const hash::CardHash& turned_hash);

  // The caller did not confirm `hit` (see the top of this file): it counts as a miss, and as
  // refused_unconfirmed, not as a hit.
  void unconfirmed(const CacheHit& hit);

  // Remembers a recognition: `digest` (when given) and `hash` both lead to `card` from now on,
  // on every instance sharing the Redis tier (once Redis answers, if it is down now).
  void remember(const std::optional<hash::UploadDigest>& digest, const hash::CardHash& hash,
                const CachedCard& card);

  // A reference image of a known printing: found by hash like a recognition, never evicted.
  // Errors: unavailable when the file cannot be written.
  [[nodiscard]] Status add_reference(const hash::CardHash& hash, const CachedCard& card);

  CardCacheStats stats() const;

 private:
  struct Impl;
  explicit CardCache(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::cache
