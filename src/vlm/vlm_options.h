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
  int threads = 2;  // NUM_THREADS; more than the physical cores only adds contention
  // KV cells of one sequence; a card prompt needs < 1,000 (prefix + 128 image tokens with the
  // single-tile plan + ~160 generated). The cache holds max_batch × this many cells.
  int context_tokens = 4096;
  int batch_tokens = 2048;  // llama_decode batch; matches llama-mtmd-cli's default
  // Requests generate_batch() decodes together, each in its own KV stream (n_seq_max, with
  // kv_unified off: a stream's cells sit at the positions a lone request would use, which keeps
  // batched output identical to unbatched output).
  int max_batch = 1;
  // Attention whose numbers do not depend on what else is in a batch: flash attention off. Implied
  // by max_batch > 1; set it on an unbatched engine to get exactly a batched engine's tokens.
  // Off (max_batch 1) keeps llama-mtmd-cli's default, flash attention on ("auto" on CPU), whose
  // numbers are batch-dependent: for one new token in one KV stream ggml's CPU kernel splits the
  // stream's cells across threads once it holds 512+ of them and merges the parts, while a step
  // with several streams runs each stream's cells in one pass, so the roundings differ.
  bool batch_invariant = false;
  TilingPlan tiling = TilingPlan::kSingleTile;
  // Evaluated once at load and kept in the KV cache; every request starts after it.
  std::string system_prompt;
};

}  // namespace cardmint::vlm
