#pragma once
// Programs that outlive the command that started them: `cardmint cluster up` starts cardmintd,
// redis-server and nginx and exits; `cluster down`, a later process, stops them by the pids it
// wrote down. A pid alone could name an unrelated process after the original died, so each is
// recorded with its start time (the kernel's, from /proc), and nothing is signalled unless both
// still match.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace cardmint::cli {

struct DetachedProcess {
  pid_t pid = -1;
  // Field 22 of /proc/PID/stat: clock ticks after boot when it started. 0: unknown.
  std::uint64_t start_ticks = 0;
};

// Starts argv[0] (a path) in a session of its own (a Ctrl-C in the starting terminal does not
// reach it), stdin /dev/null, stdout and stderr appended to `log_path`, no other descriptor
// inherited. Errors: internal when the log cannot be opened or fork fails. A program that cannot
// be executed exits 127 at once: callers find it gone (is_running) while they wait for it.
[[nodiscard]] Result<DetachedProcess> start_detached(const std::vector<std::string>& argv,
                                                     const std::filesystem::path& log_path);

// Whether `process` still runs: its pid exists with the recorded start time (any, when
// start_ticks is 0) and it has not exited (a zombie awaiting its parent counts as exited).
bool is_running(const DetachedProcess& process);

// SIGTERM to each at once (they drain side by side), then SIGKILL to those still running after
// `grace`; returns once all are gone, or false when one outlived SIGKILL by seconds. Processes
// that no longer run are skipped. Reaps those that are this process's children.
bool stop_detached(std::span<const DetachedProcess> processes, std::chrono::milliseconds grace);

// The last `count` lines of a log file, each on a new line indented, for error messages: a
// process that failed to start says why there.
std::string log_tail(const std::filesystem::path& log, std::size_t count);

}  // namespace cardmint::cli
