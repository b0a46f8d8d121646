#include "vlm/vlm_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
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
  if (options.max_batch > 1) {
    // One stream per sequence of context_tokens cells each; llama.cpp splits n_ctx evenly.
    params.n_parallel = options.max_batch;
    params.kv_unified = false;
    params.n_ctx = options.context_tokens * options.max_batch;
  }
  if (options.batch_invariant || options.max_batch > 1) {
    params.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  }
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

namespace {

// One request of a batch, on the model thread.
struct Sequence {
  size_t index = 0;  // into the batch's requests and results
  llama_seq_id seq = 0;
  const GenerateRequest* request = nullptr;
  const TokenCallback* on_token = nullptr;
  mtmd::input_chunks chunks{mtmd_input_chunks_init()};
  Generation out;
  llama_sampler_ptr grammar;
  llama_pos n_past = 0;
  llama_token next_token = 0;  // chosen, waiting to be decoded
  bool decoding = false;       // still producing tokens
  std::optional<Status> failure;
  double first_token_ms = 0;
};

// Image chunks encoded together by mtmd_batch_encode; `members` index the batch's sequences.
struct EncodeGroup {
  mtmd::batch_ptr batch;
  std::vector<std::pair<size_t, const mtmd_input_chunk*>> members;
  int n_tokens = 0;
};

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

  // Changes with every batch (owned by the engine's one thread).
  llama_batch step_batch{};
  std::vector<llama_token_data> candidates;

  class BatchRun;
  Status prepare(Sequence& s) const;

  ~Impl() {
    if (step_batch.token != nullptr) llama_batch_free(step_batch);
  }

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

  // The prefix is evaluated once, into sequence 0. Each other sequence has a KV stream of its
  // own (kv_unified off), and this llama.cpp copies between streams only whole (seq_cp across
  // streams copies the stream's buffers at the next decode), so the copies are made here, while
  // stream 0 holds nothing but the prefix; every request then keeps the cells before
  // prefix_tokens and drops the rest (llama_memory_seq_rm).
  Status eval_prefix() {
    const std::string probe = format_chat(mtmd_default_marker());
    prefix_text = probe.substr(0, probe.find(mtmd_default_marker()));
    llama_memory_t memory = llama_get_memory(context.get());
    llama_memory_clear(memory, true);
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
    for (llama_seq_id seq = 1; seq < options.max_batch; ++seq) {
      llama_memory_seq_cp(memory, 0, seq, -1, -1);
    }
    return {};
  }
};

class VlmEngine::Impl::BatchRun {
 public:
  BatchRun(VlmEngine::Impl& engine, std::vector<Sequence>& sequences)
      : m_(engine), seqs_(sequences) {}

  void run() {
    encode_images();
    for (Sequence& s : seqs_) {
      if (!s.failure) prefill(s);
      if (!s.failure) start_generation(s);
    }
    generate();
  }

 private:
  void fail(Sequence& s, Status status) {
    s.failure = std::move(status);
    s.decoding = false;
  }

