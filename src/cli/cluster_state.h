#pragma once
// What `cardmint cluster up` started, written to DIR/cluster.json so that `cluster down` (and the
// next `up`, and tests) know each process and port: the cardmintd instances, redis-server and
// nginx. Plain data.

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/detached_process.h"

namespace cardmint::cli {

struct ClusterMember {
  std::string name;  // "cardmintd-1" ..., "redis", "nginx"
  int port = 0;      // on 127.0.0.1
  DetachedProcess process;
  std::filesystem::path log;  // its stdout and stderr
};

struct ClusterState {
  std::vector<ClusterMember> instances;
  ClusterMember redis;
  ClusterMember nginx;
  // Passed to every instance after the cluster's own flags (--host, --port, --redis-url), so a
  // restarted instance runs as its siblings do.
  std::vector<std::string> cardmintd_args;

  // http://127.0.0.1:PORT, where clients send their requests.
  std::string url() const;
  // Every member, nginx first: the order to stop them in (the balancer, the instances, Redis).
  std::vector<const ClusterMember*> members() const;
};

std::filesystem::path cluster_state_path(const std::filesystem::path& dir);

// Errors: not_found when DIR/cluster.json does not exist; invalid_input when it is not a state
// file this version wrote.
[[nodiscard]] Result<ClusterState> read_cluster_state(const std::filesystem::path& dir);

// Replaces DIR/cluster.json whole (written beside it, then renamed), so a reader never sees half
// a file. Errors: internal when it cannot be written.
[[nodiscard]] Status write_cluster_state(const std::filesystem::path& dir,
                                         const ClusterState& state);

}  // namespace cardmint::cli
