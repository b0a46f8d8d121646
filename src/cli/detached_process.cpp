#include "cli/detached_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace cardmint::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct ProcStat {
  char state = '?';
  std::uint64_t start_ticks = 0;
};

// /proc/PID/stat's state and start time; nullopt when there is no such process.
std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // "pid (comm) S ...": comm may hold spaces and parentheses, so fields follow the last ')'.
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  ProcStat stat;
  std::string field;
  for (int n = 3; n <= 22 && fields >> field; ++n) {  // numbered as in proc(5)
    if (n == 3) stat.state = field[0];
    if (n == 22) stat.start_ticks = std::strtoull(field.c_str(), nullptr, 10);
  }
  return stat;
}

// Reaps `pid` if it is this process's exited child; harmless otherwise (ECHILD).
void reap_if_child(pid_t pid) { waitpid(pid, nullptr, WNOHANG); }

// Waits until none of `processes` runs, or `deadline`; whether none does.
bool all_gone_by(std::span<const DetachedProcess> processes, Clock::time_point deadline) {
  for (;;) {
    bool any_running = false;
    for (const DetachedProcess& p : processes) {
      reap_if_child(p.pid);
      any_running = any_running || is_running(p);
    }
    if (!any_running) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

Result<DetachedProcess> start_detached(const std::vector<std::string>& argv,
                                       const std::filesystem::path& log_path) {
  if (argv.empty()) return Status::invalid_input("no program to run");
  // Built before fork(): the child of a multithreaded parent may only make async-signal-safe
  // calls until exec, so no allocation there.
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (std::string& arg : args) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::internal(fmt::format("cannot open {}", log_path.string()));
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    if (null_fd >= 0) close(null_fd);
    return Status::internal("fork failed");
  }
  if (pid == 0) {
    setsid();
    // Signals the starting process blocked or ignored would survive exec.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int signo : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) signal(signo, SIG_DFL);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    // Nothing else: a pipe of the starting process held open here would keep its reader waiting
    // for EOF for as long as this program runs.
    close_range(3, ~0U, 0);
    execv(c_argv[0], c_argv.data());
    _exit(127);
  }
  close(log_fd);
  if (null_fd >= 0) close(null_fd);
  DetachedProcess process{pid, 0};
  if (std::optional<ProcStat> stat = read_stat(pid)) process.start_ticks = stat->start_ticks;
  return process;
}

bool is_running(const DetachedProcess& process) {
  if (process.pid <= 0) return false;
  std::optional<ProcStat> stat = read_stat(process.pid);
  if (!stat) return false;
  if (process.start_ticks != 0 && stat->start_ticks != process.start_ticks) return false;
  return stat->state != 'Z' && stat->state != 'X';
}

bool stop_detached(std::span<const DetachedProcess> processes, std::chrono::milliseconds grace) {
  auto signal_running = [&](int signo) {
    for (const DetachedProcess& p : processes) {
      if (is_running(p)) kill(p.pid, signo);
    }
  };
  signal_running(SIGTERM);
  if (all_gone_by(processes, Clock::now() + grace)) return true;
  signal_running(SIGKILL);
  return all_gone_by(processes, Clock::now() + std::chrono::seconds(5));
}

std::string log_tail(const std::filesystem::path& log, std::size_t count) {
  std::ifstream in(log);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.pop_front();
  }
  std::string out;
  for (const std::string& line : lines) out += "\n  " + line;
  return out;
}

}  // namespace cardmint::cli
