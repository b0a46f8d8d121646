#pragma once
// One named spdlog logger per folder ("vlm", "service", ...), created on first use.
// Thread-safe.

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>

namespace cardmint {

enum class LogFormat {
  kText,  // `2026-05-01 12:00:00.123 info [service] req=7f3a ...`: for a terminal
  kJson,  // one JSON object per line (json_log_formatter.h): for a log shipper
};

// Sets the global level ("debug", "info", "warn", ...) and the line format of every logger.
void configure_logging(const std::string& level, LogFormat format = LogFormat::kText);

// `value` as a `key=value` log word: as is when it has no space, quote, backslash or control
// character, else quoted and escaped, so the word stays one word for readers and for the JSON
// format's fields.
std::string log_field_value(std::string_view value);

// The folder's logger. Every line inside a request should carry `req=<id>`.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace cardmint
