#pragma once
// JSON in and out of a route: a request body that must be a JSON object, and a JSON response.
// Thread-safe: pure functions.

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace cardmint::service {

// The body as a JSON object. unsupported_media (415) when the Content-Type is not JSON;
// invalid_input (400) when it nests deeper than `max_depth` (MAX_JSON_DEPTH, checked before it is
// parsed) or is not a JSON object. `what` names it in the message ("the card to add").
[[nodiscard]] Result<nlohmann::json> json_object_body(const httplib::Request& req,
                                                      std::string_view what, int max_depth);

// `status` with `body` as application/json. Text that is not UTF-8 is replaced, never thrown on.
void write_json(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace cardmint::service
