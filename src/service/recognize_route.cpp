#include "service/recognize_route.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>

#include "recognize/recognizer.h"
#include "service/error_response.h"
#include "service/model_loader.h"
#include "service/recognition_channel.h"
#include "service/request_image.h"
#include "session/scan_sessions.h"
#include "wire/progress_json.h"
#include "wire/recognition_json.h"

namespace cardmint::service {

Result<RecognizeParams> recognize_params_of(const httplib::Request& req,
                                            const RecognizeRouteOptions& options) {
  RecognizeParams params;
  std::string mode = req.get_param_value("mode");
  if (mode.empty()) mode = req.get_header_value("X-Scan-Mode");
  if (!mode.empty()) {
    params.mode = recognize::parse_scan_mode(mode);
    if (!params.mode) {
      return Status::invalid_input(
          fmt::format("mode '{}' is not one of bulk_inventory, standard, high_value", mode));
    }
  }
  params.stream = options.stream_by_default ||
                  req.get_header_value("Accept").find("text/event-stream") != std::string::npos;
  if (req.has_param("stream")) {
    const std::string stream = req.get_param_value("stream");
    if (stream == "1" || stream == "true") {
      params.stream = true;
    } else if (stream == "0" || stream == "false") {
      params.stream = false;
    } else {
      return Status::invalid_input(fmt::format("stream '{}' is not 1 or 0", stream));
    }
  }
  params.session_id = req.get_param_value("session");
  if (params.session_id.empty()) params.session_id = req.get_header_value("X-Session-Id");
  if (!params.session_id.empty()) {
    if (Status valid = session::check_session_id(params.session_id); !valid.ok()) return valid;
  }
  return params;
}

namespace {

std::string dump(const nlohmann::json& body) {
  // The model's text is untrusted and may hold invalid UTF-8: replace it rather than throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The complete answer: the recognition, with its price when it came within the budget.
nlohmann::json answer_json(const recognize::Recognition& r, std::string_view request_id,
                           ScanPrice& price, ScanPriceState& price_state) {
  nlohmann::json body = wire::recognition_to_json(r, std::string(request_id));
  price_state = ScanPriceState{};
  if (price.options().prices != nullptr) {
    price_state.status = "none";
    if (r.card) price_state = price.wait_budget(*r.card);
  }
  price_state.write_to(body);
  return body;
}

// The request's settings for the recognizer; an identified card starts its price quote at once.
recognize::RecognizeRequest recognize_request(const RecognizeParams& params,
                                              const std::shared_ptr<ScanPrice>& price) {
  recognize::RecognizeRequest request;
  request.mode = params.mode;
  request.session_id = params.session_id;
  if (price->options().prices != nullptr) {
    request.on_progress = [price](const recognize::ProgressEvent& event) {
      if (event.stage == recognize::ProgressStage::kIdentified && event.recognition.card) {
        price->ask(*event.recognition.card);
      }
    };
  }
  return request;
}

// REQUEST_TIMEOUT_MS ran out: the answer is not sent, the work goes on.
Status timeout_status(std::chrono::milliseconds timeout) {
  return Status::deadline_exceeded(fmt::format(
      "no answer within {} ms (REQUEST_TIMEOUT_MS); the recognition goes on, and the same "
      "upload sent again may be answered from the cache",
      timeout.count()));
}

std::optional<std::chrono::steady_clock::time_point> deadline_after(
    std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return std::nullopt;
  return std::chrono::steady_clock::now() + timeout;
}

// A stream's two clocks: REQUEST_TIMEOUT_MS to its complete event, STREAM_TIMEOUT_MS to its last.
struct StreamDeadlines {
  std::optional<std::chrono::steady_clock::time_point> answer;
  std::optional<std::chrono::steady_clock::time_point> stream;
  std::chrono::milliseconds answer_timeout{0};
  std::chrono::milliseconds stream_timeout{0};

  std::optional<std::chrono::steady_clock::time_point> earliest() const {
    if (!answer || !stream) return answer ? answer : stream;
    return std::min(*answer, *stream);
  }
  // Why a wait until earliest() came back empty.
  Status expired() const {
    if (stream && std::chrono::steady_clock::now() >= *stream) {
      return Status::deadline_exceeded(fmt::format(
          "the stream was open {} ms (STREAM_TIMEOUT_MS); the recognition goes on, and the same "
          "upload sent again may be answered from the cache",
          stream_timeout.count()));
    }
    return timeout_status(answer_timeout);
  }
};

// The answer, or deadline_exceeded once options.timeout has passed. Busy fails at once. A late
// answer still reaches the cache (the recognizer remembers it) and on_recognized.
Result<recognize::Recognition> recognize_within(recognize::Recognizer& recognizer,
                                                std::span<const std::uint8_t> image,
                                                recognize::RecognizeRequest request,
                                                const RecognizeRouteOptions& options) {
  // Shared with the recognizer's callback, which may run after this request has given up.
  auto answer = std::make_shared<std::promise<Result<recognize::Recognition>>>();
  std::future<Result<recognize::Recognition>> ready = answer->get_future();
  Status started = recognizer.start(
      std::vector<std::uint8_t>(image.begin(), image.end()), std::move(request),
      [answer, on_recognized = options.on_recognized](Result<recognize::Recognition> r) {
        if (r.ok() && on_recognized) on_recognized(*r);
        answer->set_value(std::move(r));
      });
  if (!started.ok()) return started;
  if (options.timeout.count() > 0 && ready.wait_for(options.timeout) != std::future_status::ready) {
    return timeout_status(options.timeout);
  }
  return ready.get();
}

// Streams the recognition as server-sent events: detected, quick, identified (each when known),
// then complete with the whole answer. Errors found before the first event (a truncated JPEG,
// a full queue) are plain JSON errors with their 4xx/5xx status, as without streaming; a failure
// after it is an `error` event.
// A place among the MAX_STREAMS open streams, given back when its last owner lets go (the
// response's content provider, as it writes the stream's last event, or when it is dropped).
class StreamSlot {
 public:
  explicit StreamSlot(std::shared_ptr<std::atomic<int>> open) : open_(std::move(open)) {}
  ~StreamSlot() { open_->fetch_sub(1); }
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;

 private:
  const std::shared_ptr<std::atomic<int>> open_;
};

// Null when all MAX_STREAMS places are taken.
std::shared_ptr<StreamSlot> take_stream_slot(const StreamLimit& limit) {
  if (limit.open->fetch_add(1) >= limit.max) {
    limit.open->fetch_sub(1);
    return nullptr;
  }
  return std::make_shared<StreamSlot>(limit.open);
}

void stream_recognition(recognize::Recognizer& recognizer, std::span<const std::uint8_t> image,
                        const RecognizeParams& params, httplib::Response& res,
                        std::string_view request_id, std::string& answered_by,
                        const RecognizeRouteOptions& route) {
  std::shared_ptr<StreamSlot> slot = take_stream_slot(route.streams);
  if (!slot) {
    write_error(res,
                Status::busy(fmt::format("{} streams are open (MAX_STREAMS); ask again shortly",
                                         route.streams.max)),
                request_id);
    return;
  }
  auto channel = std::make_shared<RecognitionChannel>();
  auto price = std::make_shared<ScanPrice>(route.pricing);
  recognize::RecognizeRequest request = recognize_request(params, price);
  request.on_progress =
      [channel, ask_price = std::move(request.on_progress)](const recognize::ProgressEvent& event) {
        if (ask_price) ask_price(event);
        channel->push(wire::server_sent_event(recognize::progress_stage_name(event.stage),
                                              wire::progress_event_to_json(event)));
      };
  Status started = recognizer.start(
      std::vector<std::uint8_t>(image.begin(), image.end()), std::move(request),
      [channel, on_recognized = route.on_recognized](Result<recognize::Recognition> answer) {
        if (answer.ok() && on_recognized) on_recognized(*answer);
        channel->finish(std::move(answer));
      });
  if (!started.ok()) {
    write_error(res, started, request_id);
    return;
  }
  // REQUEST_TIMEOUT_MS counts to the complete event, STREAM_TIMEOUT_MS to the last: either
  // running out before the first event is a plain 504, after it an error event.
  const StreamDeadlines deadlines{.answer = deadline_after(route.timeout),
                                  .stream = deadline_after(route.streams.timeout),
                                  .answer_timeout = route.timeout,
                                  .stream_timeout = route.streams.timeout};
  RecognitionChannel::Next first = channel->wait_next(deadlines.earliest());
  if (first.frames.empty() && !first.answer) {
    write_error(res, deadlines.expired(), request_id);
    return;
  }
  if (first.frames.empty() && first.answer && !first.answer->ok()) {
    write_error(res, first.answer->status(), request_id);
    return;
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");  // nginx passes each event on at once
  res.set_chunked_content_provider(
      "text/event-stream",
      [slot, channel, price, next = std::move(first), deadlines, id = std::string(request_id),
       &answered_by](std::size_t, httplib::DataSink& sink) mutable {
        while (true) {
          for (const std::string& frame : next.frames) {
            // A client gone mid-stream: stop writing; the recognition still finishes (and is
            // remembered by the cache) on its own threads.
            if (!sink.write(frame.data(), frame.size())) return false;
          }
          if (next.answer) {
            std::string frame;
            ScanPriceState price_state;
            if (next.answer->ok()) {
              answered_by = (*next.answer)->source;
              frame = wire::server_sent_event("complete",
                                              answer_json(**next.answer, id, *price, price_state));
            } else {
              frame = "event: error\ndata: " + error_body(next.answer->status(), id) + "\n\n";
            }
            if (!sink.write(frame.data(), frame.size())) return false;
            // A price that missed the budget follows in its own event, while the client listens.
            if (price_state.status == "pending") {
              const recognize::CardMatch& card = *(*next.answer)->card;
              auto until = std::chrono::steady_clock::now() + price->options().late_wait;
              if (deadlines.stream) until = std::min(until, *deadlines.stream);
              ScanPriceState late = price->wait_until(card, until);
              if (late.status == "pending" && late.error.empty() && deadlines.stream &&
                  std::chrono::steady_clock::now() >= *deadlines.stream) {
                late.error = fmt::format(
                    "the stream closes at STREAM_TIMEOUT_MS ({} ms); GET /prices/{} gives the "
                    "price once it comes",
                    deadlines.stream_timeout.count(), card.id);
              }
              nlohmann::json body = {{"card_id", card.id}, {"finish", card.finish}};
              late.write_to(body);
              frame = wire::server_sent_event("price", body);
              if (!sink.write(frame.data(), frame.size())) return false;
            }
            // The place among MAX_STREAMS is free once the last event is out, not when the
            // server gets round to dropping this provider: a client that opens its next stream
            // on reading the last event found it still taken (503) on a busy machine.
            slot.reset();
            sink.done();
            return true;
          }
          next = channel->wait_next(deadlines.earliest());
          if (next.frames.empty() && !next.answer) {
            const std::string frame =
                "event: error\ndata: " + error_body(deadlines.expired(), id) + "\n\n";
            sink.write(frame.data(), frame.size());
            slot.reset();
            sink.done();
            return true;
          }
        }
      });
}

}  // namespace

void handle_recognize(const httplib::Request& req, httplib::Response& res,
                      const ModelLoader& models, const RecognizeRouteOptions& options,
                      std::string_view request_id, std::string& answered_by) {
  Result<std::span<const std::uint8_t>> image = image_bytes_of(req);
  if (!image.ok()) {
    write_error(res, image.status(), request_id);
    return;
  }
  Result<RecognizeParams> params = recognize_params_of(req, options);
  if (!params.ok()) {
    write_error(res, params.status(), request_id);
    return;
  }
  Result<recognize::Recognizer*> recognizer = models.recognizer();
  if (!recognizer.ok()) {
    write_error(res, recognizer.status(), request_id);
    return;
  }
  if (params->stream) {
    stream_recognition(**recognizer, *image, *params, res, request_id, answered_by, options);
    return;
  }
  auto price = std::make_shared<ScanPrice>(options.pricing);
  // Blocks this HTTP thread until the answer is there or the timeout, or fails fast with busy.
  Result<recognize::Recognition> recognition =
      recognize_within(**recognizer, *image, recognize_request(*params, price), options);
  if (!recognition.ok()) {
    write_error(res, recognition.status(), request_id);
    return;
  }
  res.status = 200;
  ScanPriceState price_state;
  res.set_content(dump(answer_json(*recognition, request_id, *price, price_state)),
                  "application/json");
  answered_by = recognition->source;
}

}  // namespace cardmint::service
