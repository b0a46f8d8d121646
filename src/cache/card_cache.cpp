#include "cache/card_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "cache/hamming_index.h"
#include "catalog/sqlite.h"

namespace cardmint::cache {
namespace {

using Clock = std::chrono::steady_clock;
using catalog::SqliteDb;
using catalog::SqliteStmt;

constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

std::shared_ptr<spdlog::logger> cache_log() { return logger("cache"); }

// SQLite stores signed 64-bit integers; the hashes are bit patterns.
std::int64_t as_signed(std::uint64_t v) { return std::bit_cast<std::int64_t>(v); }
std::uint64_t as_unsigned(std::int64_t v) { return std::bit_cast<std::uint64_t>(v); }

struct DigestHasher {
  std::size_t operator()(const hash::UploadDigest& d) const {
    return static_cast<std::size_t>(d.words[0] ^ (d.words[1] * 0x9E3779B97F4A7C15ULL));
  }
};

struct Slot {
  hash::CardHash hash;
  std::optional<hash::UploadDigest> digest;
  CachedCard card;
  bool reference = false;
  bool shared = false;   // another instance recognised it (it came through Redis)
  std::int64_t row = 0;  // the file's row, 0 when memory only
  // The LRU list, most recent at the head; reference slots are not on it.
  std::uint32_t newer = kNoSlot;
  std::uint32_t older = kNoSlot;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS cache_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  id         INTEGER PRIMARY KEY,
  hash_hi    INTEGER NOT NULL,     -- the perceptual hash, pHash half
  hash_lo    INTEGER NOT NULL,     -- and dHash half
  digest_hi  INTEGER,              -- the upload's XXH3-128, NULL for a reference image
  digest_lo  INTEGER,
  card_id    TEXT NOT NULL,
  finish     TEXT NOT NULL,
  confidence REAL NOT NULL,
  finish_confidence REAL NOT NULL,
  source     TEXT NOT NULL,
  reference  INTEGER NOT NULL CHECK (reference IN (0, 1)),
  last_used  INTEGER NOT NULL      -- a use counter, not a clock: the LRU order
);
)sql";

std::string payload_of(const Slot& slot, std::string_view origin) {
  nlohmann::json j = {{"hash", hash::to_hex(slot.hash)},
                      {"card_id", slot.card.card_id},
                      {"finish", slot.card.finish},
                      {"confidence", slot.card.confidence},
                      {"finish_confidence", slot.card.finish_confidence},
                      {"source", slot.card.source},
                      {"origin", origin}};
  if (slot.digest) j["digest"] = hash::to_hex(*slot.digest);
  return j.dump();
}

bool parse_digest(const std::string& hex, hash::UploadDigest* out) {
  hash::CardHash as_hash;  // the same 32-hex-digit shape
  if (!hash::parse_card_hash(hex, &as_hash)) return false;
  out->words = as_hash.words;
  return true;
}

// An entry another instance published, or nullopt when it does not parse (then it is ignored:
// the shared tier is as untrusted as any input).
std::optional<Slot> slot_of(std::string_view payload, std::string* origin) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Slot slot;
  try {
    if (!hash::parse_card_hash(j.at("hash").get<std::string>(), &slot.hash)) return std::nullopt;
    if (j.contains("digest")) {
      hash::UploadDigest d;
      if (!parse_digest(j["digest"].get<std::string>(), &d)) return std::nullopt;
      slot.digest = d;
    }
    slot.card.card_id = j.at("card_id").get<std::string>();
    slot.card.finish = j.at("finish").get<std::string>();
    slot.card.confidence = j.at("confidence").get<double>();
    slot.card.finish_confidence = j.at("finish_confidence").get<double>();
    slot.card.source = j.at("source").get<std::string>();
    if (origin != nullptr) *origin = j.value("origin", "");
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (slot.card.card_id.empty()) return std::nullopt;
  return slot;
}

}  // namespace

std::filesystem::path default_cache_file(const std::filesystem::path& catalog_db) {
  return catalog_db.parent_path() / "cache.sqlite";
}

