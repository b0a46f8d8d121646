#include "cli/nginx_site.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <optional>
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

// A `server ADDRESS [PARAMETERS];` line split into its indent and its parameters (with their
// leading space), or nothing when the line is something else. Plain scanning, not std::regex:
// GCC 12 under ASan reports -Wmaybe-uninitialized inside <regex>, and -Werror makes that fatal.
struct ServerLine {
  std::string indent;
  std::string parameters;
};

std::optional<ServerLine> parse_server_line(const std::string& line) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  ServerLine parsed{line.substr(0, i), ""};
  const std::string keyword = "server";
  if (line.compare(i, keyword.size(), keyword) != 0) return std::nullopt;
  i += keyword.size();
  if (i >= line.size() || !is_space(line[i])) return std::nullopt;
  while (i < line.size() && is_space(line[i])) ++i;
  const size_t address_begin = i;
  while (i < line.size() && !is_space(line[i]) && line[i] != ';') ++i;
  if (i == address_begin) return std::nullopt;
  const size_t semicolon = line.find(';', i);
  if (semicolon == std::string::npos) return std::nullopt;
  for (size_t j = semicolon + 1; j < line.size(); ++j) {
    if (!is_space(line[j])) return std::nullopt;
  }
  parsed.parameters = line.substr(i, semicolon - i);
  while (!parsed.parameters.empty() && is_space(parsed.parameters.back())) {
    parsed.parameters.pop_back();
  }
  return parsed;
}

// deploy's upstream file with its `server ADDRESS PARAMETERS;` line replaced by one per port.
Result<std::string> local_upstream(const std::string& deploy_upstream, const fs::path& source,
                                   const std::vector<int>& ports) {
  std::istringstream in(deploy_upstream);
  std::string out;
  int server_lines = 0;
  for (std::string line; std::getline(in, line);) {
    std::optional<ServerLine> server = parse_server_line(line);
    if (!server) {
      out += line + "\n";
      continue;
    }
    ++server_lines;
    for (int port : ports) {
      out += fmt::format("{}server 127.0.0.1:{}{};\n", server->indent, port, server->parameters);
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
