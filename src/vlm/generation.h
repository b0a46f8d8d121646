#pragma once
// What one model run asks for and what it returns. Plain data.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "image/rgb_image.h"

namespace cardmint::vlm {

struct GenerateRequest {
  std::vector<image::RgbImage> images;  // each is one media part, placed before the prompt
  std::string user_prompt;
  std::string grammar;  // GBNF; empty means unconstrained
  int max_new_tokens = 160;
};

struct GeneratedToken {
  std::int32_t id = 0;
  std::string piece;
  float logprob = 0.0f;  // log p(token) under the unconstrained model distribution
};

// In a batch (VlmEngine::generate_batch), encode_ms and prefill_ms are this request's own work
// (an encode shared with other requests is split by image tokens), while generate_ms is the wall
// time of the shared decoding steps until this request's last token: every request is charged in
// full for the steps it waited on, so timings of a batch do not add up to its wall time.
struct StageTimings {
  double encode_ms = 0;    // SigLIP + projector over all tiles
  double prefill_ms = 0;   // text and image embeddings through the language model
  double generate_ms = 0;  // token-by-token decoding
};

struct Generation {
  std::string text;
  std::vector<GeneratedToken> tokens;
  StageTimings timings;
  int image_tokens = 0;
  int prompt_tokens = 0;         // evaluated for this request, after the cached prefix
  int cached_prefix_tokens = 0;  // reused from the KV cache
  bool ended_by_model = false;   // end-of-generation token, not the token limit
  int batch_size = 1;            // requests decoded together with this one, itself included
};

// Called on the model thread with each new piece of text; return false to stop early.
using TokenCallback = std::function<bool(std::string_view piece)>;

}  // namespace cardmint::vlm