  // SmolVLM's idefics3 projector encodes one image per call (mtmd_batch_add_chunk answers 2 for a
  // second chunk); projectors that batch get several chunks per encode.
  void encode_images() {
    std::vector<EncodeGroup> groups;
    for (size_t i = 0; i < seqs_.size(); ++i) {
      Sequence& s = seqs_[i];
      if (s.failure) continue;
      const size_t n_chunks = mtmd_input_chunks_size(s.chunks.ptr.get());
      for (size_t c = 0; c < n_chunks; ++c) {
        const mtmd_input_chunk* chunk = mtmd_input_chunks_get(s.chunks.ptr.get(), c);
        if (mtmd_input_chunk_get_type(chunk) == MTMD_INPUT_CHUNK_TYPE_TEXT) continue;
        const int n_tokens = static_cast<int>(mtmd_input_chunk_get_n_tokens(chunk));
        if (groups.empty() || mtmd_batch_add_chunk(groups.back().batch.get(), chunk) != 0) {
          EncodeGroup& group = groups.emplace_back();
          group.batch.reset(mtmd_batch_init(m_.vision.get()));
          if (mtmd_batch_add_chunk(group.batch.get(), chunk) != 0) {
            fail(s, Status::internal("image chunk cannot be encoded"));
            groups.pop_back();
            break;
          }
        }
        groups.back().members.emplace_back(i, chunk);
        groups.back().n_tokens += n_tokens;
      }
    }
    for (EncodeGroup& group : groups) {
      const auto start = SteadyClock::now();
      const bool encoded = mtmd_batch_encode(group.batch.get()) == 0;
      const double ms = ms_since(start);
      for (const auto& [i, chunk] : group.members) {
        Sequence& s = seqs_[i];
        const double share =
            static_cast<double>(mtmd_input_chunk_get_n_tokens(chunk)) / std::max(1, group.n_tokens);
        s.out.timings.encode_ms += ms * share;
        float* embeddings =
            encoded ? mtmd_batch_get_output_embd(group.batch.get(), chunk) : nullptr;
        if (embeddings == nullptr) {
          if (!s.failure) fail(s, Status::internal("image encode failed"));
          continue;
        }
        embeddings_[chunk] = embeddings;
      }
    }
    groups_ = std::move(groups);  // the embeddings live in the groups until prefill is done
  }

  void prefill(Sequence& s) {
    llama_memory_seq_rm(llama_get_memory(m_.context.get()), s.seq, m_.prefix_tokens, -1);
    s.n_past = m_.prefix_tokens;
    s.out.cached_prefix_tokens = m_.prefix_tokens;
    const size_t n_chunks = mtmd_input_chunks_size(s.chunks.ptr.get());
    for (size_t i = 0; i < n_chunks; ++i) {
      const mtmd_input_chunk* chunk = mtmd_input_chunks_get(s.chunks.ptr.get(), i);
      const bool last = i + 1 == n_chunks;
      llama_pos new_n_past = s.n_past;
      const int n_tokens = static_cast<int>(mtmd_input_chunk_get_n_tokens(chunk));
      s.out.prompt_tokens += n_tokens;
      const auto start = SteadyClock::now();
      if (mtmd_input_chunk_get_type(chunk) == MTMD_INPUT_CHUNK_TYPE_TEXT) {
        if (mtmd_helper_eval_chunk_single(m_.vision.get(), m_.context.get(), chunk, s.n_past, s.seq,
                                          m_.options.batch_tokens, last, &new_n_past) != 0) {
          return fail(s, Status::internal("prefill of a text chunk failed"));
        }
      } else {
        s.out.image_tokens += n_tokens;
        auto found = embeddings_.find(chunk);
        if (found == embeddings_.end() ||
            mtmd_helper_decode_image_chunk(m_.vision.get(), m_.context.get(), chunk, found->second,
                                           s.n_past, s.seq, m_.options.batch_tokens, &new_n_past,
                                           nullptr, nullptr) != 0) {
          return fail(s, Status::internal("prefill of image embeddings failed"));
        }
      }
      s.out.timings.prefill_ms += ms_since(start);
      s.n_past = new_n_past;
    }
  }

  // The logits of a prompt's last token are overwritten by the next sequence's prefill, so each
  // sequence picks its first token right after its own prefill.
  void start_generation(Sequence& s) {
    if (!s.request->grammar.empty()) {
      s.grammar.reset(llama_sampler_init_grammar(m_.vocab, s.request->grammar.c_str(), "root"));
      if (!s.grammar) return fail(s, Status::internal("cannot compile the output grammar"));
    }
    const auto start = SteadyClock::now();
    s.decoding = true;
    advance(s, llama_get_logits_ith(m_.context.get(), -1));
    s.first_token_ms = ms_since(start);
    if (!s.decoding && !s.failure) s.out.timings.generate_ms = s.first_token_ms;
  }

