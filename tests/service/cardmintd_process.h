#pragma once
// Test helpers that start real processes: the `cardmint` CLI (to write the tiny test model) and
// cardmintd itself on a free 127.0.0.1 port. Every child has a deadline, dies with the test binary
// (PR_SET_PDEATHSIG) and is SIGKILLed by its owner's destructor if still running.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cardmint::testing {

// Runs argv to completion; its exit code, or nullopt when it could not start, died from a signal
// or ran past `timeout` (then it is killed).
std::optional<int> run_to_completion(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout);

// The tiny random-weight model pair, written once per test binary by `cardmint make-test-model`
// into a temporary folder removed at exit. Throws when the CLI fails.
struct TinyModelFiles {
  std::filesystem::path model;
  std::filesystem::path mmproj;
};
const TinyModelFiles& tiny_model_files();

// The real catalog, imported once per test binary by `cardmint catalog import`.
const std::filesystem::path& test_catalog_db();

// A running cardmintd. Not thread-safe: owned by the test that started it.
class CardmintdProcess {
 public:
  // Starts cardmintd with the tiny model (or, with `with_model` false, on OCR and the catalog
  // alone), `--host 127.0.0.1 --port 0 --threads 1` and no cache unless a flag names one
  // (--cache-*, --redis-url), then `flags`, plus `env` (added to the
  // test's environment), and reads the bound port from its "listening" line. Throws
  // std::runtime_error when it does not print that line within 30 s.
  CardmintdProcess(const std::vector<std::string>& flags,
                   const std::map<std::string, std::string>& env = {}, bool with_model = true);
  ~CardmintdProcess();  // SIGKILL if still running, then reaps it
  CardmintdProcess(const CardmintdProcess&) = delete;
  CardmintdProcess& operator=(const CardmintdProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Polls GET /ready until it answers 200; false after `timeout`.
  bool wait_ready(std::chrono::milliseconds timeout) const;

  void send_signal(int signo) const;

  // The exit code once it exits by itself, or nullopt after `timeout` or on death by a signal.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // What it wrote to stderr so far (its logs), for failure messages.
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool reaped_ = false;
  std::filesystem::path log_path_;
};

}  // namespace cardmint::testing
