// The VLM engine on the tiny random-weight SmolVLM, against the reference llama-mtmd-cli.
#include "vlm/vlm_engine.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/vlm/tiny_model_fixture.h"
#include "vlm/card_description.h"

namespace cardmint::vlm {
namespace {

using testing::test_picture;
using testing::test_picture_png;
using testing::tiny_model;

constexpr const char* kPrompt = "What card is this?";

std::unique_ptr<VlmEngine> open_engine(TilingPlan tiling, std::string system_prompt = "") {
  VlmOptions options;
  options.model_path = tiny_model().model;
  options.mmproj_path = tiny_model().mmproj;
  options.threads = 2;
  options.tiling = tiling;
  options.system_prompt = std::move(system_prompt);
  Result<std::unique_ptr<VlmEngine>> engine = VlmEngine::open(options);
  if (!engine.ok()) ADD_FAILURE() << engine.status().to_string();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

std::string read_file(const std::string& path) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> f(fopen(path.c_str(), "rb"), fclose);
  if (!f) return out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), f.get())) out.append(buf, n);
  return out;
}

// stdout of the reference CLI, greedy, with a hard timeout (it must never wait on stdin).
// llama.cpp's common_log writes from a worker thread, and on a loaded machine the process can exit
// before the worker has flushed the last lines of both streams; a run whose log lacks the final
// perf summary is incomplete and is run again (at most 3 times), never compared.
std::string run_reference(int n_tokens, const std::string& extra_args) {
  const std::string out_path = test_picture_png().string() + ".out";
  const std::string err_path = test_picture_png().string() + ".err";
  const std::string command =
      "timeout 300 " + std::string(LLAMA_MTMD_CLI) + " -m " + tiny_model().model.string() +
      " --mmproj " + tiny_model().mmproj.string() + " --image " + test_picture_png().string() +
      " -p '" + kPrompt + "' -n " + std::to_string(n_tokens) + " --temp 0 -t 2 -lv 4 " +
      extra_args + " </dev/null >" + out_path + " 2>" + err_path;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (std::system(command.c_str()) != 0) continue;
    if (read_file(err_path).find("llama_perf_context_print") != std::string::npos) {
      return read_file(out_path);
    }
  }
  ADD_FAILURE() << "llama-mtmd-cli never finished cleanly: " << read_file(err_path);
  return "";
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  size_t start = s.find_first_not_of("\n ");
  return start == std::string::npos ? "" : s.substr(start);
}

void expect_matches_reference(TilingPlan tiling, const std::string& reference_args) {
  constexpr int kTokens = 24;
  std::unique_ptr<VlmEngine> engine = open_engine(tiling);
  ASSERT_NE(engine, nullptr);
  GenerateRequest request;
  request.images.push_back(test_picture());
  request.user_prompt = kPrompt;
  request.max_new_tokens = kTokens;
  Result<Generation> ours = engine->generate(request);
  ASSERT_TRUE(ours.ok()) << ours.status().to_string();
  ASSERT_GE(ours->tokens.size(), 8u) << "too few tokens to compare: " << ours->text;
  const std::string reference = run_reference(kTokens, reference_args);
  EXPECT_EQ(trim(reference), trim(ours->text))
      << "engine and llama-mtmd-cli disagree; engine tokens: " << ours->tokens.size();
}

TEST(VlmEngineTest, GreedyOutputMatchesLlamaMtmdCliWithSmolVlmTiling) {
  expect_matches_reference(TilingPlan::kSmolVlmDefault, "");
}

TEST(VlmEngineTest, GreedyOutputMatchesLlamaMtmdCliWithSingleTilePlan) {
  expect_matches_reference(TilingPlan::kSingleTile, "--image-max-tokens 64");
}

