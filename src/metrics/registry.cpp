#include "metrics/registry.h"

#include <variant>

namespace cardmint::metrics {
namespace {

LabelPairs label_pairs(const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
  LabelPairs pairs;
  pairs.reserve(names.size() + 1);
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    pairs.emplace_back(names[i], values[i]);
  }
  return pairs;
}

void write_samples(TextWriter& out, const std::string& name, const CounterFamily& family) {
  family.for_each([&](const std::vector<std::string>& values, const Counter& c) {
    out.sample(name, label_pairs(family.label_names(), values), c.value());
  });
}

void write_samples(TextWriter& out, const std::string& name, const GaugeFamily& family) {
  family.for_each([&](const std::vector<std::string>& values, const Gauge& g) {
    out.sample(name, label_pairs(family.label_names(), values), g.value());
  });
}

void write_samples(TextWriter& out, const std::string& name, const HistogramFamily& family) {
  const std::string bucket = name + "_bucket";
  family.for_each([&](const std::vector<std::string>& values, const Histogram& h) {
    const Histogram::Snapshot s = h.snapshot();
    LabelPairs labels = label_pairs(family.label_names(), values);
    std::vector<std::string> bounds;  // the `le` texts must outlive the sample calls
    bounds.reserve(s.cumulative.size());
    for (double bound : s.upper_bounds) bounds.push_back(format_value(bound));
    bounds.emplace_back("+Inf");
    labels.emplace_back("le", "");
    for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
      labels.back().second = bounds[i];
      out.sample(bucket, labels, static_cast<double>(s.cumulative[i]));
    }
    labels.pop_back();
    out.sample(name + "_sum", labels, s.sum);
    out.sample(name + "_count", labels, static_cast<double>(s.count));
  });
}

}  // namespace

struct Registry::Entry {
  std::string name;
  std::string help;
  MetricType type;
  std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
               std::unique_ptr<HistogramFamily>>
      family;
};

Registry::Registry() = default;
Registry::~Registry() = default;

template <typename Family>
Family& Registry::add(std::string name, std::string help, MetricType type,
                      std::unique_ptr<Family> family) {
  Family& added = *family;
  entries_.push_back(
      std::unique_ptr<Entry>(new Entry{std::move(name), std::move(help), type, std::move(family)}));
  return added;
}

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> label_names) {
  return add(std::move(name), std::move(help), MetricType::kCounter,
             std::make_unique<CounterFamily>(std::move(label_names),
                                             [] { return std::make_unique<Counter>(); }));
}

GaugeFamily& Registry::gauge(std::string name, std::string help,
                             std::vector<std::string> label_names) {
  return add(std::move(name), std::move(help), MetricType::kGauge,
             std::make_unique<GaugeFamily>(std::move(label_names),
                                           [] { return std::make_unique<Gauge>(); }));
}

HistogramFamily& Registry::histogram(std::string name, std::string help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> upper_bounds) {
  return add(std::move(name), std::move(help), MetricType::kHistogram,
             std::make_unique<HistogramFamily>(std::move(label_names),
                                               [upper_bounds = std::move(upper_bounds)] {
                                                 return std::make_unique<Histogram>(upper_bounds);
                                               }));
}

void Registry::write(TextWriter& out) const {
  for (const auto& entry : entries_) {
    out.family(entry->name, entry->help, entry->type);
    std::visit([&](const auto& family) { write_samples(out, entry->name, *family); },
               entry->family);
  }
}

}  // namespace cardmint::metrics
