#pragma once
// "More than `max_share` of the last `window` requests took over `slow_ms`": the service's own
// judgement of the seed's alert, request by request. Before `window` requests have been seen the
// missing ones count as not slow, so one slow request at start-up does not fire it.
// Thread-safe.

#include <cstddef>
#include <mutex>
#include <vector>

namespace cardmint::metrics {

struct SlowShareAlertOptions {
  double slow_ms = 10'000;   // a request over this is slow
  std::size_t window = 100;  // the last this many requests
  double max_share = 0.1;    // fires above this share of slow ones
};

class SlowShareAlert {
 public:
  enum class Change { kNone, kFired, kCleared };

  struct State {
    bool firing = false;
    std::size_t slow = 0;      // slow requests in the window
    std::size_t observed = 0;  // requests in the window (at most window)
    double share = 0;          // slow / window
  };

  // REQUIRES: options.window >= 1.
  explicit SlowShareAlert(const SlowShareAlertOptions& options);

  // Records one request; says whether that made the alert fire or clear.
  Change observe(double ms);
  State state() const;
  const SlowShareAlertOptions& options() const { return options_; }

 private:
  const SlowShareAlertOptions options_;
  mutable std::mutex mu_;   // guards everything below
  std::vector<bool> ring_;  // slow flags, the oldest at next_ once full
  std::size_t next_ = 0;
  std::size_t observed_ = 0;
  std::size_t slow_ = 0;
  bool firing_ = false;
};

}  // namespace cardmint::metrics
