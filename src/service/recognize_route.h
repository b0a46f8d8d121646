#pragma once
// POST /recognize, on an HTTP thread: take the image out of the request (multipart field `image`,
// or a raw image/jpeg|png|webp body), hand the bytes to the Recognizer, and format the answer.
// The HTTP thread only parses and formats; decoding limits and the model queue live behind
// Recognizer::recognize(). Thread-safe: no state of its own.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace cardmint::service {

class ModelLoader;

// The image bytes of a request, borrowed from `req`. Errors: unsupported_media when the body is
// neither multipart/form-data nor an image content type; invalid_input when there is no `image`
// field or the body is empty.
[[nodiscard]] Result<std::span<const std::uint8_t>> image_bytes_of(const httplib::Request& req);

// Fills `res` with 200 and the recognition JSON, or the JSON error of the first failure. Returns
// the source that answered ("vlm-256m"), or "" when none did, for the request's log line.
// Never throws for a request's content; an exception here is a bug the caller turns into a 500.
std::string handle_recognize(const httplib::Request& req, httplib::Response& res,
                             const ModelLoader& models, std::string_view request_id);

}  // namespace cardmint::service
