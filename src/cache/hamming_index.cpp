#include "cache/hamming_index.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>

namespace cardmint::cache {
namespace {

using hash::CardHash;
using hash::kCardHashBits;

constexpr std::uint32_t kNone = 0xFFFFFFFF;  // end of a chain

// Substrings narrower than this make so many tables that a query costs more than it saves;
// wider than this, one table's bucket heads alone pass 256 MiB.
constexpr int kMinSubstringBits = 8;
constexpr int kMaxSubstringBits = 26;

// Relative costs, to choose between the two ways of answering, in units of one slot of the scan.
// Measured on one core of the dev box with random codes: a scanned slot took 0.5 ns in cache,
// 0.8 ns at 1e6 entries and 2.3 ns at 1e7 (memory bandwidth); a probed key or a chain step 7 ns
// in cache, 16-20 ns at 1e6 and 40 ns at 1e7 (a cache and TLB miss each). The two ways broke even
// at 14, 25 and 19 slots per key or step at 1e5, 1e6 and 1e7 entries.
constexpr double kProbeCost = 20;      // one bucket head: a random read of the heads array
constexpr double kCandidateCost = 20;  // one chain step: random reads of a code and a link
constexpr double kScanSlotCost = 1;    // one slot of the sequential scan

// Bits [offset, offset + bits) of the code, bit i being bit i % 64 of words[i / 64].
// REQUIRES: 0 < bits <= 32, offset + bits <= 128.
std::uint64_t substring(const CardHash& code, int offset, int bits) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  if (offset >= 64) return (code.words[1] >> (offset - 64)) & mask;
  std::uint64_t value = code.words[0] >> offset;
  // Only here can offset be positive and below 64, so neither shift reaches 64.
  if (offset + bits > 64) value |= code.words[1] << (64 - offset);
  return value & mask;
}

CardHash xor_codes(const CardHash& a, const CardHash& b) {
  return {{a.words[0] ^ b.words[0], a.words[1] ^ b.words[1]}};
}

int popcount(const CardHash& x) { return std::popcount(x.words[0]) + std::popcount(x.words[1]); }

// Calls visit(k) for every `bits`-bit key k within `radius` bits of `key`, by increasing distance;
// the masks of k bits set come in Gosper's order. REQUIRES: radius >= 0, bits <= 32.
template <typename Visit>
void for_each_key_within(std::uint64_t key, int bits, int radius, Visit&& visit) {
  visit(key);
  const std::uint64_t limit = std::uint64_t{1} << bits;
  for (int k = 1; k <= std::min(radius, bits); ++k) {
    std::uint64_t mask = (std::uint64_t{1} << k) - 1;
    while (mask < limit) {
      visit(key ^ mask);
      const std::uint64_t lowest = mask & (~mask + 1);
      const std::uint64_t ripple = mask + lowest;
      mask = (((ripple ^ mask) >> 2) >> std::countr_zero(lowest)) | ripple;
    }
  }
}

// How many `bits`-bit keys lie within `radius` of a given one.
double keys_within(int bits, int radius) {
  double total = 0, choose = 1;  // C(bits, k)
  for (int k = 0; k <= std::min(radius, bits); ++k) {
    total += choose;
    choose = choose * (bits - k) / (k + 1);
  }
  return total;
}

// The pigeonhole, sharpened as in the paper: with radius = m * q + a (0 <= a < m), a code within
// the radius is within q bits of the query on one of the first a + 1 substrings, or within q - 1
// on one of the others; otherwise its distance would be at least (a + 1)(q + 1) + (m - a - 1) q,
// which is radius + 1. A negative radius means the table need not be searched.
int table_radius(int radius, int table, int tables) {
  const int q = radius / tables;
  return table <= radius % tables ? q : q - 1;
}

void sort_nearest_first(std::vector<HammingNeighbor>& found) {
  std::sort(found.begin(), found.end(), [](const HammingNeighbor& a, const HammingNeighbor& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
  });
}

}  // namespace

