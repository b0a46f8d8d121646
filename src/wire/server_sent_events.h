#pragma once
// Reading a text/event-stream on the client side: the service's tests, `cardmint bench stream`
// and anything else that consumes /recognize?stream=1. Frames arrive split anywhere across
// network reads, so the reader keeps what it has not yet seen the end of. Not thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace cardmint::wire {

struct ServerSentEvent {
  std::string name;  // "message" when the frame names none
  std::string data;  // the data lines joined with '\n'
};

class ServerSentEventReader {
 public:
  // The events completed by `bytes` (a blank line ends each), in order.
  std::vector<ServerSentEvent> feed(std::string_view bytes);

 private:
  std::string pending_;  // bytes of the frame not yet ended
};

}  // namespace cardmint::wire
