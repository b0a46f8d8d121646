#pragma once
// A loaded SmolVLM pair (text GGUF + mmproj GGUF) that turns images and a prompt into text.
//
// Owned by one thread: a VlmEngine holds a llama_context and an mtmd_context, neither of which may
// be used from two threads at once. recognize/'s VlmWorker is that thread; everybody else submits
// work to it.

#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "vlm/generation.h"
#include "vlm/vlm_options.h"

namespace cardmint::vlm {

class VlmEngine {
 public:
  // Loads both files once and evaluates the fixed prompt prefix into the KV cache.
  [[nodiscard]] static Result<std::unique_ptr<VlmEngine>> open(const VlmOptions& options);
  ~VlmEngine();
  VlmEngine(const VlmEngine&) = delete;
  VlmEngine& operator=(const VlmEngine&) = delete;

  // Greedy decoding of the chat-formatted request; `on_token` sees each piece as it is produced.
  // Errors: invalid_input for an empty image, internal for a llama.cpp failure (the engine stays
  // usable for the next request).
  [[nodiscard]] Result<Generation> generate(const GenerateRequest& request,
                                            const TokenCallback& on_token = {});

  // Decodes the requests together, one result per request, in order: each image is encoded
  // (several in one mtmd batch where the projector allows it) and each prompt evaluated in its
  // own KV stream, then every step decodes one token of each unfinished request in one
  // llama_batch. Greedy output is token-for-token what generate() gives for each request alone.
  // A request that fails (an empty image, a grammar that compiles to nothing) fails alone; a
  // failed shared step fails the requests still decoding. More than options().max_batch requests
  // run as consecutive batches. `on_token` is empty or holds one callback per request.
  [[nodiscard]] std::vector<Result<Generation>> generate_batch(
      std::span<const GenerateRequest> requests, std::span<const TokenCallback> on_token = {});

  const VlmOptions& options() const;

 private:
  struct Impl;
  explicit VlmEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::vlm
