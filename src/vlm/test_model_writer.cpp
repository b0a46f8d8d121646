#include "vlm/test_model_writer.h"

#include <fmt/format.h>
#include <ggml-cpp.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "vlm/random_gguf_writer.h"
#include "vlm/test_vocab.h"

namespace cardmint::vlm {
namespace {

using Fill = RandomGgufWriter::Fill;

// SigLIP-B/16 at 512 px: 32 x 32 = 1024 patches per tile, which idefics3's pixel shuffle
// (scale factor 4) folds into 64 tokens of width 16 * n_embd.
constexpr int kImageSize = 512;
constexpr int kPatchSize = 16;
constexpr int kScaleFactor = 4;
constexpr int kPositions = (kImageSize / kPatchSize) * (kImageSize / kPatchSize);
// SmolVLM's text_config (256M and 500M): 8k context, rope theta 1e5, RMS norm eps 1e-5.
constexpr std::uint32_t kContextLength = 8192;
constexpr float kRopeTheta = 100000.0f;
constexpr float kRmsNormEps = 1e-5f;
constexpr float kLayerNormEps = 1e-6f;                           // SigLIP vision_config
constexpr std::array<float, 3> kImageMean = {0.5f, 0.5f, 0.5f};  // SmolVLM preprocessor_config
constexpr std::array<float, 3> kImageStd = {0.5f, 0.5f, 0.5f};

// SmolVLM-256M-Instruct's chat_template, verbatim.
constexpr std::string_view kChatTemplate =
    "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}"
    "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}"
    "<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

struct TextShape {
  int n_embd, n_layer, n_head, n_head_kv, n_ff, base_vocab;
};
struct VisionShape {
  int n_embd, n_layer, n_head, n_ff;
  // clip.vision.preproc_image_size: the longest edge an image is resized to before tiling.
  int preproc_image_size;
};
struct ModelShape {
  TextShape text;
  VisionShape vision;
};

ModelShape shape_for(TestModelSize size) {
  // SmolVLM-256M/500M use SigLIP base patch-16/512 and resize to a 2048 px longest edge
  // (4 x 4 tiles of 512 plus a 512 overview).
  constexpr VisionShape kSiglipBase = {768, 12, 12, 3072, 2048};
  switch (size) {
    case TestModelSize::kTiny:
      // A 1024 px edge caps tests at 2 x 2 tiles + overview while still exercising slicing.
      return {{64, 2, 4, 2, 128, 2048 - kSmolVlmAddedTokens}, {64, 2, 4, 128, 1024}};
    case TestModelSize::k256m:
      return {{576, 30, 9, 3, 1536, kSmolLm2BaseVocab}, kSiglipBase};
    case TestModelSize::k500m:
      return {{960, 32, 15, 5, 2560, kSmolLm2BaseVocab}, kSiglipBase};
  }
  return {};
}

void set_string_array(gguf_context* ctx, const char* key, const std::vector<std::string>& values) {
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const std::string& v : values) ptrs.push_back(v.c_str());
  gguf_set_arr_str(ctx, key, ptrs.data(), ptrs.size());
}

void add_tokenizer(gguf_context* ctx, const TestVocab& vocab) {
  gguf_set_val_str(ctx, "tokenizer.ggml.model", "gpt2");
  // "smollm" is what convert_hf_to_gguf.py detects for SmolLM2's tokenizer: digits split one by
  // one, then GPT-2's word regex.
  gguf_set_val_str(ctx, "tokenizer.ggml.pre", "smollm");
  set_string_array(ctx, "tokenizer.ggml.tokens", vocab.tokens);
  gguf_set_arr_data(ctx, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, vocab.token_types.data(),
                    vocab.token_types.size());
  set_string_array(ctx, "tokenizer.ggml.merges", vocab.merges);
  gguf_set_val_u32(ctx, "tokenizer.ggml.bos_token_id", static_cast<std::uint32_t>(vocab.bos_id));
  gguf_set_val_u32(ctx, "tokenizer.ggml.eos_token_id", static_cast<std::uint32_t>(vocab.eos_id));
  gguf_set_val_u32(ctx, "tokenizer.ggml.unknown_token_id",
                   static_cast<std::uint32_t>(vocab.unk_id));
  gguf_set_val_u32(ctx, "tokenizer.ggml.padding_token_id",
                   static_cast<std::uint32_t>(vocab.pad_id));
  // The chat template writes <|im_start|> itself; adding BOS too would double it.
  gguf_set_val_bool(ctx, "tokenizer.ggml.add_bos_token", false);
  gguf_set_val_bool(ctx, "tokenizer.ggml.add_eos_token", false);
  gguf_set_val_str(ctx, "tokenizer.chat_template", std::string(kChatTemplate).c_str());
}

// The SmolLM2 decoder as convert_hf_to_gguf.py writes it for SmolVLM: llama architecture,
// every matrix Q8_0, norms F32. SmolVLM keeps a separate lm_head, so output.weight is present
// (that is what brings ggml-org's 256M text file to ~175 MB).
void plan_text_model(RandomGgufWriter& w, const TextShape& s, const TestVocab& vocab,
                     TestModelSize size) {
  gguf_context* ctx = w.meta();
  const int head_dim = s.n_embd / s.n_head;
  const int n_vocab = static_cast<int>(vocab.tokens.size());
  gguf_set_val_str(ctx, "general.architecture", "llama");
  gguf_set_val_str(ctx, "general.type", "model");
  gguf_set_val_str(ctx, "general.name",
                   fmt::format("CardMint test SmolVLM {}", test_model_size_name(size)).c_str());
  gguf_set_val_u32(ctx, "general.file_type", 7);             // LLAMA_FTYPE_MOSTLY_Q8_0
  gguf_set_val_u32(ctx, "general.quantization_version", 2);  // GGML_QNT_VERSION
  gguf_set_val_u32(ctx, "llama.vocab_size", static_cast<std::uint32_t>(n_vocab));
  gguf_set_val_u32(ctx, "llama.context_length", kContextLength);
  gguf_set_val_u32(ctx, "llama.embedding_length", static_cast<std::uint32_t>(s.n_embd));
  gguf_set_val_u32(ctx, "llama.block_count", static_cast<std::uint32_t>(s.n_layer));
  gguf_set_val_u32(ctx, "llama.feed_forward_length", static_cast<std::uint32_t>(s.n_ff));
  gguf_set_val_u32(ctx, "llama.attention.head_count", static_cast<std::uint32_t>(s.n_head));
  gguf_set_val_u32(ctx, "llama.attention.head_count_kv", static_cast<std::uint32_t>(s.n_head_kv));
  gguf_set_val_u32(ctx, "llama.rope.dimension_count", static_cast<std::uint32_t>(head_dim));
  gguf_set_val_f32(ctx, "llama.rope.freq_base", kRopeTheta);
  gguf_set_val_f32(ctx, "llama.attention.layer_norm_rms_epsilon", kRmsNormEps);
  add_tokenizer(ctx, vocab);

  const std::int64_t d = s.n_embd;
  const std::int64_t kv = static_cast<std::int64_t>(s.n_head_kv) * head_dim;
  const std::int64_t ff = s.n_ff;
  w.add_tensor("token_embd.weight", GGML_TYPE_Q8_0, {d, n_vocab}, Fill::kUniform);
  for (int i = 0; i < s.n_layer; ++i) {
    auto name = [i](std::string_view part) { return fmt::format("blk.{}.{}.weight", i, part); };
    w.add_tensor(name("attn_norm"), GGML_TYPE_F32, {d}, Fill::kOnes);
    w.add_tensor(name("attn_q"), GGML_TYPE_Q8_0, {d, d}, Fill::kUniform);
    w.add_tensor(name("attn_k"), GGML_TYPE_Q8_0, {d, kv}, Fill::kUniform);
    w.add_tensor(name("attn_v"), GGML_TYPE_Q8_0, {d, kv}, Fill::kUniform);
    w.add_tensor(name("attn_output"), GGML_TYPE_Q8_0, {d, d}, Fill::kUniform);
    w.add_tensor(name("ffn_norm"), GGML_TYPE_F32, {d}, Fill::kOnes);
    w.add_tensor(name("ffn_gate"), GGML_TYPE_Q8_0, {d, ff}, Fill::kUniform);
    w.add_tensor(name("ffn_up"), GGML_TYPE_Q8_0, {d, ff}, Fill::kUniform);
    w.add_tensor(name("ffn_down"), GGML_TYPE_Q8_0, {ff, d}, Fill::kUniform);
  }
  w.add_tensor("output_norm.weight", GGML_TYPE_F32, {d}, Fill::kOnes);
  w.add_tensor("output.weight", GGML_TYPE_Q8_0, {d, n_vocab}, Fill::kUniform);
}

// The SigLIP tower + idefics3 projector as SmolVLMModel in conversion/smolvlm.py writes it:
// matrices in the chosen 16-bit type; embeddings (".embeddings." in HF names), norms and
// biases F32.
void plan_mmproj(RandomGgufWriter& w, const ModelShape& shape, MmprojWeightType type,
                 TestModelSize size) {
  gguf_context* ctx = w.meta();
  const VisionShape& v = shape.vision;
  const ggml_type wtype = type == MmprojWeightType::kF16 ? GGML_TYPE_F16 : GGML_TYPE_BF16;
  gguf_set_val_str(ctx, "general.architecture", "clip");
  gguf_set_val_str(ctx, "general.type", "mmproj");
  gguf_set_val_str(
      ctx, "general.name",
      fmt::format("CardMint test SmolVLM {} mmproj", test_model_size_name(size)).c_str());
  // LLAMA_FTYPE_MOSTLY_F16 / LLAMA_FTYPE_MOSTLY_BF16
  gguf_set_val_u32(ctx, "general.file_type", type == MmprojWeightType::kF16 ? 1 : 32);
  gguf_set_val_str(ctx, "clip.projector_type", "idefics3");
  gguf_set_val_bool(ctx, "clip.has_vision_encoder", true);
  gguf_set_val_bool(ctx, "clip.use_gelu", true);
  gguf_set_val_u32(ctx, "clip.vision.projection_dim",
                   static_cast<std::uint32_t>(shape.text.n_embd));
  gguf_set_val_u32(ctx, "clip.vision.image_size", kImageSize);
  gguf_set_val_u32(ctx, "clip.vision.patch_size", kPatchSize);
  gguf_set_val_u32(ctx, "clip.vision.embedding_length", static_cast<std::uint32_t>(v.n_embd));
  gguf_set_val_u32(ctx, "clip.vision.feed_forward_length", static_cast<std::uint32_t>(v.n_ff));
  gguf_set_val_u32(ctx, "clip.vision.block_count", static_cast<std::uint32_t>(v.n_layer));
  gguf_set_val_u32(ctx, "clip.vision.attention.head_count", static_cast<std::uint32_t>(v.n_head));
  gguf_set_val_f32(ctx, "clip.vision.attention.layer_norm_epsilon", kLayerNormEps);
  gguf_set_val_u32(ctx, "clip.vision.projector.scale_factor", kScaleFactor);
  gguf_set_val_u32(ctx, "clip.vision.preproc_image_size",
                   static_cast<std::uint32_t>(v.preproc_image_size));
  gguf_set_arr_data(ctx, "clip.vision.image_mean", GGUF_TYPE_FLOAT32, kImageMean.data(),
                    kImageMean.size());
  gguf_set_arr_data(ctx, "clip.vision.image_std", GGUF_TYPE_FLOAT32, kImageStd.data(),
                    kImageStd.size());

  const std::int64_t d = v.n_embd;
  const std::int64_t ff = v.n_ff;
  w.add_tensor("v.patch_embd.weight", GGML_TYPE_F32, {kPatchSize, kPatchSize, 3, d},
               Fill::kUniform);
  w.add_tensor("v.patch_embd.bias", GGML_TYPE_F32, {d}, Fill::kUniform);
  w.add_tensor("v.position_embd.weight", GGML_TYPE_F32, {d, kPositions}, Fill::kUniform);
  for (int i = 0; i < v.n_layer; ++i) {
    auto name = [i](std::string_view part, std::string_view kind) {
      return fmt::format("v.blk.{}.{}.{}", i, part, kind);
    };
    for (std::string_view attn : {"attn_q", "attn_k", "attn_v", "attn_out"}) {
      w.add_tensor(name(attn, "weight"), wtype, {d, d}, Fill::kUniform);
      w.add_tensor(name(attn, "bias"), GGML_TYPE_F32, {d}, Fill::kUniform);
    }
    w.add_tensor(name("ln1", "weight"), GGML_TYPE_F32, {d}, Fill::kOnes);
    w.add_tensor(name("ln1", "bias"), GGML_TYPE_F32, {d}, Fill::kZeros);
    // fc1 is ffn_up [d -> ff], fc2 is ffn_down [ff -> d]; clip.cpp would swap them back if
    // they came the other way round.
    w.add_tensor(name("ffn_up", "weight"), wtype, {d, ff}, Fill::kUniform);
    w.add_tensor(name("ffn_up", "bias"), GGML_TYPE_F32, {ff}, Fill::kUniform);
    w.add_tensor(name("ffn_down", "weight"), wtype, {ff, d}, Fill::kUniform);
    w.add_tensor(name("ffn_down", "bias"), GGML_TYPE_F32, {d}, Fill::kUniform);
    w.add_tensor(name("ln2", "weight"), GGML_TYPE_F32, {d}, Fill::kOnes);
    w.add_tensor(name("ln2", "bias"), GGML_TYPE_F32, {d}, Fill::kZeros);
  }
  w.add_tensor("v.post_ln.weight", GGML_TYPE_F32, {d}, Fill::kOnes);
  w.add_tensor("v.post_ln.bias", GGML_TYPE_F32, {d}, Fill::kZeros);
  // Idefics3Connector: one bias-free linear from the shuffled patches to the text width.
  w.add_tensor("mm.model.fc.weight", wtype, {d * kScaleFactor * kScaleFactor, shape.text.n_embd},
               Fill::kUniform);
}

}  // namespace