std::string_view hit_kind_name(HitKind kind) {
  switch (kind) {
    case HitKind::kBytes:
      return "bytes";
    case HitKind::kExact:
      return "exact";
    case HitKind::kFuzzy:
      return "fuzzy";
  }
  return "bytes";
}

struct CardCache::Impl {
  explicit Impl(const CardCacheOptions& o)
      : options(o), index(std::max<std::size_t>(o.capacity, 1024)) {}

  const CardCacheOptions options;
  std::string instance_id;

  // Guards everything below it, up to the Redis members.
  mutable std::mutex mu;
  std::vector<Slot> slots;
  std::vector<std::uint32_t> free_slots;
  std::uint32_t newest = kNoSlot;
  std::uint32_t oldest = kNoSlot;
  std::size_t entries = 0;
  std::size_t references = 0;
  std::unordered_map<hash::UploadDigest, std::uint32_t, DigestHasher> by_digest;
  HammingIndex index;
  std::int64_t use_counter = 0;
  CardCacheStats counters;

  SqliteDb db;
  SqliteStmt insert_stmt, delete_stmt, touch_stmt;

  std::unique_ptr<RedisClient> redis;         // the request path's connection
  std::unique_ptr<RedisClient> redis_stream;  // the subscriber thread's (blocking reads)
  std::thread subscriber;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> shared_received{0};

  std::string key(std::string_view kind, std::string_view hex) const {
    return fmt::format("{}{}:{}", options.redis_prefix, kind, hex);
  }
  std::string stream_key() const { return options.redis_prefix + "entries"; }

  // --- the LRU list (mu held) ---
  void unlink(std::uint32_t s) {
    Slot& slot = slots[s];
    if (slot.newer != kNoSlot) slots[slot.newer].older = slot.older;
    if (slot.older != kNoSlot) slots[slot.older].newer = slot.newer;
    if (newest == s) newest = slot.older;
    if (oldest == s) oldest = slot.newer;
    slot.newer = slot.older = kNoSlot;
  }
  void push_newest(std::uint32_t s) {
    slots[s].older = newest;
    slots[s].newer = kNoSlot;
    if (newest != kNoSlot) slots[newest].newer = s;
    newest = s;
    if (oldest == kNoSlot) oldest = s;
  }

  // Marks `s` used now, in memory and in the file. mu held.
  void touch(std::uint32_t s) {
    Slot& slot = slots[s];
    ++use_counter;
    if (!slot.reference) {
      unlink(s);
      push_newest(s);
    }
    if (db && slot.row != 0) {
      catalog::bind_int(touch_stmt.get(), 1, use_counter);
      catalog::bind_int(touch_stmt.get(), 2, slot.row);
      step_and_reset(touch_stmt.get(), "touch a cache entry");
    }
  }

