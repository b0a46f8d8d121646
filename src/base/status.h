#pragma once
// Errors as values at module boundaries (LevelDB's Status, Abseil's StatusOr).
// Thread-compatible: a Status or Result is a value; copy it freely.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cardmint {

enum class StatusCode {
  kOk,
  kInvalidInput,      // the caller sent something malformed → 400
  kUnauthenticated,   // no API key, or not one of the configured ones → 401
  kPermissionDenied,  // known to the service, refused anyway (a CORS origin not listed) → 403
  kNotFound,          // → 404
  kTooLarge,          // byte or pixel limits → 413
  kUnsupportedMedia,  // → 415
  kUnprocessable,     // well-formed request, content we cannot use (truncated image) → 422
  kRateLimited,       // this client spent its requests for now → 429 + Retry-After
  kBusy,              // bounded queue full; retry later → 503 + Retry-After
  kUnavailable,       // not ready, draining, model missing → 503
  kDeadlineExceeded,  // the answer took longer than the request may wait → 504
  kInternal,          // a bug or a library failure → 500
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK; cheap

  static Status ok_status() { return {}; }
  static Status invalid_input(std::string msg) {
    return {StatusCode::kInvalidInput, std::move(msg)};
  }
  static Status unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status permission_denied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status rate_limited(std::string msg) { return {StatusCode::kRateLimited, std::move(msg)}; }
  static Status not_found(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status too_large(std::string msg) { return {StatusCode::kTooLarge, std::move(msg)}; }
  static Status unsupported_media(std::string msg) {
    return {StatusCode::kUnsupportedMedia, std::move(msg)};
  }
  static Status unprocessable(std::string msg) {
    return {StatusCode::kUnprocessable, std::move(msg)};
  }
  static Status busy(std::string msg) { return {StatusCode::kBusy, std::move(msg)}; }
  static Status unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status deadline_exceeded(std::string msg) {
    return {StatusCode::kDeadlineExceeded, std::move(msg)};
  }
  static Status internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Short stable name of a code ("invalid_input"), used in JSON error bodies and logs.
std::string_view status_code_name(StatusCode code);

// Holds a T or a non-OK Status. REQUIRES: never constructed from an OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design, like StatusOr
  Result(Status status) : status_(std::move(status)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace cardmint
