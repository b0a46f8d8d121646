#include "cache/hamming_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <vector>

namespace cardmint::cache {
namespace {

using hash::CardHash;

constexpr SearchMode kModes[] = {SearchMode::kCheapest, SearchMode::kMultiIndex, SearchMode::kScan};

CardHash random_code(std::mt19937_64& rng) { return {{rng(), rng()}}; }

// What the index should hold, kept apart from it: id → code.
class Model {
 public:
  void insert(HammingIndex& index, std::uint32_t id, const CardHash& code) {
    index.insert(id, code);
    codes_[id] = code;
  }
  void erase(HammingIndex& index, std::uint32_t id) {
    EXPECT_TRUE(index.erase(id)) << "id " << id;
    EXPECT_FALSE(index.erase(id)) << "id " << id << " erased twice";
    codes_.erase(id);
  }
  std::vector<HashEntry> entries() const {
    std::vector<HashEntry> out;
    for (const auto& [id, code] : codes_) out.push_back({id, code});
    return out;
  }
  std::size_t size() const { return codes_.size(); }

 private:
  std::map<std::uint32_t, CardHash> codes_;
};

// Every way of asking the index gives the linear scan's answer.
void expect_matches_scan(const HammingIndex& index, const std::vector<HashEntry>& entries,
                         const CardHash& query, int radius) {
  const std::vector<HammingNeighbor> expected = linear_scan_within(entries, query, radius);
  for (SearchMode mode : kModes) {
    ASSERT_EQ(index.within(query, radius, mode), expected)
        << "radius " << radius << ", mode " << static_cast<int>(mode) << ", query "
        << hash::to_hex(query);
  }
}

// The reference itself, against a hand count.
TEST(LinearScanWithin, ReturnsNearestFirstTiesById) {
  const CardHash q{{0, 0}};
  const std::vector<HashEntry> entries = {{3, {{0b11, 0}}},
                                          {1, {{0, 0b101}}},
                                          {7, q},
                                          {2, {{0b11111, 0}}},
                                          {5, {{0, std::uint64_t{1} << 63}}}};
  const std::vector<HammingNeighbor> expected = {{7, 0}, {5, 1}, {1, 2}, {3, 2}};
  EXPECT_EQ(linear_scan_within(entries, q, 2), expected);
  EXPECT_EQ(linear_scan_within(entries, q, 4).size(), 4u);
  EXPECT_EQ(linear_scan_within(entries, q, 5).size(), 5u);
  EXPECT_TRUE(linear_scan_within(entries, q, -1).empty());
}

TEST(CodeAtDistance, FlipsExactlyThatManyBits) {
  std::mt19937_64 rng(1);
  for (int d : {0, 1, 2, 17, 63, 64, 65, 127, 128}) {
    const CardHash code = random_code(rng);
    EXPECT_EQ(hash::hamming_distance(code, code_at_distance(code, d, rng)), d);
  }
}

TEST(HammingIndex, EmptyIndexFindsNothing) {
  HammingIndex index(1000);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_FALSE(index.erase(0));
  EXPECT_FALSE(index.erase(12345));
  for (SearchMode mode : kModes) {
    for (int r : {0, 8, 40, 128, 1000}) EXPECT_TRUE(index.within({{1, 2}}, r, mode).empty());
  }
  // Emptied after use: the chains must not keep erased ids.
  index.insert(3, {{1, 2}});
  EXPECT_TRUE(index.erase(3));
  for (SearchMode mode : kModes) EXPECT_TRUE(index.within({{1, 2}}, 128, mode).empty());
}

TEST(HammingIndex, ReplacingAnIdsCodeMovesIt) {
  std::mt19937_64 rng(2);
  HammingIndex index(100);
  const CardHash a = random_code(rng);
  const CardHash b = code_at_distance(a, 30, rng);
  index.insert(5, a);
  index.insert(9, code_at_distance(a, 1, rng));
  index.insert(5, b);
  EXPECT_EQ(index.size(), 2u);
  for (SearchMode mode : kModes) {
    EXPECT_EQ(index.within(a, 0, mode), std::vector<HammingNeighbor>{});
    EXPECT_EQ(index.within(a, 1, mode), (std::vector<HammingNeighbor>{{9, 1}}));
    EXPECT_EQ(index.within(b, 0, mode), (std::vector<HammingNeighbor>{{5, 0}}));
    EXPECT_EQ(index.within(a, 30, mode), (std::vector<HammingNeighbor>{{9, 1}, {5, 30}}));
  }
  // Replaced by the same code: still one entry, found once.
  index.insert(5, b);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.within(b, 0, SearchMode::kMultiIndex), (std::vector<HammingNeighbor>{{5, 0}}));
}

// Random codes with planted near-duplicates of each query at every distance 0..40 and a few far
// ones, compared with the scan at radii 0..40 and beyond. The index is sized for far fewer, as
// many and far more entries than it holds: overfull buckets, the intended load, sparse tables.
class HammingIndexVsScan : public ::testing::TestWithParam<std::size_t> {};

TEST_P(HammingIndexVsScan, RandomCodesWithPlantedNeighbors) {
  std::mt19937_64 rng(GetParam());
  HammingIndex index(GetParam());
  Model model;
  constexpr int kRandom = 3000;
  // Ids out of order and with gaps, as a reused LRU would leave them.
  std::vector<std::uint32_t> ids(kRandom);
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), rng);
  for (std::uint32_t id : ids) model.insert(index, 2 * id + 1, random_code(rng));

  std::vector<CardHash> queries;
  std::uint32_t next_id = 2 * kRandom + 10;
  for (int q = 0; q < 12; ++q) {
    const CardHash query = random_code(rng);
    queries.push_back(query);
    for (int d = 0; d <= 40; ++d) model.insert(index, next_id++, code_at_distance(query, d, rng));
    for (int d : {44, 50, 64, 90, 128}) {
      model.insert(index, next_id++, code_at_distance(query, d, rng));
    }
  }
  // And a query with nothing planted around it.
  queries.push_back(random_code(rng));
  ASSERT_EQ(index.size(), model.size());

  const std::vector<HashEntry> entries = model.entries();
  for (const CardHash& query : queries) {
    for (int r = 0; r <= 40; ++r) expect_matches_scan(index, entries, query, r);
  }
  // The multi-index path enumerates whole tables out here: a few queries suffice.
  for (std::size_t q = 0; q < 3; ++q) {
    for (int r : {47, 64, 100, 127, 128, 129, 1000}) {
      expect_matches_scan(index, entries, queries[q], r);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ExpectedEntries, HammingIndexVsScan,
                         ::testing::Values(std::size_t{16}, std::size_t{3600},
                                           std::size_t{1'000'000}));

// Codes exactly r bits from the query with the flips spread over the substrings, q or q + 1 in
// each: the tightest cases of the pigeonhole, where a single table (any one of them) holds the
// answer, for radii well past the per-table radius.
TEST(HammingIndex, FindsCodesOnThePigeonholeBoundary) {
  std::mt19937_64 rng(3);
  HammingIndex index(4096);
  const std::vector<int> bits = index.substring_bits();
  const int m = static_cast<int>(bits.size());
  ASSERT_GT(m, 1);
  Model model;
  for (std::uint32_t id = 0; id < 4000; ++id) model.insert(index, id, random_code(rng));

  const CardHash query = random_code(rng);
  std::uint32_t next_id = 5000;
  std::vector<std::pair<std::uint32_t, int>> planted;
  for (int r = m; r <= 3 * m + 5; ++r) {
    for (int variant = 0; variant < 8; ++variant) {
      // Which substrings get the extra flip.
      std::vector<int> order(m);
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      CardHash code = query;
      int offset = 0;
      for (int t = 0; t < m; ++t) {
        const int flips =
            r / m +
            (std::find(order.begin(), order.begin() + r % m, t) != order.begin() + r % m ? 1 : 0);
        std::vector<int> positions(bits[t]);
        std::iota(positions.begin(), positions.end(), offset);
        std::shuffle(positions.begin(), positions.end(), rng);
        for (int f = 0; f < flips; ++f) {
          code.words[positions[f] / 64] ^= std::uint64_t{1} << (positions[f] % 64);
        }
        offset += bits[t];
      }
      ASSERT_EQ(hash::hamming_distance(code, query), r);
      model.insert(index, next_id, code);
      planted.push_back({next_id++, r});
    }
  }
  const std::vector<HashEntry> entries = model.entries();
  for (int r = 0; r <= 3 * m + 6; ++r) {
    expect_matches_scan(index, entries, query, r);
    const std::vector<HammingNeighbor> found = index.within(query, r, SearchMode::kMultiIndex);
    for (const auto& [id, distance] : planted) {
      const bool listed = std::any_of(found.begin(), found.end(),
                                      [&](const HammingNeighbor& n) { return n.id == id; });
      EXPECT_EQ(listed, distance <= r) << "id " << id << " at " << distance << ", radius " << r;
    }
  }
}

// An LRU evicts and hands the slot to another card: erase half, re-insert those ids with other
// codes (some near the queries), and answer the same as the scan at each step.
TEST(HammingIndex, EraseAndReuseSlots) {
  std::mt19937_64 rng(4);
  HammingIndex index(2000);
  Model model;
  for (std::uint32_t id = 0; id < 2000; ++id) model.insert(index, id, random_code(rng));
  std::vector<CardHash> queries;
  for (int q = 0; q < 5; ++q) queries.push_back(random_code(rng));
  auto check = [&] {
    ASSERT_EQ(index.size(), model.size());
    const std::vector<HashEntry> entries = model.entries();
    for (const CardHash& query : queries) {
      for (int r : {0, 1, 3, 8, 12, 16, 24, 32, 40, 64}) {
        expect_matches_scan(index, entries, query, r);
      }
    }
  };

  std::vector<std::uint32_t> evicted(2000);
  std::iota(evicted.begin(), evicted.end(), 0);
  std::shuffle(evicted.begin(), evicted.end(), rng);
  evicted.resize(1000);
  for (std::uint32_t id : evicted) model.erase(index, id);
  check();
  for (std::size_t i = 0; i < evicted.size(); ++i) {
    const CardHash code =
        i % 4 == 0 ? code_at_distance(queries[i % queries.size()], static_cast<int>(i % 41), rng)
                   : random_code(rng);
    model.insert(index, evicted[i], code);
  }
  check();
  // Everything out: nothing left behind in any chain.
  for (std::uint32_t id = 0; id < 2000; ++id) model.erase(index, id);
  check();
  EXPECT_EQ(index.size(), 0u);
}

// Real codes are not uniform: cards share a layout, so many codes agree on whole substrings and
// pile into one bucket. Still exact, including erasing from the middle of that long chain.
TEST(HammingIndex, SkewedCodesStillExact) {
  std::mt19937_64 rng(5);
  HammingIndex index(3000);
  Model model;
  const CardHash layout = random_code(rng);
  for (std::uint32_t id = 0; id < 3000; ++id) {
    CardHash code = random_code(rng);
    switch (id % 3) {
      case 0:  // the whole pHash half shared: every table over word 0 has one giant bucket
        code.words[0] = layout.words[0];
        break;
      case 1:  // low-entropy codes: few bits set
        code = {{std::uint64_t{1} << (rng() % 64), rng() & rng() & rng() & rng()}};
        break;
      default:  // a near-duplicate of the shared layout
        code = code_at_distance(layout, static_cast<int>(rng() % 24), rng);
        break;
    }
    model.insert(index, id, code);
  }
  std::vector<CardHash> queries = {layout, code_at_distance(layout, 5, rng), CardHash{{1, 0}},
                                   random_code(rng)};
  queries.push_back({{layout.words[0], rng()}});
  auto check = [&] {
    const std::vector<HashEntry> entries = model.entries();
    for (const CardHash& query : queries) {
      for (int r = 0; r <= 40; ++r) expect_matches_scan(index, entries, query, r);
      expect_matches_scan(index, entries, query, 128);
    }
  };
  check();
  for (std::uint32_t id = 0; id < 3000; id += 7) model.erase(index, id);
  check();
}

// The card cache holds up to 1e7 entries in one process; the index must stay under 100 bytes
// each, codes included (the most tables, hence the most bytes, are at small sizes).
TEST(HammingIndex, MemoryPerEntryStaysSmall) {
  std::mt19937_64 rng(6);
  for (std::size_t n : {std::size_t{10'000}, std::size_t{200'000}}) {
    HammingIndex index(n);
    for (std::uint32_t id = 0; id < n; ++id) index.insert(id, random_code(rng));
    EXPECT_LT(static_cast<double>(index.memory_bytes()) / n, 100.0) << n << " entries";
  }
}

}  // namespace
}  // namespace cardmint::cache