  void step_and_reset(sqlite3_stmt* stmt, std::string_view what) {
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      // The memory tier still has the entry; only its survival of a restart is lost.
      cache_log()->warn("cache file: {} failed: {}", what, sqlite3_errmsg(db.get()));
    }
    catalog::reset_stmt(stmt);
  }

  // Frees `s` from every structure and the file. mu held.
  void remove(std::uint32_t s) {
    Slot& slot = slots[s];
    index.erase(s);
    if (slot.digest) {
      auto it = by_digest.find(*slot.digest);
      if (it != by_digest.end() && it->second == s) by_digest.erase(it);
    }
    if (slot.reference) {
      --references;
    } else {
      unlink(s);
      --entries;
    }
    if (db && slot.row != 0) {
      catalog::bind_int(delete_stmt.get(), 1, slot.row);
      step_and_reset(delete_stmt.get(), "delete a cache entry");
    }
    slot = Slot{};
    free_slots.push_back(s);
  }

  // Adds `slot` as the newest entry, evicting the oldest beyond capacity; writes it to the file
  // unless it came from there (`row` set). An error when the file could not take it: the entry
  // is kept in memory all the same. mu held.
  Status add(Slot slot) {
    if (slot.digest) {
      // One upload, one answer: the newer recognition replaces the older.
      auto it = by_digest.find(*slot.digest);
      if (it != by_digest.end()) remove(it->second);
    }
    std::uint32_t s;
    if (!free_slots.empty()) {
      s = free_slots.back();
      free_slots.pop_back();
    } else {
      s = static_cast<std::uint32_t>(slots.size());
      slots.emplace_back();
    }
    ++use_counter;
    Status written = Status::ok_status();
    if (db && slot.row == 0) {
      sqlite3_stmt* st = insert_stmt.get();
      catalog::bind_int(st, 1, as_signed(slot.hash.words[0]));
      catalog::bind_int(st, 2, as_signed(slot.hash.words[1]));
      if (slot.digest) {
        catalog::bind_int(st, 3, as_signed(slot.digest->words[0]));
        catalog::bind_int(st, 4, as_signed(slot.digest->words[1]));
      } else {
        sqlite3_bind_null(st, 3);
        sqlite3_bind_null(st, 4);
      }
      catalog::bind_text(st, 5, slot.card.card_id);
      catalog::bind_text(st, 6, slot.card.finish);
      sqlite3_bind_double(st, 7, slot.card.confidence);
      sqlite3_bind_double(st, 8, slot.card.finish_confidence);
      catalog::bind_text(st, 9, slot.card.source);
      catalog::bind_int(st, 10, slot.reference ? 1 : 0);
      catalog::bind_int(st, 11, use_counter);
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) {
        slot.row = sqlite3_last_insert_rowid(db.get());
      } else {
        written = catalog::sqlite_status(db.get(), rc, "write a cache entry");
        cache_log()->warn("cache file: {}", written.message());
      }
      catalog::reset_stmt(st);
    }
    slots[s] = std::move(slot);
    Slot& added = slots[s];
    index.insert(s, added.hash);
    if (added.digest) by_digest[*added.digest] = s;
    if (added.reference) {
      ++references;
    } else {
      push_newest(s);
      ++entries;
      while (entries > options.capacity && oldest != kNoSlot) {
        remove(oldest);
        ++counters.evictions;
      }
    }
    return written;
  }

  std::optional<CacheHit> hit_of(std::uint32_t s, HitKind kind, int distance) {
    touch(s);
    CacheHit hit{slots[s].card, kind, distance, slots[s].shared};
    if (hit.shared) ++counters.shared_hits;
    return hit;
  }

  // --- the file ---
  Status open_file(std::string_view catalog_build,
                   const std::function<bool(std::string_view)>& card_exists) {
    const std::string path = options.file.string();
    Result<SqliteDb> opened =
        catalog::open_sqlite(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!opened.ok()) return opened.status();
    db = std::move(opened).value();
    sqlite3_busy_timeout(db.get(), 2000);
    // WAL: readers never block the writer and a crash loses at most the last transaction;
    // synchronous=NORMAL fsyncs at checkpoints only, which a cache can afford.
    if (Status s =
            catalog::exec_sql(db.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        !s.ok())
      return s;
    if (Status s = catalog::exec_sql(db.get(), kSchema); !s.ok()) return s;

    std::string stored_build;
    {
      Result<SqliteStmt> q = catalog::prepare_sql(
          db.get(), "SELECT value FROM cache_meta WHERE key = 'catalog_build'");
      if (!q.ok()) return q.status();
      if (sqlite3_step(q->get()) == SQLITE_ROW) stored_build = catalog::column_text(q->get(), 0);
    }
    if (stored_build != catalog_build) {
      // A re-imported catalog: drop the entries whose card it no longer has.
      Result<SqliteStmt> q = catalog::prepare_sql(db.get(), "SELECT DISTINCT card_id FROM entries");
      if (!q.ok()) return q.status();
      std::vector<std::string> gone;
      while (sqlite3_step(q->get()) == SQLITE_ROW) {
        std::string id = catalog::column_text(q->get(), 0);
        if (!card_exists(id)) gone.push_back(std::move(id));
      }
      Result<SqliteStmt> del =
          catalog::prepare_sql(db.get(), "DELETE FROM entries WHERE card_id = ?");
      if (!del.ok()) return del.status();
      for (const std::string& id : gone) {
        catalog::bind_text(del->get(), 1, id);
        step_and_reset(del->get(), "drop an entry of a card the catalog lost");
      }
      if (!gone.empty())
        cache_log()->info(
            "cache file: dropped the entries of {} cards the re-imported catalog "
            "no longer has",
            gone.size());
      Result<SqliteStmt> set = catalog::prepare_sql(
          db.get(), "INSERT OR REPLACE INTO cache_meta(key, value) VALUES ('catalog_build', ?)");
      if (!set.ok()) return set.status();
      catalog::bind_text(set->get(), 1, catalog_build);
      step_and_reset(set->get(), "record the catalog build");
    }

    for (auto [stmt, sql] :
         {std::pair{&insert_stmt,
                    "INSERT INTO entries(hash_hi, hash_lo, digest_hi, digest_lo, card_id, finish, "
                    "confidence, finish_confidence, source, reference, last_used) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)"},
          std::pair{&delete_stmt, "DELETE FROM entries WHERE id = ?"},
          std::pair{&touch_stmt, "UPDATE entries SET last_used = ? WHERE id = ?"}}) {
      Result<SqliteStmt> p = catalog::prepare_sql(db.get(), sql);
      if (!p.ok()) return p.status();
      *stmt = std::move(p).value();
    }

    // Oldest first, so each row loaded becomes the newest and the order comes out right.
    Result<SqliteStmt> rows = catalog::prepare_sql(
        db.get(),
        "SELECT id, hash_hi, hash_lo, digest_hi, digest_lo, card_id, finish, confidence, "
        "finish_confidence, source, reference, last_used FROM entries ORDER BY last_used");
    if (!rows.ok()) return rows.status();
    // One transaction for the evictions a smaller CACHE_SIZE causes while loading.
    if (Status s = catalog::exec_sql(db.get(), "BEGIN"); !s.ok()) return s;
    sqlite3_stmt* r = rows->get();
    int rc;
    while ((rc = sqlite3_step(r)) == SQLITE_ROW) {
      Slot slot;
      slot.row = sqlite3_column_int64(r, 0);
      slot.hash.words = {as_unsigned(sqlite3_column_int64(r, 1)),
                         as_unsigned(sqlite3_column_int64(r, 2))};
      if (sqlite3_column_type(r, 3) != SQLITE_NULL) {
        slot.digest = hash::UploadDigest{
            {as_unsigned(sqlite3_column_int64(r, 3)), as_unsigned(sqlite3_column_int64(r, 4))}};
      }
      slot.card.card_id = catalog::column_text(r, 5);
      slot.card.finish = catalog::column_text(r, 6);
      slot.card.confidence = sqlite3_column_double(r, 7);
      slot.card.finish_confidence = sqlite3_column_double(r, 8);
      slot.card.source = catalog::column_text(r, 9);
      slot.reference = sqlite3_column_int(r, 10) != 0;
      use_counter = std::max<std::int64_t>(use_counter, sqlite3_column_int64(r, 11));
      (void)add(std::move(slot));  // from the file: nothing to write back
    }
    if (Status s = catalog::exec_sql(db.get(), "COMMIT"); !s.ok()) return s;
    if (rc != SQLITE_DONE) return catalog::sqlite_status(db.get(), rc, "read the cache file");
    return Status::ok_status();
  }

  // --- the shared tier ---
  // What an instance recognised while Redis was unreachable waits here, oldest first, and goes
  // out as soon as Redis answers again: on the next publish, or the stream thread's next read.
  // Bounded: past kOutboxLimit the oldest are only this instance's.
  struct Unpublished {
    std::string bytes_key;  // empty without a digest
    std::string payload;
  };
  static constexpr std::size_t kOutboxLimit = 10'000;
  std::mutex outbox_mu;
  std::deque<Unpublished> outbox;

  void publish(const Slot& slot) {
    if (!redis) return;
    std::lock_guard<std::mutex> lock(outbox_mu);
    outbox.push_back({slot.digest ? key("bytes", hash::to_hex(*slot.digest)) : std::string(),
                      payload_of(slot, instance_id)});
    if (outbox.size() > kOutboxLimit) outbox.pop_front();
    flush_outbox_locked();
  }

  // outbox_mu held. Stops at the first failure (counted by the client, which then fails fast
  // until its backoff ends); a SET repeated after a failed XADD is harmless.
  void flush_outbox_locked() {
    while (!outbox.empty()) {
      const Unpublished& next = outbox.front();
      if (!next.bytes_key.empty() &&
          !redis->set(next.bytes_key, next.payload, options.shared_ttl).ok())
        return;
      if (!redis->stream_append(stream_key(), next.payload, options.capacity).ok()) return;
      outbox.pop_front();
    }
  }

  void flush_outbox() {
    std::lock_guard<std::mutex> lock(outbox_mu);
    flush_outbox_locked();
  }

  // Follows the stream of entries every instance publishes, from its start (bounded by the
  // stream's length, CACHE_SIZE), so an instance that starts late still learns what the others
  // recognised.
  void follow_stream() {
    std::string after = "0";
    while (!stopping.load()) {
      Result<std::vector<RedisClient::StreamEntry>> got =
          redis_stream->stream_read(stream_key(), after, 256, std::chrono::milliseconds(250));
      if (!got.ok()) {
        // Redis is down or restarting: the client fails fast during its backoff, so wait here.
        std::unique_lock<std::mutex> lock(stop_mu);
        stop_cv.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping.load(); });
        continue;
      }
      flush_outbox();  // Redis answers: what waited for it goes out now
      for (const RedisClient::StreamEntry& e : *got) {
        after = e.id;
        std::string origin;
        std::optional<Slot> slot = slot_of(e.payload, &origin);
        if (!slot || origin == instance_id) continue;
        std::lock_guard<std::mutex> lock(mu);
        if (slot->digest && by_digest.count(*slot->digest) != 0) continue;
        slot->shared = true;
        // A failed write is logged by add(); the entry still serves from memory.
        (void)add(std::move(*slot));
        shared_received.fetch_add(1);
      }
    }
  }
  std::mutex stop_mu;
  std::condition_variable stop_cv;
};

