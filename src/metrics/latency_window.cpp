#include "metrics/latency_window.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cardmint::metrics {
namespace {

LatencySummary summarize(std::vector<double>& values) {
  LatencySummary s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  auto rank = [&](double p) {
    const auto r = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(r, 1, values.size()) - 1];
  };
  s.p50 = rank(0.50);
  s.p90 = rank(0.90);
  s.p99 = rank(0.99);
  return s;
}

}  // namespace

LatencyWindow::LatencyWindow(std::size_t max_samples, std::chrono::milliseconds max_age,
                             SteadyTime created)
    : max_samples_(std::max<std::size_t>(1, max_samples)), max_age_(max_age), created_(created) {}

void LatencyWindow::add(std::string_view key, double value, bool flag, SteadyTime now) {
  std::lock_guard lock(mu_);
  samples_.push_back({now, std::string(key), value, flag});
  while (samples_.size() > max_samples_) samples_.pop_front();
  drop_old_locked(now);
}

void LatencyWindow::drop_old_locked(SteadyTime now) const {
  while (!samples_.empty() && now - samples_.front().at > max_age_) samples_.pop_front();
}

WindowSnapshot LatencyWindow::snapshot(SteadyTime now) const {
  std::vector<double> all;
  std::map<std::string, std::vector<double>> by_key;
  WindowSnapshot out;
  bool full = false;
  SteadyTime oldest = now;
  {
    std::lock_guard lock(mu_);
    drop_old_locked(now);
    all.reserve(samples_.size());
    for (const Sample& s : samples_) {
      all.push_back(s.value);
      by_key[s.key].push_back(s.value);
      if (s.flag) ++out.flagged;
    }
    full = samples_.size() == max_samples_;
    if (!samples_.empty()) oldest = samples_.front().at;
  }
  using Seconds = std::chrono::duration<double>;
  if (full) {
    out.span_s = Seconds(now - oldest).count();
  } else {
    out.span_s = std::min(Seconds(max_age_).count(), Seconds(now - created_).count());
  }
  out.overall = summarize(all);
  for (auto& [key, values] : by_key) out.by_key[key] = summarize(values);
  return out;
}

}  // namespace cardmint::metrics
