#pragma once
// The nginx of a local cluster runs deploy/nginx/nginx.conf itself, the file docker-compose
// mounts. Only the two files it includes differ: the upstream (127.0.0.1 ports instead of the
// compose service's name, with the same server parameters) and the listen line.

#include <filesystem>
#include <vector>

#include "base/status.h"

namespace cardmint::cli {

// ./deploy when the working directory is a checkout, else the source tree this binary was built
// from.
std::filesystem::path default_deploy_dir();

// Writes into `site_dir`: nginx.conf, copied unchanged from `deploy_dir`/nginx/;
// cardmint-listen.conf
// (`listen 127.0.0.1:listen_port;`); and cardmint-upstream.conf, deploy's with its one `server`
// line replaced by one line per instance port, each with that line's parameters (max_fails,
// fail_timeout). Errors: not_found when a deploy file is missing, invalid_input when the upstream
// file has not exactly one `server` line, internal when a file cannot be written.
[[nodiscard]] Status write_nginx_site(const std::filesystem::path& deploy_dir,
                                      const std::filesystem::path& site_dir,
                                      const std::vector<int>& instance_ports, int listen_port);

}  // namespace cardmint::cli
