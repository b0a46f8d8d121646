#include "cli/sanitizer_findings.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>

namespace cardmint::cli {

SanitizerFindings read_sanitizer_findings(const std::filesystem::path& log) {
  SanitizerFindings findings;
  std::ifstream in(log);
  bool in_suppressions = false;
  for (std::string line; std::getline(in, line);) {
    // "Suppressions used:", a header row ("count bytes template"), then a row per template, each
    // starting with its count; whatever else comes ends the table.
    if (line.starts_with("Suppressions used:")) {
      in_suppressions = true;
      continue;
    }
    if (in_suppressions) {
      const std::size_t text = line.find_first_not_of(' ');
      if (text != std::string::npos && std::isdigit(static_cast<unsigned char>(line[text]))) {
        findings.suppressed.push_back(line.substr(text));
        continue;
      }
      if (line.find("count") != std::string::npos) continue;
      in_suppressions = false;
    }
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
