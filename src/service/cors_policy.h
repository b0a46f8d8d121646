#pragma once
// Which web pages on other origins may call the service from a browser (CORS_ORIGINS). Off by
// default: no CORS header is ever sent, and an OPTIONS request meets httplib's 404 like any
// unrouted request. On: a preflight from a listed origin is answered here (204 with the allowed
// methods and headers), one from any other origin is refused (403), and responses to a listed
// origin carry Access-Control-Allow-Origin. The request's own origin is echoed, also for "*", with
// Vary: Origin, so a cache never hands one origin's answer to another.
// Thread-safe: immutable after construction.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cardmint::service {

// OK when each entry is "*" or an exact origin, http(s)://host[:port] with nothing after it (a path
// or trailing slash never matches the Origin a browser sends); invalid_input naming the first
// that is not, or when there is none.
[[nodiscard]] Status check_cors_origins(const std::vector<std::string>& origins);

// What a request tells the policy.
struct CorsRequest {
  std::string_view method;
  std::string_view origin;            // the Origin header; empty when absent
  std::string_view requested_method;  // Access-Control-Request-Method; empty when absent
};

struct CorsAnswer {
  enum class Action {
    kPass,             // let the route answer, adding `headers` (none when off or not listed)
    kAnswerPreflight,  // answer 204 with `headers` now
    kRefusePreflight,  // answer 403 now, with no CORS header
  };
  Action action = Action::kPass;
  std::vector<std::pair<std::string, std::string>> headers;
};

class CorsPolicy {
 public:
  CorsPolicy() = default;  // off
  explicit CorsPolicy(std::vector<std::string> origins);

  bool enabled() const { return !origins_.empty(); }
  bool allows(std::string_view origin) const;
  CorsAnswer answer(const CorsRequest& request) const;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;  // "*" is among them
};

}  // namespace cardmint::service
