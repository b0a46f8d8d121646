#include "cli/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace cardmint::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> to_c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

// In the child after fork: wire up fds and exec; never returns.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  int null_fd = open("/dev/null", O_RDONLY);
  dup2(null_fd, STDIN_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  std::vector<char*> c_argv = to_c_argv(argv);
  execv(c_argv[0], c_argv.data());
  _exit(127);
}

// The shell's convention: the exit status, or 128 + the signal that ended the process.
int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return 128 + (WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0);
}

int wait_exit_code(int pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return exit_code_of(status);
}

}  // namespace

Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                  std::chrono::seconds timeout) {
  if (argv.empty()) return Status::invalid_input("no program to run");
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return Status::internal("pipe failed");
  const auto start = Clock::now();
  const int pid = fork();
  if (pid < 0) return Status::internal("fork failed");
  if (pid == 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    exec_child(argv, out_pipe[1], err_pipe[1]);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcessOutput result;
  std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_fds = 2;
  bool timed_out = false;
  while (open_fds > 0) {
    const auto left =
        timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  if (timed_out) kill(pid, SIGKILL);
  for (pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  result.exit_code = wait_exit_code(pid);
  result.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (timed_out) {
    return Status::unavailable(fmt::format("{} ran past {} s", argv[0], timeout.count()));
  }
  return result;
}

Result<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv,
                                         const std::string& stderr_path) {
  if (argv.empty()) return Status::invalid_input("no program to run");
  int out_pipe[2];
  if (pipe(out_pipe) != 0) return Status::internal("pipe failed");
  const int err_fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err_fd < 0) return Status::internal(fmt::format("cannot open {}", stderr_path));
  const int pid = fork();
  if (pid < 0) return Status::internal("fork failed");
  if (pid == 0) {
    close(out_pipe[0]);
    exec_child(argv, out_pipe[1], err_fd);
  }
  close(out_pipe[1]);
  close(err_fd);
  return ChildProcess(pid, out_pipe[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), stdout_fd_(other.stdout_fd_), buffered_(std::move(other.buffered_)) {
  other.pid_ = -1;
  other.stdout_fd_ = -1;
}

ChildProcess::~ChildProcess() {
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (pid_ > 0) stop(std::chrono::seconds(10));  // time to drain and exit
}

int ChildProcess::stop(std::chrono::seconds grace) {
  if (pid_ <= 0) return -1;
  const int pid = std::exchange(pid_, -1);
  kill(pid, SIGTERM);
  const auto deadline = Clock::now() + grace;
  int status = 0;
  while (Clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return exit_code_of(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGKILL);
  return wait_exit_code(pid);
}

Result<std::string> ChildProcess::read_line(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Status::unavailable("no line from the child before the deadline");
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[4096];
    ssize_t n = read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0) return Status::unavailable("the child closed its output");
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace cardmint::cli
