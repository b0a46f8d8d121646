#pragma once
// Latency percentiles over a sliding window, overall and per key (the answer's source): the last
// `max_samples` observations, of which only those younger than `max_age` count. Thread-safe: one
// mutex; add() is a push onto a ring, snapshot() sorts copies (a scrape, not the hot path).

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace cardmint::metrics {

using SteadyTime = std::chrono::steady_clock::time_point;

struct LatencySummary {
  std::size_t count = 0;
  // Nearest-rank percentiles (the smallest sample with at least p of the samples at or below
  // it), in the samples' unit; 0 when count is 0.
  double p50 = 0, p90 = 0, p99 = 0;
};

struct WindowSnapshot {
  LatencySummary overall;
  std::map<std::string, LatencySummary> by_key;
  std::size_t flagged = 0;  // samples added with flag set (e.g. a card was identified)
  // The wall time the window covers: from its oldest sample when it is full, else max_age or
  // the window's age, whichever is shorter (so a quiet minute still counts as a minute).
  double span_s = 0;
};

class LatencyWindow {
 public:
  // REQUIRES: max_samples >= 1, max_age > 0. `created` starts the window's age.
  LatencyWindow(std::size_t max_samples, std::chrono::milliseconds max_age,
                SteadyTime created = std::chrono::steady_clock::now());

  void add(std::string_view key, double value, bool flag,
           SteadyTime now = std::chrono::steady_clock::now());
  WindowSnapshot snapshot(SteadyTime now = std::chrono::steady_clock::now()) const;

  std::size_t max_samples() const { return max_samples_; }
  std::chrono::milliseconds max_age() const { return max_age_; }

 private:
  struct Sample {
    SteadyTime at;
    std::string key;
    double value;
    bool flag;
  };
  void drop_old_locked(SteadyTime now) const;  // REQUIRES: mu_ held

  const std::size_t max_samples_;
  const std::chrono::milliseconds max_age_;
  const SteadyTime created_;
  mutable std::mutex mu_;               // guards samples_
  mutable std::deque<Sample> samples_;  // oldest first
};

}  // namespace cardmint::metrics