TEST(VlmEngineTest, SingleTilePlanUsesTwoTilesOfVisionTokens) {
  std::unique_ptr<VlmEngine> single = open_engine(TilingPlan::kSingleTile);
  std::unique_ptr<VlmEngine> full = open_engine(TilingPlan::kSmolVlmDefault);
  ASSERT_TRUE(single && full);
  GenerateRequest request;
  request.images.push_back(test_picture());
  request.user_prompt = kPrompt;
  request.max_new_tokens = 1;
  Result<Generation> a = single->generate(request);
  Result<Generation> b = full->generate(request);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->image_tokens, 2 * 64);  // overview + one 512² slice
  EXPECT_GT(b->image_tokens, a->image_tokens);
}

TEST(VlmEngineTest, GrammarConstrainedOutputIsSchemaValidJsonFromRandomWeights) {
  std::unique_ptr<VlmEngine> engine = open_engine(TilingPlan::kSingleTile, card_prompt());
  ASSERT_NE(engine, nullptr);
  GenerateRequest request;
  request.images.push_back(test_picture());
  request.user_prompt = "Describe this card as JSON.";
  request.grammar = card_grammar();
  request.max_new_tokens = 600;
  Result<Generation> out = engine->generate(request);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_TRUE(out->ended_by_model) << out->text;
  Result<CardDescription> card = parse_card_description(*out);
  ASSERT_TRUE(card.ok()) << card.status().to_string() << "\n" << out->text;
  EXPECT_GE(card->confidence, 0.0);
  EXPECT_LE(card->confidence, 1.0);
  // Field order: name first, so the name streams first.
  EXPECT_LT(out->text.find("\"name\""), out->text.find("\"set_name\""));
  EXPECT_LT(out->text.find("\"set_name\""), out->text.find("\"number\""));
}

TEST(VlmEngineTest, StreamsEveryPieceAndStopsWhenTheCallbackSaysSo) {
  std::unique_ptr<VlmEngine> engine = open_engine(TilingPlan::kSingleTile);
  ASSERT_NE(engine, nullptr);
  GenerateRequest request;
  request.images.push_back(test_picture());
  request.user_prompt = kPrompt;
  request.max_new_tokens = 16;
  std::string streamed;
  Result<Generation> full = engine->generate(request, [&](std::string_view piece) {
    streamed += piece;
    return true;
  });
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(streamed, full->text);
  int calls = 0;
  Result<Generation> cut = engine->generate(request, [&](std::string_view) { return ++calls < 3; });
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->tokens.size(), 3u);
}

TEST(VlmEngineTest, ReusesThePromptPrefixAndStaysDeterministic) {
  std::unique_ptr<VlmEngine> engine = open_engine(TilingPlan::kSingleTile, card_prompt());
  ASSERT_NE(engine, nullptr);
  GenerateRequest request;
  request.images.push_back(test_picture());
  request.user_prompt = kPrompt;
  request.max_new_tokens = 12;
  Result<Generation> first = engine->generate(request);
  Result<Generation> second = engine->generate(request);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_GT(first->cached_prefix_tokens, 20);  // the system prompt is not re-evaluated
  EXPECT_EQ(first->cached_prefix_tokens, second->cached_prefix_tokens);
  EXPECT_EQ(first->text, second->text);  // leftovers of request 1 must not leak into request 2
}

TEST(VlmEngineTest, RejectsAnEmptyImageAndKeepsWorking) {
  std::unique_ptr<VlmEngine> engine = open_engine(TilingPlan::kSingleTile);
  ASSERT_NE(engine, nullptr);
  GenerateRequest bad;
  bad.images.push_back(image::RgbImage{});
  bad.user_prompt = kPrompt;
  Result<Generation> refused = engine->generate(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidInput);
  GenerateRequest good;
  good.images.push_back(test_picture());
  good.user_prompt = kPrompt;
  good.max_new_tokens = 4;
  EXPECT_TRUE(engine->generate(good).ok());
}

TEST(VlmEngineTest, MissingModelFileIsUnavailable) {
  VlmOptions options;
  options.model_path = "/nonexistent/model.gguf";
  options.mmproj_path = tiny_model().mmproj;
  Result<std::unique_ptr<VlmEngine>> engine = VlmEngine::open(options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace cardmint::vlm
