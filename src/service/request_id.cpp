#include "service/request_id.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>

namespace cardmint::service {

std::string new_request_id() {
  // One generator per thread: no lock on the request path. Ids only need to be unlikely to
  // collide within a log, not unpredictable.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:016x}", static_cast<std::uint64_t>(generator()));
}

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

std::string request_id_for(std::string_view incoming) {
  if (is_sane_request_id(incoming)) return std::string(incoming);
  return new_request_id();
}

}  // namespace cardmint::service
