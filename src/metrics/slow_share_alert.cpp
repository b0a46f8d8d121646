#include "metrics/slow_share_alert.h"

#include <algorithm>

namespace cardmint::metrics {

SlowShareAlert::SlowShareAlert(const SlowShareAlertOptions& options)
    : options_{options.slow_ms, std::max<std::size_t>(1, options.window), options.max_share},
      ring_(options_.window, false) {}

SlowShareAlert::Change SlowShareAlert::observe(double ms) {
  const bool slow = ms > options_.slow_ms;
  std::lock_guard lock(mu_);
  if (observed_ == ring_.size() && ring_[next_]) --slow_;  // the oldest leaves the window
  ring_[next_] = slow;
  next_ = (next_ + 1) % ring_.size();
  observed_ = std::min(observed_ + 1, ring_.size());
  if (slow) ++slow_;
  const bool over =
      static_cast<double>(slow_) / static_cast<double>(ring_.size()) > options_.max_share;
  if (over == firing_) return Change::kNone;
  firing_ = over;
  return over ? Change::kFired : Change::kCleared;
}

SlowShareAlert::State SlowShareAlert::state() const {
  std::lock_guard lock(mu_);
  return {firing_, slow_, observed_,
          static_cast<double>(slow_) / static_cast<double>(ring_.size())};
}

}  // namespace cardmint::metrics
