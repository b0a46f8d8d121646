#pragma once
// The model and catalog flags shared by `scan`, `eval` and `bench`: the same names and environment
// variables as cardmintd (MODEL_PATH, MMPROJ_PATH, NUM_THREADS, CATALOG_DB), so one setup works
// for all.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "recognize/recognizer.h"
#include "vlm/vlm_options.h"

namespace cardmint::cli {

struct ModelFlags {
  std::string catalog_db;  // empty: catalog::default_catalog_db_path()
  std::string model_path;
  std::string mmproj_path;
  std::string label = "vlm-256m";
  std::string tiling = "single";  // single | smolvlm
  int threads = 2;
  // The accurate model (SmolVLM-500M), the cascade's last source; optional.
  std::string accurate_model_path;
  std::string accurate_mmproj_path;
  std::string accurate_label = "vlm-500m";
};

void add_model_flags(CLI::App& command, ModelFlags& flags);

// REQUIRES: flags were parsed (CLI11 has validated tiling).
vlm::VlmOptions to_vlm_options(const ModelFlags& flags);

// The models the cascade may ask, fast first; none when no --model or --accurate-model was given
// (OCR alone).
std::vector<recognize::RecognizerOptions::Model> cascade_models(const ModelFlags& flags);

std::string catalog_db_path(const ModelFlags& flags);

// cardmintd's flags for the same catalog and models: --catalog-db, then each of
// cascade_models(flags) as --model/--mmproj/--model-label (or the --accurate-* ones) and --threads.
std::vector<std::string> cardmintd_model_args(const ModelFlags& flags);

}  // namespace cardmint::cli
