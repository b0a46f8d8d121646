#include "cli/soak_figures.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "cli/latency_summary.h"

namespace cardmint::cli {
namespace {

using nlohmann::json;

// Enough to see what went wrong without a report of thousands of lines.
constexpr std::size_t kExamplesPerKind = 3;
constexpr double kLongestWindowS = 60;
constexpr int kWindowsInShortRuns = 10;

bool is_plain_recognition(SoakKind kind) {
  return kind == SoakKind::kHit || kind == SoakKind::kChangedHit || kind == SoakKind::kMiss;
}

json latency_json(const LatencySummary& s) {
  return {{"count", s.count}, {"p50", s.p50_ms}, {"p90", s.p90_ms}, {"p99", s.p99_ms}};
}

}  // namespace

json soak_load_figures(const std::vector<SoakOutcome>& outcomes, const SoakSpan& span) {
  json counts = json::object();
  for (std::size_t k = 0; k < kSoakKindCount; ++k) {
    counts[std::string(soak_kind_name(static_cast<SoakKind>(k)))] = 0;
  }
  std::map<std::string, std::map<std::string, int>> answered_by;
  json errors_by_kind = json::object();
  int errors = 0;
  std::map<std::string, std::vector<double>> good_ms;

  const double measured_s = std::max(0.0, span.end_s - span.warm_up_s);
  const double window_s = std::min(kLongestWindowS, measured_s / kWindowsInShortRuns);
  const int window_count =
      window_s > 0 ? std::max(1, static_cast<int>(std::ceil(measured_s / window_s - 1e-9))) : 0;
  std::vector<std::vector<double>> windows(window_count);

  for (const SoakOutcome& o : outcomes) {
    const std::string kind(soak_kind_name(o.kind));
    counts[kind] = counts[kind].get<int>() + 1;
    if (!o.expected) {
      ++errors;
      json& entry = errors_by_kind[kind];
      if (entry.is_null()) entry = {{"count", 0}, {"examples", json::array()}};
      entry["count"] = entry["count"].get<int>() + 1;
      if (entry["examples"].size() < kExamplesPerKind) entry["examples"].push_back(o.detail);
      continue;
    }
    good_ms[kind].push_back(o.ms);
    if (!o.detail.empty()) ++answered_by[kind][o.detail];
    if (is_plain_recognition(o.kind) && o.started_s >= span.warm_up_s && window_count > 0) {
      const int w =
          std::min(window_count - 1, static_cast<int>((o.started_s - span.warm_up_s) / window_s));
      windows[w].push_back(o.ms);
    }
  }

  json by_kind = json::object();
  for (const auto& [kind, ms] : good_ms) by_kind[kind] = latency_json(summarize_latencies(ms));
  json window_figures = json::array();
  for (int w = 0; w < window_count; ++w) {
    const LatencySummary s = summarize_latencies(windows[w]);
    window_figures.push_back({{"from_s", span.warm_up_s + w * window_s},
                              {"to_s", span.warm_up_s + (w + 1) * window_s},
                              {"count", s.count},
                              {"p50", s.p50_ms},
                              {"p99", s.p99_ms}});
  }
  json drift = nullptr;
  if (window_count >= 2 && !windows.front().empty() && !windows.back().empty()) {
    drift =
        summarize_latencies(windows.back()).p99_ms / summarize_latencies(windows.front()).p99_ms;
  }
  return {{"counts", counts},
          {"answered_by", answered_by},
          {"errors", {{"total", errors}, {"by_kind", errors_by_kind}}},
          {"latency_ms",
           {{"by_kind", by_kind},
            {"window_s", window_s},
            {"windows", window_figures},
            {"p99_drift", drift}}}};
}

json soak_rss_figures(const std::vector<RssSample>& samples, const SoakSpan& span,
                      long high_water_kib) {
  const auto start = std::find_if(samples.begin(), samples.end(),
                                  [&](const RssSample& s) { return s.at_s >= span.warm_up_s; });
  json figures = {{"start", nullptr},
                  {"end", nullptr},
                  {"peak", nullptr},
                  {"growth", nullptr},
                  {"samples", samples.size()},
                  {"high_water", high_water_kib > 0 ? json(high_water_kib) : json(nullptr)}};
  if (samples.empty()) return figures;
  long peak = 0;
  for (const RssSample& s : samples) peak = std::max(peak, s.rss_kib);
  figures["peak"] = peak;
  figures["end"] = samples.back().rss_kib;
  if (start != samples.end()) {
    figures["start"] = start->rss_kib;
    figures["growth"] = samples.back().rss_kib - start->rss_kib;
  }
  return figures;
}

}  // namespace cardmint::cli
