#include "cli/nginx_site.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(fmt::format("cannot read {}", path.string()));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) return Status::internal(fmt::format("cannot write {}", path.string()));
  return Status();
}

// deploy's upstream file with its `server ADDRESS PARAMETERS;` line replaced by one per port.
Result<std::string> local_upstream(const std::string& deploy_upstream, const fs::path& source,
                                   const std::vector<int>& ports) {
  const std::regex server_line(R"(^(\s*)server\s+\S+(\s[^;]*)?;\s*$)");
  std::istringstream in(deploy_upstream);
  std::string out;
  int server_lines = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, server_line)) {
      out += line + "\n";
      continue;
    }
    ++server_lines;
    for (int port : ports) {
      out += fmt::format("{}server 127.0.0.1:{}{};\n", m[1].str(), port, m[2].str());
    }
  }
  if (server_lines != 1) {
    return Status::invalid_input(
        fmt::format("{} has {} `server` lines; a local cluster replaces exactly one",
                    source.string(), server_lines));
  }
  return out;
}

}  // namespace

fs::path default_deploy_dir() {
  std::error_code ec;
  if (fs::is_regular_file("deploy/nginx/nginx.conf", ec)) return "deploy";
  return CARDMINT_SOURCE_DEPLOY_DIR;
}

Status write_nginx_site(const fs::path& deploy_dir, const fs::path& site_dir,
                        const std::vector<int>& instance_ports, int listen_port) {
  const fs::path nginx_dir = deploy_dir / "nginx";
  Result<std::string> main_conf = read_text(nginx_dir / "nginx.conf");
  if (!main_conf.ok()) return main_conf.status();
  Result<std::string> upstream_conf = read_text(nginx_dir / "cardmint-upstream.conf");
  if (!upstream_conf.ok()) return upstream_conf.status();
  Result<std::string> upstream =
      local_upstream(*upstream_conf, nginx_dir / "cardmint-upstream.conf", instance_ports);
  if (!upstream.ok()) return upstream.status();

  std::error_code ec;
  fs::create_directories(site_dir, ec);
  if (ec)
    return Status::internal(fmt::format("cannot create {}: {}", site_dir.string(), ec.message()));
  if (Status s = write_text(site_dir / "nginx.conf", *main_conf); !s.ok()) return s;
  if (Status s = write_text(site_dir / "cardmint-upstream.conf",
                            "# Written by `cardmint cluster up` from deploy/nginx/.\n" + *upstream);
      !s.ok()) {
    return s;
  }
  return write_text(site_dir / "cardmint-listen.conf",
                    fmt::format("# Written by `cardmint cluster up`: loopback only.\n"
                                "listen 127.0.0.1:{};\n",
                                listen_port));
}

}  // namespace cardmint::cli
