#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench serve [--json] [--catalog-db DB] [--photos DIR] [--clients N] [--requests N]
// [--misses N]`: POST /recognize on one cardmintd over loopback HTTP, side by side in one run: a
// miss (the full recognizer, one client), a same-bytes re-upload (answered by the upload's digest)
// and the same picture in other bytes (answered by its perceptual hash), the hits from --clients
// concurrent clients. Client-side latency p50/p90/p99/mean, the server's own p50 per stage,
// throughput, their ratios and the goals for a 1600×1200 JPEG; answers of the wrong kind
// are counted and shown, never dropped.
void register_bench_serve_command(CLI::App& bench);

}  // namespace cardmint::cli
