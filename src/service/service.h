#pragma once
// cardmintd's lifecycle, start to exit:
//   listen (so /health answers at once) → print "cardmintd listening on HOST:PORT" on stdout →
//   load the models on a background thread (/ready says "loading", then "ready") → wait for
//   SIGTERM/SIGINT → /ready says "draining" → stop accepting and finish the requests in flight →
//   finish the model queue → return.

#include "base/status.h"
#include "service/service_config.h"

namespace cardmint::service {

// Runs the service until a shutdown signal. OK after a clean drain. Errors: unavailable when the
// address cannot be bound or the models fail to load (the service exits rather than stay unready
// forever, so a supervisor restarts it and the failure is visible).
// REQUIRES: block_shutdown_signals() ran in main() before any thread started.
[[nodiscard]] Status run_service(const ServiceConfig& config);

}  // namespace cardmint::service
