#include "tests/cluster/test_cluster.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

#include "tests/service/cardmintd_process.h"
#include "tests/support/file_contents.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Three instances load the catalog side by side on two busy cores.
constexpr auto kUpTimeout = std::chrono::seconds(240);

// Whether `pid` has exited (gone, or a zombie its new parent has not reaped yet).
bool exited(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return true;
  const std::size_t close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] == 'Z' ||
         line[close + 2] == 'X';
}

}  // namespace

TestCluster::TestCluster(int instances) {
  // Not mkdtemp's 0700: nginx started by root runs its workers as `nobody`, which must reach
  // the cluster's folder.
  dir_ = fs::temp_directory_path() / ("cardmint-cluster-test-" + std::to_string(getpid()) + "-" +
                                      std::to_string(Clock::now().time_since_epoch().count()));
  fs::create_directories(dir_);
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  try {
    run_up(instances);
  } catch (...) {
    stop();
    throw;
  }
}

TestCluster::~TestCluster() { stop(); }

void TestCluster::stop() {
  if (dir_.empty()) return;
  std::optional<int> down = run_to_completion(
      {CARDMINT_CLI_PATH, "cluster", "down", "--dir", dir_.string(), "--grace-s", "10"},
      std::chrono::seconds(90));
  if (down != 0) {
    // Whatever `down` could not stop: by the pids it wrote down.
    try {
      const nlohmann::json s = state();
      std::vector<pid_t> pids = {s["nginx"]["pid"].get<pid_t>(), s["redis"]["pid"].get<pid_t>()};
      for (const nlohmann::json& m : s["instances"]) pids.push_back(m["pid"].get<pid_t>());
      for (pid_t pid : pids) {
        if (pid > 0 && !exited(pid)) crash(pid);
      }
    } catch (...) {
    }
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
  dir_.clear();
}

void TestCluster::run_up(int instances) {
  std::vector<std::string> argv = {CARDMINT_CLI_PATH,
                                   "cluster",
                                   "up",
                                   "--dir",
                                   dir_.string(),
                                   "--base-port",
                                   "0",
                                   "--redis-port",
                                   "0",
                                   "--nginx-port",
                                   "0",
                                   "--deploy-dir",
                                   CARDMINT_SOURCE_DIR "/deploy",
                                   "--catalog-db",
                                   test_catalog_db().string()};
  if (instances > 0) {
    argv.push_back(std::to_string(instances));
    // --cpu-threads 1: three instances share two cores; more threads per instance would only
    // contend for them. (Again, `up` restarts members with the flags it recorded.)
    argv.insert(argv.end(), {"--", "--cpu-threads", "1", "--log-level", "info"});
  }
  std::optional<int> code = run_to_completion(argv, kUpTimeout);
  if (code != 0) {
    throw std::runtime_error("cardmint cluster up failed (exit " +
                             (code ? std::to_string(*code) : std::string("none")) + "); logs:\n" +
                             logs());
  }
}

void TestCluster::up_again() { run_up(0); }

nlohmann::json TestCluster::state() const {
  return nlohmann::json::parse(file_contents(dir_ / "cluster.json"));
}

int TestCluster::nginx_port() const { return state()["nginx"]["port"].get<int>(); }

std::vector<int> TestCluster::instance_ports() const {
  const nlohmann::json s = state();  // not state()["instances"] in the loop: a dangling temporary
  std::vector<int> ports;
  for (const nlohmann::json& m : s["instances"]) ports.push_back(m["port"].get<int>());
  return ports;
}

pid_t TestCluster::instance_pid(std::size_t index) const {
  return state()["instances"].at(index)["pid"].get<pid_t>();
}

pid_t TestCluster::redis_pid() const { return state()["redis"]["pid"].get<pid_t>(); }

void TestCluster::crash(pid_t pid) {
  kill(pid, SIGKILL);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!exited(pid)) {
    if (Clock::now() >= deadline) throw std::runtime_error("pid survived SIGKILL for 10 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string TestCluster::logs() const {
  std::string out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() != ".log") continue;
    const std::string text = file_contents(e.path());
    // The ends: where a failure is explained.
    out += "== " + e.path().filename().string() + "\n" +
           (text.size() > 4000 ? "..." + text.substr(text.size() - 4000) : text) + "\n";
  }
  return out;
}

}  // namespace cardmint::testing
