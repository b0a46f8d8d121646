#pragma once
// LOG_FORMAT=json: one JSON object per line, for log shippers (Loki, Elasticsearch) that would
// otherwise parse text with regexes:
//   {"time":"2026-05-01T12:00:00.123Z","level":"info","logger":"service","msg":"req=7f3a ...",
//    "req":"7f3a","status":200,"ms":12.5}
// The message's `key=value` words (the house style for request lines: `req=<id> status=200`)
// become fields too; a value with spaces is written `key="..."` (log_field_value). Values that
// read as plain decimal numbers become JSON numbers, except `req`, which is an id and stays a
// string. Stateless, so safe on every logger's thread.

#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace cardmint {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace cardmint
