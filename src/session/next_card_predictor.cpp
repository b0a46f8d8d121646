#include "session/next_card_predictor.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <unordered_map>

#include "catalog/collector_number.h"

namespace cardmint::session {
namespace {

// Steps a run may take: every card (±1), or every second or third card of a binder page.
constexpr int kMaxStep = 3;
// k steps seen predict one more with k/(k+1) (two scans: an even chance; five: 0.8), and never
// more than this: a run ends somewhere, and a collector lacks cards.
constexpr double kMaxRunProbability = 0.9;
// How a run's probability spreads over the next numbers: the next one, or the one or two after
// it when the collector lacks a card.
constexpr double kRunSpread[] = {0.8, 0.15, 0.05};
// A run the last scan broke still continues this often (a card filed out of place).
constexpr double kResumedShare = 0.3;
// One scan, no run: the number after it, or the one after that.
constexpr double kNextNumber[] = {0.15, 0.03};
// Set completion's total: weak, since any card of the set is as likely as another.
constexpr double kCompletionMass = 0.1;
// Scans of a set before its completion counts fully.
constexpr int kCompletionScans = 3;

// A scan's place in its set's numbering; nullopt without a numeric value ("ONE", "?").
struct Place {
  std::string set_id;
  std::string prefix;
  int value = 0;
};

std::optional<Place> place_of(const ScannedCard& scan) {
  const catalog::NumberPlace p = catalog::number_place(scan.number);
  if (!p.value) return std::nullopt;
  return Place{scan.set_id, std::string(p.prefix), *p.value};
}

bool same_run(const Place& a, const Place& b) {
  return a.set_id == b.set_id && a.prefix == b.prefix;
}

// The steps of the run ending at history[end] (how many, and their size), or {0, 0}.
struct Run {
  int steps = 0;
  int step = 0;
};

Run run_ending_at(const std::vector<std::optional<Place>>& places, size_t end) {
  Run run;
  if (end == 0 || end >= places.size() || !places[end] || !places[end - 1] ||
      !same_run(*places[end], *places[end - 1]))
    return run;
  const int step = places[end]->value - places[end - 1]->value;
  if (step == 0 || std::abs(step) > kMaxStep) return run;
  run.step = step;
  for (size_t i = end; i > 0; --i) {
    if (!places[i - 1] || !same_run(*places[i], *places[i - 1]) ||
        places[i]->value - places[i - 1]->value != step)
      break;
    ++run.steps;
  }
  return run;
}

double run_probability(int steps) { return std::min(kMaxRunProbability, steps / (steps + 1.0)); }

// Collects probability per card, remembering the reason that gave each card the most.
class Tally {
 public:
  explicit Tally(const catalog::Catalog& catalog) : catalog_(catalog) {}

  // Adds `p` to the card numbered prefix+value in the set, when the set has one.
  void add_number(const Place& at, int value, double p, PredictionReason reason) {
    if (value < 0) return;
    const std::vector<catalog::NumberedCard>& cards = set_cards(at.set_id);
    const catalog::NumberedCard* found = nullptr;
    for (const catalog::NumberedCard& c : cards) {
      const catalog::NumberPlace place = catalog::number_place(c.number);
      if (place.prefix != at.prefix || place.value != value) continue;
      // The plain number before its alternate prints ("28" before "28A").
      if (!found || place.suffix.empty()) found = &c;
      if (place.suffix.empty()) break;
    }
    if (found) add(found->card_id, p, reason);
  }

  void add(const std::string& card_id, double p, PredictionReason reason) {
    Entry& e = entries_[card_id];
    e.total += p;
    if (p > e.best) {
      e.best = p;
      e.reason = reason;
    }
  }

  const std::vector<catalog::NumberedCard>& set_cards(const std::string& set_id) {
    auto it = sets_.find(set_id);
    if (it == sets_.end()) it = sets_.emplace(set_id, catalog_.cards_by_number(set_id)).first;
    return it->second;
  }