CardCache::CardCache(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CardCache::~CardCache() {
  if (impl_->subscriber.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->stop_mu);
      impl_->stopping = true;
    }
    impl_->stop_cv.notify_all();
    impl_->subscriber.join();
  }
}

Result<std::unique_ptr<CardCache>> CardCache::open(
    const CardCacheOptions& options, std::string_view catalog_build,
    const std::function<bool(std::string_view card_id)>& card_exists) {
  if (options.fuzzy_radius < 0 || options.fuzzy_radius > hash::kCardHashBits)
    return Status::invalid_input("fuzzy radius must be within 0..128 bits");
  auto impl = std::make_unique<Impl>(options);
  std::random_device entropy;
  impl->instance_id = fmt::format("{:08x}{:08x}", entropy(), entropy());
  const auto start = Clock::now();
  if (!options.file.empty()) {
    if (Status s = impl->open_file(catalog_build, card_exists); !s.ok()) {
      return Status::unavailable(
          fmt::format("cache file {}: {}", options.file.string(), s.message()));
    }
  }
  impl->counters.load_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (options.redis) {
    impl->redis = std::make_unique<RedisClient>(*options.redis);
    impl->redis_stream = std::make_unique<RedisClient>(*options.redis);
    impl->subscriber = std::thread([raw = impl.get()] { raw->follow_stream(); });
  }
  return std::unique_ptr<CardCache>(new CardCache(std::move(impl)));
}

