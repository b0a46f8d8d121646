#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench stream [--json] [--photos DIR] [--count N] [--mode M] [model flags]`:
// POST /recognize?stream=1 on one cardmintd over loopback, one client: each photo first as a new
// upload (answered by OCR or a model), then again (answered by the cache). Per source that gave
// the answer: time to the first event and to `complete`, p50/p90, side by side, and which event
// came first.
void register_bench_stream_command(CLI::App& bench);

}  // namespace cardmint::cli
