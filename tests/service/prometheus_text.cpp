#include "tests/service/prometheus_text.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cardmint::testing {
namespace {

// The command's exit code and everything it printed; -1 when it could not run.
std::pair<int, std::string> run_shell(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

::testing::AssertionResult promtool_accepts_metrics(const std::string& text) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("cardmint-metrics-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(file, std::ios::binary);
    out << text;
  }
  const auto [code, output] = run_shell("timeout 60 promtool check metrics < " + file.string());
  std::filesystem::remove(file);
  if (code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "promtool check metrics exited " << code << ":\n"
                                       << output << "\non:\n"
                                       << text;
}

::testing::AssertionResult promtool_succeeds(const std::string& args) {
  const auto [code, output] = run_shell("timeout 60 promtool " + args);
  if (code == 0) return ::testing::AssertionSuccess() << output;
  return ::testing::AssertionFailure() << "promtool " << args << " exited " << code << ":\n"
                                       << output;
}

std::map<std::string, double> metric_samples(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const std::string value = line.substr(space + 1);
    samples[line.substr(0, space)] = std::stod(value);  // strtod reads +Inf and NaN too
  }
  return samples;
}

std::set<std::string> metric_families(const std::string& text) {
  std::set<std::string> names;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) != 0) continue;
    names.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return names;
}

// Plain scanning, not std::regex: GCC 12 under ASan reports -Wmaybe-uninitialized inside <regex>.
std::set<std::string> metric_names_in_promql(const std::string& expr) {
  const std::string prefix = "cardmint_";
  auto is_name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::set<std::string> names;
  for (size_t at = expr.find(prefix); at != std::string::npos; at = expr.find(prefix, at)) {
    size_t end = at + prefix.size();
    while (end < expr.size() && is_name_char(expr[end])) ++end;
    std::string name = expr.substr(at, end - at);
    for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        name.resize(name.size() - suffix.size());
        break;
      }
    }
    if (name.size() > prefix.size()) names.insert(name);
    at = end;
  }
  return names;
}

}  // namespace cardmint::testing
