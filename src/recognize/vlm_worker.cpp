#include "recognize/vlm_worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <vector>

namespace cardmint::recognize {

VlmWorker::VlmWorker(std::unique_ptr<vlm::VlmEngine> engine, const VlmWorkerOptions& options)
    : engine_(std::move(engine)),
      queue_capacity_(static_cast<size_t>(options.queue_capacity)),
      batch_size_(std::clamp(options.batch_size, 1, engine_->options().max_batch)),
      batch_timeout_(options.batch_timeout),
      thread_([this](std::stop_token stop) { run(stop); }) {}

VlmWorker::~VlmWorker() {
  stop_accepting();
  thread_.request_stop();
  wake_.notify_all();
  // jthread joins; run() empties the queue before it returns.
}

Status VlmWorker::submit(vlm::GenerateRequest request, vlm::TokenCallback on_token,
                         DoneCallback on_done) {
  std::lock_guard lock(mu_);
  if (!accepting_) return Status::unavailable("the model is shutting down");
  if (queue_.size() >= queue_capacity_) {
    return Status::busy(fmt::format("{} requests already wait for the model", queue_.size()));
  }
  queue_.push_back(Job{std::move(request), std::move(on_token), std::move(on_done),
                       std::chrono::steady_clock::now()});
  ++stats_.jobs_submitted;
  wake_.notify_one();
  return {};
}

Result<VlmWorker::Reply> VlmWorker::submit(vlm::GenerateRequest request) {
  // shared: std::function needs a copyable callable; the job's callback and this caller own it.
  auto promise = std::make_shared<std::promise<Result<vlm::Generation>>>();
  Reply reply = promise->get_future();
  Status accepted = submit(std::move(request), {}, [promise](Result<vlm::Generation> result) {
    promise->set_value(std::move(result));
  });
  if (!accepted.ok()) return accepted;
  return reply;
}

void VlmWorker::stop_accepting() {
  std::lock_guard lock(mu_);
  accepting_ = false;
}

VlmWorkerStats VlmWorker::stats() const {
  std::lock_guard lock(mu_);
  VlmWorkerStats out = stats_;
  out.queue_depth = static_cast<int>(queue_.size());
  return out;
}

// Waits for a first job, then for company until the first job's deadline or a full batch. After a
// stop request it takes what is queued at once: shutdown must not wait for jobs that never come.
std::deque<VlmWorker::Job> VlmWorker::take_batch(std::stop_token stop) {
  std::unique_lock lock(mu_);
  wake_.wait(lock, stop, [this] { return !queue_.empty(); });
  if (queue_.empty()) return {};
  const size_t wanted = static_cast<size_t>(batch_size_);
  if (queue_.size() < wanted) {
    const auto deadline = queue_.front().submitted + batch_timeout_;
    wake_.wait_until(lock, stop, deadline, [&] { return queue_.size() >= wanted; });
  }
  std::deque<Job> batch;
  while (!queue_.empty() && batch.size() < wanted) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  ++stats_.batches;
  stats_.batched_jobs += batch.size();
  return batch;
}

void VlmWorker::run(std::stop_token stop) {
  while (true) {
    std::deque<Job> batch = take_batch(stop);
    if (batch.empty()) return;  // stop requested and nothing left to do
    run_batch(batch);
  }
}

void VlmWorker::run_batch(std::deque<Job>& jobs) {
  std::vector<vlm::GenerateRequest> requests;
  std::vector<vlm::TokenCallback> on_token;
  requests.reserve(jobs.size());
  on_token.reserve(jobs.size());
  for (Job& job : jobs) {
    requests.push_back(std::move(job.request));
    on_token.push_back(std::move(job.on_token));
  }
  // A failure fails this batch's jobs; the thread keeps serving.
  std::vector<Result<vlm::Generation>> results;
  try {
    results = engine_->generate_batch(requests, on_token);
  } catch (const std::exception& e) {
    results.assign(jobs.size(), Result<vlm::Generation>(
                                    Status::internal(fmt::format("model thread: {}", e.what()))));
  } catch (...) {
    results.assign(jobs.size(),
                   Result<vlm::Generation>(Status::internal("model thread: unknown exception")));
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    Result<vlm::Generation> result =
        i < results.size() ? std::move(results[i]) : Status::internal("no result from the model");
    try {
      if (jobs[i].on_done) jobs[i].on_done(std::move(result));
    } catch (...) {
      // A caller's callback must not take the model thread down with it.
    }
  }
}

}  // namespace cardmint::recognize
