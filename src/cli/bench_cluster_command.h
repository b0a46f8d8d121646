#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench cluster [--instances 1,3] [--hit-share 0.6] [--requests K] [--concurrency C]
// [--model-size none|tiny|256m|500m | --model M --mmproj P] [--photos DIR] [--json]`: cards per
// hour through nginx into a local cluster (local_cluster.h) of each size, side by side. A share
// of the uploads repeats a picture the cluster has already answered surely enough to remember (in
// new bytes: the perceptual-hash path of the shared cache); the others are photos no instance has
// seen, made by cardmint-photos. Client
// latency p50/p90/p99 overall, for cache answers and for the others, and each instance's share.
void register_bench_cluster_command(CLI::App& bench);

}  // namespace cardmint::cli
