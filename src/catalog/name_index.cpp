#include "catalog/name_index.h"

#include <algorithm>

#include "catalog/card_name.h"
#include "catalog/ocr_edit_distance.h"

namespace cardmint::catalog {
namespace {

// Distinct trigrams of " " + s + " ", three bytes packed into an integer.
std::vector<std::uint32_t> trigrams(std::string_view s) {
  std::string padded;
  padded.reserve(s.size() + 2);
  padded += ' ';
  padded += s;
  padded += ' ';
  std::vector<std::uint32_t> out;
  for (size_t i = 0; i + 3 <= padded.size(); ++i) {
    out.push_back(static_cast<std::uint32_t>(static_cast<unsigned char>(padded[i])) << 16 |
                  static_cast<std::uint32_t>(static_cast<unsigned char>(padded[i + 1])) << 8 |
                  static_cast<std::uint32_t>(static_cast<unsigned char>(padded[i + 2])));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

NameIndex::NameIndex(std::vector<std::string> names) : names_(std::move(names)) {
  trigram_counts_.reserve(names_.size());
  for (size_t id = 0; id < names_.size(); ++id) {
    std::vector<std::uint32_t> tris = trigrams(names_[id]);
    trigram_counts_.push_back(static_cast<int>(tris.size()));
    for (std::uint32_t t : tris) postings_[t].push_back(static_cast<int>(id));
    const size_t length = names_[id].size();
    if (length <= kShortQuery + 2) {
      if (by_length_.size() <= length) by_length_.resize(length + 1);
      by_length_[length].push_back(static_cast<int>(id));
    }
  }
}

std::vector<NameIndex::Hit> NameIndex::search(std::string_view query, int limit,
                                              double min_score) const {
  std::vector<Hit> hits;
  if (query.empty() || limit <= 0 || names_.empty()) return hits;

  // Candidates: the names sharing the most trigrams with the query (Dice coefficient).
  const std::vector<std::uint32_t> query_tris = trigrams(query);
  std::vector<std::uint16_t> shared(names_.size(), 0);
  std::vector<int> touched;
  for (std::uint32_t t : query_tris) {
    auto it = postings_.find(t);
    if (it == postings_.end()) continue;
    for (int id : it->second) {
      if (shared[static_cast<size_t>(id)]++ == 0) touched.push_back(id);
    }
  }
  auto dice = [&](int id) {
    return 2.0 * shared[static_cast<size_t>(id)] /
           static_cast<double>(query_tris.size() +
                               static_cast<size_t>(trigram_counts_[static_cast<size_t>(id)]));
  };
  const size_t keep = std::min(touched.size(), static_cast<size_t>(kCandidates));
  std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(keep),
                    touched.end(), [&](int a, int b) {
                      const double da = dice(a), db = dice(b);
                      return da != db ? da > db : a < b;
                    });
  touched.resize(keep);
  if (query.size() <= kShortQuery) {
    const size_t from = query.size() > 2 ? query.size() - 2 : 1;
    for (size_t length = from; length <= query.size() + 2 && length < by_length_.size(); ++length) {
      touched.insert(touched.end(), by_length_[length].begin(), by_length_[length].end());
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  }

  for (int id : touched) {
    const std::string& name = names_[static_cast<size_t>(id)];
    // The distance is at least half the length difference: skip what cannot reach min_score.
    const double longer = static_cast<double>(std::max(name.size(), query.size()));
    const double gap = static_cast<double>(name.size() > query.size() ? name.size() - query.size()
                                                                      : query.size() - name.size());
    if (1.0 - 0.5 * gap / longer < min_score) continue;
    const double score = card_name_similarity(query, name);
    if (score >= min_score) hits.push_back({id, score});
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (hits.size() > static_cast<size_t>(limit)) hits.resize(static_cast<size_t>(limit));
  return hits;
}

}  // namespace cardmint::catalog
