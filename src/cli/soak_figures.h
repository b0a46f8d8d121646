#pragma once
// The figures of a soak: what was sent and how it was answered, the errors, the latency of good
// recognitions window by window and its drift, and the service's resident memory over the run.
// Pure functions of what the clients and the sampler recorded.

#include <nlohmann/json.hpp>
#include <vector>

#include "cli/soak_load.h"

namespace cardmint::cli {

struct SoakSpan {
  double warm_up_s = 0;  // the load's first seconds: sent and judged, left out of the latency
  double end_s = 0;      // when the clients stopped sending
};

// {"counts": {kind: n}, "answered_by": {kind: {answer: n}}, "errors": {"total": n, "by_kind":
// {kind: {"count": n, "examples": [...]}}}, "latency_ms": {"by_kind": {...}, "window_s": s,
// "windows": [{"from_s", "to_s", "count", "p50", "p99"}], "p99_drift": last / first or null}}.
// The windows hold the plain recognitions answered as expected (hits, changed hits, misses), by
// when they were sent: a minute each, or a tenth of the span after the warm-up when that is less.
nlohmann::json soak_load_figures(const std::vector<SoakOutcome>& outcomes, const SoakSpan& span);

struct RssSample {
  double at_s = 0;  // since the load began
  long rss_kib = 0;
};

// {"start": the first sample after the warm-up, "end": the last, "peak": the largest sample,
// "high_water": VmHWM, "growth": end − start, "samples": n}; null figures where no sample fits.
nlohmann::json soak_rss_figures(const std::vector<RssSample>& samples, const SoakSpan& span,
                                long high_water_kib);

}  // namespace cardmint::cli
