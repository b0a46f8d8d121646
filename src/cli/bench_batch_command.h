#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench batch`: an in-process VlmEngine + VlmWorker per batch size, closed-loop clients
// at each concurrency; throughput, p50 and p99 side by side, and the batching goal's ratios.
void register_bench_batch_command(CLI::App& bench);

}  // namespace cardmint::cli
