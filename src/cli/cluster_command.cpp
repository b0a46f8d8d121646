#include "cli/cluster_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "base/log.h"
#include "cli/local_cluster.h"
#include "cli/nginx_site.h"

namespace cardmint::cli {
namespace {

struct ClusterUpFlags {
  ClusterOptions options;
  std::string catalog_db;
  int ready_timeout_s = 300;
};

struct ClusterDownFlags {
  std::string dir;
  int grace_s = 30;
};

int run_cluster_up(ClusterUpFlags flags) {
  ClusterOptions& o = flags.options;
  if (!flags.catalog_db.empty()) {
    o.cardmintd_args.insert(o.cardmintd_args.begin(), {"--catalog-db", flags.catalog_db});
  }
  o.ready_timeout = std::chrono::seconds(flags.ready_timeout_s);
  Result<ClusterUpResult> up = cluster_up(o);
  if (!up.ok()) {
    logger("cli")->error("cluster up: {}", up.status().message());
    return 1;
  }
  const ClusterState& state = up->state;
  std::string out;
  if (up->was_running) {
    out += fmt::format("the cluster in {} is already up; nothing started\n", o.dir.string());
  } else {
    std::string names;
    for (const std::string& name : up->started) names += (names.empty() ? "" : ", ") + name;
    out += fmt::format("cluster in {}: started {}\n", o.dir.string(), names);
  }
  for (const ClusterMember* m : state.members()) {
    out += fmt::format("  {:<12} 127.0.0.1:{:<5}  pid {:<7}  log {}\n", m->name, m->port,
                       m->process.pid, m->log.string());
  }
  out += fmt::format("stop it with: cardmint cluster down --dir {}\n{}\n", o.dir.string(),
                     state.url());
  std::cout << out;
  return 0;
}

int run_cluster_down(const ClusterDownFlags& flags) {
  Result<std::vector<std::string>> stopped =
      cluster_down(flags.dir, std::chrono::seconds(flags.grace_s));
  if (!stopped.ok()) {
    logger("cli")->error("cluster down: {}", stopped.status().message());
    return 1;
  }
  if (stopped->empty()) {
    std::cout << fmt::format("nothing runs in {}\n", flags.dir);
    return 0;
  }
  std::string names;
  for (const std::string& name : *stopped) names += (names.empty() ? "" : ", ") + name;
  std::cout << fmt::format("stopped {}\n", names);
  return 0;
}

}  // namespace

void register_cluster_command(CLI::App& app) {
  CLI::App* cluster = app.add_subcommand(
      "cluster", "N cardmintd behind nginx with a shared Redis, on this machine's loopback");
  cluster->require_subcommand(1);

  auto up_flags = std::make_shared<ClusterUpFlags>();
  ClusterOptions& o = up_flags->options;
  o.instances = 0;
  o.dir = default_cluster_dir();
  o.deploy_dir = default_deploy_dir();
  CLI::App* up = cluster->add_subcommand(
      "up", "start the cluster (or the members of a running one that died) and wait until ready");
  up->add_option("instances", o.instances,
                 "cardmintd instances (default: the running cluster's, else 3)")
      ->check(CLI::Range(1, 64));
  // After N: `cluster up 3 -- --model M --mmproj P`. A running cluster keeps the flags it was
  // started with, also for the members it starts again.
  up->add_option("cardmintd-flags", o.cardmintd_args,
                 "after N and `--`: flags for every cardmintd (--model, --mmproj, ...)");
  up->add_option("--dir", o.dir, "state, logs and nginx's files")->capture_default_str();
  up->add_option("--base-port", o.base_port,
                 "instance k listens on base-port + k - 1; 0 = free ports")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  up->add_option("--redis-port", o.redis_port, "0 = a free port")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  up->add_option("--nginx-port", o.nginx_port, "where clients connect; 0 = a free port")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  up->add_option("--redis-maxmemory", o.redis_maxmemory,
                 "Redis's memory limit; beyond it the least recently used keys go")
      ->capture_default_str();
  up->add_option("--catalog-db", up_flags->catalog_db,
                 "catalog for every instance (default: cardmintd's, or CATALOG_DB)");
  up->add_option("--deploy-dir", o.deploy_dir, "folder holding nginx/nginx.conf")
      ->capture_default_str();
  up->add_option("--cardmintd", o.cardmintd, "cardmintd binary (default: the one built beside)");
  up->add_option("--redis-server", o.redis_server, "redis-server binary (default: on PATH)");
  up->add_option("--nginx", o.nginx, "nginx binary (default: on PATH or in /usr/sbin)");
  up->add_option("--ready-timeout-s", up_flags->ready_timeout_s,
                 "how long each member may take to become ready")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  up->callback([up_flags] { throw CLI::RuntimeError(run_cluster_up(*up_flags)); });

  auto down_flags = std::make_shared<ClusterDownFlags>();
  down_flags->dir = default_cluster_dir().string();
  CLI::App* down = cluster->add_subcommand("down", "stop every member of the cluster");
  down->add_option("--dir", down_flags->dir, "the folder `cluster up` used")->capture_default_str();
  down->add_option("--grace-s", down_flags->grace_s,
                   "seconds the instances may drain after SIGTERM before SIGKILL")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  down->callback([down_flags] { throw CLI::RuntimeError(run_cluster_down(*down_flags)); });
}

}  // namespace cardmint::cli
