#include "vlm/vlm_engine.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "chat.h"
#include "common.h"
#include "llama-cpp.h"
#include "llama.h"
#include "mtmd-helper.h"
#include "mtmd.h"

namespace cardmint::vlm {
namespace {

using Clock = SteadyClock;

// Routes llama.cpp/ggml/mtmd output to the "llama" logger at debug, except warnings and errors.
void route_llama_logs() {
  static const bool routed = [] {
    auto callback = [](ggml_log_level level, const char* text, void*) {
      std::string line(text);
      while (!line.empty() && line.back() == '\n') line.pop_back();
      if (line.empty()) return;
      if (level == GGML_LOG_LEVEL_ERROR) {
        logger("llama")->error("{}", line);
      } else if (level == GGML_LOG_LEVEL_WARN) {
        logger("llama")->warn("{}", line);
      } else {
        logger("llama")->debug("{}", line);
      }
    };
    llama_log_set(callback, nullptr);
    mtmd_helper_log_set(callback, nullptr);
    return true;
  }();
  (void)routed;
}

// The parameters llama-mtmd-cli would use for the same settings: reusing common's conversions keeps
// the engine numerically identical to the reference (the token-equivalence test relies on it).
common_params reference_params(const VlmOptions& options) {
  common_params params;
  params.model.path = options.model_path.string();
  params.mmproj.path = options.mmproj_path.string();
  params.cpuparams.n_threads = options.threads;
  params.cpuparams_batch.n_threads = options.threads;
  params.n_ctx = options.context_tokens;
  params.n_batch = options.batch_tokens;
  return params;
}

float log_sum_exp(const float* logits, int n) {
  float max_logit = -std::numeric_limits<float>::infinity();
  for (int i = 0; i < n; ++i) max_logit = std::max(max_logit, logits[i]);
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += std::exp(static_cast<double>(logits[i] - max_logit));
  return max_logit + static_cast<float>(std::log(sum));
}

int argmax(const float* logits, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i) {
    if (logits[i] > logits[best]) best = i;
  }
  return best;
}

}  // namespace

struct VlmEngine::Impl {
  // Constant after open().
  VlmOptions options;
  common_params params;
  llama_model_ptr model;
  llama_context_ptr context;
  mtmd::context_ptr vision;
  common_chat_templates_ptr templates;
  const llama_vocab* vocab = nullptr;
  int n_vocab = 0;
  std::string prefix_text;  // chat-formatted text before the first image, shared by every request
  llama_pos prefix_tokens = 0;

  // Changes with every request (owned by the engine's one thread).
  llama_batch next_token_batch = llama_batch_init(1, 0, 1);

  ~Impl() { llama_batch_free(next_token_batch); }

  std::string format_chat(const std::string& user_content) const {
    common_chat_templates_inputs inputs;
    if (!options.system_prompt.empty()) {
      common_chat_msg system;
      system.role = "system";
      system.content = options.system_prompt;
      inputs.messages.push_back(system);
    }
    common_chat_msg user;
    user.role = "user";
    user.content = user_content;
    inputs.messages.push_back(user);
    inputs.add_generation_prompt = true;
    inputs.use_jinja = params.use_jinja;
    return common_chat_templates_apply(templates.get(), inputs).prompt;
  }

  Status eval_prefix() {
    const std::string probe = format_chat(mtmd_default_marker());
    prefix_text = probe.substr(0, probe.find(mtmd_default_marker()));
    llama_memory_clear(llama_get_memory(context.get()), true);
    mtmd_input_text text{prefix_text.c_str(), prefix_text.size(), /*add_special=*/true,
                         /*parse_special=*/true};
    mtmd::input_chunks chunks(mtmd_input_chunks_init());
    if (mtmd_tokenize(vision.get(), chunks.ptr.get(), &text, nullptr, 0) != 0) {
      return Status::internal("cannot tokenize the prompt prefix");
    }
    llama_pos n_past = 0;
    if (mtmd_helper_eval_chunks(vision.get(), context.get(), chunks.ptr.get(), 0, 0,
                                options.batch_tokens, false, &n_past) != 0) {
      return Status::internal("cannot evaluate the prompt prefix");
    }
    prefix_tokens = n_past;
    return {};
  }
};

VlmEngine::VlmEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VlmEngine::~VlmEngine() = default;

