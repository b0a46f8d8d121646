#pragma once
// The client side of POST /recognize?stream=1: uploads an image and collects the server-sent
// events as they arrive, each with the time it arrived. Used by `cardmint bench stream` and the
// service tests, so both read the stream the same way. Thread-compatible: one call per thread.

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cardmint::client {

struct ReceivedEvent {
  std::string name;     // "detected", "quick", "identified", "complete", "price", "error"
  nlohmann::json data;  // discarded (is_discarded()) when it was not JSON
  double at_ms = 0;     // since the request was sent
};

struct StreamReply {
  int status = 0;               // 0: no answer (see transport_error)
  std::string transport_error;  // httplib's reason when status is 0
  std::string content_type;
  std::string request_id;  // the X-Request-Id header
  std::string body;        // everything received, events or a JSON error
  std::vector<ReceivedEvent> events;
  double total_ms = 0;  // request sent to the last byte read
};

struct StreamRequest {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/recognize?stream=1";
  std::string image;  // the file's bytes, sent as the multipart field "image"
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t stop_after_events = 0;  // > 0: hang up after that many events
  std::chrono::seconds timeout{120};
};

StreamReply post_recognize_stream(const StreamRequest& request);

}  // namespace cardmint::client
