#pragma once
// Another process's memory as the kernel counts it, for benchmarks that watch a service grow.

#include <optional>

namespace cardmint::cli {

struct ResidentMemory {
  long rss_kib = 0;   // VmRSS: resident now
  long peak_kib = 0;  // VmHWM: the most it was resident at once, since it started
};

// From /proc/PID/status; nullopt when the process is gone or the file lacks the fields.
std::optional<ResidentMemory> resident_memory(int pid);

}  // namespace cardmint::cli
