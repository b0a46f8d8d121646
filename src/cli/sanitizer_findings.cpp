#include "cli/sanitizer_findings.h"

#include <fmt/format.h>

#include <fstream>

namespace cardmint::cli {

SanitizerFindings read_sanitizer_findings(const std::filesystem::path& log) {
  SanitizerFindings findings;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    // ASan prefixes its report lines with "==PID==".
    if (line.find("ERROR: LeakSanitizer") != std::string::npos) {
      ++findings.leak_reports;
    } else if (line.find("ERROR: AddressSanitizer") != std::string::npos) {
      ++findings.address_errors;
    } else if (line.find(": runtime error: ") != std::string::npos) {
      ++findings.undefined_behaviour;
    } else if (line.starts_with("SUMMARY: ")) {
      findings.summaries.push_back(line);
    }
  }
  return findings;
}

bool has_leak_checker(int pid) {
  std::ifstream maps(fmt::format("/proc/{}/maps", pid));
  for (std::string line; std::getline(maps, line);) {
    for (const char* runtime : {"/libasan.so", "/liblsan.so"}) {
      if (line.find(runtime) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace cardmint::cli
