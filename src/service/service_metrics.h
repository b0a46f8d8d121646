#pragma once
// What cardmintd measures about itself, for GET /metrics (Prometheus text) and GET /stats (JSON):
// HTTP requests by route and status and in flight, each recognition's stage latencies by source,
// a sliding window of recognitions (p50/p90/p99, hit rate, cards/hour), the recognizer's own
// counters (cache, model switches, queues, batches, Redis) read at scrape time, build info, and
// the slow-request alert, which logs a warning when it fires and a line when it clears.
// Thread-safe: HTTP threads and recognizer threads record; any thread scrapes.

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "metrics/slow_share_alert.h"

namespace cardmint::recognize {
struct Recognition;
}  // namespace cardmint::recognize

namespace cardmint::service {

class ModelLoader;
struct ServiceConfig;

struct ServiceMetricsOptions {
  // ALERT_SLOW_MS, ALERT_WINDOW, ALERT_SLOW_SHARE: over /recognize requests, whatever their
  // status, from arrival to the last byte of the answer.
  metrics::SlowShareAlertOptions slow_alert;
  // STATS_WINDOW, STATS_WINDOW_S: the recognitions /stats summarises, the last this many within
  // this long.
  std::size_t window_recognitions = 1000;
  std::chrono::milliseconds window_age = std::chrono::minutes(15);
  bool redis_configured = false;  // REDIS_URL: its absence is not "degraded"
};

ServiceMetricsOptions service_metrics_options(const ServiceConfig& config);

class ServiceMetrics {
 public:
  // REQUIRES: `models` outlives this object.
  ServiceMetrics(const ServiceMetricsOptions& options, const ModelLoader& models);
  ~ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // One HTTP request, in flight from routing until it is finished: when its answer goes out, or,
  // for a streamed answer, when the object dies after the last event. Owned by the request's
  // HTTP thread.
  class Request {
   public:
    explicit Request(ServiceMetrics& metrics);
    ~Request();
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    // From httplib's logger, as the response's head is about to go out. `route` is the matched
    // pattern ("/sessions/:id"), empty when none matched.
    void answered(std::string_view method, std::string_view route, int status, bool streamed);

   private:
    void finish();

    ServiceMetrics& metrics_;
    const std::chrono::steady_clock::time_point start_;
    std::string method_, route_;
    int status_ = 0;
    bool finished_ = false;
  };
  // Shared: httplib may copy a response's user data, and the copies are the same request.
  std::shared_ptr<Request> begin_request();

  // A finished recognition (also one whose request timed out before it was done).
  void observe_recognition(const recognize::Recognition& recognition);

  std::string prometheus_text() const;
  // Adds latency_ms, window, hit_rate, cards_per_hour, in_flight, alerts, degraded and
  // degraded_reasons to /stats's body.
  void add_stats(nlohmann::json& body) const;

 private:
  struct Impl;
  const std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::service
