#include "service/service_metrics.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/log.h"
#include "metrics/latency_window.h"
#include "metrics/registry.h"
#include "recognize/recognition.h"
#include "recognize/recognizer.h"
#include "service/model_loader.h"
#include "service/service_config.h"

#ifndef CARDMINT_VERSION
#define CARDMINT_VERSION "unknown"
#endif
#ifndef CARDMINT_GIT_COMMIT
#define CARDMINT_GIT_COMMIT "unknown"
#endif
#ifndef CARDMINT_BUILD_TYPE
#define CARDMINT_BUILD_TYPE "unknown"
#endif

namespace cardmint::service {
namespace {

using Clock = std::chrono::steady_clock;
using metrics::MetricType;

constexpr std::string_view kRecognizeRoute = "/recognize";
constexpr const char* kSlowAlertName = "slow_requests";

double seconds_of(double ms) { return ms / 1000.0; }

// The stages of RecognitionTimings, by the name the histogram's `stage` label gives them.
struct Stage {
  const char* name;
  double recognize::RecognitionTimings::*ms;
};
constexpr std::array<Stage, 10> kStages = {{
    {"decode", &recognize::RecognitionTimings::decode_ms},
    {"rectify", &recognize::RecognitionTimings::preprocess_ms},
    {"hash", &recognize::RecognitionTimings::hash_ms},
    {"cache", &recognize::RecognitionTimings::cache_ms},
    {"ocr", &recognize::RecognitionTimings::ocr_ms},
    {"vlm_queue", &recognize::RecognitionTimings::queue_ms},
    {"vlm_encode", &recognize::RecognitionTimings::encode_ms},
    {"vlm_prefill", &recognize::RecognitionTimings::prefill_ms},
    {"vlm_generate", &recognize::RecognitionTimings::generate_ms},
    {"total", &recognize::RecognitionTimings::total_ms},
}};

// "ocr→vlm-256m" → {"ocr", "vlm-256m"}; a key without the arrow is all "from".
std::pair<std::string, std::string> split_switch(std::string_view key) {
  constexpr std::string_view kArrow = "→";
  const std::size_t at = key.find(kArrow);
  if (at == std::string_view::npos) return {std::string(key), ""};
  return {std::string(key.substr(0, at)), std::string(key.substr(at + kArrow.size()))};
}

nlohmann::json summary_json(const metrics::LatencySummary& s) {
  return {{"count", s.count}, {"p50", s.p50}, {"p90", s.p90}, {"p99", s.p99}};
}

}  // namespace

ServiceMetricsOptions service_metrics_options(const ServiceConfig& config) {
  ServiceMetricsOptions options;
  options.slow_alert.slow_ms = config.alert_slow_ms;
  options.slow_alert.window = static_cast<std::size_t>(config.alert_window);
  options.slow_alert.max_share = config.alert_slow_share;
  options.window_recognitions = static_cast<std::size_t>(config.stats_window);
  options.window_age = std::chrono::seconds(config.stats_window_s);
  options.redis_configured = !config.redis_url.empty() && config.cache_size > 0;
  return options;
}

struct ServiceMetrics::Impl {
  Impl(const ServiceMetricsOptions& o, const ModelLoader& m)
      : options(o),
        models(m),
        slow_alert(o.slow_alert),
        window(o.window_recognitions, o.window_age),
        build_info(registry.gauge("cardmint_build_info",
                                  "cardmintd's version, git commit (at configure time), compiler "
                                  "and build type; always 1.",
                                  {"version", "commit", "compiler", "build_type"})),
        requests(registry.counter("cardmint_http_requests_total",
                                  "HTTP requests answered, by method, route pattern and status.",
                                  {"method", "route", "status"})),
        request_seconds(registry.histogram(
            "cardmint_http_request_duration_seconds",
            "HTTP request time from routing to the answer's last byte, by route pattern.",
            {"route"}, metrics::latency_buckets_seconds())),
        in_flight(registry
                      .gauge("cardmint_http_requests_in_flight",
                             "HTTP requests being answered now (streams until their last "
                             "event).",
                             {})
                      .with({})),
        stage_seconds(registry.histogram(
            "cardmint_recognition_stage_seconds",
            "Time each recognition spent in a stage, by stage and by the source that answered; "
            "a stage that did not run is not observed.",
            {"stage", "source"}, metrics::latency_buckets_seconds())),
        recognitions(registry.counter("cardmint_recognitions_total",
                                      "Finished recognitions by source, and whether a card was "
                                      "identified (result card) or not (unknown).",
                                      {"source", "result"})),
        alert_firing(registry
                         .gauge("cardmint_alert_slow_requests_firing",
                                "1 while more than ALERT_SLOW_SHARE of the last ALERT_WINDOW "
                                "/recognize requests took over ALERT_SLOW_MS.",
                                {})
                         .with({})),
        alert_share(registry
                        .gauge("cardmint_alert_slow_requests_share",
                               "Share of the last ALERT_WINDOW /recognize requests that took "
                               "over ALERT_SLOW_MS (requests not yet seen count as fast).",
                               {})
                        .with({})),
        alert_threshold(registry
                            .gauge("cardmint_alert_slow_requests_threshold_seconds",
                                   "ALERT_SLOW_MS, in seconds.", {})
                            .with({})),
        alert_max_share(registry
                            .gauge("cardmint_alert_slow_requests_max_share",
                                   "ALERT_SLOW_SHARE: the share above which the alert fires.", {})
                            .with({})) {
    build_info
        .with({CARDMINT_VERSION, CARDMINT_GIT_COMMIT, fmt::format("gcc-{}", __VERSION__),
               CARDMINT_BUILD_TYPE})
        .set(1);
    alert_threshold.set(seconds_of(options.slow_alert.slow_ms));
    alert_max_share.set(options.slow_alert.max_share);
  }

