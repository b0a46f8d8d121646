#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint eval DIR --manifest manifest.jsonl [--json]`: accuracy, confident mistakes and latency
// of the recognizer over a folder of labelled photos.
void register_eval_command(CLI::App& app);

}  // namespace cardmint::cli
