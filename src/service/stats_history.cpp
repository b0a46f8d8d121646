#include "service/stats_history.h"

#include <string>
#include <vector>

namespace cardmint::service {

namespace {

// The member `name` of `object`, or null when absent. By pointer, not json::value(): GCC 12
// reports -Wmaybe-uninitialized on iterating value()'s temporaries.
const nlohmann::json* member(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

nlohmann::json stats_history_point(const nlohmann::json& stats, std::int64_t unix_ms) {
  nlohmann::json latency = {{"overall", nlohmann::json::object()},
                            {"by_source", nlohmann::json::object()}};
  if (const nlohmann::json* l = member(stats, "latency_ms")) {
    for (const char* part : {"overall", "by_source"}) {
      if (const nlohmann::json* p = member(*l, part)) latency[part] = *p;
    }
  }
  std::vector<std::string> firing;
  if (const nlohmann::json* alerts = member(stats, "alerts"); alerts && alerts->is_object()) {
    for (auto it = alerts->begin(); it != alerts->end(); ++it) {
      const nlohmann::json* f = member(it.value(), "firing");
      if (f && f->is_boolean() && f->get<bool>()) firing.push_back(it.key());
    }
  }
  // Everything that waits: CPU work, then each model's queue.
  std::int64_t queue_depth = 0;
  if (const nlohmann::json* q = member(stats, "cpu_queue"); q && q->is_number()) {
    queue_depth += q->get<std::int64_t>();
  }
  if (const nlohmann::json* models = member(stats, "models"); models && models->is_array()) {
    for (const nlohmann::json& model : *models) {
      const nlohmann::json* q = member(model, "queue_depth");
      if (q && q->is_number()) queue_depth += q->get<std::int64_t>();
    }
  }
  const auto number = [&stats](const char* name) {
    const nlohmann::json* n = member(stats, name);
    return n && n->is_number() ? n->get<double>() : 0.0;
  };
  return {{"t", unix_ms},
          {"latency_ms", std::move(latency)},
          {"hit_rate", number("hit_rate")},
          {"cards_per_hour", number("cards_per_hour")},
          {"queue_depth", queue_depth},
          {"in_flight", static_cast<std::int64_t>(number("in_flight"))},
          {"alerts_firing", firing}};
}

StatsHistory::StatsHistory(const StatsHistoryOptions& options, StatsSource stats)
    : options_(options),
      stats_(std::move(stats)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

StatsHistory::~StatsHistory() {
  thread_.request_stop();
  wake_.notify_all();
}

void StatsHistory::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const auto now = std::chrono::system_clock::now();
    const std::int64_t unix_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    nlohmann::json point = stats_history_point(stats_(), unix_ms);
    {
      std::lock_guard lock(mu_);
      points_.push_back(std::move(point));
      while (points_.size() > options_.max_points) points_.pop_front();
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, stop, options_.interval, [] { return false; });
  }
}

nlohmann::json StatsHistory::to_json() const {
  std::lock_guard lock(mu_);
  nlohmann::json points = nlohmann::json::array();
  for (const nlohmann::json& p : points_) points.push_back(p);
  return {{"interval_s", std::chrono::duration<double>(options_.interval).count()},
          {"max_points", options_.max_points},
          {"points", std::move(points)}};
}

}  // namespace cardmint::service
