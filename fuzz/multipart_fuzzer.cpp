// Feeds POST /recognize's upload parsing: cpp-httplib's request reader and multipart/form-data
// parser (compiled and instrumented here, with the service's CPPHTTPLIB_* settings), then
// service::image_bytes_of on the parsed request. The input is the request's header lines, a blank
// line, and its body; the harness writes the request line, and a Content-Length that fits the
// body unless the headers give one or a Transfer-Encoding themselves, so most inputs reach the
// body parser instead of stopping at a length mismatch.
// Beyond "does not crash", checks that image_bytes_of either refuses with unsupported_media or
// invalid_input, or returns non-empty bytes that are the request's own: the content of its
// "image" part (file part first), or for a raw image upload the whole body.

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "fuzz_check.h"
#include "service/request_image.h"

namespace {

using cardmint::StatusCode;

// The request as a socket would deliver it, and nowhere to write the answer to.
class InputStream final : public httplib::Stream {
 public:
  explicit InputStream(std::string_view input) : input_(input) {}

  bool is_readable() const override { return position_ < input_.size(); }
  bool wait_readable() const override { return true; }
  bool wait_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, input_.size() - position_);
    std::memcpy(ptr, input_.data() + position_, n);
    position_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 50000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  time_t duration() const override { return 0; }

 private:
  std::string_view input_;
  std::size_t position_ = 0;
};

bool points_into(std::span<const std::uint8_t> bytes, const std::string& s) {
  return bytes.data() == reinterpret_cast<const std::uint8_t*>(s.data()) &&
         bytes.size() == s.size();
}

void check_image_bytes(const httplib::Request& req) {
  const cardmint::Result<std::span<const std::uint8_t>> bytes =
      cardmint::service::image_bytes_of(req);
  if (!bytes.ok()) {
    FUZZ_CHECK(bytes.status().code() == StatusCode::kUnsupportedMedia ||
               bytes.status().code() == StatusCode::kInvalidInput);
    return;
  }
  FUZZ_CHECK(!bytes->empty());
  if (!req.is_multipart_form_data()) {
    FUZZ_CHECK(points_into(*bytes, req.body));
    return;
  }
  if (auto file = req.form.files.find("image"); file != req.form.files.end()) {
    FUZZ_CHECK(points_into(*bytes, file->second.content));
    return;
  }
  auto field = req.form.fields.find("image");
  FUZZ_CHECK(field != req.form.fields.end());
  FUZZ_CHECK(points_into(*bytes, field->second.content));
}

// The route as the service registers it, with the service's upload limit scaled to the inputs.
class RecognizeServer final : public httplib::Server {
 public:
  RecognizeServer() {
    set_payload_max_length(1 << 20);
    Post("/recognize", [](const httplib::Request& req, httplib::Response& res) {
      check_image_bytes(req);
      res.status = 204;
    });
  }

  void serve(std::string_view request) {
    InputStream stream(request);
    bool connection_closed = false;
    process_request(stream, "127.0.0.1", 50000, "127.0.0.1", 8080, /*close_connection=*/true,
                    connection_closed, nullptr);
  }
};

bool mentions(std::string_view headers, std::string_view name) {
  for (std::size_t at = 0; at + name.size() <= headers.size(); ++at) {
    bool same = true;
    for (std::size_t k = 0; k < name.size() && same; ++k) {
      same = std::tolower(static_cast<unsigned char>(headers[at + k])) == name[k];
    }
    if (same) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static RecognizeServer server;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t blank = input.find("\r\n\r\n");
  const std::string_view headers = input.substr(0, blank);
  const std::string_view body =
      blank == std::string_view::npos ? std::string_view() : input.substr(blank + 4);

  std::string request = "POST /recognize HTTP/1.1\r\n";
  request += headers;
  if (!headers.empty() && !headers.ends_with("\r\n")) request += "\r\n";
  if (!mentions(headers, "content-length") && !mentions(headers, "transfer-encoding")) {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  server.serve(request);
  return 0;
}
