#pragma once
// A value that goes up and down (queue depth, in-flight requests). Thread-safe and lock-free.

#include <atomic>

namespace cardmint::metrics {

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

}  // namespace cardmint::metrics
