#include "recognize/cpu_pool.h"

#include <fmt/format.h>

#include <exception>

#include "base/log.h"

namespace cardmint::recognize {

CpuPool::CpuPool(int threads, int queue_capacity)
    : queue_capacity_(static_cast<std::size_t>(queue_capacity)) {
  threads_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this](std::stop_token stop) { run(stop); });
  }
}

CpuPool::~CpuPool() {
  stop_accepting();
  for (std::jthread& t : threads_) t.request_stop();
  wake_.notify_all();
  // jthreads join; run() empties the queue before it returns.
}

Status CpuPool::submit(std::function<void()> job) {
  std::lock_guard lock(mu_);
  if (!accepting_) return Status::unavailable("the recognizer is shutting down");
  if (admitted_waiting_ >= queue_capacity_) {
    return Status::busy(fmt::format("{} uploads already wait to be recognised", admitted_waiting_));
  }
  ++admitted_waiting_;
  // A submitted job counts against the capacity until a thread takes it.
  queue_.push_back([this, job = std::move(job)] {
    {
      std::lock_guard taken(mu_);
      --admitted_waiting_;
    }
    job();
  });
  wake_.notify_one();
  return {};
}

void CpuPool::post(std::function<void()> step) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(step));
  wake_.notify_one();
}

void CpuPool::stop_accepting() {
  std::lock_guard lock(mu_);
  accepting_ = false;
}

std::size_t CpuPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void CpuPool::run(std::stop_token stop) {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, stop, [this] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stop requested and nothing left to do
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    // Jobs report their own failures; one that throws must not take the thread with it.
    try {
      job();
    } catch (const std::exception& e) {
      logger("recognize")->error("CPU pool job threw: {}", e.what());
    } catch (...) {
      logger("recognize")->error("CPU pool job threw a non-exception");
    }
  }
}

int default_cpu_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace cardmint::recognize
