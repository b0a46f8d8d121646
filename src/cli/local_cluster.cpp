#include "cli/local_cluster.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <thread>

#include "cache/redis_client.h"
#include "cli/cardmintd_child.h"
#include "cli/nginx_site.h"
#include "cli/subprocess.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A port found free can be taken by another process before its member binds it; then the member
// exits and, when the port was ours to choose, a fresh one is tried.
constexpr int kStartAttempts = 3;
constexpr auto kPollInterval = std::chrono::milliseconds(100);

// A port the kernel says is free on 127.0.0.1 now.
Result<int> free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::internal("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                     getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!bound) return Status::unavailable("no free port on 127.0.0.1");
  return static_cast<int>(ntohs(addr.sin_port));
}

// Whether something accepts TCP connections on 127.0.0.1:`port` now.
bool accepts_connections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return connected;
}

// `wanted` when given, else the first executable `name` on PATH or in the sbin folders (nginx
// lives in /usr/sbin, which a non-root PATH often lacks).
Result<fs::path> find_program(const std::string& name, const fs::path& wanted) {
  if (!wanted.empty()) {
    if (access(wanted.c_str(), X_OK) == 0) return wanted;
    return Status::not_found(fmt::format("{} is not an executable file", wanted.string()));
  }
  const char* path_env = std::getenv("PATH");
  std::string dirs = path_env ? path_env : "";
  dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path dir = dirs.substr(start, end - start);
    if (!dir.empty() && access((dir / name).c_str(), X_OK) == 0) return dir / name;
    start = end + 1;
  }
  return Status::not_found(fmt::format(
      "{} is not installed (scripts/install-deps.sh installs it), or pass its path", name));
}

struct Programs {
  fs::path cardmintd, redis_server, nginx;
};

Result<Programs> find_programs(const ClusterOptions& options) {
  Programs p;
  Result<fs::path> cardmintd =
      find_program("cardmintd", options.cardmintd.empty() ? built_cardmintd() : options.cardmintd);
  if (!cardmintd.ok()) return cardmintd.status();
  Result<fs::path> redis = find_program("redis-server", options.redis_server);
  if (!redis.ok()) return redis.status();
  Result<fs::path> nginx = find_program("nginx", options.nginx);
  if (!nginx.ok()) return nginx.status();
  return Programs{*cardmintd, *redis, *nginx};
}

Status member_failed(const ClusterMember& m, const std::string& what) {
  return Status::unavailable(fmt::format("{} (127.0.0.1:{}) {}; its log, {}, ends:{}", m.name,
                                         m.port, what, m.log.string(), log_tail(m.log, 12)));
}

// --- redis-server -----------------------------------------------------------------------------

std::vector<std::string> redis_argv(const Programs& p, const ClusterOptions& o, const fs::path& dir,
                                    int port) {
  return {p.redis_server.string(),
          "--port",
          std::to_string(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          dir.string(),
          "--daemonize",
          "no",
          "--maxmemory",
          o.redis_maxmemory,
          "--maxmemory-policy",
          "allkeys-lru"};
}

Status wait_redis(const ClusterMember& m, std::chrono::seconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  cache::RedisAddress address;
  address.port = m.port;
  // No backoff between attempts: this loop paces itself.
  cache::RedisClient client(address, {.connect_timeout = std::chrono::milliseconds(500),
                                      .command_timeout = std::chrono::milliseconds(500),
                                      .reconnect_backoff = std::chrono::milliseconds(0),
                                      .max_reconnect_backoff = std::chrono::milliseconds(0)});
  for (;;) {
    // Listening first: the client logs a warning for every connection refused.
    if (accepts_connections(m.port) && client.ping().ok()) return Status();
    if (!is_running(m.process)) return member_failed(m, "exited before it answered PING");
    if (Clock::now() >= deadline) {
      return member_failed(m, fmt::format("did not answer PING within {} s", timeout.count()));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

// --- cardmintd --------------------------------------------------------------------------------

bool has_flag(const std::vector<std::string>& args, const std::string& flag) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return a == flag || a.rfind(flag + "=", 0) == 0;
  });
}

std::vector<std::string> instance_argv(const Programs& p, const ClusterState& state,
                                       const fs::path& dir, const ClusterMember& m) {
  std::vector<std::string> argv = {p.cardmintd.string(),
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(m.port),
                                   "--redis-url",
                                   fmt::format("redis://127.0.0.1:{}", state.redis.port)};
  // Each instance its own local tier: one SQLite cache file written by several processes would
  // have them wait on each other's locks.
  if (!has_flag(state.cardmintd_args, "--cache-file")) {
    argv.insert(argv.end(), {"--cache-file", (dir / (m.name + ".cache.sqlite")).string()});
  }
  argv.insert(argv.end(), state.cardmintd_args.begin(), state.cardmintd_args.end());
  return argv;
}

// --- nginx ------------------------------------------------------------------------------------

fs::path site_dir(const fs::path& dir) { return dir / "nginx"; }

std::vector<std::string> nginx_argv(const Programs& p, const fs::path& dir) {
  const fs::path site = site_dir(dir);
  // -e stderr: before it reads the config, nginx would open its compiled-in error log, which
  // only root may write. The config sets no `daemon`: here it stays in the foreground, as the
  // process whose pid the state file holds.
  return {p.nginx.string(),    "-e", "stderr",     "-c", (site / "nginx.conf").string(), "-p",
          site.string() + "/", "-g", "daemon off;"};
}

// Started by root, nginx runs its workers as `nobody`, and they write large uploads under the
// site folder: every folder above it must let others through.
Status check_workers_reach(const fs::path& site) {
  if (geteuid() != 0) return Status();
  for (fs::path p = fs::absolute(site);; p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
      return Status::invalid_input(fmt::format(
          "{} is not searchable by other users, and nginx started by root runs its workers as "
          "`nobody`, which must reach {}: chmod o+x it or choose another --dir",
          p.string(), site.string()));
    }
    if (p == p.root_path()) return Status();
  }
}

