#pragma once
// Settings of one loaded model pair. Plain data; copy freely.

#include <filesystem>
#include <string>

namespace cardmint::vlm {

// How an image becomes vision tokens. SmolVLM's idefics3 preprocessor scales the longest edge to
// the mmproj's preprocessor size (2048 for SmolVLM), cuts 512² tiles and always prepends one 512²
// overview tile. Each tile is 64 tokens and costs one SigLIP encode (~0.7 s BF16, ~0.87 s F16 at
// the 256m/500m vision size on 2 cores), so the tile count is the request's main cost.
enum class TilingPlan {
  kSingleTile,      // cap at 64 tokens per slice: the overview plus one 512² slice, 2 tiles
  kSmolVlmDefault,  // the mmproj's own longest edge: a 630×880 card is 12 slices + overview
};

struct VlmOptions {
  std::filesystem::path model_path;   // MODEL_PATH: the text model GGUF
  std::filesystem::path mmproj_path;  // MMPROJ_PATH: the vision projector GGUF
  std::string label = "vlm";          // reported as the result's source, e.g. "vlm-256m"
  int threads = 2;            // NUM_THREADS; more than the physical cores only adds contention
  int context_tokens = 4096;  // KV cache size; a card prompt needs < 1,000 tokens
  int batch_tokens = 2048;    // llama_decode batch; matches llama-mtmd-cli's default
  TilingPlan tiling = TilingPlan::kSingleTile;
  // Evaluated once at load and kept in the KV cache; every request starts after it.
  std::string system_prompt;
};

}  // namespace cardmint::vlm
