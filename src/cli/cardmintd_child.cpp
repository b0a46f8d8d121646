#include "cli/cardmintd_child.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The port of "cardmintd listening on 127.0.0.1:PORT", or 0 for any other line.
int port_of(const std::string& line) {
  const std::string marker = "listening on ";
  const std::size_t at = line.find(marker);
  if (at == std::string::npos) return 0;
  const std::size_t colon = line.rfind(':');
  if (colon == std::string::npos || colon < at) return 0;
  return std::atoi(line.c_str() + colon + 1);
}

}  // namespace

fs::path own_dir() { return fs::read_symlink("/proc/self/exe").parent_path(); }

fs::path built_cardmintd() { return own_dir().parent_path() / "service" / "cardmintd"; }

Status wait_until_ready(int port, const DetachedProcess& process, std::chrono::seconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(10, 0);
  for (;;) {
    httplib::Result ready = client.Get("/ready");
    if (ready && ready->status == 200) return Status();
    if (ready) {
      const nlohmann::json body = nlohmann::json::parse(ready->body, nullptr, false);
      if (body.is_object() && body.value("status", "") == "failed") {
        return Status::unavailable("failed to load");
      }
    }
    if (!is_running(process)) return Status::unavailable("exited before it was ready");
    if (Clock::now() >= deadline) {
      return Status::unavailable(fmt::format("was not ready within {} s", timeout.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<CardmintdChild> start_cardmintd(const std::vector<std::string>& args,
                                       const fs::path& log_path,
                                       std::chrono::seconds ready_timeout) {
  // Loopback whatever HOST says: a benchmark has no business listening beyond this machine.
  std::vector<std::string> argv = {built_cardmintd().string(), "--host", "127.0.0.1", "--port",
                                   "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  Result<ChildProcess> process = ChildProcess::start(argv, log_path.string());
  if (!process.ok()) return process.status();
  auto failed = [&](const std::string& what) {
    return Status::unavailable(fmt::format("cardmintd ({}) {}; its log, {}, ends:{}", argv[0], what,
                                           log_path.string(), log_tail(log_path, 12)));
  };

  const Clock::time_point deadline = Clock::now() + ready_timeout;
  auto seconds_left = [&] {
    return std::max(std::chrono::seconds(1),
                    std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now()));
  };
  int port = 0;
  while (port == 0) {
    if (Clock::now() >= deadline) return failed("printed no port");
    Result<std::string> line = process->read_line(seconds_left());
    if (!line.ok()) return failed("did not start");
    port = port_of(*line);
  }

  // The child's pid with any start time: it is this process's own child, not yet reaped.
  if (Status ready = wait_until_ready(port, DetachedProcess{process->pid(), 0}, seconds_left());
      !ready.ok()) {
    return failed(ready.message());
  }
  return CardmintdChild{std::move(process).value(), port};
}

}  // namespace cardmint::cli
