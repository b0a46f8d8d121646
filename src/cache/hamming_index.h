#pragma once
// Finds every cached card hash within a Hamming radius of a query without scanning the cache:
// multi-index hashing (Norouzi, Punjani & Fleet, "Fast search in Hamming space with multi-index
// hashing", CVPR 2012). The 128 bits are cut into m disjoint substrings of about log2(N) bits, one
// hash table per substring; by pigeonhole a code within radius r of the query agrees with it to
// within r/m bits on at least one substring, so only the keys that close to the query's substrings
// are looked up, and every candidate is checked by its full distance. The answer is exact: the
// same set a linear scan returns, for every radius.

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "hash/card_hash.h"

namespace cardmint::cache {

struct HammingNeighbor {
  std::uint32_t id = 0;
  int distance = 0;

  friend bool operator==(const HammingNeighbor&, const HammingNeighbor&) = default;
};

struct HashEntry {
  std::uint32_t id = 0;
  hash::CardHash code;
};

// How within() answers. kCheapest picks by estimated cost (it takes the scan past about 28 bits
// at 1e6 entries, 30 at 1e7); the other two let tests check both ways at every radius.
enum class SearchMode { kCheapest, kMultiIndex, kScan };

// Not thread-safe: the cache that owns it holds a lock (concurrent const calls are safe).
// Memory: per id up to the largest, the code and one link per table (16 + 4m bytes), plus the
// bucket heads; in all about 86 bytes per entry at 1e4 entries (m = 10), 54 at 1e6, 47 at 1e7.
class HammingIndex {
 public:
  // Sizes the substrings for about `expected_entries` codes. Holding many more stays exact, but
  // the buckets grow and queries slow down in proportion.
  explicit HammingIndex(std::size_t expected_entries);

  // Ids are small dense integers (the LRU's slot numbers): storage is sized by the largest id.
  // Inserting an id already present replaces its code.
  // REQUIRES: id < 0xFFFFFFFF.
  void insert(std::uint32_t id, const hash::CardHash& code);
  // Returns false when the id is absent.
  bool erase(std::uint32_t id);

  // Every entry whose code is within `radius` bits of `query` (none when radius < 0, all when it
  // is 128 or more), nearest first, ties by id.
  std::vector<HammingNeighbor> within(const hash::CardHash& query, int radius,
                                      SearchMode mode = SearchMode::kCheapest) const;

  std::size_t size() const { return size_; }
  // Bytes held by the tables, the chains and the codes (capacity, not just what is in use).
  std::size_t memory_bytes() const;
  // The width of each substring, in table order.
  std::vector<int> substring_bits() const;

 private:
  struct Table {
    int offset = 0;  // first bit of the substring in the 128-bit code
    int bits = 0;
    std::vector<std::uint32_t> heads;  // 2^bits bucket heads, each the first id of a chain
  };

  void link(std::uint32_t id, const hash::CardHash& code);
  void unlink(std::uint32_t id, const hash::CardHash& code);
  std::vector<HammingNeighbor> multi_index_within(const hash::CardHash& query, int radius) const;
  std::vector<HammingNeighbor> scan_within(const hash::CardHash& query, int radius) const;
  double multi_index_cost(int radius) const;

  std::vector<Table> tables_;
  // Indexed by id. The codes apart from the links, so that a fallback scan streams 16 bytes per
  // entry; links_[id * tables + t] is the next id in id's chain of table t.
  std::vector<hash::CardHash> codes_;
  std::vector<std::uint32_t> links_;
  std::vector<bool> present_;
  std::size_t size_ = 0;
};

// The reference: every entry within `radius` of `query` by a linear scan, in within()'s order.
// Tests and the benchmark compare the index against it.
std::vector<HammingNeighbor> linear_scan_within(std::span<const HashEntry> entries,
                                                const hash::CardHash& query, int radius);

// A code exactly `distance` bits from `code` (0..128), the flipped bits drawn from `rng`: the
// near-duplicates that tests and the benchmark plant around their queries.
hash::CardHash code_at_distance(const hash::CardHash& code, int distance, std::mt19937_64& rng);

}  // namespace cardmint::cache
