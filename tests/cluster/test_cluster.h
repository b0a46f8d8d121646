#pragma once
// A local cluster for tests, started and stopped by the real CLI (`cardmint cluster up|down`) in
// a temporary folder, on free 127.0.0.1 ports: N cardmintd on OCR and the catalog, one
// redis-server, one nginx running deploy/nginx/nginx.conf. What runs where comes from the
// cluster's own state file. Not thread-safe: owned by the test that started it.

#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cardmint::testing {

class TestCluster {
 public:
  // `cardmint cluster up N` with every port free. Throws std::runtime_error (with the members'
  // logs) when it fails.
  explicit TestCluster(int instances);
  // `cardmint cluster down`, then SIGKILL for anything the state file still names, so nothing
  // outlives a failed test; then the folder goes.
  ~TestCluster();
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

  // `cardmint cluster up` again: starts the members that died, on their ports. Throws like the
  // constructor.
  void up_again();

  int nginx_port() const;
  std::vector<int> instance_ports() const;
  pid_t instance_pid(std::size_t index) const;  // from 0
  pid_t redis_pid() const;

  // SIGKILL, as a crash, and returns once the process is gone (it is not this process's child:
  // the CLI that started it has exited).
  static void crash(pid_t pid);

  // Every member's log, for failure messages.
  std::string logs() const;

 private:
  nlohmann::json state() const;  // DIR/cluster.json as it is now
  void run_up(int instances);
  void stop();  // the destructor's work; idempotent

  std::filesystem::path dir_;
};

}  // namespace cardmint::testing
