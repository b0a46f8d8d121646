#include "tests/service/service_client.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

httplib::Client client_for(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(120));
  client.set_write_timeout(std::chrono::seconds(10));
  return client;
}

}  // namespace

httplib::Result get(int port, const std::string& path) { return client_for(port).Get(path); }

httplib::Result post_multipart(int port, const std::string& bytes, const std::string& field,
                               const std::string& part_type, const httplib::Headers& headers) {
  const httplib::UploadFormDataItems items = {{field, bytes, "card.jpg", part_type}};
  return client_for(port).Post("/recognize", headers, items);
}

httplib::Result post_raw(int port, const std::string& body, const std::string& content_type,
                         const httplib::Headers& headers) {
  return client_for(port).Post("/recognize", headers, body, content_type);
}

::testing::AssertionResult is_json_error(const httplib::Result& res, int status,
                                         const std::string& code) {
  if (!res) {
    return ::testing::AssertionFailure() << "no response: " << httplib::to_string(res.error());
  }
  if (res->status != status) {
    return ::testing::AssertionFailure()
           << "status " << res->status << ", want " << status << "; body: " << res->body;
  }
  const nlohmann::json body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("error")) {
    return ::testing::AssertionFailure() << "not a JSON error body: " << res->body;
  }
  if (body["error"].value("code", "") != code) {
    return ::testing::AssertionFailure() << "code " << body["error"].value("code", "") << ", want "
                                         << code << "; body: " << res->body;
  }
  if (body["error"].value("message", "").empty()) {
    return ::testing::AssertionFailure() << "empty message: " << res->body;
  }
  const std::string header_id = res->get_header_value("X-Request-Id");
  if (header_id.empty() || body.value("request_id", "") != header_id) {
    return ::testing::AssertionFailure() << "request_id '" << body.value("request_id", "")
                                         << "' vs X-Request-Id '" << header_id << "'";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult still_serving(int port) {
  httplib::Result health = get(port, "/health");
  if (!health || health->status != 200) {
    return ::testing::AssertionFailure()
           << "/health: " << (health ? std::to_string(health->status) : "no response");
  }
  httplib::Result recognized = post_multipart(port, card_jpeg());
  if (!recognized || recognized->status != 200) {
    return ::testing::AssertionFailure()
           << "/recognize: "
           << (recognized ? std::to_string(recognized->status) + " " + recognized->body
                          : "no response");
  }
  return ::testing::AssertionSuccess();
}

}  // namespace cardmint::testing
