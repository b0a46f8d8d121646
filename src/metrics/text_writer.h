#pragma once
// Prometheus text exposition format 0.0.4, one family at a time: `# HELP`, `# TYPE`, then the
// family's samples. The only place that escapes label values and help text and spells numbers
// the way Prometheus parses them. Not thread-safe: one writer per scrape.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cardmint::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

std::string_view metric_type_name(MetricType type);  // "counter", "gauge", "histogram"

// Label names with their values, in the order they are written.
using LabelPairs = std::vector<std::pair<std::string_view, std::string_view>>;

// `\` → `\\`, `"` → `\"`, newline → `\n`: what a quoted label value may not hold raw.
std::string escape_label_value(std::string_view value);
// `\` → `\\`, newline → `\n`: HELP text is not quoted, so quotes stay.
std::string escape_help(std::string_view help);
// Shortest text that reads back as the same double; +Inf, -Inf, NaN as Prometheus spells them.
std::string format_value(double value);

class TextWriter {
 public:
  // Starts a family. REQUIRES: each name once per scrape (promtool rejects a repeated family).
  void family(std::string_view name, std::string_view help, MetricType type);
  // One sample line: `name{labels} value`. `name` is the family's, or with its histogram suffix.
  void sample(std::string_view name, const LabelPairs& labels, double value);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// The Content-Type of the text format.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace cardmint::metrics
