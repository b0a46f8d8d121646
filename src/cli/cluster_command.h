#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint cluster up [N] [--dir D] [--base-port P] [--redis-port R] [--nginx-port G]
// [--catalog-db DB] [-- CARDMINTD_FLAGS...]`: N cardmintd (default 3) on 127.0.0.1 ports sharing
// one redis-server, behind one nginx running deploy/nginx/nginx.conf; returns once all are ready
// and prints nginx's URL. Again on a running cluster: says so, and starts again only members that
// died. `cardmint cluster down [--dir D] [--grace-s S]`: stops them all (SIGTERM, SIGKILL after
// the grace). See local_cluster.h.
void register_cluster_command(CLI::App& app);

}  // namespace cardmint::cli
