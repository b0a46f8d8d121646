#include "service/service.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cstdio>

#include "base/log.h"
#include "cache/redis_client.h"
#include "collection/collection.h"
#include "price/price_service.h"
#include "service/access_policy.h"
#include "service/cors_policy.h"
#include "service/http_server.h"
#include "service/model_loader.h"
#include "service/service_metrics.h"
#include "service/shutdown_signal.h"
#include "service/stats_body.h"
#include "service/stats_history.h"

namespace cardmint::service {
namespace {

// The price service the configuration names, with the Redis tier when there is one; null when
// prices are off.
struct Prices {
  std::unique_ptr<cache::RedisClient> redis;
  std::unique_ptr<price::PriceService> service;
};

Result<Prices> open_prices(const ServiceConfig& config) {
  Prices prices;
  std::vector<std::unique_ptr<price::PriceProvider>> providers;
  for (const price::PriceSourceSettings& source : to_price_sources(config)) {
    Result<std::unique_ptr<price::PriceProvider>> provider = price::open_price_provider(source);
    if (!provider.ok()) return provider.status();
    providers.push_back(std::move(provider).value());
  }
  if (providers.empty()) return prices;
  price::PriceServiceOptions options;
  options.ttl = std::chrono::seconds(config.price_ttl_s);
  if (!config.redis_url.empty()) {
    Result<cache::RedisAddress> address = cache::parse_redis_url(config.redis_url);
    if (!address.ok()) return address.status();
    prices.redis = std::make_unique<cache::RedisClient>(*address);
    options.shared_tier = prices.redis.get();
  }
  Result<std::unique_ptr<price::PriceService>> service =
      price::PriceService::start(std::move(providers), options);
  if (!service.ok()) return service.status();
  prices.service = std::move(service).value();
  return prices;
}

}  // namespace

Status run_service(const ServiceConfig& config) {
  auto log = logger("service");
  ShutdownSignal shutdown;
  // Before the models and the server: both borrow it.
  Result<Prices> prices = open_prices(config);
  if (!prices.ok()) return prices.status();
  // Declared before the server: the server's HTTP threads borrow the Recognizer, so the server
  // must stop (and be destroyed) first.
  ModelLoader models;
  // After the models, which it reads; before the server, whose threads record into it.
  ServiceMetrics metrics(service_metrics_options(config), models);
  // Before the server, whose routes read them.
  StatsHistory history({.interval = std::chrono::milliseconds(config.stats_history_interval_ms),
                        .max_points = static_cast<std::size_t>(config.stats_history_points)},
                       [&models, &metrics] { return stats_body(models, metrics); });
  Result<std::unique_ptr<collection::Collection>> collection =
      collection::Collection::open({.db_path = config.collection_db});
  if (!collection.ok()) return collection.status();

  HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.max_upload_bytes = config.max_upload_bytes;
  http_options.threads = config.http_threads;
  http_options.stream_by_default = config.progressive_mode;
  http_options.max_streams = config.max_streams;
  http_options.stream_timeout = std::chrono::milliseconds(config.stream_timeout_ms);
  http_options.max_json_depth = config.max_json_depth;
  http_options.request_timeout = std::chrono::milliseconds(config.request_timeout_ms);
  http_options.pricing.prices = prices->service.get();
  http_options.pricing.budget = std::chrono::milliseconds(config.price_budget_ms);
  http_options.collection = collection->get();
  http_options.history = &history;
  http_options.web_root = config.web_root;
  http_options.access = AccessPolicy(config.api_keys, config.open_read);
  http_options.cors = CorsPolicy(config.cors_origins);
  http_options.rate_limit_per_min = config.rate_limit_per_min;
  http_options.trust_forwarded_for = config.trust_forwarded_for;
  Result<std::unique_ptr<HttpServer>> server = HttpServer::start(http_options, models, metrics);
  if (!server.ok()) return server.status();

  // Machine-readable, on stdout (the logs go to stderr): tests and scripts that start cardmintd
  // with --port 0 read the port from this line.
  std::printf("cardmintd listening on %s:%d\n", config.host.c_str(), (*server)->port());
  std::fflush(stdout);
  log->info("listening on {}:{}; loading models", config.host, (*server)->port());
  // How many keys, never which.
  const std::string keys = config.api_keys.empty()
                               ? "none"
                               : fmt::format("{} (needed by {})", config.api_keys.size(),
                                             config.open_read ? "writes" : "reads and writes");
  const std::string origins =
      config.cors_origins.empty() ? "none" : fmt::format("{}", fmt::join(config.cors_origins, ","));
  const std::string rate = config.rate_limit_per_min > 0
                               ? fmt::format("{} writes/min per client", config.rate_limit_per_min)
                               : "off";
  log->info("access: API keys {}; CORS origins {}; rate limit {}", keys, origins, rate);

  recognize::RecognizerOptions recognizer_options = to_recognizer_options(config);
  if (price::PriceService* service = prices->service.get()) {
    // A session's likely next cards: their prices are fetched before they are scanned.
    recognizer_options.on_predicted_cards = [service](std::vector<std::string> ids) {
      service->prefetch(std::move(ids));
    };
  }
  models.start(
      std::move(recognizer_options), std::chrono::milliseconds(config.load_delay_ms_for_test),
      [&shutdown](const Status& failure) {
        shutdown.request(
            Status::unavailable(fmt::format("the models failed to load: {}", failure.message())));
      });

  Status reason = shutdown.wait();
  if (!reason.ok()) log->error("{}; shutting down", reason.message());
  models.begin_drain();
  const auto drain_start = std::chrono::steady_clock::now();
  (*server)->stop();
  log->info("HTTP server drained in {:.0f} ms", std::chrono::duration<double, std::milli>(
                                                    std::chrono::steady_clock::now() - drain_start)
                                                    .count());
  server->reset();
  // ~ModelLoader (end of scope) finishes the model queue and releases the models.
  return reason;
}

}  // namespace cardmint::service
