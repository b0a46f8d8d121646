#pragma once
// cardmintd started by a benchmark: the binary built beside this cardmint, listening on a free
// loopback port, and ready (GET /ready is 200) before the first timed request.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/detached_process.h"
#include "cli/subprocess.h"

namespace cardmint::cli {

// The folder holding the running cardmint (<build>/src/cli): the other binaries of the build are
// found from it, so a benchmark times the cardmintd of its own build.
std::filesystem::path own_dir();

// <build>/src/service/cardmintd: the cardmintd built with this cardmint.
std::filesystem::path built_cardmintd();

struct CardmintdChild {
  ChildProcess process;  // stopped (SIGTERM, then SIGKILL) when this goes away
  int port = 0;
};

// Polls GET /ready on 127.0.0.1:`port` until it answers 200. Errors: unavailable saying "failed
// to load" (its /ready says so), "exited before it was ready", or "was not ready within N s".
[[nodiscard]] Status wait_until_ready(int port, const DetachedProcess& process,
                                      std::chrono::seconds timeout);

// Starts <build>/src/service/cardmintd with `--host 127.0.0.1 --port 0` and then `args`, its
// stderr (the log) in `log_path`, and returns once GET /ready answers 200. Errors: unavailable
// when it cannot start, prints no port, fails to load, exits, or is not ready within
// `ready_timeout`; the message ends with the last lines of the log, where cardmintd says why.
[[nodiscard]] Result<CardmintdChild> start_cardmintd(const std::vector<std::string>& args,
                                                     const std::filesystem::path& log_path,
                                                     std::chrono::seconds ready_timeout);

}  // namespace cardmint::cli