  std::vector<Prediction> predictions() const {
    std::vector<Prediction> out;
    double total = 0.0;
    for (const auto& [id, e] : entries_) {
      out.push_back({id, e.total, e.reason});
      total += e.total;
    }
    // The shares above sum to at most 1 by construction; rounding must not make them claim more.
    if (total > 1.0) {
      for (Prediction& p : out) p.probability /= total;
    }
    std::sort(out.begin(), out.end(), [](const Prediction& a, const Prediction& b) {
      return a.probability != b.probability ? a.probability > b.probability : a.card_id < b.card_id;
    });
    return out;
  }

 private:
  struct Entry {
    double total = 0.0;
    double best = 0.0;
    PredictionReason reason = PredictionReason::kSequence;
  };
  const catalog::Catalog& catalog_;
  std::map<std::string, Entry> entries_;  // ordered: predictions come out the same every time
  std::unordered_map<std::string, std::vector<catalog::NumberedCard>> sets_;
};

// Spreads `p` over the run's next numbers after `last`.
void add_run(Tally& tally, const Place& last, int step, double p, PredictionReason reason) {
  for (size_t i = 0; i < std::size(kRunSpread); ++i) {
    tally.add_number(last, last.value + step * static_cast<int>(i + 1), p * kRunSpread[i], reason);
  }
}

void add_set_completion(Tally& tally, std::span<const ScannedCard> history) {
  std::map<std::string, int> scans_per_set;
  for (const ScannedCard& s : history) ++scans_per_set[s.set_id];
  std::unordered_map<std::string, bool> scanned;
  for (const ScannedCard& s : history) scanned[s.card_id] = true;
  for (const auto& [set_id, scans] : scans_per_set) {
    // The set's share of the session, and of a set seen only once or twice, less.
    const double mass = kCompletionMass * scans / double(history.size()) *
                        std::min(1.0, scans / double(kCompletionScans));
    std::vector<const std::string*> missing;
    for (const catalog::NumberedCard& c : tally.set_cards(set_id)) {
      if (!scanned.count(c.card_id)) missing.push_back(&c.card_id);
    }
    for (const std::string* id : missing) {
      tally.add(*id, mass / double(missing.size()), PredictionReason::kSetCompletion);
    }
  }
}

}  // namespace

std::string_view reason_name(PredictionReason reason) {
  switch (reason) {
    case PredictionReason::kSequence:
      return "sequence";
    case PredictionReason::kResumedSequence:
      return "resumed sequence";
    case PredictionReason::kNextNumber:
      return "next number";
    case PredictionReason::kSetCompletion:
      return "set completion";
  }
  return "unknown";
}

std::vector<Prediction> predict_next(std::span<const ScannedCard> history,
                                     const catalog::Catalog& catalog) {
  if (history.empty()) return {};
  std::vector<std::optional<Place>> places;
  for (const ScannedCard& s : history) places.push_back(place_of(s));
  Tally tally(catalog);
  const size_t last = history.size() - 1;
  const Run run = run_ending_at(places, last);
  if (run.steps > 0) {
    add_run(tally, *places[last], run.step, run_probability(run.steps),
            PredictionReason::kSequence);
  } else if (places[last]) {
    for (size_t i = 0; i < std::size(kNextNumber); ++i) {
      tally.add_number(*places[last], places[last]->value + static_cast<int>(i + 1), kNextNumber[i],
                       PredictionReason::kNextNumber);
    }
  }
  if (run.steps == 0 && last > 0) {
    const Run broken = run_ending_at(places, last - 1);
    if (broken.steps > 0) {
      add_run(tally, *places[last - 1], broken.step, kResumedShare * run_probability(broken.steps),
              PredictionReason::kResumedSequence);
    }
  }
  add_set_completion(tally, history);
  return tally.predictions();
}

std::vector<catalog::CardPrior> match_prior(std::span<const Prediction> predictions) {
  std::vector<catalog::CardPrior> out;
  out.reserve(predictions.size());
  for (const Prediction& p : predictions) out.push_back({p.card_id, p.probability});
  return out;
}

std::vector<std::string> predicted_ids(std::span<const Prediction> predictions, size_t limit) {
  std::vector<std::string> out;
  for (size_t i = 0; i < predictions.size() && i < limit; ++i)
    out.push_back(predictions[i].card_id);
  return out;
}

}  // namespace cardmint::session