Result<TestModelPaths> write_test_model(const TestModelOptions& options) {
  if (options.out_dir.empty()) return Status::invalid_input("out_dir is empty");
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec || !std::filesystem::is_directory(options.out_dir)) {
    return Status::invalid_input(fmt::format("cannot use {} as output directory: {}",
                                             options.out_dir.string(),
                                             ec ? ec.message() : "not a directory"));
  }
  const std::string_view size_name = test_model_size_name(options.size);
  TestModelPaths paths{options.out_dir / fmt::format("cardmint-test-{}.gguf", size_name),
                       options.out_dir / fmt::format("mmproj-cardmint-test-{}.gguf", size_name)};
  const ModelShape shape = shape_for(options.size);

  {
    RandomGgufWriter text;
    plan_text_model(text, shape.text, build_test_vocab(shape.text.base_vocab), options.size);
    if (Status s = text.write(paths.model, options.seed); !s.ok()) return s;
  }
  {
    RandomGgufWriter mmproj;
    plan_mmproj(mmproj, shape, options.mmproj_type, options.size);
    // A distinct stream, so the two files never share values.
    if (Status s = mmproj.write(paths.mmproj, ~options.seed); !s.ok()) return s;
  }
  return paths;
}

Result<TestModelSize> parse_test_model_size(std::string_view name) {
  for (TestModelSize size : {TestModelSize::kTiny, TestModelSize::k256m, TestModelSize::k500m}) {
    if (name == test_model_size_name(size)) return size;
  }
  return Status::invalid_input(
      fmt::format("unknown test model size '{}' (want tiny, 256m or 500m)", name));
}

Result<MmprojWeightType> parse_mmproj_weight_type(std::string_view name) {
  if (name == "f16") return MmprojWeightType::kF16;
  if (name == "bf16") return MmprojWeightType::kBf16;
  return Status::invalid_input(fmt::format("unknown mmproj type '{}' (want f16 or bf16)", name));
}

std::string_view test_model_size_name(TestModelSize size) {
  switch (size) {
    case TestModelSize::kTiny:
      return "tiny";
    case TestModelSize::k256m:
      return "256m";
    case TestModelSize::k500m:
      return "500m";
  }
  return "unknown";
}

}  // namespace cardmint::vlm
