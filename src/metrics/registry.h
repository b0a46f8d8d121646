#pragma once
// The metrics one process exposes, in the order they were registered, written as Prometheus text.
// Register at start-up; then any thread may update children and write(). Thread-safe.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/counter.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"
#include "metrics/metric_family.h"
#include "metrics/text_writer.h"

namespace cardmint::metrics {

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // REQUIRES: a name registered once, in snake_case; counters end in `_total` and units are base
  // units (`_seconds`, `_bytes`), as `promtool check metrics` demands. The reference lives as long
  // as the registry.
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> label_names);
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> label_names);
  HistogramFamily& histogram(std::string name, std::string help,
                             std::vector<std::string> label_names,
                             std::vector<double> upper_bounds);

  // Every family, HELP and TYPE first, then its samples.
  void write(TextWriter& out) const;

 private:
  struct Entry;
  template <typename Family>
  Family& add(std::string name, std::string help, MetricType type, std::unique_ptr<Family> family);
  std::vector<std::unique_ptr<Entry>> entries_;  // filled at start-up, read-only afterwards
};

}  // namespace cardmint::metrics
