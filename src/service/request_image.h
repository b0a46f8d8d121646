#pragma once
// The uploaded image of a /recognize request: a multipart `image` field or a raw image body. Kept
// apart from the route so the multipart fuzz target links this and cpp-httplib alone.
// Thread-safe: a pure function.

#include <cstdint>
#include <span>

#include "base/status.h"

namespace httplib {
struct Request;
}  // namespace httplib

namespace cardmint::service {

// The image bytes of a request, borrowed from `req`. Errors: unsupported_media when the body is
// neither multipart/form-data nor an image content type; invalid_input when there is no `image`
// field or the body is empty.
[[nodiscard]] Result<std::span<const std::uint8_t>> image_bytes_of(const httplib::Request& req);

}  // namespace cardmint::service
