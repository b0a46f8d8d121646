#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace cardmint {
namespace {
std::mutex g_mu;
}  // namespace

void configure_logging(const std::string& level) {
  std::lock_guard lock(g_mu);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v");
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  std::lock_guard lock(g_mu);
  if (auto existing = spdlog::get(name)) return existing;
  // stderr: stdout belongs to the CLI's JSON output.
  auto created = spdlog::stderr_color_mt(name);
  return created;
}

}  // namespace cardmint
