#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench vlm`: the warm service, a cold `cardmint scan` and the reference llama-mtmd-cli
// on the same model, image, prompt and token count, side by side in one run, with ratios.
void register_bench_vlm_command(CLI::App& bench);

}  // namespace cardmint::cli
