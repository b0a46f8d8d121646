// cardmintd: parse the configuration, set up logging, run the service (service/service.h).

#include <fmt/format.h>

#include <cstdio>

#include "base/log.h"
#include "service/service.h"
#include "service/service_config.h"
#include "service/shutdown_signal.h"

int main(int argc, char** argv) {
  using namespace cardmint;
  // First, before any thread exists, so every thread inherits the mask (see shutdown_signal.h).
  if (Status blocked = service::block_shutdown_signals(); !blocked.ok()) {
    fmt::print(stderr, "cardmintd: {}\n", blocked.to_string());
    return 1;
  }
  Result<service::ServiceConfig> config =
      service::parse_service_config(argc, argv, service::process_env);
  if (!config.ok()) {
    fmt::print(stderr, "cardmintd: {}\nRun with --help for the options.\n",
               config.status().message());
    return 2;
  }
  if (config->help_requested) {
    fmt::print("{}", service::service_help());
    return 0;
  }
  configure_logging(config->log_level,
                    config->log_format == "json" ? LogFormat::kJson : LogFormat::kText);
  Status result = service::run_service(*config);
  if (!result.ok()) {
    logger("service")->error("exiting: {}", result.to_string());
    return 1;
  }
  logger("service")->info("stopped");
  return 0;
}
