#include "base/status.h"

namespace cardmint {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidInput:
      return "invalid_input";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kRateLimited:
      return "rate_limited";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kTooLarge:
      return "too_large";
    case StatusCode::kUnsupportedMedia:
      return "unsupported_media";
    case StatusCode::kUnprocessable:
      return "unprocessable";
    case StatusCode::kBusy:
      return "busy";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(status_code_name(code_)) + ": " + message_;
}

}  // namespace cardmint
