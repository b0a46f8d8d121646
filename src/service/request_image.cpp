#include "service/request_image.h"

#include <httplib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

namespace cardmint::service {
namespace {

// Raw bodies must say they are an image; the decoder still sniffs the bytes and never trusts it.
constexpr std::array<std::string_view, 3> kImageTypes = {"image/jpeg", "image/png", "image/webp"};

// "Image/JPEG; charset=x" → "image/jpeg".
std::string media_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) {
    type.remove_suffix(1);
  }
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front()))) {
    type.remove_prefix(1);
  }
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Result<std::span<const std::uint8_t>> image_bytes_of(const httplib::Request& req) {
  if (req.is_multipart_form_data()) {
    // A file part (`-F image=@card.jpg`) or a plain field holding the bytes: both are "image".
    const std::string* content = nullptr;
    if (auto file = req.form.files.find("image"); file != req.form.files.end()) {
      content = &file->second.content;
    } else if (auto field = req.form.fields.find("image"); field != req.form.fields.end()) {
      content = &field->second.content;
    }
    if (content == nullptr) return Status::invalid_input("multipart body has no 'image' field");
    if (content->empty()) return Status::invalid_input("the 'image' field is empty");
    return as_bytes(*content);
  }
  const std::string type = media_type(req.get_header_value("Content-Type"));
  if (std::find(kImageTypes.begin(), kImageTypes.end(), type) == kImageTypes.end()) {
    return Status::unsupported_media(
        "send multipart/form-data with an 'image' field, or an image/jpeg, image/png or "
        "image/webp body; got Content-Type '" +
        type + "'");
  }
  if (req.body.empty()) return Status::invalid_input("the request body is empty");
  return as_bytes(req.body);
}

}  // namespace cardmint::service
