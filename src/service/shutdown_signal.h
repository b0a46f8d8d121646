#pragma once
// Shutdown requests: SIGTERM/SIGINT, or the service itself (a model that failed to load). No code
// runs in a signal handler: the signals stay blocked in every thread and one dedicated thread takes
// them with sigwait(). Thread-safe.

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "base/status.h"

namespace cardmint::service {

// Blocks SIGTERM and SIGINT in the calling thread. Call it first thing in main(), before any
// thread starts, so every thread inherits the mask and only ShutdownSignal's thread sees them.
[[nodiscard]] Status block_shutdown_signals();

class ShutdownSignal {
 public:
  // Starts the sigwait thread. REQUIRES: block_shutdown_signals() ran before any thread started.
  ShutdownSignal();
  ~ShutdownSignal();  // wakes the sigwait thread and joins it
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  // Asks for shutdown from inside the process. The first request (or signal) wins.
  void request(Status reason);

  // Blocks until a signal or request(); returns OK for a signal, else the request's reason.
  [[nodiscard]] Status wait();

 private:
  void run(std::stop_token stop);

  std::mutex mu_;  // guards reason_
  std::condition_variable cv_;
  std::optional<Status> reason_;

  std::jthread thread_;  // last: starts after the fields above exist
};

}  // namespace cardmint::service
