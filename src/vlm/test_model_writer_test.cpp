#include "vlm/test_model_writer.h"

#include <gtest/gtest.h>
#include <llama-cpp.h>
#include <mtmd.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace cardmint::vlm {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<llama_token> tokenize(const llama_vocab* vocab, const std::string& text,
                                  bool parse_special) {
  std::vector<llama_token> tokens(text.size() + 8);
  const int n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                               static_cast<int32_t>(tokens.size()),
                               /*add_special=*/false, parse_special);
  tokens.resize(n < 0 ? 0 : n);
  return tokens;
}

std::string detokenize(const llama_vocab* vocab, const std::vector<llama_token>& tokens) {
  std::string text(tokens.size() * 32 + 16, '\0');
  const int n = llama_detokenize(vocab, tokens.data(), static_cast<int32_t>(tokens.size()),
                                 text.data(), static_cast<int32_t>(text.size()),
                                 /*remove_special=*/false, /*unparse_special=*/false);
  text.resize(n < 0 ? 0 : n);
  return text;
}

// The tiny pair is written once for the suite; each test loads what it needs.
class TestModelWriterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    llama_backend_init();
    dir_ = fs::temp_directory_path() / ("cardmint-test-model-writer-" + std::to_string(getpid()));
    TestModelOptions options;
    options.out_dir = *dir_ / "a";
    Result<TestModelPaths> paths = write_test_model(options);
    ASSERT_TRUE(paths.ok()) << paths.status().to_string();
    paths_ = *paths;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    llama_backend_free();
  }

  void SetUp() override { ASSERT_TRUE(paths_.has_value()) << "writing the tiny model failed"; }

  static llama_model_ptr load_model() {
    llama_model_params params = llama_model_default_params();
    params.n_gpu_layers = 0;
    return llama_model_ptr(llama_model_load_from_file(paths_->model.c_str(), params));
  }

  static inline std::optional<fs::path> dir_;
  static inline std::optional<TestModelPaths> paths_;
};

