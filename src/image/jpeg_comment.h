#pragma once
// A JPEG with a comment segment added: the same pixels in other bytes. Benchmarks and tests use
// it to make an upload whose digest the cache has never seen while its picture is one it has.
// Thread-safe: a free function with no shared state.

#include <string>
#include <string_view>

#include "base/status.h"

namespace cardmint::image {

// `jpeg` with a COM segment (FF FE, a big-endian length that counts itself, then `text`) right
// after its start-of-image marker. Errors: invalid_input when `jpeg` does not start with FF D8
// or `text` is longer than a segment holds (65,533 bytes).
[[nodiscard]] Result<std::string> with_jpeg_comment(std::string_view jpeg, std::string_view text);

}  // namespace cardmint::image
