#pragma once
// The threads that do a recognition's CPU work: decoding, finding and rectifying the card,
// hashing, OCR and catalog ranking. Sized to the cores, so two uploads never fight over a core
// while a third waits, and so the model thread's work overlaps this one instead of blocking it:
// a recognition that needs the model hands its picture over and frees its pool thread until the
// model answers. Thread-safe.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"

namespace cardmint::recognize {

class CpuPool {
 public:
  // REQUIRES: threads >= 1, queue_capacity >= 1.
  CpuPool(int threads, int queue_capacity);
  ~CpuPool();  // runs what is queued, then joins
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  // A new piece of work. Errors: busy when queue_capacity jobs already wait; unavailable after
  // stop_accepting().
  [[nodiscard]] Status submit(std::function<void()> job);

  // The next step of work already admitted (a model answered): never refused, so an accepted
  // request always finishes.
  void post(std::function<void()> step);

  // submit() fails from now on; queued and posted work still runs.
  void stop_accepting();

  std::size_t queued() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void run(std::stop_token stop);

  const std::size_t queue_capacity_;
  mutable std::mutex mu_;  // guards the fields below
  std::condition_variable_any wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t admitted_waiting_ = 0;  // submitted jobs among queue_ (posted steps don't count)
  bool accepting_ = true;

  std::vector<std::jthread> threads_;  // last: started after the fields above exist
};

// The pool size for this machine: one thread per hardware thread, at least one.
int default_cpu_threads();

}  // namespace cardmint::recognize
