#pragma once
// POST /recognize, on an HTTP thread: take the image out of the request (multipart field `image`,
// or a raw image/jpeg|png|webp body), hand the bytes to the Recognizer, and format the answer.
// The HTTP thread only parses and formats; decoding limits and the model queue live behind
// Recognizer::recognize(). Thread-safe: no state of its own.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "recognize/cascade_policy.h"
#include "recognize/recognition.h"
#include "service/scan_price.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace cardmint::service {

class ModelLoader;

// MAX_STREAMS: streamed answers open at once, across HTTP threads. A stream holds its HTTP
// thread until its last event (a late price may keep it up to ScanPrice's late_wait), so without
// a bound slow listeners could take every thread. One more is a 503 busy with Retry-After.
// STREAM_TIMEOUT_MS: the longest a stream stays open, from the upload to its last event (a late
// price included); when it runs out the stream ends with what it has. 0: no limit.
struct StreamLimit {
  int max = 64;
  std::chrono::milliseconds timeout{0};
  std::shared_ptr<std::atomic<int>> open = std::make_shared<std::atomic<int>>(0);
};

struct RecognizeRouteOptions {
  bool stream_by_default = false;  // PROGRESSIVE_MODE: stream unless the request says stream=0
  // REQUEST_TIMEOUT_MS: no answer by then is a 504 (streaming: a 504 before the first event, an
  // error event after it); the recognition goes on and is still cached. 0: no limit.
  std::chrono::milliseconds timeout{0};
  // Every finished recognition, also one whose request timed out; on a recognizer thread, so it
  // must be quick. May be empty.
  std::function<void(const recognize::Recognition&)> on_recognized = nullptr;
  ScanPriceOptions pricing;  // each answer's price, within a budget
  StreamLimit streams;
};

// What a request asks of the recognition besides its image.
struct RecognizeParams {
  std::optional<recognize::ScanMode> mode;  // ?mode= or X-Scan-Mode; nullopt: the default
  bool stream = false;     // ?stream=1, or Accept: text/event-stream, or the default
  std::string session_id;  // ?session= or X-Session-Id; empty: none
};

// Errors: invalid_input for an unknown mode, a stream value other than 1/0/true/false, or a
// session id session::check_session_id refuses.
[[nodiscard]] Result<RecognizeParams> recognize_params_of(const httplib::Request& req,
                                                          const RecognizeRouteOptions& options);

// Fills `res` with 200 and the recognition JSON (or, streaming, its server-sent events), or the
// JSON error of the first failure. `answered_by` gets the source that answered ("vlm-256m") for
// the request's log line; when streaming, it is set later, while the events are written on this
// HTTP thread, so it must live as long as the response. Never throws for a request's content; an
// exception here is a bug the caller turns into a 500.
void handle_recognize(const httplib::Request& req, httplib::Response& res,
                      const ModelLoader& models, const RecognizeRouteOptions& options,
                      std::string_view request_id, std::string& answered_by);

}  // namespace cardmint::service
