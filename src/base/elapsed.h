#pragma once
// Milliseconds on the monotonic clock, the unit every stage timing in CardMint is reported in.

#include <chrono>

namespace cardmint {

using SteadyClock = std::chrono::steady_clock;

inline double ms_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

inline double ms_since(SteadyClock::time_point start) {
  return ms_between(start, SteadyClock::now());
}

}  // namespace cardmint
