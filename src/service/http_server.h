#pragma once
// Owns the httplib::Server: registers the routes (/health, /ready, /recognize, /stats, /sessions,
// /prices, /catalog, /collection, the web page), checks every request's key, origin and rate
// before any route runs, gives every
// response an X-Request-Id and every failure a JSON body (httplib's own 404/413/400 included), logs
// one line per request, and runs the accept loop on its own thread. HTTP threads only parse and
// format. Owned by one thread, the one that calls start() and stop(); the routes run on httplib's
// threads.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "base/json_nesting.h"
#include "base/status.h"
#include "service/access_policy.h"
#include "service/cors_policy.h"
#include "service/scan_price.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace cardmint::collection {
class Collection;
}  // namespace cardmint::collection

namespace cardmint::service {

class ModelLoader;
class ServiceMetrics;
class StatsHistory;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                                  // 0: any free port; see HttpServer::port()
  std::size_t max_upload_bytes = 20u << 20;      // larger bodies get 413 before they are buffered
  int threads = 16;                              // HTTP worker threads kept alive
  bool stream_by_default = false;                // PROGRESSIVE_MODE
  int max_streams = 64;                          // MAX_STREAMS
  std::chrono::milliseconds stream_timeout{0};   // STREAM_TIMEOUT_MS; 0: none
  int max_json_depth = kDefaultMaxJsonDepth;     // MAX_JSON_DEPTH of JSON request bodies
  std::chrono::milliseconds request_timeout{0};  // REQUEST_TIMEOUT_MS for /recognize; 0: none
  ScanPriceOptions pricing;                      // prices in answers, and GET /prices/{card_id}
  // The operator's collection (/collection...); null: those routes answer 503.
  collection::Collection* collection = nullptr;
  const StatsHistory* history = nullptr;  // GET /stats/history; null: 503
  std::filesystem::path web_root;         // "/", "/dashboard", "/static/"; empty: no page
  // Checked before any route runs; the defaults let everything through, as without them.
  AccessPolicy access;               // API_KEYS, OPEN_READ
  CorsPolicy cors;                   // CORS_ORIGINS
  int rate_limit_per_min = 0;        // writes per client per minute; 0: no limit
  bool trust_forwarded_for = false;  // a client's address from X-Forwarded-For
};

class HttpServer {
 public:
  // Binds and starts serving. `models`, `metrics` and what `options` points to must outlive the
  // server. Errors: unavailable when the address cannot be bound or web_root has no page.
  [[nodiscard]] static Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options,
                                                                 const ModelLoader& models,
                                                                 ServiceMetrics& metrics);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }  // the bound port, also when options.port was 0

  // Closes the listening socket, then waits until every request already accepted has been
  // answered and the worker threads have exited. Idempotent.
  void stop();

 private:
  HttpServer(std::unique_ptr<httplib::Server> server, int port);

  const std::unique_ptr<httplib::Server> server_;
  const int port_;
  std::jthread accept_thread_;  // runs listen_after_bind(); joined by stop()
};

}  // namespace cardmint::service
