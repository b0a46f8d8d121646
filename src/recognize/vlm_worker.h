#pragma once
// The one thread that owns a VlmEngine. Thread-safe: any thread may submit(); only run() touches
// the engine (llama.cpp contexts are not thread-safe). Modelled on llama.cpp's server queue.
//
// Dynamic batching: once a job is queued, the thread waits up to batch_timeout (counted from that
// job's submit) for more, up to batch_size, and decodes them as one VlmEngine::generate_batch.
// With batch_size 1 every job runs alone, as soon as the thread is free.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "base/status.h"
#include "vlm/generation.h"
#include "vlm/vlm_engine.h"

namespace cardmint::recognize {

struct VlmWorkerOptions {
  int queue_capacity = 32;  // jobs waiting, not counting the batch being decoded; more is busy
  // Jobs decoded together. REQUIRES: equal to the engine's VlmOptions::max_batch (a larger value
  // is cut to it; a smaller one leaves KV streams unused).
  int batch_size = 1;
  // How long a queued job may wait for company. Costs a lone request this much latency; a few ms
  // is noise next to a ~1 s model run, and long enough for requests that arrive together.
  std::chrono::milliseconds batch_timeout{5};
};

struct VlmWorkerStats {
  std::uint64_t jobs_submitted = 0;  // accepted by submit()
  std::uint64_t batches = 0;         // generate_batch calls
  std::uint64_t batched_jobs = 0;    // jobs those batches ran: the sum of batch sizes
  int queue_depth = 0;               // jobs waiting now
  // Mean batch size over batch_size: 1 when every batch was full.
  double batch_efficiency(int batch_size) const {
    return batches == 0 ? 0.0 : static_cast<double>(batched_jobs) / batches / batch_size;
  }
};

class VlmWorker {
 public:
  using Reply = std::future<Result<vlm::Generation>>;
  using DoneCallback = std::function<void(Result<vlm::Generation>)>;

  // REQUIRES: engine != nullptr, options.queue_capacity >= 1, options.batch_size >= 1.
  VlmWorker(std::unique_ptr<vlm::VlmEngine> engine, const VlmWorkerOptions& options);
  ~VlmWorker();  // runs what is queued, then joins the thread
  VlmWorker(const VlmWorker&) = delete;
  VlmWorker& operator=(const VlmWorker&) = delete;

  // Callbacks run on the model thread and must be quick (post elsewhere for heavy work); on_token
  // may be empty. on_done runs exactly once for an accepted job.
  // Errors: busy when queue_capacity jobs are already waiting; unavailable after stop_accepting().
  [[nodiscard]] Status submit(vlm::GenerateRequest request, vlm::TokenCallback on_token,
                              DoneCallback on_done);
  // A future over the above, for simple callers.
  [[nodiscard]] Result<Reply> submit(vlm::GenerateRequest request);

  // New submits fail from now on; queued jobs still run.
  void stop_accepting();

  VlmWorkerStats stats() const;
  const vlm::VlmOptions& options() const { return engine_->options(); }
  int batch_size() const { return batch_size_; }

 private:
  struct Job {
    vlm::GenerateRequest request;
    vlm::TokenCallback on_token;
    DoneCallback on_done;
    std::chrono::steady_clock::time_point submitted;
  };
  void run(std::stop_token stop);
  std::deque<Job> take_batch(std::stop_token stop);
  void run_batch(std::deque<Job>& jobs);

  // Constant after construction.
  const std::unique_ptr<vlm::VlmEngine> engine_;  // touched only by run()
  const size_t queue_capacity_;
  const int batch_size_;
  const std::chrono::milliseconds batch_timeout_;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable_any wake_;
  std::deque<Job> queue_;
  bool accepting_ = true;
  VlmWorkerStats stats_;

  std::jthread thread_;  // last: starts after the fields above exist, stops first
};

}  // namespace cardmint::recognize
