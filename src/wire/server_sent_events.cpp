#include "wire/server_sent_events.h"

namespace cardmint::wire {

std::vector<ServerSentEvent> ServerSentEventReader::feed(std::string_view bytes) {
  pending_.append(bytes);
  std::vector<ServerSentEvent> events;
  std::size_t frame_end;
  while ((frame_end = pending_.find("\n\n")) != std::string::npos) {
    const std::string_view frame(pending_.data(), frame_end);
    ServerSentEvent event;
    bool has_data = false;
    std::size_t line_start = 0;
    while (line_start <= frame.size()) {
      std::size_t line_end = frame.find('\n', line_start);
      if (line_end == std::string_view::npos) line_end = frame.size();
      std::string_view line = frame.substr(line_start, line_end - line_start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      const std::size_t colon = line.find(':');
      // A line starting with ':' is a comment (keep-alive); fields are "name: value".
      if (colon != 0 && !line.empty()) {
        const std::string_view field = line.substr(0, colon);
        std::string_view value =
            colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (field == "event") {
          event.name = value;
        } else if (field == "data") {
          if (has_data) event.data += '\n';
          event.data += value;
          has_data = true;
        }
      }
      line_start = line_end + 1;
    }
    if (has_data) {
      if (event.name.empty()) event.name = "message";
      events.push_back(std::move(event));
    }
    pending_.erase(0, frame_end + 2);
  }
  return events;
}

}  // namespace cardmint::wire
