#pragma once
// N cardmintd on loopback ports sharing one redis-server, behind one nginx running the deploy
// config: scale-out on one machine (`cardmint cluster up|down`, `cardmint bench cluster`, the
// cluster tests). The processes outlive the command that starts them; DIR/cluster.json
// (cluster_state.h) says what runs where.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/cluster_state.h"

namespace cardmint::cli {

// $TMPDIR (or /tmp)/cardmint-cluster-UID: where `cluster up` and `down` work by default.
std::filesystem::path default_cluster_dir();

struct ClusterOptions {
  int instances = 3;          // 0: as many as the running cluster in `dir` has, else 3
  std::filesystem::path dir;  // state, logs, nginx's folder, each instance's cache file
  // Instance k (from 1) listens on base_port + k - 1. 0 here and below: free ports, chosen now.
  int base_port = 8081;
  int redis_port = 6380;  // not 6379, which a system Redis may hold
  int nginx_port = 8080;
  // Redis is a cache: when full it evicts the least recently used keys (as in deploy/).
  std::string redis_maxmemory = "256mb";
  std::filesystem::path deploy_dir;  // holds nginx/nginx.conf and its two include files
  // Extra flags for every cardmintd (catalog, models, cache size...). cardmintd reads the
  // environment too (CATALOG_DB, MODEL_PATH...), and the cluster's flags win over it.
  std::vector<std::string> cardmintd_args;
  std::filesystem::path cardmintd;     // empty: the one built beside this cardmint
  std::filesystem::path redis_server;  // empty: found on PATH (and /usr/sbin, /sbin)
  std::filesystem::path nginx;
  std::chrono::seconds ready_timeout{300};  // per member, from its start
};

struct ClusterUpResult {
  ClusterState state;
  bool was_running = false;          // everything already ran: nothing started
  std::vector<std::string> started;  // members started by this call, by name
};

// Starts the cluster described by `options` in options.dir, or, when DIR/cluster.json names
// members that still run, starts again only those that died, on their recorded ports with their
// recorded flags (options.instances must then match the recorded count). Returns once every
// instance's /ready, Redis's PING and nginx's /health answer. Errors: invalid_input for bad
// options or a count that differs from the running cluster's; not_found for a missing program or
// deploy file; unavailable when a member does not start or get ready (the message ends with its
// log). On an error, a fresh cluster's members are stopped again; a running cluster's are left.
[[nodiscard]] Result<ClusterUpResult> cluster_up(const ClusterOptions& options);

// Stops every member DIR/cluster.json names that still runs: nginx, then the instances (SIGTERM,
// they drain side by side, SIGKILL after `grace`), then Redis; then removes the state file.
// Nothing running, or no state file, is fine. Returns the names of the members it stopped.
// Errors: invalid_input for an unreadable state file; unavailable when a member outlived SIGKILL.
[[nodiscard]] Result<std::vector<std::string>> cluster_down(const std::filesystem::path& dir,
                                                            std::chrono::milliseconds grace);

}  // namespace cardmint::cli