  void observe_slow_alert(double ms) {
    const metrics::SlowShareAlert::Change change = slow_alert.observe(ms);
    const metrics::SlowShareAlert::State state = slow_alert.state();
    alert_share.set(state.share);
    alert_firing.set(state.firing ? 1 : 0);
    const metrics::SlowShareAlertOptions& o = slow_alert.options();
    if (change == metrics::SlowShareAlert::Change::kFired) {
      logger("service")->warn(
          "alert={} state=firing slow={} window={} share={:.3f} max_share={} slow_ms={:.0f}: "
          "more than {:.0f}% of the last {} /recognize requests took over {:.0f} ms",
          kSlowAlertName, state.slow, o.window, state.share, o.max_share, o.slow_ms,
          o.max_share * 100, o.window, o.slow_ms);
    } else if (change == metrics::SlowShareAlert::Change::kCleared) {
      logger("service")->info(
          "alert={} state=cleared slow={} window={} share={:.3f} max_share={} slow_ms={:.0f}",
          kSlowAlertName, state.slow, o.window, state.share, o.max_share, o.slow_ms);
    }
  }

  std::optional<recognize::RecognizerStats> recognizer_stats() const {
    Result<recognize::Recognizer*> recognizer = models.recognizer();
    if (!recognizer.ok()) return std::nullopt;
    return (*recognizer)->stats();
  }

  // Why the service answers less well than it could; empty when it is whole.
  std::vector<std::string> degraded_reasons(
      const std::optional<recognize::RecognizerStats>& stats) const {
    std::vector<std::string> reasons;
    // A connection is made on first use, so "not connected" alone is also a fresh start; a
    // failed call since the last good one is what says Redis is gone.
    if (options.redis_configured && stats && stats->cache && !stats->cache->shared_connected &&
        stats->cache->shared_errors > 0) {
      reasons.emplace_back("redis unreachable");
    }
    return reasons;
  }

