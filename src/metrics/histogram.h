#pragma once
// Observations counted into fixed buckets, Prometheus style: each bucket counts the values at or
// below its upper bound, plus a sum and a count. Thread-safe and lock-free: observe() is a binary
// search and two atomic adds, so it can sit on every request.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace cardmint::metrics {

class Histogram {
 public:
  // REQUIRES: `upper_bounds` strictly increasing and finite; +Inf is always added after them.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;       // without +Inf
    std::vector<std::uint64_t> cumulative;  // one per bound, then the +Inf bucket (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  // Counts read one by one while others observe: each is exact, the set is as of "about now",
  // and the +Inf bucket always equals count.
  Snapshot snapshot() const;

 private:
  const std::vector<double> upper_bounds_;
  const std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bound, then +Inf
  std::atomic<double> sum_{0};
};

// Seconds from 1 ms to 60 s, for request and stage latencies; 10 s is a bound so the slow-request
// alert can be written over the buckets.
std::vector<double> latency_buckets_seconds();

}  // namespace cardmint::metrics
