#pragma once
// The dashboard's memory: a point of /stats every interval (latency by source, hit rate,
// cards/hour, queue depth, in flight, alerts firing), the last N of them, so a chart opened now
// shows the last hour and not only what happens while it is open. One thread of its own samples;
// any thread reads. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace cardmint::service {

// The point of /stats/history that a /stats body makes at `unix_ms`: {"t", "latency_ms":
// {"overall", "by_source"}, "hit_rate", "cards_per_hour", "queue_depth", "in_flight",
// "alerts_firing": [names]}. Fields /stats lacks (no recognizer yet) are 0 or empty.
nlohmann::json stats_history_point(const nlohmann::json& stats, std::int64_t unix_ms);

struct StatsHistoryOptions {
  std::chrono::milliseconds interval{5000};  // STATS_HISTORY_INTERVAL_MS
  std::size_t max_points = 720;              // STATS_HISTORY_POINTS: an hour at 5 s
};

class StatsHistory {
 public:
  // Returns /stats's body now; called on the sampling thread.
  using StatsSource = std::function<nlohmann::json()>;

  // Takes a first point at once, then one every interval until destroyed.
  StatsHistory(const StatsHistoryOptions& options, StatsSource stats);
  ~StatsHistory();  // stops and joins the sampling thread
  StatsHistory(const StatsHistory&) = delete;
  StatsHistory& operator=(const StatsHistory&) = delete;

  // {"interval_s", "max_points", "points": [oldest ... newest]}.
  nlohmann::json to_json() const;

 private:
  void run(std::stop_token stop);

  const StatsHistoryOptions options_;
  const StatsSource stats_;
  mutable std::mutex mu_;  // guards points_
  std::deque<nlohmann::json> points_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started after the fields above exist
};

}  // namespace cardmint::service