  void write_recognizer(metrics::TextWriter& out,
                        const std::optional<recognize::RecognizerStats>& stats) const {
    out.family("cardmint_ready", "1 when the models are loaded and the service is not draining.",
               MetricType::kGauge);
    out.sample("cardmint_ready", {}, models.phase() == ModelPhase::kReady ? 1 : 0);
    const std::optional<cache::CardCacheStats> cache =
        stats ? stats->cache : std::optional<cache::CardCacheStats>();

    out.family("cardmint_cache_hits_total",
               "Uploads the cache answered, by kind: bytes (the same file), exact or fuzzy (the "
               "card's perceptual hash).",
               MetricType::kCounter);
    if (cache) {
      out.sample("cardmint_cache_hits_total", {{"kind", "bytes"}},
                 static_cast<double>(cache->hits_bytes));
      out.sample("cardmint_cache_hits_total", {{"kind", "exact"}},
                 static_cast<double>(cache->hits_exact));
      out.sample("cardmint_cache_hits_total", {{"kind", "fuzzy"}},
                 static_cast<double>(cache->hits_fuzzy));
    }
    out.family("cardmint_cache_misses_total", "Uploads the cache did not answer.",
               MetricType::kCounter);
    if (cache) out.sample("cardmint_cache_misses_total", {}, static_cast<double>(cache->misses));
    out.family("cardmint_cache_entries", "Recognised uploads the cache holds in memory.",
               MetricType::kGauge);
    if (cache) out.sample("cardmint_cache_entries", {}, static_cast<double>(cache->entries));
    out.family("cardmint_cache_evictions_total", "Entries the cache's LRU dropped.",
               MetricType::kCounter);
    if (cache) {
      out.sample("cardmint_cache_evictions_total", {}, static_cast<double>(cache->evictions));
    }

    out.family("cardmint_redis_connected",
               "1 while both connections to the shared Redis tier are up (only with REDIS_URL).",
               MetricType::kGauge);
    out.family("cardmint_redis_errors_total",
               "Redis calls that failed; the request went on without the shared tier.",
               MetricType::kCounter);
    out.family("cardmint_redis_received_total", "Cache entries other instances published.",
               MetricType::kCounter);
    if (cache && options.redis_configured) {
      out.sample("cardmint_redis_connected", {}, cache->shared_connected ? 1 : 0);
      out.sample("cardmint_redis_errors_total", {}, static_cast<double>(cache->shared_errors));
      out.sample("cardmint_redis_received_total", {}, static_cast<double>(cache->shared_received));
    }
    out.family("cardmint_degraded",
               "1 while the service answers without a part it was configured with (see /stats "
               "degraded_reasons).",
               MetricType::kGauge);
    out.sample("cardmint_degraded", {}, degraded_reasons(stats).empty() ? 0 : 1);

    out.family("cardmint_model_switches_total",
               "Escalations from one source to the next (e.g. from ocr to vlm-256m).",
               MetricType::kCounter);
    if (stats) {
      for (const auto& [key, count] : stats->model_switches) {
        const auto [from, to] = split_switch(key);
        out.sample("cardmint_model_switches_total", {{"from", from}, {"to", to}},
                   static_cast<double>(count));
      }
    }

    out.family("cardmint_queue_depth",
               "Work waiting now: queue cpu is the CPU pool's, a model's label its thread's.",
               MetricType::kGauge);
    if (stats) {
      out.sample("cardmint_queue_depth", {{"queue", "cpu"}}, static_cast<double>(stats->cpu_queue));
      for (const auto& m : stats->models) {
        out.sample("cardmint_queue_depth", {{"queue", m.source}},
                   static_cast<double>(m.queue_depth));
      }
    }
    const std::vector<recognize::RecognizerStats::ModelQueue> no_models;
    const auto& model_queues = stats ? stats->models : no_models;
    auto per_model = [&](std::string_view name, std::string_view help, MetricType type,
                         auto value) {
      out.family(name, help, type);
      for (const auto& m : model_queues) out.sample(name, {{"model", m.source}}, value(m));
    };
    using ModelQueue = recognize::RecognizerStats::ModelQueue;
    per_model("cardmint_vlm_jobs_total", "Requests a model thread accepted.", MetricType::kCounter,
              [](const ModelQueue& m) { return static_cast<double>(m.jobs); });
    per_model("cardmint_vlm_batches_total", "Batches a model decoded.", MetricType::kCounter,
              [](const ModelQueue& m) { return static_cast<double>(m.batches); });
    per_model("cardmint_vlm_batched_jobs_total",
              "Requests those batches held; over batches_total, the mean batch size.",
              MetricType::kCounter,
              [](const ModelQueue& m) { return static_cast<double>(m.batched_jobs); });
    per_model("cardmint_vlm_batch_size_max", "BATCH_SIZE: the most requests one batch decodes.",
              MetricType::kGauge,
              [](const ModelQueue& m) { return static_cast<double>(m.batch_size); });
    per_model("cardmint_vlm_batch_efficiency",
              "Mean batch size over BATCH_SIZE since start: 1 when every batch was full.",
              MetricType::kGauge, [](const ModelQueue& m) {
                return m.batches == 0 ? 0.0
                                      : static_cast<double>(m.batched_jobs) /
                                            static_cast<double>(m.batches) / m.batch_size;
              });
  }

