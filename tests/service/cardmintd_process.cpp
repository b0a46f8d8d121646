#include "tests/service/cardmintd_process.h"

#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/file_contents.h"
#include "tests/support/process_scratch_dir.h"

extern char** environ;

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const fs::path& scratch_dir() { return process_scratch_dir("cardmint-service-test"); }

// Everything exec needs, built before fork(): between fork() and exec() a multithreaded parent's
// child may only make async-signal-safe calls, so no setenv() or allocation there.
struct ExecImage {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<char*> argv;
  std::vector<char*> envp;

  ExecImage(std::vector<std::string> a, const std::map<std::string, std::string>& extra_env)
      : args(std::move(a)) {
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry(*e);
      if (!extra_env.count(entry.substr(0, entry.find('=')))) env.push_back(std::move(entry));
    }
    for (const auto& [name, value] : extra_env) env.push_back(name + "=" + value);
    for (std::string& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (std::string& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
  }
};

// In the child: die with the test binary, wire up stdout/stderr, exec. Never returns.
[[noreturn]] void exec_child(const ExecImage& image, int stdout_fd, int stderr_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (stdout_fd >= 0) dup2(stdout_fd, STDOUT_FILENO);
  if (stderr_fd >= 0) dup2(stderr_fd, STDERR_FILENO);
  execve(image.argv[0], image.argv.data(), image.envp.data());
  _exit(127);
}

// Waits for `pid` until `deadline`; its exit status, or nullopt when still running.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 || Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

}  // namespace

std::optional<int> run_to_completion(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout) {
  const ExecImage image(argv, {});
  const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  const pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) exec_child(image, devnull, -1);
  close(devnull);
  std::optional<int> status = wait_until(pid, Clock::now() + timeout);
  if (!status) {
    kill_and_reap(pid);
    return std::nullopt;
  }
  if (!WIFEXITED(*status)) return std::nullopt;
  return WEXITSTATUS(*status);
}

const TinyModelFiles& tiny_model_files() {
  static const TinyModelFiles files = [] {
    const fs::path dir = scratch_dir() / "models";
    std::optional<int> code = run_to_completion(
        {CARDMINT_CLI_PATH, "make-test-model", "--size", "tiny", "--out", dir.string()},
        std::chrono::seconds(120));
    TinyModelFiles f{dir / "cardmint-test-tiny.gguf", dir / "mmproj-cardmint-test-tiny.gguf"};
    if (code != 0 || !fs::exists(f.model) || !fs::exists(f.mmproj)) {
      throw std::runtime_error("cardmint make-test-model failed to write " + dir.string());
    }
    return f;
  }();
  return files;
}

const fs::path& test_catalog_db() {
  static const fs::path db = [] {
    const fs::path path = scratch_dir() / "catalog.sqlite";
    std::optional<int> code = run_to_completion(
        {CARDMINT_CLI_PATH, "catalog", "import", "--db", path.string()}, std::chrono::seconds(300));
    if (code != 0 || !fs::exists(path)) {
      throw std::runtime_error("cardmint catalog import failed to write " + path.string());
    }
    return path;
  }();
  return db;
}

CardmintdProcess::CardmintdProcess(const std::vector<std::string>& flags,
                                   const std::map<std::string, std::string>& env, bool with_model) {
  static std::atomic<int> counter{0};
  log_path_ = scratch_dir() / ("cardmintd-" + std::to_string(counter++) + ".log");
  // One model thread: ggml's threads meet at spin barriers, which stall for whole scheduler slices
  // when ctest -j runs several servers on a small machine; the tiny model is as fast on one.
  std::vector<std::string> args = {CARDMINTD_PATH, "--host", "127.0.0.1", "--port", "0",
                                   "--threads",    "1"};
  if (with_model) {
    const TinyModelFiles& models = tiny_model_files();
    args.insert(args.end(), {"--model", models.model.string(), "--mmproj", models.mmproj.string()});
  }
  args.insert(args.end(), {"--catalog-db", test_catalog_db().string()});
  // The cache would answer a test's second upload of a photo from its first; only the tests
  // about the cache turn it on (any cache flag), each with its own file.
  const bool about_the_cache = std::any_of(flags.begin(), flags.end(), [](const std::string& f) {
    return f.rfind("--cache", 0) == 0 || f == "--redis-url";
  });
  if (!about_the_cache) args.insert(args.end(), {"--cache-size", "0"});
  args.insert(args.end(), flags.begin(), flags.end());
  const ExecImage image(args, env);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) exec_child(image, out[1], log_fd);
  close(out[1]);
  close(log_fd);

  // The one machine-readable line: "cardmintd listening on 127.0.0.1:PORT".
  const std::string prefix = "cardmintd listening on 127.0.0.1:";
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  std::string buffered;
  while (port_ == 0 && Clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char chunk[256];
    const ssize_t n = read(out[0], chunk, sizeof chunk);
    if (n <= 0) break;  // exited before listening
    buffered.append(chunk, static_cast<std::size_t>(n));
    if (std::size_t at = buffered.find(prefix); at != std::string::npos) {
      const std::size_t eol = buffered.find('\n', at);
      if (eol != std::string::npos) port_ = std::atoi(buffered.c_str() + at + prefix.size());
    }
  }
  close(out[0]);  // cardmintd prints nothing else on stdout
  if (port_ <= 0) {
    const std::string logs = log();
    kill_and_reap(pid_);
    reaped_ = true;
    throw std::runtime_error("cardmintd printed no listening line; stdout: '" + buffered +
                             "'; stderr:\n" + logs);
  }
}

CardmintdProcess::~CardmintdProcess() {
  if (!reaped_) kill_and_reap(pid_);
}

bool CardmintdProcess::wait_ready(std::chrono::milliseconds timeout) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(std::chrono::seconds(1));
  client.set_read_timeout(std::chrono::seconds(2));
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (auto res = client.Get("/ready"); res && res->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void CardmintdProcess::send_signal(int signo) const { kill(pid_, signo); }

std::optional<int> CardmintdProcess::wait_exit(std::chrono::milliseconds timeout) {
  std::optional<int> status = wait_until(pid_, Clock::now() + timeout);
  if (!status) return std::nullopt;
  reaped_ = true;
  if (!WIFEXITED(*status)) return std::nullopt;
  return WEXITSTATUS(*status);
}

std::string CardmintdProcess::log() const { return file_contents(log_path_); }

}  // namespace cardmint::testing
