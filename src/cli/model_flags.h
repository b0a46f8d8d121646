#pragma once
// The model and catalog flags shared by `scan`, `eval` and `bench`: the same names and environment
// variables as cardmintd (MODEL_PATH, MMPROJ_PATH, NUM_THREADS, CATALOG_DB), so one setup works
// for all.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "vlm/vlm_options.h"

namespace cardmint::cli {

struct ModelFlags {
  std::string catalog_db;  // empty: catalog::default_catalog_db_path()
  std::string model_path;
  std::string mmproj_path;
  std::string label = "vlm-256m";
  std::string tiling = "single";  // single | smolvlm
  int threads = 2;
};

void add_model_flags(CLI::App& command, ModelFlags& flags);

// REQUIRES: flags were parsed (CLI11 has validated tiling).
vlm::VlmOptions to_vlm_options(const ModelFlags& flags);

// The model to consult, or none when no --model was given (OCR alone).
std::optional<vlm::VlmOptions> optional_vlm_options(const ModelFlags& flags);

std::string catalog_db_path(const ModelFlags& flags);

}  // namespace cardmint::cli