std::optional<CacheHit> CardCache::find_bytes(const hash::UploadDigest& digest) {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    auto it = m.by_digest.find(digest);
    if (it != m.by_digest.end()) {
      ++m.counters.hits_bytes;
      return m.hit_of(it->second, HitKind::kBytes, 0);
    }
  }
  if (m.redis) {
    Result<std::optional<std::string>> got = m.redis->get(m.key("bytes", hash::to_hex(digest)));
    if (got.ok() && got->has_value()) {
      std::optional<Slot> slot = slot_of(**got, nullptr);
      if (slot && slot->digest == digest) {
        slot->shared = true;
        std::lock_guard<std::mutex> lock(m.mu);
        CachedCard card = slot->card;
        (void)m.add(std::move(*slot));  // a failed write is logged; the answer stands
        ++m.counters.hits_bytes;
        ++m.counters.shared_hits;
        return CacheHit{std::move(card), HitKind::kBytes, 0, true};
      }
    }
  }
  return std::nullopt;
}

std::optional<CacheHit> CardCache::find_card(const hash::CardHash& hash,
                                             const hash::CardHash& turned_hash) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mu);
  // Each slot at its nearer distance over the two ways up.
  auto near_within = [&](int radius) {
    std::unordered_map<std::uint32_t, int> near;
    for (const hash::CardHash* q : {&hash, &turned_hash}) {
      for (const HammingNeighbor& n : m.index.within(*q, radius)) {
        auto [it, fresh] = near.emplace(n.id, n.distance);
        if (!fresh) it->second = std::min(it->second, n.distance);
      }
    }
    return near;
  };
  // Two steps: most lookups of a new card end at the first, the cheaper query; only a hit pays
  // for the wider one that looks for a rival printing.
  std::unordered_map<std::uint32_t, int> near = near_within(m.options.fuzzy_radius);
  std::uint32_t best = kNoSlot;
  int best_distance = hash::kCardHashBits + 1;
  for (auto [s, d] : near) {
    if (d < best_distance || (d == best_distance && s < best)) {
      best = s;
      best_distance = d;
    }
  }
  if (best == kNoSlot) {
    ++m.counters.misses;
    return std::nullopt;
  }
  if (m.options.ambiguity_margin > 0)
    near = near_within(best_distance + m.options.ambiguity_margin);
  const CachedCard& card = m.slots[best].card;
  for (auto [s, d] : near) {
    const CachedCard& other = m.slots[s].card;
    if (other.card_id != card.card_id || other.finish != card.finish) {
      ++m.counters.refused_ambiguous;
      ++m.counters.misses;
      return std::nullopt;
    }
  }
  const HitKind kind = best_distance == 0 ? HitKind::kExact : HitKind::kFuzzy;
  ++(kind == HitKind::kExact ? m.counters.hits_exact : m.counters.hits_fuzzy);
  return m.hit_of(best, kind, best_distance);
}

