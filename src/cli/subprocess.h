#pragma once
// Runs another program with a deadline and captures what it prints. Used by the benchmark drivers
// to time cardmintd, a cold `cardmint scan` and the reference llama-mtmd-cli side by side.

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"

namespace cardmint::cli {

struct ProcessOutput {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  double wall_ms = 0;
};

// stdin is /dev/null (llama-mtmd-cli waits on stdin forever without an --image). The child is
// killed with SIGKILL at the deadline. Errors: unavailable when it cannot start or times out.
[[nodiscard]] Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                                std::chrono::seconds timeout);

// A running child, killed (SIGTERM, then SIGKILL) when this object goes away.
class ChildProcess {
 public:
  // Starts argv with stdout connected to a pipe read by read_line(); stderr goes to `stderr_path`.
  [[nodiscard]] static Result<ChildProcess> start(const std::vector<std::string>& argv,
                                                  const std::string& stderr_path);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  // One line of the child's stdout, or unavailable at EOF or after the deadline.
  [[nodiscard]] Result<std::string> read_line(std::chrono::seconds timeout);
  int pid() const { return pid_; }

  // SIGTERM, then SIGKILL when it has not exited after `grace`; waits for it and returns its exit
  // code (128 + the signal when a signal ended it). The child is gone afterwards: a second call
  // returns -1, and the destructor does nothing.
  int stop(std::chrono::seconds grace);

 private:
  ChildProcess(int pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
};

}  // namespace cardmint::cli
