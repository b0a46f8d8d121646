#include "recognize/vlm_worker.h"

#include <fmt/format.h>

#include <exception>

namespace cardmint::recognize {

VlmWorker::VlmWorker(std::unique_ptr<vlm::VlmEngine> engine, int queue_capacity)
    : engine_(std::move(engine)),
      queue_capacity_(static_cast<size_t>(queue_capacity)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

VlmWorker::~VlmWorker() {
  stop_accepting();
  thread_.request_stop();
  wake_.notify_all();
  // jthread joins; run() empties the queue before it returns.
}

Result<VlmWorker::Reply> VlmWorker::submit(vlm::GenerateRequest request) {
  std::lock_guard lock(mu_);
  if (!accepting_) return Status::unavailable("the model is shutting down");
  if (queue_.size() >= queue_capacity_) {
    return Status::busy(fmt::format("{} requests already wait for the model", queue_.size()));
  }
  Job& job = queue_.emplace_back(Job{std::move(request), {}});
  Reply reply = job.reply.get_future();
  wake_.notify_one();
  return reply;
}

void VlmWorker::stop_accepting() {
  std::lock_guard lock(mu_);
  accepting_ = false;
}

void VlmWorker::run(std::stop_token stop) {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, stop, [this] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stop requested and nothing left to do
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    // A failure fails this one job; the thread keeps serving.
    try {
      job.reply.set_value(engine_->generate(job.request));
    } catch (const std::exception& e) {
      job.reply.set_value(Status::internal(fmt::format("model thread: {}", e.what())));
    } catch (...) {
      job.reply.set_value(Status::internal("model thread: unknown exception"));
    }
  }
}

}  // namespace cardmint::recognize