  const ServiceMetricsOptions options;
  const ModelLoader& models;
  metrics::SlowShareAlert slow_alert;
  metrics::LatencyWindow window;  // recognitions: total ms by source, flagged when a card
  metrics::Registry registry;     // declared before the family references below
  metrics::GaugeFamily& build_info;
  metrics::CounterFamily& requests;
  metrics::HistogramFamily& request_seconds;
  metrics::Gauge& in_flight;
  metrics::HistogramFamily& stage_seconds;
  metrics::CounterFamily& recognitions;
  metrics::Gauge& alert_firing;
  metrics::Gauge& alert_share;
  metrics::Gauge& alert_threshold;
  metrics::Gauge& alert_max_share;
};

ServiceMetrics::ServiceMetrics(const ServiceMetricsOptions& options, const ModelLoader& models)
    : impl_(std::make_unique<Impl>(options, models)) {}

ServiceMetrics::~ServiceMetrics() = default;

ServiceMetrics::Request::Request(ServiceMetrics& metrics)
    : metrics_(metrics), start_(Clock::now()) {
  metrics_.impl_->in_flight.add(1);
}

ServiceMetrics::Request::~Request() { finish(); }

void ServiceMetrics::Request::answered(std::string_view method, std::string_view route, int status,
                                       bool streamed) {
  method_ = method;
  route_ = route.empty() ? "unmatched" : route;
  status_ = status;
  if (!streamed) finish();
}

void ServiceMetrics::Request::finish() {
  if (finished_) return;
  finished_ = true;
  Impl& m = *metrics_.impl_;
  m.in_flight.add(-1);
  if (status_ == 0) return;  // never answered: the connection went away first
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  m.requests.with({method_, route_, std::to_string(status_)}).inc();
  m.request_seconds.with({route_}).observe(seconds_of(ms));
  if (route_ == kRecognizeRoute) m.observe_slow_alert(ms);
}

std::shared_ptr<ServiceMetrics::Request> ServiceMetrics::begin_request() {
  return std::make_shared<Request>(*this);
}

void ServiceMetrics::observe_recognition(const recognize::Recognition& r) {
  const std::string source = r.source.empty() ? "none" : r.source;
  for (const Stage& stage : kStages) {
    const double ms = r.timings.*stage.ms;
    // A stage that did not run reads 0; counting it would drag the stage's percentiles to 0.
    if (ms > 0 || stage.ms == &recognize::RecognitionTimings::total_ms) {
      impl_->stage_seconds.with({stage.name, source}).observe(seconds_of(ms));
    }
  }
  impl_->recognitions.with({source, r.card ? "card" : "unknown"}).inc();
  impl_->window.add(source, r.timings.total_ms, r.card.has_value());
}

std::string ServiceMetrics::prometheus_text() const {
  metrics::TextWriter out;
  impl_->registry.write(out);
  impl_->write_recognizer(out, impl_->recognizer_stats());
  return out.take();
}

void ServiceMetrics::add_stats(nlohmann::json& body) const {
  const metrics::WindowSnapshot w = impl_->window.snapshot();
  nlohmann::json by_source = nlohmann::json::object();
  std::size_t cached = 0;
  for (const auto& [source, summary] : w.by_key) {
    by_source[source] = summary_json(summary);
    if (source == "cache" || source == "hash") cached += summary.count;
  }
  body["latency_ms"] = {{"overall", summary_json(w.overall)}, {"by_source", by_source}};
  body["window"] = {
      {"recognitions", w.overall.count},
      {"seconds", w.span_s},
      {"max_recognitions", impl_->window.max_samples()},
      {"max_seconds", std::chrono::duration<double>(impl_->window.max_age()).count()}};
  body["hit_rate"] = w.overall.count == 0
                         ? 0.0
                         : static_cast<double>(cached) / static_cast<double>(w.overall.count);
  body["cards_per_hour"] = w.span_s <= 0 ? 0.0 : static_cast<double>(w.flagged) / w.span_s * 3600;
  body["in_flight"] = impl_->in_flight.value();

  const metrics::SlowShareAlert::State slow = impl_->slow_alert.state();
  const metrics::SlowShareAlertOptions& o = impl_->slow_alert.options();
  body["alerts"] = {{kSlowAlertName,
                     {{"firing", slow.firing},
                      {"share", slow.share},
                      {"slow", slow.slow},
                      {"observed", slow.observed},
                      {"window", o.window},
                      {"slow_ms", o.slow_ms},
                      {"max_share", o.max_share}}}};
  const std::vector<std::string> reasons = impl_->degraded_reasons(impl_->recognizer_stats());
  body["degraded"] = !reasons.empty();
  body["degraded_reasons"] = reasons;
}

}  // namespace cardmint::service
