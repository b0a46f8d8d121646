#include "service/shutdown_signal.h"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace cardmint::service {
namespace {

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

Status block_shutdown_signals() {
  const sigset_t set = shutdown_signals();
  if (int err = pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0) {
    return Status::internal(fmt::format("pthread_sigmask: {}", std::strerror(err)));
  }
  return Status::ok_status();
}

ShutdownSignal::ShutdownSignal() : thread_([this](std::stop_token stop) { run(stop); }) {}

ShutdownSignal::~ShutdownSignal() {
  thread_.request_stop();
  // sigwait() has no timeout and no stop_token: wake it with a SIGTERM aimed at that thread alone.
  // The thread is still inside its loop (it only leaves on a stop request), so the handle is live.
  pthread_kill(thread_.native_handle(), SIGTERM);
}

void ShutdownSignal::request(Status reason) {
  {
    std::lock_guard lock(mu_);
    if (!reason_) reason_ = std::move(reason);
  }
  cv_.notify_all();
}

Status ShutdownSignal::wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return reason_.has_value(); });
  return *reason_;
}

void ShutdownSignal::run(std::stop_token stop) {
  const sigset_t set = shutdown_signals();
  // Keeps taking signals until destroyed, so a second Ctrl-C during the drain is consumed (and
  // logged) instead of staying pending.
  while (!stop.stop_requested()) {
    int signo = 0;
    if (sigwait(&set, &signo) != 0) continue;
    if (stop.stop_requested()) break;  // the destructor's wake-up call
    logger("service")->info("received {}; draining", signo == SIGTERM ? "SIGTERM" : "SIGINT");
    request(Status::ok_status());
  }
}

}  // namespace cardmint::service
