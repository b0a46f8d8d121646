#pragma once
// Full card records kept in memory, so a lookup of a card someone expected (Catalog::warm: the
// cards a scan session predicts next) skips SQLite. Internal to catalog/.
// Thread-safe: one mutex guards the rows; the counters are atomics read without it.

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "catalog/card.h"
#include "catalog/catalog.h"

namespace cardmint::catalog {

class RowCache {
 public:
  // Holds at most `capacity` rows; the least recently warmed or read goes first. 0 keeps none.
  explicit RowCache(int capacity) : capacity_(capacity > 0 ? static_cast<size_t>(capacity) : 0) {}
  RowCache(const RowCache&) = delete;
  RowCache& operator=(const RowCache&) = delete;

  // The card, counted as a hit, or nullopt, counted as a miss: the caller reads SQLite.
  std::optional<Card> find(std::string_view card_id);
  bool contains(std::string_view card_id) const;
  bool keeps_rows() const { return capacity_ > 0; }
  void put(Card card);
  void count_warmed() { warmed_.fetch_add(1, std::memory_order_relaxed); }
  RowCacheStats stats() const;

 private:
  using Lru = std::list<Card>;  // most recently used first

  const size_t capacity_;
  mutable std::mutex mu_;  // guards lru_ and by_id_
  Lru lru_;
  // Keys view the ids inside lru_'s cards, which a list never moves.
  std::unordered_map<std::string_view, Lru::iterator> by_id_;

  std::atomic<std::int64_t> hits_{0};
  std::atomic<std::int64_t> misses_{0};
  std::atomic<std::int64_t> warmed_{0};
};

}  // namespace cardmint::catalog
