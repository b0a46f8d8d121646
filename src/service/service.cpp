#include "service/service.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "base/log.h"
#include "service/http_server.h"
#include "service/model_loader.h"
#include "service/service_metrics.h"
#include "service/shutdown_signal.h"

namespace cardmint::service {

Status run_service(const ServiceConfig& config) {
  auto log = logger("service");
  ShutdownSignal shutdown;
  // Declared before the server: the server's HTTP threads borrow the Recognizer, so the server
  // must stop (and be destroyed) first.
  ModelLoader models;
  // After the models, which it reads; before the server, whose threads record into it.
  ServiceMetrics metrics(service_metrics_options(config), models);

  HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.max_upload_bytes = config.max_upload_bytes;
  http_options.threads = config.http_threads;
  http_options.stream_by_default = config.progressive_mode;
  http_options.request_timeout = std::chrono::milliseconds(config.request_timeout_ms);
  Result<std::unique_ptr<HttpServer>> server = HttpServer::start(http_options, models, metrics);
  if (!server.ok()) return server.status();

  // Machine-readable, on stdout (the logs go to stderr): tests and scripts that start cardmintd
  // with --port 0 read the port from this line.
  std::printf("cardmintd listening on %s:%d\n", config.host.c_str(), (*server)->port());
  std::fflush(stdout);
  log->info("listening on {}:{}; loading models", config.host, (*server)->port());

  models.start(
      to_recognizer_options(config), std::chrono::milliseconds(config.load_delay_ms_for_test),
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
