#pragma once
// p50/p90/p99 of a set of latencies, as the benchmark drivers print them.

#include <algorithm>
#include <cmath>
#include <vector>

namespace cardmint::cli {

struct LatencySummary {
  int count = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double mean_ms = 0;
};

// Nearest-rank percentiles (no interpolation): every figure is a latency that was measured.
inline LatencySummary summarize_latencies(std::vector<double> samples_ms) {
  LatencySummary s;
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  auto rank = [&](double p) {
    size_t k = static_cast<size_t>(std::ceil(p / 100.0 * samples_ms.size()));
    return samples_ms[std::min(samples_ms.size(), std::max<size_t>(1, k)) - 1];
  };
  s.count = static_cast<int>(samples_ms.size());
  s.p50_ms = rank(50);
  s.p90_ms = rank(90);
  s.p99_ms = rank(99);
  double sum = 0;
  for (double v : samples_ms) sum += v;
  s.mean_ms = sum / samples_ms.size();
  return s;
}

}  // namespace cardmint::cli