HammingIndex::HammingIndex(std::size_t expected_entries) {
  // About log2(N) bits per substring leaves about one code per bucket (the paper's advice).
  // Rounding the table count up keeps every substring at most that wide, so the bucket heads cost
  // about one word per table per entry (at most sqrt(2), from rounding log2(N)).
  const double n = std::max<double>(static_cast<double>(expected_entries), 2);
  const int bits =
      std::clamp(static_cast<int>(std::lround(std::log2(n))), kMinSubstringBits, kMaxSubstringBits);
  const int count = (kCardHashBits + bits - 1) / bits;
  // Narrow tables first: the sharpened pigeonhole searches the first ones at the larger radius.
  const int wider = kCardHashBits % count;
  tables_.resize(count);
  int offset = 0;
  for (int t = 0; t < count; ++t) {
    tables_[t].offset = offset;
    tables_[t].bits = kCardHashBits / count + (t >= count - wider ? 1 : 0);
    tables_[t].heads.assign(std::size_t{1} << tables_[t].bits, kNone);
    offset += tables_[t].bits;
  }
  codes_.reserve(expected_entries);
  links_.reserve(expected_entries * tables_.size());
  present_.reserve(expected_entries);
}

void HammingIndex::insert(std::uint32_t id, const CardHash& code) {
  if (id >= present_.size()) {
    present_.resize(std::size_t{id} + 1, false);
    codes_.resize(present_.size());
    links_.resize(present_.size() * tables_.size(), kNone);
  }
  if (present_[id]) {
    unlink(id, codes_[id]);
  } else {
    present_[id] = true;
    ++size_;
  }
  codes_[id] = code;
  link(id, code);
}

bool HammingIndex::erase(std::uint32_t id) {
  if (id >= present_.size() || !present_[id]) return false;
  unlink(id, codes_[id]);
  present_[id] = false;
  --size_;
  return true;
}

void HammingIndex::link(std::uint32_t id, const CardHash& code) {
  std::uint32_t* links = &links_[std::size_t{id} * tables_.size()];
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    std::uint32_t& head = tables_[t].heads[substring(code, tables_[t].offset, tables_[t].bits)];
    links[t] = head;
    head = id;
  }
}

// Singly linked, so the predecessor is found by walking the bucket: as long as the bucket, which
// the substring width keeps at a few entries for codes that are not all alike.
void HammingIndex::unlink(std::uint32_t id, const CardHash& code) {
  const std::size_t m = tables_.size();
  for (std::size_t t = 0; t < m; ++t) {
    std::uint32_t* link = &tables_[t].heads[substring(code, tables_[t].offset, tables_[t].bits)];
    while (*link != id && *link != kNone) link = &links_[std::size_t{*link} * m + t];
    if (*link == id) *link = links_[std::size_t{id} * m + t];
  }
}

std::vector<HammingNeighbor> HammingIndex::within(const CardHash& query, int radius,
                                                  SearchMode mode) const {
  if (radius < 0 || size_ == 0) return {};
  radius = std::min(radius, kCardHashBits);
  if (mode == SearchMode::kCheapest) {
    const double scan_cost = static_cast<double>(present_.size()) * kScanSlotCost;
    mode = multi_index_cost(radius) < scan_cost ? SearchMode::kMultiIndex : SearchMode::kScan;
  }
  return mode == SearchMode::kMultiIndex ? multi_index_within(query, radius)
                                         : scan_within(query, radius);
}

double HammingIndex::multi_index_cost(int radius) const {
  const int m = static_cast<int>(tables_.size());
  double cost = 0;
  for (int t = 0; t < m; ++t) {
    const int r = table_radius(radius, t, m);
    if (r < 0) break;
    const double per_bucket = static_cast<double>(size_) / std::ldexp(1.0, tables_[t].bits);
    cost += keys_within(tables_[t].bits, r) * (kProbeCost + per_bucket * kCandidateCost);
  }
  return cost;
}

