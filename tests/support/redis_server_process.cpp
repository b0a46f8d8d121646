#include "tests/support/redis_server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/file_contents.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStartDeadline = std::chrono::seconds(10);
// A port found free can be taken by another test process before redis-server binds it; then the
// server exits and a fresh port is tried.
constexpr int kStartAttempts = 5;

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("could not bind a free port on 127.0.0.1");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string resp_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args)
    out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  return out;
}

// True when the server on `port` answers PING with PONG within a second (after AUTH when
// there is a password): listening alone is not enough, Redis may still be starting.
bool answers_ping(int port, const std::string& password) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = loopback(port);
  bool pong = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request;
    if (!password.empty()) request = resp_command({"AUTH", password});
    request += resp_command({"PING"});
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      const auto deadline = Clock::now() + std::chrono::seconds(1);
      std::string received;
      while (!pong && Clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        char chunk[256];
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) break;
        received.append(chunk, static_cast<std::size_t>(n));
        pong = received.find("+PONG\r\n") != std::string::npos;
      }
    }
  }
  close(fd);
  return pong;
}

void kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

RedisServerProcess::RedisServerProcess(std::string password) : password_(std::move(password)) {
  std::string pattern = (fs::temp_directory_path() / "cardmint-redis-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  log_path_ = dir_ / "redis.log";
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = free_port();
    if (start()) return;
  }
  const std::string logs = log();
  std::error_code ec;
  fs::remove_all(dir_, ec);
  throw std::runtime_error("redis-server exited before answering PING, " +
                           std::to_string(kStartAttempts) + " ports tried; log:\n" + logs);
}

RedisServerProcess::~RedisServerProcess() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string RedisServerProcess::url() const {
  // The tests' passwords need no percent-encoding.
  const std::string credentials = password_.empty() ? "" : ":" + password_ + "@";
  return "redis://" + credentials + "127.0.0.1:" + std::to_string(port_);
}

bool RedisServerProcess::start() {
  std::vector<std::string> args = {CARDMINT_REDIS_SERVER_PATH,
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--dir",
                                   dir_.string(),
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   "",
                                   "--unixsocket",
                                   unix_socket().string(),
                                   "--unixsocketperm",
                                   "700"};
  if (!password_.empty()) args.insert(args.end(), {"--requirepass", password_});
  // Built before fork(): the child of a multithreaded parent may only make async-signal-safe
  // calls until exec, so no allocation there.
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path_.string());
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    // A mask blocked in the parent's thread (SIGPIPE, say) would survive exec.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the test binary died before prctl took effect
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  pid_ = pid;

  const auto deadline = Clock::now() + kStartDeadline;
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (answers_ping(port_, password_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  throw std::runtime_error("redis-server did not answer PING on port " + std::to_string(port_) +
                           " within 10 s; log:\n" + log());
}

void RedisServerProcess::stop() {
  if (pid_ <= 0) return;
  kill_and_reap(pid_);
  pid_ = -1;
}

void RedisServerProcess::restart() {
  stop();
  if (!start()) {
    throw std::runtime_error("redis-server exited instead of listening again on port " +
                             std::to_string(port_) + "; log:\n" + log());
  }
}

void RedisServerProcess::pause() {
  if (pid_ <= 0) throw std::logic_error("pause(): redis-server is not running");
  kill(pid_, SIGSTOP);
  // Returns once it has stopped, so the test's next call really meets a hung server.
  int status = 0;
  while (waitpid(pid_, &status, WUNTRACED) < 0 && errno == EINTR) {
  }
}

void RedisServerProcess::resume() {
  if (pid_ <= 0) throw std::logic_error("resume(): redis-server is not running");
  kill(pid_, SIGCONT);
  int status = 0;
  while (waitpid(pid_, &status, WCONTINUED) < 0 && errno == EINTR) {
  }
}

std::string RedisServerProcess::log() const { return file_contents(log_path_); }

}  // namespace cardmint::testing