  // Greedy decoding. With a grammar, the argmax is tried first and the full vocabulary is
  // filtered only when the grammar rejects it (llama.cpp's common_sampler does the same):
  // filtering 49k candidates every step would cost more than the model on the 256m size.
  // Records the chosen token and leaves `decoding` set when it still has to be decoded.
  void advance(Sequence& s, const float* logits) {
    if (static_cast<int>(s.out.tokens.size()) >= s.request->max_new_tokens) {
      s.decoding = false;
      return;
    }
    llama_token token = argmax(logits, m_.n_vocab);
    if (s.grammar) {
      llama_token_data single{token, logits[token], 0.0f};
      llama_token_data_array one{&single, 1, -1, false};
      llama_sampler_apply(s.grammar.get(), &one);
      if (!std::isfinite(one.data[0].logit)) {
        m_.candidates.resize(m_.n_vocab);
        for (int t = 0; t < m_.n_vocab; ++t) m_.candidates[t] = {t, logits[t], 0.0f};
        llama_token_data_array all{m_.candidates.data(), m_.candidates.size(), -1, false};
        llama_sampler_apply(s.grammar.get(), &all);
        int best = -1;
        for (size_t c = 0; c < all.size; ++c) {
          if (std::isfinite(all.data[c].logit) &&
              (best < 0 || all.data[c].logit > all.data[best].logit)) {
            best = static_cast<int>(c);
          }
        }
        if (best < 0) return fail(s, Status::internal("the grammar allows no token"));
        token = all.data[best].id;
      }
      llama_sampler_accept(s.grammar.get(), token);
    }
    if (llama_vocab_is_eog(m_.vocab, token)) {
      s.out.ended_by_model = true;
      s.decoding = false;
      return;
    }
    GeneratedToken generated;
    generated.id = token;
    generated.piece = common_token_to_piece(m_.context.get(), token);
    generated.logprob = logits[token] - log_sum_exp(logits, m_.n_vocab);
    s.out.text += generated.piece;
    const bool keep_going = *s.on_token == nullptr || (*s.on_token)(generated.piece);
    s.out.tokens.push_back(std::move(generated));
    s.next_token = token;
    s.decoding = keep_going && static_cast<int>(s.out.tokens.size()) < s.request->max_new_tokens;
  }

  // Each step decodes the last token of every unfinished sequence in one llama_batch.
  void generate() {
    const auto start = SteadyClock::now();
    std::vector<Sequence*> active;
    while (true) {
      active.clear();
      common_batch_clear(m_.step_batch);
      for (Sequence& s : seqs_) {
        if (!s.decoding) continue;
        common_batch_add(m_.step_batch, s.next_token, s.n_past++, {s.seq}, true);
        active.push_back(&s);
      }
      if (active.empty()) return;
      const bool decoded = llama_decode(m_.context.get(), m_.step_batch) == 0;
      for (size_t i = 0; i < active.size(); ++i) {
        Sequence& s = *active[i];
        if (!decoded) {
          fail(s, Status::internal("decode of a generated token failed"));
        } else {
          advance(s, llama_get_logits_ith(m_.context.get(), static_cast<int32_t>(i)));
        }
        if (!s.decoding) s.out.timings.generate_ms = s.first_token_ms + ms_since(start);
      }
    }
  }

  VlmEngine::Impl& m_;
  std::vector<Sequence>& seqs_;
  std::vector<EncodeGroup> groups_;
  std::unordered_map<const mtmd_input_chunk*, float*> embeddings_;
};

VlmEngine::VlmEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VlmEngine::~VlmEngine() = default;

const VlmOptions& VlmEngine::options() const { return impl_->options; }

