#pragma once
// Milliseconds on the monotonic clock, the unit every stage timing in CardMint is reported in.

#include <time.h>

#include <chrono>

namespace cardmint {

using SteadyClock = std::chrono::steady_clock;

inline double ms_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

inline double ms_since(SteadyClock::time_point start) {
  return ms_between(start, SteadyClock::now());
}

// CPU time the calling thread has used: a limit on a computation's own cost that a busy machine
// (other threads on the same cores) does not trip, as a wall-clock one would.
inline std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace cardmint
