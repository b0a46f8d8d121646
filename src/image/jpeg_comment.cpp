#include "image/jpeg_comment.h"

namespace cardmint::image {

Result<std::string> with_jpeg_comment(std::string_view jpeg, std::string_view text) {
  if (jpeg.size() < 2 || jpeg[0] != '\xFF' || jpeg[1] != '\xD8')
    return Status::invalid_input("not a JPEG: no start-of-image marker");
  const std::size_t length = text.size() + 2;
  if (length > 0xFFFF) return Status::invalid_input("a JPEG comment holds at most 65,533 bytes");
  std::string out;
  out.reserve(jpeg.size() + length + 2);
  out.append(jpeg.substr(0, 2));
  out += {'\xFF', '\xFE', static_cast<char>(length >> 8), static_cast<char>(length & 0xFF)};
  out += text;
  out.append(jpeg.substr(2));
  return out;
}

}  // namespace cardmint::image
