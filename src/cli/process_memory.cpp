#include "cli/process_memory.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace cardmint::cli {

std::optional<ResidentMemory> resident_memory(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  ResidentMemory memory;
  bool rss = false;
  bool peak = false;
  // Lines such as "VmRSS:\t  123456 kB" (proc(5)).
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) {
      memory.rss_kib = std::atol(line.c_str() + 6);
      rss = true;
    } else if (line.starts_with("VmHWM:")) {
      memory.peak_kib = std::atol(line.c_str() + 6);
      peak = true;
    }
  }
  if (!rss || !peak) return std::nullopt;
  return memory;
}

}  // namespace cardmint::cli
