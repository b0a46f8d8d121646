#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "base/json_log_formatter.h"

namespace cardmint {
namespace {
std::mutex g_mu;
}  // namespace

void configure_logging(const std::string& level, LogFormat format) {
  std::lock_guard lock(g_mu);
  spdlog::set_level(spdlog::level::from_str(level));
  // Loggers made later take a clone of the registry's formatter, so this covers them too.
  if (format == LogFormat::kJson) {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v");
  }
}

std::string log_field_value(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  return plain ? std::string(value) : json_quote(value);
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  std::lock_guard lock(g_mu);
  if (auto existing = spdlog::get(name)) return existing;
  // stderr: stdout belongs to the CLI's JSON output.
  auto created = spdlog::stderr_color_mt(name);
  return created;
}

}  // namespace cardmint
