#pragma once
// One named spdlog logger per folder ("vlm", "service", ...), created on first use.
// Thread-safe.

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace cardmint {

// Sets the global level ("debug", "info", "warn", ...).
void configure_logging(const std::string& level);

// The folder's logger. Every line inside a request should carry `req=<id>`.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace cardmint
