#pragma once
// The model flags shared by `scan` and `bench`: the same names and environment variables as
// cardmintd (MODEL_PATH, MMPROJ_PATH, NUM_THREADS), so one setup works for both.

#include <string>

#include <CLI/CLI.hpp>

#include "vlm/vlm_options.h"

namespace cardmint::cli {

struct ModelFlags {
  std::string model_path;
  std::string mmproj_path;
  std::string label = "vlm-256m";
  std::string tiling = "single";  // single | smolvlm
  int threads = 2;
};

void add_model_flags(CLI::App& command, ModelFlags& flags);

// REQUIRES: flags were parsed (CLI11 has validated tiling).
vlm::VlmOptions to_vlm_options(const ModelFlags& flags);

}  // namespace cardmint::cli
