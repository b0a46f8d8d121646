#pragma once
// Fuzzy lookup of normalized card names that tolerates OCR errors.
//
// Why not SQLite FTS5 with the trigram tokenizer: an FTS5 trigram MATCH is a substring search, so
// every trigram of the query must be present and one misread letter ("Pikachv") already loses the
// card; OR-ing the trigrams instead ranks by bm25, which is not an edit distance and costs more.
// The catalog has only ~4,600 distinct names, so an in-memory trigram index that picks candidates
// and an OCR-weighted edit distance that ranks them answers in microseconds.
//
// Immutable after construction, so any number of threads may search at once.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cardmint::catalog {

class NameIndex {
 public:
  struct Hit {
    int id = 0;          // position in the constructor's vector
    double score = 0.0;  // name_similarity() in [0, 1]
  };

  NameIndex() = default;
  // `names` are normalized (normalize_card_name) and distinct; their positions are their ids.
  explicit NameIndex(std::vector<std::string> names);

  // The best `limit` names for a normalized query with a score of at least `min_score`, best
  // first; ties go to the lower id, so results are deterministic.
  std::vector<Hit> search(std::string_view query, int limit, double min_score) const;

  int size() const { return static_cast<int>(names_.size()); }
  const std::string& name(int id) const { return names_[static_cast<size_t>(id)]; }

 private:
  // Trigram candidates scored by edit distance; enough that an OCR error in a short name still
  // finds its name among trigram look-alikes.
  static constexpr int kCandidates = 64;
  // A short query shares few trigrams with its name ("mevv" and "mew" share one), so a query of
  // up to kShortQuery bytes is also compared with every name of a similar length.
  static constexpr size_t kShortQuery = 4;

  std::vector<std::string> names_;
  std::unordered_map<std::uint32_t, std::vector<int>> postings_;  // trigram → name ids
  std::vector<int> trigram_counts_;                               // distinct trigrams per name
  std::vector<std::vector<int>> by_length_;  // byte length → ids, for lengths up to kShortQuery + 2
};

}  // namespace cardmint::catalog
