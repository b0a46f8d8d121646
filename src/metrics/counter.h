#pragma once
// A value that only goes up (requests, hits). Thread-safe and lock-free: inc() is one atomic add.

#include <atomic>

namespace cardmint::metrics {

class Counter {
 public:
  // REQUIRES: by >= 0; a counter that went down would read as a restart to Prometheus.
  void inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

}  // namespace cardmint::metrics
