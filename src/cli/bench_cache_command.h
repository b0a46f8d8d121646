#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench cache [--json] [--sizes ...] [--radius ...] [--queries N] [--seed S]`: the
// Hamming index of the card cache against a linear scan over the same random codes, for each size
// and radius: single-threaded p50/p99/mean per query side by side with their ratio, build and
// replace time, bytes per entry. Near-duplicates are planted around each query so that queries
// have answers; a query whose two answers differ fails the run.
void register_bench_cache_command(CLI::App& bench);

}  // namespace cardmint::cli