Result<std::unique_ptr<VlmEngine>> VlmEngine::open(const VlmOptions& options) {
  route_llama_logs();
  if (options.max_batch < 1) return Status::invalid_input("max_batch must be at least 1");
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
  impl->step_batch = llama_batch_init(options.max_batch, 0, 1);

  mtmd_context_params vision_params = mtmd_context_params_default();
  vision_params.use_gpu = impl->params.mmproj_use_gpu;
  vision_params.print_timings = false;
  vision_params.n_threads = options.threads;
  // The vision tower encodes each image alone either way, so it keeps llama-mtmd-cli's setting.
  vision_params.flash_attn_type = common_params{}.flash_attn_type;
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
  logger("vlm")->info("loaded {} ({}), prefix {} tokens, {} threads, batches of {}", options.label,
                      options.model_path.filename().string(), impl->prefix_tokens, options.threads,
                      options.max_batch);
  return std::unique_ptr<VlmEngine>(new VlmEngine(std::move(impl)));
}

Result<Generation> VlmEngine::generate(const GenerateRequest& request,
                                       const TokenCallback& on_token) {
  std::vector<Result<Generation>> results =
      generate_batch(std::span(&request, 1), std::span(&on_token, 1));
  return std::move(results.front());
}

std::vector<Result<Generation>> VlmEngine::generate_batch(std::span<const GenerateRequest> requests,
                                                          std::span<const TokenCallback> on_token) {
  Impl& m = *impl_;
  static const TokenCallback kNoCallback;
  std::vector<Result<Generation>> results;
  results.reserve(requests.size());
  const size_t max_batch = static_cast<size_t>(m.options.max_batch);
  for (size_t first = 0; first < requests.size(); first += max_batch) {
    const size_t end = std::min(requests.size(), first + max_batch);
    std::vector<Sequence> seqs(end - first);
    llama_seq_id next_seq = 0;
    for (size_t i = first; i < end; ++i) {
      Sequence& s = seqs[i - first];
      s.index = i;
      s.request = &requests[i];
      s.on_token = i < on_token.size() ? &on_token[i] : &kNoCallback;
      if (Status prepared = m.prepare(s); !prepared.ok()) {
        s.failure = std::move(prepared);
      } else {
        s.seq = next_seq++;
      }
    }
    for (Sequence& s : seqs) s.out.batch_size = next_seq;
    Impl::BatchRun(m, seqs).run();
    for (Sequence& s : seqs) {
      if (s.failure) {
        results.emplace_back(std::move(*s.failure));
      } else {
        results.emplace_back(std::move(s.out));
      }
    }
  }
  return results;
}

// Checks the images and turns the request into mtmd chunks (text and image parts, after the
// cached prefix). A request that fails here takes no sequence of the batch.
Status VlmEngine::Impl::prepare(Sequence& s) const {
  std::string user_content;
  mtmd::bitmaps bitmaps;
  for (const image::RgbImage& img : s.request->images) {
    if (img.empty() || img.pixels.size() != static_cast<size_t>(img.width) * img.height * 3) {
      return Status::invalid_input("empty or malformed image");
    }
    bitmaps.entries.emplace_back(mtmd_bitmap_init(img.width, img.height, img.pixels.data()));
    user_content += mtmd_default_marker();
  }
  user_content += s.request->user_prompt;
  std::string formatted;
  try {
    formatted = format_chat(user_content);
  } catch (const std::exception& e) {
    return Status::internal(fmt::format("chat template: {}", e.what()));
  }
  if (formatted.compare(0, prefix_text.size(), prefix_text) != 0) {
    return Status::internal("chat template output does not start with the cached prefix");
  }
  const std::string rest = formatted.substr(prefix_text.size());
  mtmd_input_text text{rest.c_str(), rest.size(), /*add_special=*/false, /*parse_special=*/true};
  auto bitmap_ptrs = bitmaps.c_ptr();
  if (int32_t rc = mtmd_tokenize(vision.get(), s.chunks.ptr.get(), &text, bitmap_ptrs.data(),
                                 bitmap_ptrs.size());
      rc != 0) {
    return Status::internal(fmt::format("mtmd_tokenize failed ({})", rc));
  }
  return {};
}

}  // namespace cardmint::vlm
