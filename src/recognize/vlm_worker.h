#pragma once
// The one thread that owns a VlmEngine. Thread-safe: any thread may submit(); only run() touches
// the engine (llama.cpp contexts are not thread-safe). Modelled on llama.cpp's server queue.

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "base/status.h"
#include "vlm/generation.h"
#include "vlm/vlm_engine.h"

namespace cardmint::recognize {

class VlmWorker {
 public:
  using Reply = std::future<Result<vlm::Generation>>;

  // REQUIRES: engine != nullptr, queue_capacity >= 1.
  VlmWorker(std::unique_ptr<vlm::VlmEngine> engine, int queue_capacity);
  ~VlmWorker();  // runs what is queued, then joins the thread
  VlmWorker(const VlmWorker&) = delete;
  VlmWorker& operator=(const VlmWorker&) = delete;

  // Errors: busy when queue_capacity jobs are already waiting; unavailable after stop_accepting().
  [[nodiscard]] Result<Reply> submit(vlm::GenerateRequest request);

  // New submits fail from now on; queued jobs still run.
  void stop_accepting();

  const vlm::VlmOptions& options() const { return engine_->options(); }

 private:
  struct Job {
    vlm::GenerateRequest request;
    std::promise<Result<vlm::Generation>> reply;
  };
  void run(std::stop_token stop);

  // Constant after construction.
  const std::unique_ptr<vlm::VlmEngine> engine_;  // touched only by run()
  const size_t queue_capacity_;

  std::mutex mu_;  // guards everything below
  std::condition_variable_any wake_;
  std::deque<Job> queue_;
  bool accepting_ = true;

  std::jthread thread_;  // last: starts after the fields above exist, stops first
};

}  // namespace cardmint::recognize
