#include "service/recognition_channel.h"

namespace cardmint::service {

void RecognitionChannel::push(std::string frame) {
  {
    std::lock_guard lock(mu_);
    frames_.push_back(std::move(frame));
  }
  ready_.notify_one();
}

void RecognitionChannel::finish(Result<recognize::Recognition> answer) {
  {
    std::lock_guard lock(mu_);
    answer_ = std::move(answer);
  }
  ready_.notify_one();
}

RecognitionChannel::Next RecognitionChannel::wait_next(
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::unique_lock lock(mu_);
  auto has_next = [this] { return !frames_.empty() || (answer_ && !answer_taken_); };
  if (!deadline) {
    ready_.wait(lock, has_next);
  } else if (!ready_.wait_until(lock, *deadline, has_next)) {
    return {};
  }
  Next next;
  next.frames.assign(std::make_move_iterator(frames_.begin()),
                     std::make_move_iterator(frames_.end()));
  frames_.clear();
  if (answer_ && !answer_taken_) {
    next.answer = std::move(answer_);
    answer_taken_ = true;
  }
  return next;
}

}  // namespace cardmint::service
