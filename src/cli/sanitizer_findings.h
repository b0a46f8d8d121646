#pragma once
// What AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer said about a child process,
// read from where it wrote its stderr. A benchmark that stops its service reads it afterwards: a
// leak is reported only at exit.

#include <filesystem>
#include <string>
#include <vector>

namespace cardmint::cli {

struct SanitizerFindings {
  int leak_reports = 0;                // "ERROR: LeakSanitizer: detected memory leaks"
  int address_errors = 0;              // "ERROR: AddressSanitizer: ..." (heap-use-after-free, ...)
  int undefined_behaviour = 0;         // UBSan's "file:line:col: runtime error: ..."
  std::vector<std::string> summaries;  // the "SUMMARY: ..." lines, as they were written
  // LeakSanitizer's "Suppressions used:" rows ("count bytes template"): leaks a suppressions
  // file named as known and not CardMint's, shown so that nothing is hidden.
  std::vector<std::string> suppressed;

  bool clean() const {
    return leak_reports == 0 && address_errors == 0 && undefined_behaviour == 0;
  }
};

// Scans `log` line by line; a missing file finds nothing.
SanitizerFindings read_sanitizer_findings(const std::filesystem::path& log);

// Whether process `pid` has LeakSanitizer's runtime mapped (GCC links it, alone or in libasan, as
// a shared library): without it, an empty report means nothing was checked, not that nothing
// leaked.
bool has_leak_checker(int pid);

}  // namespace cardmint::cli
