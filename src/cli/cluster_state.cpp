#include "cli/cluster_state.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kVersion = 1;

json member_json(const ClusterMember& m) {
  return {{"name", m.name},
          {"port", m.port},
          {"pid", m.process.pid},
          {"start_ticks", m.process.start_ticks},
          {"log", m.log.string()}};
}

ClusterMember member_from(const json& j) {
  ClusterMember m;
  m.name = j.at("name").get<std::string>();
  m.port = j.at("port").get<int>();
  m.process.pid = j.at("pid").get<pid_t>();
  m.process.start_ticks = j.at("start_ticks").get<std::uint64_t>();
  m.log = j.at("log").get<std::string>();
  return m;
}

}  // namespace

std::string ClusterState::url() const { return fmt::format("http://127.0.0.1:{}", nginx.port); }

std::vector<const ClusterMember*> ClusterState::members() const {
  std::vector<const ClusterMember*> out = {&nginx};
  for (const ClusterMember& m : instances) out.push_back(&m);
  out.push_back(&redis);
  return out;
}

fs::path cluster_state_path(const fs::path& dir) { return dir / "cluster.json"; }

Result<ClusterState> read_cluster_state(const fs::path& dir) {
  const fs::path path = cluster_state_path(dir);
  std::ifstream in(path);
  if (!in) return Status::not_found(fmt::format("no cluster state in {}", dir.string()));
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  try {
    const json j = json::parse(text);
    if (j.at("version").get<int>() != kVersion) {
      return Status::invalid_input(fmt::format("{}: version {}, this cardmint reads {}",
                                               path.string(), j.at("version").dump(), kVersion));
    }
    ClusterState state;
    for (const json& m : j.at("instances")) state.instances.push_back(member_from(m));
    state.redis = member_from(j.at("redis"));
    state.nginx = member_from(j.at("nginx"));
    state.cardmintd_args = j.at("cardmintd_args").get<std::vector<std::string>>();
    return state;
  } catch (const json::exception& e) {
    return Status::invalid_input(
        fmt::format("{} is not a cluster state file: {}", path.string(), e.what()));
  }
}

Status write_cluster_state(const fs::path& dir, const ClusterState& state) {
  json j = {{"version", kVersion},
            {"url", state.url()},
            {"redis", member_json(state.redis)},
            {"nginx", member_json(state.nginx)},
            {"instances", json::array()},
            {"cardmintd_args", state.cardmintd_args}};
  for (const ClusterMember& m : state.instances) j["instances"].push_back(member_json(m));
  const fs::path path = cluster_state_path(dir);
  const fs::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) return Status::internal(fmt::format("cannot write {}", partial.string()));
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) return Status::internal(fmt::format("cannot write {}: {}", path.string(), ec.message()));
  return Status();
}

}  // namespace cardmint::cli
