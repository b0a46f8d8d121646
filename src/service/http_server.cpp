#include "service/http_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/log.h"
#include "metrics/text_writer.h"
#include "service/catalog_routes.h"
#include "service/collection_routes.h"
#include "service/error_response.h"
#include "service/json_exchange.h"
#include "service/model_loader.h"
#include "service/price_route.h"
#include "service/rate_limiter.h"
#include "service/recognize_route.h"
#include "service/request_id.h"
#include "service/service_metrics.h"
#include "service/session_routes.h"
#include "service/stats_body.h"
#include "service/stats_history.h"
#include "service/web_page_routes.h"

namespace cardmint::service {
namespace {

using Clock = std::chrono::steady_clock;

// Extra threads httplib may start beyond options.threads during a burst; they exit when idle.
// Every /recognize holds a thread while it waits for the model, so without them a full model
// queue would leave /health waiting behind it.
constexpr std::size_t kBurstThreads = 64;

// What the log line needs about one request, kept in httplib's per-response user data: httplib
// runs the pre-routing handler, the route, the error handler and the logger for one request on
// the same HTTP thread and the same Response.
struct RequestContext {
  std::string id;
  Clock::time_point start = Clock::now();
  std::string source;  // which model answered, for /recognize
  std::shared_ptr<ServiceMetrics::Request> metrics = nullptr;  // in flight until answered
  bool access_checked = false;  // check_access() has let it through (at "Expect: 100-continue")
};
constexpr const char* kContextKey = "cardmint.request";

// The request's context; created here for requests httplib rejected before routing (a malformed
// request line), which never reached the pre-routing handler.
RequestContext& context_of(const httplib::Request& req, httplib::Response& res) {
  if (RequestContext* ctx = res.user_data.get<RequestContext>(kContextKey)) return *ctx;
  res.user_data.set(
      kContextKey,
      RequestContext{request_id_for(req.get_header_value("X-Request-Id")), Clock::now(), ""});
  RequestContext& ctx = *res.user_data.get<RequestContext>(kContextKey);
  res.set_header("X-Request-Id", ctx.id);
  return ctx;
}

// Runs a route so that nothing escapes it: an exception becomes a 500 with a JSON body. httplib's
// exception handler would catch it too, but here the request id and the reason stay together.
template <typename Route>
httplib::Server::Handler guarded(Route route) {
  return [route = std::move(route)](const httplib::Request& req, httplib::Response& res) {
    RequestContext& ctx = context_of(req, res);
    try {
      route(req, res, ctx);
    } catch (const std::exception& e) {
      res.body.clear();
      write_error(res, Status::internal(fmt::format("unexpected error: {}", e.what())), ctx.id);
    } catch (...) {
      res.body.clear();
      write_error(res, Status::internal("unexpected error"), ctx.id);
    }
  };
}

void log_request(const httplib::Request& req, const httplib::Response& res) {
  const RequestContext* ctx = res.user_data.get<RequestContext>(kContextKey);
  const double ms =
      ctx ? std::chrono::duration<double, std::milli>(Clock::now() - ctx->start).count() : 0.0;
  const std::string_view id = ctx ? std::string_view(ctx->id) : std::string_view("-");
  const std::string source = ctx && !ctx->source.empty() ? ctx->source : "-";
  // Probes arrive every few seconds; at info they would drown the requests that matter.
  const bool probe = req.path == "/health" || req.path == "/ready";
  logger("service")->log(probe ? spdlog::level::debug : spdlog::level::info,
                         "req={} method={} path={} status={} source={} ms={:.1f}", id, req.method,
                         log_field_value(req.path), res.status, source, ms);
  if (ctx && ctx->metrics) {
    // A stream's events are still to come; its request ends when httplib drops the response.
    const bool streamed = res.get_header_value("Content-Type").starts_with("text/event-stream");
    ctx->metrics->answered(req.method, req.matched_route, res.status, streamed);
  }
}

// The checks every request passes before a route sees it. Shared by the pre-routing handler on
// httplib's threads: the policies are immutable and the limiter locks itself.
struct AccessGate {
  AccessPolicy access;
  CorsPolicy cors;
  std::unique_ptr<RateLimiter> limiter;  // null: no rate limit
  bool trust_forwarded_for = false;
};

// Every X-Forwarded-For line as one list: a proxy may add its own line rather than extend the
// client's, and the last address is the one that counts (client_address).
std::string forwarded_for(const httplib::Request& req) {
  std::string all;
  const auto [first, last] = req.headers.equal_range("X-Forwarded-For");
  for (auto it = first; it != last; ++it) all += all.empty() ? it->second : "," + it->second;
  return all;
}

// Answers the request itself (Handled) when it may go no further: a CORS preflight, a client over
// its rate, a missing or wrong key. Otherwise adds the CORS headers its origin gets and lets it
// through. The presented key goes no further than key_index(): nothing here logs a header.
httplib::Server::HandlerResponse check_access(const AccessGate& gate, const httplib::Request& req,
                                              httplib::Response& res, std::string_view request_id) {
  using HandlerResponse = httplib::Server::HandlerResponse;
  const std::string origin = req.get_header_value("Origin");
  const CorsAnswer cors =
      gate.cors.answer({req.method, origin, req.get_header_value("Access-Control-Request-Method")});
  for (const auto& [name, value] : cors.headers) res.set_header(name, value);
  if (cors.action == CorsAnswer::Action::kAnswerPreflight) {
    res.status = 204;
    return HandlerResponse::Handled;
  }
  if (cors.action == CorsAnswer::Action::kRefusePreflight) {
    write_error(res,
                Status::permission_denied(
                    fmt::format("origin {} may not call this service", log_field_value(origin))),
                request_id);
    return HandlerResponse::Handled;
  }

  const Access access = access_for(req.method, req.path);
  const std::string authorization = req.get_header_value("Authorization");
  const std::string x_api_key = req.get_header_value("X-API-Key");
  const std::string_view presented = presented_key(authorization, x_api_key);
  const std::optional<std::size_t> key = gate.access.key_index(presented);

  // Before the key check, so that guessing keys spends the guesser's own (address) budget.
  if (gate.limiter && access == Access::kWrite) {
    const std::string client =
        key ? fmt::format("key {}", *key)
            : "address " +
                  client_address(req.remote_addr, forwarded_for(req), gate.trust_forwarded_for);
    const RateLimiter::Decision decision = gate.limiter->admit(client, Clock::now());
    if (!decision.allowed) {
      write_error(res,
                  Status::rate_limited(fmt::format("too many requests from this client; retry in "
                                                   "{} s",
                                                   decision.retry_after_s)),
                  request_id);
      res.set_header("Retry-After", std::to_string(decision.retry_after_s));
      return HandlerResponse::Handled;
    }
  }

  if (gate.access.needs_key(access) && !key) {
    write_error(
        res,
        Status::unauthenticated(
            presented.empty()
                ? "this request needs an API key: Authorization: Bearer KEY or X-API-Key: KEY"
                : "the API key is not one of this service's"),
        request_id);
    res.set_header("WWW-Authenticate", "Bearer");
    return HandlerResponse::Handled;
  }
  return HandlerResponse::Unhandled;
}

using CollectionHandler = void (*)(const httplib::Request&, httplib::Response&,
                                   const CollectionRoutes&, std::string_view);

void register_collection_routes(httplib::Server& server, CollectionRoutes routes) {
  const auto route = [routes](CollectionHandler handler) {
    return guarded([routes, handler](const httplib::Request& req, httplib::Response& res,
                                     RequestContext& ctx) {
      if (routes.collection == nullptr) {
        return write_error(res, Status::unavailable("no collection is open"), ctx.id);
      }
      handler(req, res, routes, ctx.id);
    });
  };
  server.Get("/collection", route(handle_list_collection));
  server.Post("/collection/items", route(handle_add_to_collection));
  server.Patch("/collection/items/:id", route(handle_update_entry));
  server.Delete("/collection/items/:id", route(handle_remove_entry));
  server.Post("/collection/undo", route(handle_undo));
  server.Get("/collection/sessions/:id/events", route(handle_session_events));
  server.Get("/collection/export", route(handle_export));
  server.Post("/collection/import", route(handle_import));
}

void register_routes(httplib::Server& server, ServiceMetrics& metrics,
                     std::chrono::milliseconds request_timeout, const ModelLoader& models,
                     RecognizeRouteOptions recognize_options, collection::Collection* collection,
                     const StatsHistory* history, int max_json_depth) {
  recognize_options.timeout = request_timeout;
  recognize_options.on_recognized = [&metrics](const recognize::Recognition& r) {
    metrics.observe_recognition(r);
  };

  server.Get("/metrics",
             guarded([&metrics](const httplib::Request&, httplib::Response& res, RequestContext&) {
               res.status = 200;
               res.set_content(metrics.prometheus_text(),
                               std::string(cardmint::metrics::kTextContentType));
             }));

  server.Get("/health",
             guarded([](const httplib::Request&, httplib::Response& res, RequestContext&) {
               write_json(res, 200, {{"status", "ok"}});
             }));

  server.Get("/ready",
             guarded([&models](const httplib::Request&, httplib::Response& res, RequestContext&) {
               const ModelPhase phase = models.phase();
               write_json(res, phase == ModelPhase::kReady ? 200 : 503,
                          {{"status", model_phase_name(phase)}});
             }));

  // What the cache holds and how it has answered; /metrics gives the same as counters.
  server.Get("/stats", guarded([&models, &metrics](const httplib::Request&, httplib::Response& res,
                                                   RequestContext&) {
               write_json(res, 200, stats_body(models, metrics));
             }));
  // The dashboard's charts: /stats sampled every STATS_HISTORY_INTERVAL_MS.
  server.Get("/stats/history", guarded([history](const httplib::Request&, httplib::Response& res,
                                                 RequestContext& ctx) {
               if (history == nullptr) {
                 return write_error(res, Status::unavailable("no stats history is kept"), ctx.id);
               }
               write_json(res, 200, history->to_json());
             }));

  server.Get("/catalog/search", guarded([&models](const httplib::Request& req,
                                                  httplib::Response& res, RequestContext& ctx) {
               handle_catalog_search(req, res, models, ctx.id);
             }));
  server.Get("/catalog/cards/:id", guarded([&models](const httplib::Request& req,
                                                     httplib::Response& res, RequestContext& ctx) {
               handle_catalog_card(req, res, models, ctx.id);
             }));
  register_collection_routes(server, {collection, &models, max_json_depth});

  server.Get("/sessions/:id", guarded([&models](const httplib::Request& req, httplib::Response& res,
                                                RequestContext& ctx) {
               handle_get_session(req, res, models, ctx.id);
             }));
  const httplib::Server::Handler put_session =
      guarded([&models, max_json_depth](const httplib::Request& req, httplib::Response& res,
                                        RequestContext& ctx) {
        handle_put_session(req, res, models, max_json_depth, ctx.id);
      });
  server.Put("/sessions/:id", put_session);
  server.Post("/sessions/:id", put_session);

  server.Get("/prices/:card_id",
             guarded([pricing = recognize_options.pricing](
                         const httplib::Request& req, httplib::Response& res, RequestContext& ctx) {
               handle_get_price(req, res, pricing, ctx.id);
             }));

  server.Post("/recognize",
              guarded([&models, recognize_options](const httplib::Request& req,
                                                   httplib::Response& res, RequestContext& ctx) {
                handle_recognize(req, res, models, recognize_options, ctx.id, ctx.source);
              }));
}

void install_error_handling(httplib::Server& server, std::size_t max_upload_bytes,
                            ServiceMetrics& metrics, std::shared_ptr<const AccessGate> gate) {
  // Every response gets its request id before any route runs; then the request passes the gate
  // (check_access, the one place access is decided), which may answer it instead of the route.
  // It runs at the first of two hooks: before routing, or earlier, before a body is sent, when
  // the client asks "Expect: 100-continue" (httplib's client does for bodies over 1 KiB). There a
  // refusal is the final answer and the upload is never sent; answered after 100 Continue
  // instead, the client would be sending a body the server no longer reads.
  const auto admit = [&metrics, gate = std::move(gate)](const httplib::Request& req,
                                                        httplib::Response& res) {
    RequestContext& ctx = context_of(req, res);
    if (!ctx.metrics) ctx.metrics = metrics.begin_request();
    if (ctx.access_checked) return httplib::Server::HandlerResponse::Unhandled;
    ctx.access_checked = true;
    return check_access(*gate, req, res, ctx.id);
  };
  server.set_expect_100_continue_handler(
      [admit](const httplib::Request& req, httplib::Response& res) {
        return admit(req, res) == httplib::Server::HandlerResponse::Handled ? res.status : 100;
      });
  server.set_pre_routing_handler(admit);

  // httplib calls this for every status >= 400 it is about to send. Our routes have already
  // written a JSON body; the errors httplib made itself (413 over the body limit, 404 for an
  // unknown route, 400 for a malformed request) arrive with an empty one and get ours.
  server.set_error_handler([max_upload_bytes](const httplib::Request& req, httplib::Response& res) {
    try {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      RequestContext& ctx = context_of(req, res);
      std::string message;
      if (res.status == 413) {
        message = fmt::format("the request body is larger than {} bytes", max_upload_bytes);
      } else if (res.status == 404) {
        message = fmt::format("no route for {} {}", req.method, req.path);
      } else {
        message = httplib::status_message(res.status);
      }
      // The status stays what httplib chose (405, 414, 431, ...); the code names its class.
      const int status = res.status;
      res.set_content(error_body(status_code_for_http(status), message, ctx.id),
                      "application/json");
      res.status = status;
    } catch (...) {
      // This handler runs outside httplib's exception guard; a failure keeps httplib's reply.
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // A safety net: guarded() already catches what routes throw.
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, const std::exception_ptr&) {
        res.body.clear();
        write_error(res, Status::internal("unexpected error"), context_of(req, res).id);
      });

  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    try {
      log_request(req, res);
    } catch (...) {
      // Logging must never cost the client its answer.
    }
  });
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options,
                                                      const ModelLoader& models,
                                                      ServiceMetrics& metrics) {
  auto server = std::make_unique<httplib::Server>();
  server->set_payload_max_length(options.max_upload_bytes);
  // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let a second cardmintd bind the same
  // port silently and split the traffic.
  server->set_socket_options(
      [](socket_t sock) { httplib::set_socket_opt(sock, SOL_SOCKET, SO_REUSEADDR, 1); });
  const std::size_t threads = static_cast<std::size_t>(std::max(1, options.threads));
  server->new_task_queue = [threads] {
    // httplib takes ownership of the queue it is handed.
    return new httplib::ThreadPool(threads, threads + kBurstThreads);
  };
  auto gate = std::make_shared<AccessGate>();
  gate->access = options.access;
  gate->cors = options.cors;
  if (options.rate_limit_per_min > 0) {
    gate->limiter =
        std::make_unique<RateLimiter>(RateLimiterOptions{.per_minute = options.rate_limit_per_min});
  }
  gate->trust_forwarded_for = options.trust_forwarded_for;
  install_error_handling(*server, options.max_upload_bytes, metrics, std::move(gate));
  register_routes(*server, metrics, options.request_timeout, models,
                  {.stream_by_default = options.stream_by_default,
                   .pricing = options.pricing,
                   .streams = {.max = options.max_streams, .timeout = options.stream_timeout}},
                  options.collection, options.history, options.max_json_depth);
  if (!options.web_root.empty()) {
    if (Status s = register_web_page_routes(*server, options.web_root); !s.ok()) return s;
  }

  int port = options.port;
  if (port == 0) {
    port = server->bind_to_any_port(options.host);
  } else if (!server->bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    return Status::unavailable(fmt::format("cannot listen on {}:{}", options.host, options.port));
  }
  auto http = std::unique_ptr<HttpServer>(new HttpServer(std::move(server), port));
  http->accept_thread_ = std::jthread([s = http->server_.get()] { s->listen_after_bind(); });
  http->server_->wait_until_ready();
  if (!http->server_->is_running()) {
    return Status::unavailable(fmt::format("cannot listen on {}:{}", options.host, port));
  }
  return http;
}

HttpServer::HttpServer(std::unique_ptr<httplib::Server> server, int port)
    : server_(std::move(server)), port_(port) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  server_->stop();
  // listen_after_bind() returns once its thread pool has finished every accepted connection.
  if (accept_thread_.joinable()) accept_thread_.join();
}

}  // namespace cardmint::service
