#pragma once
// What answered a recognition, as the benchmarks tally it.

#include <nlohmann/json.hpp>
#include <string>

namespace cardmint::cli {

// "ocr", "vlm-256m", "cache/bytes", "cache/exact", ...: the answer's source, and for a cache
// answer how the cache matched. `recognition` is a /recognize answer or a stream's complete event;
// "?" stands for what it does not say.
inline std::string answered_by(const nlohmann::json& recognition) {
  if (!recognition.is_object()) return "?";
  std::string source = recognition.value("source", "?");
  if (const auto cache = recognition.find("cache");
      cache != recognition.end() && cache->is_object()) {
    source += "/" + cache->value("hit", "?");
  }
  return source;
}

}  // namespace cardmint::cli
