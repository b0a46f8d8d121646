#pragma once
// One metric name with its label names, and a child metric per combination of label values
// (`requests_total{route="/recognize",status="200"}`). Thread-safe: with() takes a lock and a map
// lookup, then the child is lock-free; children live as long as the family, so a caller may keep
// the reference for its hot path.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cardmint::metrics {

template <typename Metric>
class MetricFamily {
 public:
  using Factory = std::function<std::unique_ptr<Metric>()>;

  MetricFamily(std::vector<std::string> label_names, Factory make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {
    // A family without labels has its one child from the start, so it is scraped as 0.
    if (label_names_.empty()) with({});
  }

  // The child for these values, made on first use. REQUIRES: one value per label name, in order.
  Metric& with(const std::vector<std::string>& values) {
    std::lock_guard lock(mu_);
    auto it = children_.find(values);
    if (it == children_.end()) it = children_.emplace(values, make_()).first;
    return *it->second;
  }
  Metric& with(std::initializer_list<std::string_view> values) {
    return with(std::vector<std::string>(values.begin(), values.end()));
  }

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls f(label values, child) for each child, in label-value order.
  template <typename F>
  void for_each(F f) const {
    std::lock_guard lock(mu_);
    for (const auto& [values, child] : children_) f(values, *child);
  }

 private:
  const std::vector<std::string> label_names_;
  const Factory make_;
  mutable std::mutex mu_;  // guards children_ (the map, not the children)
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

}  // namespace cardmint::metrics
