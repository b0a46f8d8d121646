#include "service/json_exchange.h"

#include <fmt/format.h>
#include <httplib.h>

#include "base/json_nesting.h"

namespace cardmint::service {

Result<nlohmann::json> json_object_body(const httplib::Request& req, std::string_view what,
                                        int max_depth) {
  if (req.get_header_value("Content-Type").find("application/json") == std::string::npos) {
    return Status::unsupported_media(fmt::format("send {} as JSON (application/json)", what));
  }
  if (const int depth = json_nesting_depth(req.body); depth > max_depth) {
    return Status::invalid_input(fmt::format(
        "{}: the JSON nests {} deep, over the MAX_JSON_DEPTH limit of {}", what, depth, max_depth));
  }
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return Status::invalid_input(fmt::format("{}: the body is not a JSON object", what));
  }
  return body;
}

void write_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

}  // namespace cardmint::service
