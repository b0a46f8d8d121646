#include "service/json_exchange.h"

#include <fmt/format.h>
#include <httplib.h>

namespace cardmint::service {

Result<nlohmann::json> json_object_body(const httplib::Request& req, std::string_view what) {
  if (req.get_header_value("Content-Type").find("application/json") == std::string::npos) {
    return Status::unsupported_media(fmt::format("send {} as JSON (application/json)", what));
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
