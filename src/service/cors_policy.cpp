#include "service/cors_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace cardmint::service {
namespace {

constexpr const char* kAllowMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
// Every header the scan page or a client sends beyond the CORS-safelisted ones.
constexpr const char* kAllowHeaders =
    "Authorization, X-API-Key, Content-Type, X-Session-Id, X-Scan-Mode, X-Request-Id";
// What a page's script may read of an answer: the request id, and when to retry after a 429/503.
constexpr const char* kExposeHeaders = "X-Request-Id, Retry-After, WWW-Authenticate";
// Browsers cap it (Chromium at 2 h); 10 minutes spares most preflights and lets a changed list
// reach open pages soon.
constexpr const char* kMaxAgeS = "600";

// http(s)://host[:port] and nothing more: what a browser puts in Origin.
bool is_origin(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else if (text.starts_with("https://")) {
    rest = text.substr(8);
  } else {
    return false;
  }
  return !rest.empty() && std::none_of(rest.begin(), rest.end(), [](char c) {
    return c == '/' || c == '?' || c == '#' || c == '@' ||
           std::isspace(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

Status check_cors_origins(const std::vector<std::string>& origins) {
  if (origins.empty()) return Status::invalid_input("names no origin");
  for (const std::string& origin : origins) {
    if (origin != "*" && !is_origin(origin)) {
      return Status::invalid_input(
          fmt::format("'{}' is not an origin: scheme://host[:port] with no path, or *", origin));
    }
  }
  return {};
}

CorsPolicy::CorsPolicy(std::vector<std::string> origins)
    : origins_(std::move(origins)),
      any_(std::find(origins_.begin(), origins_.end(), "*") != origins_.end()) {}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

CorsAnswer CorsPolicy::answer(const CorsRequest& request) const {
  CorsAnswer answer;
  if (!enabled() || request.origin.empty()) return answer;  // not a cross-origin browser call
  const bool preflight = request.method == "OPTIONS" && !request.requested_method.empty();
  if (!allows(request.origin)) {
    if (preflight) answer.action = CorsAnswer::Action::kRefusePreflight;
    return answer;
  }
  answer.headers = {{"Access-Control-Allow-Origin", std::string(request.origin)},
                    {"Vary", "Origin"}};
  if (preflight) {
    answer.action = CorsAnswer::Action::kAnswerPreflight;
    answer.headers.emplace_back("Access-Control-Allow-Methods", kAllowMethods);
    answer.headers.emplace_back("Access-Control-Allow-Headers", kAllowHeaders);
    answer.headers.emplace_back("Access-Control-Max-Age", kMaxAgeS);
  } else {
    answer.headers.emplace_back("Access-Control-Expose-Headers", kExposeHeaders);
  }
  return answer;
}

}  // namespace cardmint::service