TEST_F(TestModelWriterTest, WritesBothFilesWithTheDocumentedNames) {
  EXPECT_EQ(paths_->model, *dir_ / "a" / "cardmint-test-tiny.gguf");
  EXPECT_EQ(paths_->mmproj, *dir_ / "a" / "mmproj-cardmint-test-tiny.gguf");
  // "A few MB": small enough for every unit test, yet every tensor really is there.
  for (const fs::path& p : {paths_->model, paths_->mmproj}) {
    EXPECT_GT(fs::file_size(p), 200'000u) << p;
    EXPECT_LT(fs::file_size(p), 4'000'000u) << p;
  }
  EXPECT_FALSE(fs::exists(paths_->model.string() + ".partial"));
}

TEST_F(TestModelWriterTest, TextModelLoadsWithTinyShape) {
  llama_model_ptr model = load_model();
  ASSERT_TRUE(model);
  EXPECT_EQ(llama_model_n_embd(model.get()), 64);
  EXPECT_EQ(llama_model_n_layer(model.get()), 2);
  EXPECT_EQ(llama_model_n_head(model.get()), 4);
  EXPECT_EQ(llama_model_n_head_kv(model.get()), 2);
  EXPECT_EQ(llama_model_n_ctx_train(model.get()), 8192);
  char arch[32] = {};
  ASSERT_GT(llama_model_meta_val_str(model.get(), "general.architecture", arch, sizeof(arch)), 0);
  EXPECT_STREQ(arch, "llama");
  EXPECT_EQ(llama_vocab_n_tokens(llama_model_get_vocab(model.get())), 2048);
}

TEST_F(TestModelWriterTest, TokenizerRoundTripsJsonAndText) {
  llama_model_ptr model = load_model();
  ASSERT_TRUE(model);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  for (const std::string& text :
       {std::string(R"({"name": "Pikachu", "number": "58/102"})"),
        std::string("Describe the card.\n\n  Pokémon Center Lady, 68/73 — ポケモン 😀"),
        std::string("  leading, trailing and\tmixed   whitespace \n")}) {
    const std::vector<llama_token> tokens = tokenize(vocab, text, /*parse_special=*/false);
    ASSERT_FALSE(tokens.empty()) << text;
    EXPECT_EQ(detokenize(vocab, tokens), text);
  }
  // The merges do real work: JSON costs well under one token per byte.
  const std::string json = R"({"name": "Pikachu", "number": "58/102"})";
  EXPECT_LT(tokenize(vocab, json, false).size(), json.size() * 2 / 3);
}

TEST_F(TestModelWriterTest, SmolVlmSpecialTokensAreSingleControlTokens) {
  llama_model_ptr model = load_model();
  ASSERT_TRUE(model);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  const llama_token eos = 2047;  // <end_of_utterance>, last as in SmolVLM (49279 of 49280)
  EXPECT_EQ(llama_vocab_bos(vocab), 1);
  EXPECT_EQ(llama_vocab_eos(vocab), eos);
  EXPECT_TRUE(llama_vocab_is_eog(vocab, eos));
  EXPECT_EQ(tokenize(vocab, "<|im_start|>", true), std::vector<llama_token>{1});
  EXPECT_EQ(tokenize(vocab, "<end_of_utterance>", true), std::vector<llama_token>{eos});
  EXPECT_EQ(tokenize(vocab, "<global-img>", true), std::vector<llama_token>{1920});
  EXPECT_EQ(tokenize(vocab, "<fake_token_around_image><row_1_col_2>", true),
            (std::vector<llama_token>{1920 + 37, 1920 + 2}));
  // Without parse_special the same text is ordinary bytes.
  EXPECT_GT(tokenize(vocab, "<end_of_utterance>", false).size(), 1u);
}

TEST_F(TestModelWriterTest, ChatTemplateIsSmolVlms) {
  llama_model_ptr model = load_model();
  ASSERT_TRUE(model);
  const char* tmpl = llama_model_chat_template(model.get(), nullptr);
  ASSERT_NE(tmpl, nullptr);
  const llama_chat_message messages[] = {{"user", "Describe the card."}};
  std::string out(256, '\0');
  const int n = llama_chat_apply_template(tmpl, messages, 1, /*add_ass=*/true, out.data(),
                                          static_cast<int32_t>(out.size()));
  ASSERT_GT(n, 0);
  out.resize(n);
  EXPECT_EQ(out, "<|im_start|>User: Describe the card.<end_of_utterance>\nAssistant:");
}

TEST_F(TestModelWriterTest, DecodesToFiniteVariedLogits) {
  llama_model_ptr model = load_model();
  ASSERT_TRUE(model);
  llama_context_params cparams = llama_context_default_params();
  cparams.n_ctx = 256;
  cparams.n_batch = 256;
  cparams.n_threads = 2;
  cparams.n_threads_batch = 2;
  llama_context_ptr ctx(llama_init_from_model(model.get(), cparams));
  ASSERT_TRUE(ctx);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  std::vector<llama_token> prompt =
      tokenize(vocab, "<|im_start|>User: Describe the card.<end_of_utterance>\nAssistant:", true);
  const llama_batch batch = llama_batch_get_one(prompt.data(), static_cast<int32_t>(prompt.size()));
  ASSERT_EQ(llama_decode(ctx.get(), batch), 0);
  const float* logits = llama_get_logits_ith(ctx.get(), -1);
  ASSERT_NE(logits, nullptr);
  float lo = logits[0], hi = logits[0];
  for (int i = 0; i < llama_vocab_n_tokens(vocab); ++i) {
    ASSERT_TRUE(std::isfinite(logits[i])) << "token " << i;
    lo = std::min(lo, logits[i]);
    hi = std::max(hi, logits[i]);
  }
  EXPECT_GT(hi - lo, 1e-4f) << "random weights should not give a flat distribution";
}

TEST_F(TestModelWriterTest, MmprojLoadsAndEncodesSixtyFourTokensPerTile) {
  llama_model_ptr model = load_model();
  ASSERT_TRUE(model);
  mtmd_context_params params = mtmd_context_params_default();
  params.use_gpu = false;
  params.n_threads = 2;
  params.print_timings = false;
  mtmd::context_ptr mtmd(mtmd_init_from_file(paths_->mmproj.c_str(), model.get(), params));
  ASSERT_TRUE(mtmd);
  EXPECT_TRUE(mtmd_support_vision(mtmd.get()));
  EXPECT_FALSE(mtmd_support_audio(mtmd.get()));

  // A card-shaped picture: its 1024 px longest edge makes a 2 x 2 grid plus the overview.
  const uint32_t nx = 252, ny = 352;
  std::vector<unsigned char> rgb(nx * ny * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<unsigned char>(i * 7);
  mtmd::bitmap bitmap(nx, ny, rgb.data());
  const std::string prompt = std::string(mtmd_default_marker()) + "Describe the card.";
  mtmd_input_text text = {prompt.c_str(), prompt.size(), /*add_special=*/false,
                          /*parse_special=*/true};
  mtmd::input_chunks_ptr chunks(mtmd_input_chunks_init());
  const mtmd_bitmap* bitmaps[] = {bitmap.ptr.get()};
  ASSERT_EQ(mtmd_tokenize(mtmd.get(), chunks.get(), &text, bitmaps, 1), 0);

  const mtmd_input_chunk* first_image = nullptr;
  int image_chunks = 0;
  for (std::size_t i = 0; i < mtmd_input_chunks_size(chunks.get()); ++i) {
    const mtmd_input_chunk* chunk = mtmd_input_chunks_get(chunks.get(), i);
    if (mtmd_input_chunk_get_type(chunk) != MTMD_INPUT_CHUNK_TYPE_IMAGE) continue;
    ++image_chunks;
    EXPECT_EQ(mtmd_input_chunk_get_n_tokens(chunk), 64u);
    if (first_image == nullptr) first_image = chunk;
  }
  EXPECT_EQ(image_chunks, 5);
  ASSERT_NE(first_image, nullptr);

  ASSERT_EQ(mtmd_encode_chunk(mtmd.get(), first_image), 0);
  const float* embd = mtmd_get_output_embd(mtmd.get());
  ASSERT_NE(embd, nullptr);
  const int n_values = 64 * llama_model_n_embd_inp(model.get());
  for (int i = 0; i < n_values; ++i) ASSERT_TRUE(std::isfinite(embd[i])) << i;
  EXPECT_NE(embd[0], embd[n_values - 1]);
}

TEST_F(TestModelWriterTest, SameSeedSameBytesOtherSeedOtherBytes) {
  TestModelOptions options;
  options.out_dir = *dir_ / "same";
  Result<TestModelPaths> same = write_test_model(options);
  ASSERT_TRUE(same.ok()) << same.status().to_string();
  EXPECT_EQ(read_all(same->model), read_all(paths_->model));
  EXPECT_EQ(read_all(same->mmproj), read_all(paths_->mmproj));

  options.out_dir = *dir_ / "other";
  options.seed = 43;
  Result<TestModelPaths> other = write_test_model(options);
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  EXPECT_NE(read_all(other->model), read_all(paths_->model));
  EXPECT_NE(read_all(other->mmproj), read_all(paths_->mmproj));
  // Only the weights change: the header (vocabulary, keys, shapes) is identical.
  EXPECT_EQ(fs::file_size(other->model), fs::file_size(paths_->model));
}

TEST_F(TestModelWriterTest, MmprojTypeSelectsSixteenBitFormat) {
  TestModelOptions options;
  options.out_dir = *dir_ / "f16";
  options.mmproj_type = MmprojWeightType::kF16;
  Result<TestModelPaths> f16 = write_test_model(options);
  ASSERT_TRUE(f16.ok()) << f16.status().to_string();
  // Same sizes (both 16-bit), different encodings of the same values.
  EXPECT_EQ(fs::file_size(f16->mmproj), fs::file_size(paths_->mmproj));
  EXPECT_NE(read_all(f16->mmproj), read_all(paths_->mmproj));
  EXPECT_EQ(read_all(f16->model), read_all(paths_->model));
}

TEST_F(TestModelWriterTest, RejectsAFileAsOutputDirectory) {
  TestModelOptions options;
  options.out_dir = paths_->model;  // a regular file
  Result<TestModelPaths> result = write_test_model(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(write_test_model(TestModelOptions{}).ok()) << "empty out_dir";
}

TEST(TestModelNamesTest, ParsesSizesAndTypes) {
  EXPECT_EQ(*parse_test_model_size("tiny"), TestModelSize::kTiny);
  EXPECT_EQ(*parse_test_model_size("256m"), TestModelSize::k256m);
  EXPECT_EQ(*parse_test_model_size("500m"), TestModelSize::k500m);
  EXPECT_FALSE(parse_test_model_size("1b").ok());
  EXPECT_EQ(*parse_mmproj_weight_type("f16"), MmprojWeightType::kF16);
  EXPECT_EQ(*parse_mmproj_weight_type("bf16"), MmprojWeightType::kBf16);
  EXPECT_FALSE(parse_mmproj_weight_type("q8_0").ok());
  EXPECT_EQ(test_model_size_name(TestModelSize::k256m), "256m");
}

}  // namespace
}  // namespace cardmint::vlm
