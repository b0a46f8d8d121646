#pragma once
// A real redis-server for tests, on a free 127.0.0.1 port (and a unix socket), without persistence,
// in a temporary folder of its own. Tests crash it (stop), bring it back on the same port (restart)
// and hang it (pause) to check that the service lives through all three. The child dies with the
// test binary (PR_SET_PDEATHSIG) and is SIGKILLed by the destructor.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace cardmint::testing {

// Not thread-safe: owned by the test that started it.
class RedisServerProcess {
 public:
  // Starts redis-server (with --requirepass when `password` is not empty) and waits until it
  // answers PING. Throws std::runtime_error with its log when it does not within 10 s.
  explicit RedisServerProcess(std::string password = "");
  ~RedisServerProcess();
  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  // redis://[:password@]127.0.0.1:PORT
  std::string url() const;
  // It listens on this unix socket too.
  std::filesystem::path unix_socket() const { return dir_ / "redis.sock"; }

  // SIGKILL, as a crash: no shutdown, clients see their connections reset. Reaps the child.
  void stop();
  // stop() if running, then a fresh, empty server on the same port. Throws like the constructor.
  void restart();
  // SIGSTOP / SIGCONT: a Redis that accepts connections (the kernel does) but never answers.
  void pause();
  void resume();

  // Everything redis-server wrote, across restarts, for failure messages.
  std::string log() const;

 private:
  // Spawns redis-server on port_ and waits for PING; false when it exited first (port taken).
  bool start();

  std::string password_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::filesystem::path dir_;
  std::filesystem::path log_path_;
};

}  // namespace cardmint::testing