void CardCache::unconfirmed(const CacheHit& hit) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mu);
  std::uint64_t& counted = hit.kind == HitKind::kBytes   ? m.counters.hits_bytes
                           : hit.kind == HitKind::kExact ? m.counters.hits_exact
                                                         : m.counters.hits_fuzzy;
  if (counted > 0) --counted;
  if (hit.shared && m.counters.shared_hits > 0) --m.counters.shared_hits;
  ++m.counters.misses;
  ++m.counters.refused_unconfirmed;
}

void CardCache::remember(const std::optional<hash::UploadDigest>& digest,
                         const hash::CardHash& hash, const CachedCard& card) {
  Impl& m = *impl_;
  Slot slot;
  slot.hash = hash;
  slot.digest = digest;
  slot.card = card;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    (void)m.add(slot);  // a failed write is logged; the entry serves from memory
  }
  m.publish(slot);
}

Status CardCache::add_reference(const hash::CardHash& hash, const CachedCard& card) {
  Impl& m = *impl_;
  Slot slot;
  slot.hash = hash;
  slot.card = card;
  slot.reference = true;
  std::lock_guard<std::mutex> lock(m.mu);
  // Adding the same image twice (add-images run again) keeps one entry.
  for (const HammingNeighbor& n : m.index.within(hash, 0)) {
    const Slot& known = m.slots[n.id];
    if (known.reference && known.card.card_id == card.card_id && known.card.finish == card.finish)
      return Status::ok_status();
  }
  return m.add(std::move(slot));
}

CardCacheStats CardCache::stats() const {
  const Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mu);
  CardCacheStats s = m.counters;
  s.entries = m.entries;
  s.references = m.references;
  s.shared_received = m.shared_received.load();
  if (m.redis) {
    const RedisClient::Stats a = m.redis->stats();
    const RedisClient::Stats b = m.redis_stream->stats();
    s.shared_errors = a.errors + b.errors;
    s.shared_connected = a.connected && b.connected;
  }
  return s;
}

}  // namespace cardmint::cache
