#pragma once
// Reading cardmintd's /metrics in tests: the real `promtool check metrics` on it, and its samples
// and families as data.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace cardmint::testing {

// The text passes `promtool check metrics` (format and lint); the failure names promtool's
// complaint. A missing promtool fails too (scripts/install-deps.sh installs it).
::testing::AssertionResult promtool_accepts_metrics(const std::string& text);

// Runs `promtool ARGS...` (e.g. "check rules FILE"); the failure holds its output.
::testing::AssertionResult promtool_succeeds(const std::string& args);

// Each sample line as written, `name{labels}` → value ("cardmint_ready" → 1).
std::map<std::string, double> metric_samples(const std::string& text);

// The names in `# TYPE name type` lines.
std::set<std::string> metric_families(const std::string& text);

// The cardmint_* metric names a PromQL expression reads, histogram suffixes
// (_bucket, _sum, _count) taken off.
std::set<std::string> metric_names_in_promql(const std::string& expr);

}  // namespace cardmint::testing
