#pragma once
// The hand-over between one streamed recognition and the HTTP thread that writes it: the
// recognizer's threads push event frames and then the answer; the HTTP thread waits for them and
// writes. A slow client slows only its own HTTP thread, never the CPU pool or the model thread.
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "recognize/recognition.h"

namespace cardmint::service {

class RecognitionChannel {
 public:
  void push(std::string frame);
  void finish(Result<recognize::Recognition> answer);  // once

  struct Next {
    std::vector<std::string> frames;                       // in the order pushed
    std::optional<Result<recognize::Recognition>> answer;  // set once, after the last frame
  };
  // Blocks until there is a frame or the answer, then takes everything there is; or until
  // `deadline` (none: no limit), and then Next is empty.
  Next wait_next(std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::string> frames_;
  std::optional<Result<recognize::Recognition>> answer_;
  bool answer_taken_ = false;
};

}  // namespace cardmint::service
