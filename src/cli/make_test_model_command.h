#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint make-test-model --size tiny|256m|500m --out DIR`: writes a random-weight SmolVLM
// GGUF pair (vlm/test_model_writer.h) and prints the two paths, or one JSON object with --json.
void register_make_test_model_command(CLI::App& app);

}  // namespace cardmint::cli
