#include "service/error_response.h"

#include <httplib.h>

#include <array>
#include <nlohmann/json.hpp>

namespace cardmint::service {
namespace {

struct Row {
  StatusCode code;
  HttpStatus http;
};

// The only place a StatusCode becomes an HTTP status.
constexpr std::array<Row, 12> kTable = {{
    {StatusCode::kInvalidInput, {400, std::nullopt}},
    {StatusCode::kUnauthenticated, {401, std::nullopt}},
    {StatusCode::kPermissionDenied, {403, std::nullopt}},
    {StatusCode::kNotFound, {404, std::nullopt}},
    {StatusCode::kTooLarge, {413, std::nullopt}},
    {StatusCode::kUnsupportedMedia, {415, std::nullopt}},
    {StatusCode::kUnprocessable, {422, std::nullopt}},
    // Retry-After depends on the client's bucket; the limiter's caller sets it.
    {StatusCode::kRateLimited, {429, std::nullopt}},
    {StatusCode::kBusy, {503, 1}},
    {StatusCode::kUnavailable, {503, std::nullopt}},
    {StatusCode::kDeadlineExceeded, {504, std::nullopt}},
    {StatusCode::kInternal, {500, std::nullopt}},
}};

}  // namespace

HttpStatus http_status_for(StatusCode code) {
  for (const Row& row : kTable) {
    if (row.code == code) return row.http;
  }
  return {500, std::nullopt};  // kOk is not an error; answering 500 makes that bug visible
}

StatusCode status_code_for_http(int http_status) {
  // Busy and unavailable share 503; a library 503 means "cannot serve", not "queue full".
  if (http_status == 503) return StatusCode::kUnavailable;
  for (const Row& row : kTable) {
    if (row.http.code == http_status) return row.code;
  }
  return http_status >= 400 && http_status < 500 ? StatusCode::kInvalidInput
                                                 : StatusCode::kInternal;
}

std::string error_body(const Status& status, std::string_view request_id) {
  return error_body(status.code(), status.message(), request_id);
}

std::string error_body(StatusCode code, std::string_view message, std::string_view request_id) {
  const nlohmann::json body = {
      {"error", {{"code", status_code_name(code)}, {"message", message}}},
      {"request_id", request_id},
  };
  // Messages can quote client input; replace invalid UTF-8 rather than throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_error(httplib::Response& res, const Status& status, std::string_view request_id) {
  const HttpStatus http = http_status_for(status.code());
  res.status = http.code;
  if (http.retry_after_s) res.set_header("Retry-After", std::to_string(*http.retry_after_s));
  res.set_content(error_body(status, request_id), "application/json");
}

}  // namespace cardmint::service
