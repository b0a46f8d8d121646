#include "client/recognize_stream_client.h"

#include <httplib.h>

#include <string_view>

#include "wire/server_sent_events.h"

namespace cardmint::client {

using Clock = std::chrono::steady_clock;

StreamReply post_recognize_stream(const StreamRequest& request) {
  httplib::Client client(request.host, request.port);
  client.set_read_timeout(request.timeout);
  client.set_write_timeout(request.timeout);
  const std::string boundary = "cardmint-stream-client";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"image\"; "
                           "filename=\"card.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" +
                           request.image + "\r\n--" + boundary + "--\r\n";
  httplib::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace(name, value);
  StreamReply reply;
  wire::ServerSentEventReader reader;
  const auto sent_at = Clock::now();
  auto since_sent = [&] {
    return std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count();
  };
  httplib::Result res = client.Post(
      request.path, headers, body, "multipart/form-data; boundary=" + boundary,
      [&](const char* data, std::size_t length) {
        reply.body.append(data, length);
        for (wire::ServerSentEvent& e : reader.feed(std::string_view(data, length))) {
          reply.events.push_back(
              {e.name, nlohmann::json::parse(e.data, nullptr, false), since_sent()});
        }
        return request.stop_after_events == 0 || reply.events.size() < request.stop_after_events;
      });
  reply.total_ms = since_sent();
  if (res) {
    reply.status = res->status;
    reply.content_type = res->get_header_value("Content-Type");
    reply.request_id = res->get_header_value("X-Request-Id");
  } else {
    reply.transport_error = httplib::to_string(res.error());
  }
  return reply;
}

}  // namespace cardmint::client
