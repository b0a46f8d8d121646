#include "base/json_log_formatter.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <set>
#include <vector>

namespace cardmint {
namespace {

struct Field {
  std::string key;
  std::string value;
  bool quoted = false;  // written key="..." in the message: always a string
};

bool is_key_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?: what JSON and a reader both take as a number, and nothing that
// merely starts with digits ("0x1f", "007", "12ms").
bool is_plain_number(std::string_view v) {
  std::size_t i = 0;
  if (i < v.size() && v[i] == '-') ++i;
  if (i == v.size()) return false;
  if (v[i] == '0') {
    ++i;
  } else if (v[i] >= '1' && v[i] <= '9') {
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  } else {
    return false;
  }
  if (i < v.size() && v[i] == '.') {
    ++i;
    const std::size_t digits = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i == digits) return false;
  }
  return i == v.size();
}

// The `key=value` and `key="quoted value"` words of a message, in order.
std::vector<Field> fields_of(std::string_view text) {
  std::vector<Field> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t word = i;
    std::size_t k = i;
    while (k < text.size() && is_key_char(text[k], k == word)) ++k;
    if (k > word && k < text.size() && text[k] == '=') {
      Field f{std::string(text.substr(word, k - word)), "", false};
      i = k + 1;
      if (i < text.size() && text[i] == '"') {
        f.quoted = true;
        for (++i; i < text.size() && text[i] != '"'; ++i) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          f.value += text[i];
        }
        if (i < text.size()) ++i;  // the closing quote
      } else {
        while (i < text.size() && text[i] != ' ') f.value += text[i++];
      }
      fields.push_back(std::move(f));
    }
    while (i < text.size() && text[i] != ' ') ++i;  // the rest of a word that is no field
  }
  return fields;
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const std::string_view text(msg.payload.data(), msg.payload.size());
  const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()) % 1000;
  std::string line = fmt::format(
      "{{\"time\":\"{:%Y-%m-%dT%H:%M:%S}.{:03d}Z\",\"level\":{},\"logger\":{},\"msg\":{}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(msg.time)), static_cast<int>(ms.count()),
      json_quote(std::string_view(level.data(), level.size())),
      json_quote(std::string_view(msg.logger_name.data(), msg.logger_name.size())),
      json_quote(text));
  std::set<std::string> seen = {"time", "level", "logger", "msg"};
  for (const Field& f : fields_of(text)) {
    if (!seen.insert(f.key).second) continue;  // the first of a repeated key wins
    const bool number = !f.quoted && f.key != "req" && is_plain_number(f.value);
    line += fmt::format(",{}:{}", json_quote(f.key), number ? f.value : json_quote(f.value));
  }
  line += "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace cardmint