std::vector<HammingNeighbor> HammingIndex::multi_index_within(const CardHash& query,
                                                              int radius) const {
  const int m = static_cast<int>(tables_.size());
  std::vector<int> radii(m);
  for (int t = 0; t < m; ++t) radii[t] = table_radius(radius, t, m);
  std::vector<HammingNeighbor> found;
  // Buckets are walked a batch at a time, one step of every chain per round, with the next
  // reads prefetched: the misses of a batch overlap instead of following one another.
  constexpr std::size_t kBatch = 64;
  std::array<std::uint32_t, kBatch> chains;
  std::array<std::uint64_t, kBatch> keys;
  for (int t = 0; t < m && radii[t] >= 0; ++t) {
    const Table& table = tables_[t];
    // A code close on several substrings turns up in several tables; it is kept only from the
    // first table whose search reaches it, so each answer is reported once without a seen-set.
    auto found_earlier = [&](const CardHash& diff) {
      for (int j = 0; j < t; ++j) {
        if (std::popcount(substring(diff, tables_[j].offset, tables_[j].bits)) <= radii[j])
          return true;
      }
      return false;
    };
    auto prefetch_entry = [&](std::uint32_t id) {
      __builtin_prefetch(&codes_[id]);
      __builtin_prefetch(&links_[std::size_t{id} * m + t]);
    };
    std::size_t pending = 0;
    auto walk = [&] {
      std::size_t live = 0;
      for (std::size_t i = 0; i < pending; ++i) {
        if (const std::uint32_t id = table.heads[keys[i]]; id != kNone) {
          chains[live++] = id;
          prefetch_entry(id);
        }
      }
      while (live > 0) {
        std::size_t still = 0;
        for (std::size_t i = 0; i < live; ++i) {
          const std::uint32_t id = chains[i];
          const CardHash diff = xor_codes(codes_[id], query);
          const int distance = popcount(diff);
          if (distance <= radius && !found_earlier(diff)) found.push_back({id, distance});
          if (const std::uint32_t next = links_[std::size_t{id} * m + t]; next != kNone) {
            chains[still++] = next;
            prefetch_entry(next);
          }
        }
        live = still;
      }
      pending = 0;
    };
    for_each_key_within(substring(query, table.offset, table.bits), table.bits, radii[t],
                        [&](std::uint64_t key) {
                          __builtin_prefetch(&table.heads[key]);
                          keys[pending++] = key;
                          if (pending == kBatch) walk();
                        });
    walk();
  }
  sort_nearest_first(found);
  return found;
}

std::vector<HammingNeighbor> HammingIndex::scan_within(const CardHash& query, int radius) const {
  std::vector<HammingNeighbor> found;
  // Local copies: the pushes could alias members and the query, which would reload them per slot.
  const CardHash q = query;
  const CardHash* codes = codes_.data();
  const std::uint32_t slots = static_cast<std::uint32_t>(codes_.size());
  for (std::uint32_t id = 0; id < slots; ++id) {
    const int distance = hash::hamming_distance(codes[id], q);
    if (distance <= radius && present_[id]) found.push_back({id, distance});
  }
  sort_nearest_first(found);
  return found;
}

std::size_t HammingIndex::memory_bytes() const {
  std::size_t bytes = sizeof(*this) + tables_.capacity() * sizeof(Table) +
                      codes_.capacity() * sizeof(CardHash) +
                      links_.capacity() * sizeof(std::uint32_t) + present_.capacity() / 8;
  for (const Table& table : tables_) bytes += table.heads.capacity() * sizeof(std::uint32_t);
  return bytes;
}

std::vector<int> HammingIndex::substring_bits() const {
  std::vector<int> bits;
  for (const Table& table : tables_) bits.push_back(table.bits);
  return bits;
}

std::vector<HammingNeighbor> linear_scan_within(std::span<const HashEntry> entries,
                                                const CardHash& query, int radius) {
  std::vector<HammingNeighbor> found;
  const CardHash q = query;  // as in scan_within: not reloaded per entry
  for (const HashEntry& entry : entries) {
    const int distance = hash::hamming_distance(entry.code, q);
    if (distance <= radius) found.push_back({entry.id, distance});
  }
  sort_nearest_first(found);
  return found;
}

CardHash code_at_distance(const CardHash& code, int distance, std::mt19937_64& rng) {
  std::array<int, kCardHashBits> bits;
  std::iota(bits.begin(), bits.end(), 0);
  CardHash out = code;
  // A partial Fisher–Yates shuffle: the first `distance` positions are distinct and uniform.
  for (int i = 0; i < std::clamp(distance, 0, kCardHashBits); ++i) {
    const int j = std::uniform_int_distribution<int>(i, kCardHashBits - 1)(rng);
    std::swap(bits[i], bits[j]);
    out.words[bits[i] / 64] ^= std::uint64_t{1} << (bits[i] % 64);
  }
  return out;
}

}  // namespace cardmint::cache