Status write_and_test_site(const Programs& p, const ClusterOptions& o, const fs::path& dir,
                           const ClusterState& state) {
  std::vector<int> ports;
  for (const ClusterMember& m : state.instances) ports.push_back(m.port);
  if (Status s = write_nginx_site(o.deploy_dir, site_dir(dir), ports, state.nginx.port); !s.ok()) {
    return s;
  }
  if (Status s = check_workers_reach(site_dir(dir)); !s.ok()) return s;
  std::vector<std::string> test = nginx_argv(p, dir);
  test.push_back("-t");
  Result<ProcessOutput> out = run_process(test, std::chrono::seconds(30));
  if (!out.ok()) return out.status();
  if (out->exit_code != 0) {
    return Status::invalid_input(
        fmt::format("nginx -t refused {}:\n{}", (site_dir(dir) / "nginx.conf").string(), out->err));
  }
  return Status();
}

Status wait_nginx(const ClusterMember& m, std::chrono::seconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  httplib::Client client("127.0.0.1", m.port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(10, 0);
  for (;;) {
    httplib::Result health = client.Get("/health");
    if (health && health->status == 200) return Status();
    if (!is_running(m.process)) return member_failed(m, "exited before it answered /health");
    if (Clock::now() >= deadline) {
      return member_failed(
          m, fmt::format("did not answer /health with 200 within {} s", timeout.count()));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

// --- starting members -------------------------------------------------------------------------

// Starts `m` (its port already set) with the argv `argv_for` builds (a Result<argv>) and waits
// with `wait`. When `free_port` and it exits before it is ready (its port taken meanwhile), tries
// fresh ports.
template <typename ArgvFor, typename Wait>
Status start_member(ClusterMember& m, bool free_port, const ArgvFor& argv_for, const Wait& wait) {
  Status last;
  for (int attempt = 0; attempt < (free_port ? kStartAttempts : 1); ++attempt) {
    if (attempt > 0) {
      Result<int> port = free_loopback_port();
      if (!port.ok()) return port.status();
      m.port = *port;
    }
    Result<std::vector<std::string>> argv = argv_for(m);
    if (!argv.ok()) return argv.status();
    Result<DetachedProcess> process = start_detached(*argv, m.log);
    if (!process.ok()) return process.status();
    m.process = *process;
    last = wait(m);
    if (last.ok() || is_running(m.process)) return last;
  }
  return last;
}

Result<int> port_or_free(int wanted) {
  return wanted != 0 ? Result<int>(wanted) : free_loopback_port();
}

Status check_options(const ClusterOptions& o) {
  if (o.instances < 1 || o.instances > 64) {
    return Status::invalid_input(fmt::format("{} instances: 1 to 64", o.instances));
  }
  if (o.dir.empty()) return Status::invalid_input("no cluster folder");
  for (int port : {o.base_port, o.redis_port, o.nginx_port}) {
    if (port < 0 || port > 65535) return Status::invalid_input(fmt::format("port {}", port));
  }
  if (o.base_port != 0 && o.base_port + o.instances - 1 > 65535) {
    return Status::invalid_input(
        fmt::format("--base-port {} leaves no room for {} instances", o.base_port, o.instances));
  }
  return Status();
}

// A cluster none of whose members runs: Redis, the instances (started together, each then
// waited for), nginx. The state file is written after each start, so that `down` finds whatever
// an interrupted `up` left running.
Result<ClusterUpResult> start_fresh(const ClusterOptions& o, const Programs& p) {
  const fs::path& dir = o.dir;
  ClusterUpResult result;
  ClusterState& state = result.state;
  state.cardmintd_args = o.cardmintd_args;
  auto save = [&] { return write_cluster_state(dir, state); };

  state.redis = {"redis", 0, {}, dir / "redis.log"};
  Result<int> redis_port = port_or_free(o.redis_port);
  if (!redis_port.ok()) return redis_port.status();
  state.redis.port = *redis_port;
  Status redis = start_member(
      state.redis, o.redis_port == 0,
      [&](const ClusterMember& m) -> Result<std::vector<std::string>> {
        return redis_argv(p, o, dir, m.port);
      },
      [&](const ClusterMember& m) { return wait_redis(m, o.ready_timeout); });
  if (Status s = save(); !s.ok()) return s;
  if (!redis.ok()) return redis;
  result.started.push_back(state.redis.name);

  for (int k = 1; k <= o.instances; ++k) {
    ClusterMember m{
        fmt::format("cardmintd-{}", k), 0, {}, dir / fmt::format("cardmintd-{}.log", k)};
    Result<int> port = o.base_port != 0 ? Result<int>(o.base_port + k - 1) : free_loopback_port();
    if (!port.ok()) return port.status();
    m.port = *port;
    state.instances.push_back(m);
  }
  // All at once: each loads its catalog (and models) while the others do.
  for (ClusterMember& m : state.instances) {
    Result<DetachedProcess> process = start_detached(instance_argv(p, state, dir, m), m.log);
    if (!process.ok()) return process.status();
    m.process = *process;
  }
  if (Status s = save(); !s.ok()) return s;
  for (ClusterMember& m : state.instances) {
    Status ready = wait_until_ready(m.port, m.process, o.ready_timeout);
    if (!ready.ok() && !is_running(m.process) && o.base_port == 0) {
      // Its port was taken before it bound it: once more on others.
      ready = start_member(
          m, /*free_port=*/true,
          [&](const ClusterMember& member) -> Result<std::vector<std::string>> {
            return instance_argv(p, state, dir, member);
          },
          [&](const ClusterMember& member) {
            return wait_until_ready(member.port, member.process, o.ready_timeout);
          });
    }
    if (Status s = save(); !s.ok()) return s;
    if (!ready.ok()) return member_failed(m, ready.message());
    result.started.push_back(m.name);
  }

  state.nginx = {"nginx", 0, {}, dir / "nginx.log"};
  Result<int> nginx_port = port_or_free(o.nginx_port);
  if (!nginx_port.ok()) return nginx_port.status();
  state.nginx.port = *nginx_port;
  Status nginx = start_member(
      state.nginx, o.nginx_port == 0,
      [&](const ClusterMember& m) -> Result<std::vector<std::string>> {
        // The listen line names the port: written again for each attempt.
        state.nginx.port = m.port;
        if (Status site = write_and_test_site(p, o, dir, state); !site.ok()) return site;
        return nginx_argv(p, dir);
      },
      [&](const ClusterMember& m) { return wait_nginx(m, std::chrono::seconds(30)); });
  if (Status s = save(); !s.ok()) return s;
  if (!nginx.ok()) return nginx;
  result.started.push_back(state.nginx.name);
  return result;
}

// A cluster some of whose members run: starts the others again as they were.
Result<ClusterUpResult> restart_dead(const ClusterOptions& o, const Programs& p,
                                     ClusterState state) {
  const fs::path& dir = o.dir;
  ClusterUpResult result;
  if (!is_running(state.redis.process)) {
    Status s = start_member(
        state.redis, false,
        [&](const ClusterMember& m) -> Result<std::vector<std::string>> {
          return redis_argv(p, o, dir, m.port);
        },
        [&](const ClusterMember& m) { return wait_redis(m, o.ready_timeout); });
    if (Status w = write_cluster_state(dir, state); !w.ok()) return w;
    if (!s.ok()) return s;
    result.started.push_back(state.redis.name);
  }
  std::vector<ClusterMember*> dead;
  for (ClusterMember& m : state.instances) {
    if (is_running(m.process)) continue;
    Result<DetachedProcess> process = start_detached(instance_argv(p, state, dir, m), m.log);
    if (!process.ok()) return process.status();
    m.process = *process;
    dead.push_back(&m);
  }
  if (Status w = write_cluster_state(dir, state); !w.ok()) return w;
  for (ClusterMember* m : dead) {
    if (Status ready = wait_until_ready(m->port, m->process, o.ready_timeout); !ready.ok()) {
      return member_failed(*m, ready.message());
    }
    result.started.push_back(m->name);
  }
  if (!is_running(state.nginx.process)) {
    if (Status site = write_and_test_site(p, o, dir, state); !site.ok()) return site;
    Status s = start_member(
        state.nginx, false,
        [&](const ClusterMember&) -> Result<std::vector<std::string>> {
          return nginx_argv(p, dir);
        },
        [&](const ClusterMember& m) { return wait_nginx(m, std::chrono::seconds(30)); });
    if (Status w = write_cluster_state(dir, state); !w.ok()) return w;
    if (!s.ok()) return s;
    result.started.push_back(state.nginx.name);
  }
  result.was_running = result.started.empty();
  result.state = std::move(state);
  return result;
}

std::vector<DetachedProcess> processes_of(const std::vector<const ClusterMember*>& members) {
  std::vector<DetachedProcess> out;
  for (const ClusterMember* m : members) out.push_back(m->process);
  return out;
}

}  // namespace

fs::path default_cluster_dir() {
  const char* tmp = std::getenv("TMPDIR");
  return fs::path(tmp && *tmp ? tmp : "/tmp") / fmt::format("cardmint-cluster-{}", getuid());
}

Result<ClusterUpResult> cluster_up(const ClusterOptions& options) {
  ClusterOptions o = options;
  Result<ClusterState> existing = read_cluster_state(o.dir);
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  bool any_running = false;
  if (existing.ok()) {
    for (const ClusterMember* m : existing->members()) any_running |= is_running(m->process);
  }
  if (any_running && o.instances == 0) o.instances = static_cast<int>(existing->instances.size());
  if (o.instances == 0) o.instances = 3;
  if (Status s = check_options(o); !s.ok()) return s;
  Result<Programs> programs = find_programs(o);
  if (!programs.ok()) return programs.status();

  if (any_running) {
    if (static_cast<std::size_t>(o.instances) != existing->instances.size()) {
      return Status::invalid_input(fmt::format(
          "the cluster in {} runs {} instances, not {}: `cardmint cluster down --dir {}` first",
          o.dir.string(), existing->instances.size(), o.instances, o.dir.string()));
    }
    return restart_dead(o, *programs, std::move(existing).value());
  }

  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec)
    return Status::internal(fmt::format("cannot create {}: {}", o.dir.string(), ec.message()));
  Result<ClusterUpResult> fresh = start_fresh(o, *programs);
  if (!fresh.ok()) {
    // Nothing half-started stays behind: a second `up` starts from scratch.
    Result<std::vector<std::string>> stopped = cluster_down(o.dir, std::chrono::seconds(10));
    (void)stopped;
  }
  return fresh;
}

Result<std::vector<std::string>> cluster_down(const fs::path& dir,
                                              std::chrono::milliseconds grace) {
  Result<ClusterState> state = read_cluster_state(dir);
  if (!state.ok()) {
    if (state.status().code() == StatusCode::kNotFound) return std::vector<std::string>{};
    return state.status();
  }
  std::vector<std::string> stopped;
  bool all_gone = true;
  // The balancer first, so no new request reaches an instance that is about to drain; Redis last,
  // so draining instances can still publish what they recognise.
  const std::vector<const ClusterMember*> members = state->members();
  std::vector<const ClusterMember*> nginx = {members.front()};
  std::vector<const ClusterMember*> instances(members.begin() + 1, members.end() - 1);
  std::vector<const ClusterMember*> redis = {members.back()};
  for (const std::vector<const ClusterMember*>* group : {&nginx, &instances, &redis}) {
    for (const ClusterMember* m : *group) {
      if (is_running(m->process)) stopped.push_back(m->name);
    }
    all_gone &= stop_detached(processes_of(*group), grace);
  }
  if (!all_gone) {
    return Status::unavailable(
        fmt::format("a member of the cluster in {} outlived SIGKILL; {} is kept", dir.string(),
                    cluster_state_path(dir).string()));
  }
  std::error_code ec;
  fs::remove(cluster_state_path(dir), ec);
  return stopped;
}

}  // namespace cardmint::cli
