#pragma once
// The one table from StatusCode to HTTP, and the JSON error body every failed request gets:
//   {"error": {"code": "too_large", "message": "..."}, "request_id": "..."}
// Thread-safe: pure functions over constant data.

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace httplib {
struct Response;
}  // namespace httplib

namespace cardmint::service {

struct HttpStatus {
  int code = 500;
  std::optional<int> retry_after_s;  // set for busy: the queue drains within about a second
};

// REQUIRES: code != kOk.
HttpStatus http_status_for(StatusCode code);

// The reverse, for errors that httplib produced itself (413 body limit, 404 route, 400 framing):
// the table's code for that HTTP status, else invalid_input for a 4xx and internal otherwise.
StatusCode status_code_for_http(int http_status);

// {"error":{"code","message"},"request_id"} as text.
std::string error_body(const Status& status, std::string_view request_id);
std::string error_body(StatusCode code, std::string_view message, std::string_view request_id);

// Fills `res` from the table: status, Retry-After when due, and the JSON body.
void write_error(httplib::Response& res, const Status& status, std::string_view request_id);

}  // namespace cardmint::service
