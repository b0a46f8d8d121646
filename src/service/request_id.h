#pragma once
// Request ids: every response carries X-Request-Id and every log line of a request `req=<id>`.
// Thread-safe.

#include <string>
#include <string_view>

namespace cardmint::service {

// A fresh 16-hex-digit random id.
std::string new_request_id();

// True for 1..64 characters of [A-Za-z0-9_-]: safe to echo into headers, JSON and logs.
bool is_sane_request_id(std::string_view id);

// The caller's id when it is sane (so a proxy's id follows the request), else a fresh one.
std::string request_id_for(std::string_view incoming);

}  // namespace cardmint::service