const VlmOptions& VlmEngine::options() const { return impl_->options; }

Result<std::unique_ptr<VlmEngine>> VlmEngine::open(const VlmOptions& options) {
  route_llama_logs();
  llama_backend_init();
  ggml_backend_load_all();
  for (const auto& path : {options.model_path, options.mmproj_path}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Status::unavailable(fmt::format("model file not found: {}", path.string()));
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->params = reference_params(options);

  llama_model_params model_params = common_model_params_to_llama(impl->params);
  impl->model.reset(llama_model_load_from_file(options.model_path.c_str(), model_params));
  if (!impl->model) {
    return Status::unavailable(
        fmt::format("cannot load text model {}", options.model_path.string()));
  }
  impl->context.reset(
      llama_init_from_model(impl->model.get(), common_context_params_to_llama(impl->params)));
  if (!impl->context) return Status::internal("cannot create a llama context");
  impl->vocab = llama_model_get_vocab(impl->model.get());
  impl->n_vocab = llama_vocab_n_tokens(impl->vocab);

  mtmd_context_params vision_params = mtmd_context_params_default();
  vision_params.use_gpu = impl->params.mmproj_use_gpu;
  vision_params.print_timings = false;
  vision_params.n_threads = options.threads;
  vision_params.flash_attn_type = impl->params.flash_attn_type;
  vision_params.warmup = impl->params.warmup;
  if (options.tiling == TilingPlan::kSingleTile) {
    vision_params.image_max_tokens = 64;  // one 512² slice; mtmd adds the overview tile
  }
  impl->vision.reset(
      mtmd_init_from_file(options.mmproj_path.c_str(), impl->model.get(), vision_params));
  if (!impl->vision) {
    return Status::unavailable(fmt::format("cannot load mmproj {}", options.mmproj_path.string()));
  }
  if (!mtmd_support_vision(impl->vision.get())) {
    return Status::unavailable("the mmproj has no vision encoder");
  }
  impl->templates = common_chat_templates_init(impl->model.get(), "");
  if (Status s = impl->eval_prefix(); !s.ok()) return s;
  logger("vlm")->info("loaded {} ({}), prefix {} tokens, {} threads", options.label,
                      options.model_path.filename().string(), impl->prefix_tokens, options.threads);
  return std::unique_ptr<VlmEngine>(new VlmEngine(std::move(impl)));
}

Result<Generation> VlmEngine::generate(const GenerateRequest& request,
                                       const TokenCallback& on_token) {
  Impl& m = *impl_;
  Generation out;
  std::string user_content;
  mtmd::bitmaps bitmaps;
  for (const image::RgbImage& img : request.images) {
    if (img.empty() || img.pixels.size() != static_cast<size_t>(img.width) * img.height * 3) {
      return Status::invalid_input("empty or malformed image");
    }
    bitmaps.entries.emplace_back(mtmd_bitmap_init(img.width, img.height, img.pixels.data()));
    user_content += mtmd_default_marker();
  }
  user_content += request.user_prompt;
  const std::string formatted = m.format_chat(user_content);
  if (formatted.compare(0, m.prefix_text.size(), m.prefix_text) != 0) {
    return Status::internal("chat template output does not start with the cached prefix");
  }
  const std::string rest = formatted.substr(m.prefix_text.size());

  // Drop the previous request; the prefix stays in the KV cache.
  llama_memory_t memory = llama_get_memory(m.context.get());
  llama_memory_seq_rm(memory, 0, m.prefix_tokens, -1);
  llama_pos n_past = m.prefix_tokens;
  out.cached_prefix_tokens = m.prefix_tokens;

  mtmd_input_text text{rest.c_str(), rest.size(), /*add_special=*/false, /*parse_special=*/true};
  mtmd::input_chunks chunks(mtmd_input_chunks_init());
  auto bitmap_ptrs = bitmaps.c_ptr();
  if (int32_t rc = mtmd_tokenize(m.vision.get(), chunks.ptr.get(), &text, bitmap_ptrs.data(),
                                 bitmap_ptrs.size());
      rc != 0) {
    return Status::internal(fmt::format("mtmd_tokenize failed ({})", rc));
  }
  const size_t n_chunks = mtmd_input_chunks_size(chunks.ptr.get());
  for (size_t i = 0; i < n_chunks; ++i) {
    const mtmd_input_chunk* chunk = mtmd_input_chunks_get(chunks.ptr.get(), i);
    const bool last = i + 1 == n_chunks;
    llama_pos new_n_past = n_past;
    out.prompt_tokens += static_cast<int>(mtmd_input_chunk_get_n_tokens(chunk));
    if (mtmd_input_chunk_get_type(chunk) == MTMD_INPUT_CHUNK_TYPE_TEXT) {
      const auto start = Clock::now();
      if (mtmd_helper_eval_chunk_single(m.vision.get(), m.context.get(), chunk, n_past, 0,
                                        m.options.batch_tokens, last, &new_n_past) != 0) {
        return Status::internal("prefill of a text chunk failed");
      }
      out.timings.prefill_ms += ms_since(start);
    } else {
      out.image_tokens += static_cast<int>(mtmd_input_chunk_get_n_tokens(chunk));
      auto start = Clock::now();
      mtmd::batch_ptr media_batch(mtmd_batch_init(m.vision.get()));
      if (mtmd_batch_add_chunk(media_batch.get(), chunk) != 0 ||
          mtmd_batch_encode(media_batch.get()) != 0) {
        return Status::internal("image encode failed");
      }
      float* embeddings = mtmd_batch_get_output_embd(media_batch.get(), chunk);
      out.timings.encode_ms += ms_since(start);
      start = Clock::now();
      if (embeddings == nullptr ||
          mtmd_helper_decode_image_chunk(m.vision.get(), m.context.get(), chunk, embeddings, n_past,
                                         0, m.options.batch_tokens, &new_n_past, nullptr,
                                         nullptr) != 0) {
        return Status::internal("prefill of image embeddings failed");
      }
      out.timings.prefill_ms += ms_since(start);
    }
    n_past = new_n_past;
  }

  // Greedy decoding. With a grammar, the argmax is tried first and the full vocabulary is filtered
  // only when the grammar rejects it (llama.cpp's common_sampler does the same): filtering 49k
  // candidates every step would cost more than the model on the 256m size.
  llama_sampler_ptr grammar;
  if (!request.grammar.empty()) {
    grammar.reset(llama_sampler_init_grammar(m.vocab, request.grammar.c_str(), "root"));
    if (!grammar) return Status::internal("cannot compile the output grammar");
  }
  std::vector<llama_token_data> candidates;
  const auto generate_start = Clock::now();
  for (int step = 0; step < request.max_new_tokens; ++step) {
    const float* logits = llama_get_logits_ith(m.context.get(), -1);
    llama_token token = argmax(logits, m.n_vocab);
    if (grammar) {
      llama_token_data single{token, logits[token], 0.0f};
      llama_token_data_array one{&single, 1, -1, false};
      llama_sampler_apply(grammar.get(), &one);
      if (!std::isfinite(one.data[0].logit)) {
        candidates.resize(m.n_vocab);
        for (int t = 0; t < m.n_vocab; ++t) candidates[t] = {t, logits[t], 0.0f};
        llama_token_data_array all{candidates.data(), candidates.size(), -1, false};
        llama_sampler_apply(grammar.get(), &all);
        int best = -1;
        for (size_t c = 0; c < all.size; ++c) {
          if (std::isfinite(all.data[c].logit) &&
              (best < 0 || all.data[c].logit > all.data[best].logit)) {
            best = static_cast<int>(c);
          }
        }
        if (best < 0) return Status::internal("the grammar allows no token");
        token = all.data[best].id;
      }
      llama_sampler_accept(grammar.get(), token);
    }
    if (llama_vocab_is_eog(m.vocab, token)) {
      out.ended_by_model = true;
      break;
    }
    GeneratedToken generated;
    generated.id = token;
    generated.piece = common_token_to_piece(m.context.get(), token);
    generated.logprob = logits[token] - log_sum_exp(logits, m.n_vocab);
    out.text += generated.piece;
    const bool keep_going = !on_token || on_token(generated.piece);
    out.tokens.push_back(std::move(generated));
    if (!keep_going) break;

    common_batch_clear(m.next_token_batch);
    common_batch_add(m.next_token_batch, token, n_past++, {0}, true);
    if (llama_decode(m.context.get(), m.next_token_batch) != 0) {
      return Status::internal("decode of a generated token failed");
    }
  }
  out.timings.generate_ms = ms_since(generate_start);
  return out;
}

}  // namespace cardmint::vlm
