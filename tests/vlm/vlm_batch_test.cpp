// Batched decoding on the tiny random-weight SmolVLM: generate_batch() and the batching
// VlmWorker against one-at-a-time runs, token for token.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "recognize/vlm_worker.h"
#include "tests/vlm/tiny_model_fixture.h"
#include "vlm/card_description.h"
#include "vlm/vlm_engine.h"

namespace cardmint::vlm {
namespace {

using recognize::VlmWorker;
using recognize::VlmWorkerOptions;
using std::chrono::milliseconds;
using testing::test_picture;
using testing::tiny_model;

constexpr int kPictures = 4;

// The card prompt is the shared prefix (153 tokens with the tiny vocabulary).
std::unique_ptr<VlmEngine> open_engine(int max_batch, bool batch_invariant) {
  VlmOptions options;
  options.model_path = tiny_model().model;
  options.mmproj_path = tiny_model().mmproj;
  options.threads = 2;
  options.system_prompt = card_prompt();
  options.max_batch = max_batch;
  options.batch_invariant = batch_invariant;
  options.context_tokens = 1024;
  Result<std::unique_ptr<VlmEngine>> engine = VlmEngine::open(options);
  if (!engine.ok()) ADD_FAILURE() << engine.status().to_string();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

GenerateRequest card_request(int picture, bool grammar) {
  GenerateRequest request;
  request.images.push_back(test_picture(picture));
  // Prompts of different lengths (308 to 371 cells with the prefix) and different limits: picture
  // 3's stream passes 512 cells while picture 2's is still below, so those steps mix attention
  // widths (llama.cpp pads to 256 cells), and sequences leave the batch at different steps.
  request.user_prompt = "Describe this card as JSON.";
  for (int i = 0; i < 3 * picture; ++i) request.user_prompt += " Be exact.";
  if (grammar) request.grammar = card_grammar();
  request.max_new_tokens = grammar ? 160 : 60 + 50 * picture;
  return request;
}

std::vector<GenerateRequest> card_requests(bool grammar) {
  std::vector<GenerateRequest> requests;
  for (int i = 0; i < kPictures; ++i) requests.push_back(card_request(i, grammar));
  return requests;
}

void expect_same_generation(const Generation& expected, const Generation& actual,
                            const std::string& what) {
  EXPECT_EQ(expected.text, actual.text) << what;
  ASSERT_EQ(expected.tokens.size(), actual.tokens.size()) << what;
  for (size_t t = 0; t < expected.tokens.size(); ++t) {
    EXPECT_EQ(expected.tokens[t].id, actual.tokens[t].id) << what << " token " << t;
    // Bit-identical logits give bit-identical log-probabilities.
    EXPECT_EQ(expected.tokens[t].logprob, actual.tokens[t].logprob) << what << " token " << t;
  }
  EXPECT_EQ(expected.ended_by_model, actual.ended_by_model) << what;
  EXPECT_EQ(expected.prompt_tokens, actual.prompt_tokens) << what;
  EXPECT_EQ(expected.image_tokens, actual.image_tokens) << what;
}

std::vector<Generation> one_at_a_time(VlmEngine& engine,
                                      const std::vector<GenerateRequest>& requests) {
  std::vector<Generation> out;
  for (const GenerateRequest& request : requests) {
    Result<Generation> generation = engine.generate(request);
    EXPECT_TRUE(generation.ok()) << generation.status().to_string();
    out.push_back(generation.ok() ? std::move(generation).value() : Generation{});
  }
  return out;
}

class VlmBatchTest : public ::testing::TestWithParam<bool> {};

TEST_P(VlmBatchTest, BatchOfFourMatchesFourRequestsRunAlone) {
  const bool grammar = GetParam();
  std::unique_ptr<VlmEngine> batched = open_engine(4, false);
  std::unique_ptr<VlmEngine> alone = open_engine(1, true);
  ASSERT_TRUE(batched && alone);
  const std::vector<GenerateRequest> requests = card_requests(grammar);
  const std::vector<Generation> expected = one_at_a_time(*alone, requests);
  // The pictures differ, and so do the answers: a batch that mixed up its sequences would show.
  EXPECT_NE(expected[0].text, expected[1].text);

  std::vector<Result<Generation>> results = batched->generate_batch(requests);
  ASSERT_EQ(results.size(), requests.size());
  for (int i = 0; i < kPictures; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().to_string();
    EXPECT_EQ(results[i]->batch_size, kPictures);
    expect_same_generation(expected[i], *results[i], "picture " + std::to_string(i));
  }
  // The batched engine alone (generate() is a batch of one) agrees as well.
  const std::vector<Generation> batched_alone = one_at_a_time(*batched, requests);
  for (int i = 0; i < kPictures; ++i) {
    expect_same_generation(expected[i], batched_alone[i], "alone on the batched engine");
  }
  if (grammar) {
    for (const Result<Generation>& r : results) {
      EXPECT_TRUE(parse_card_description(*r).ok()) << r->text;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutGrammar, VlmBatchTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "CardGrammar" : "Unconstrained";
                         });

TEST(VlmBatchEngineTest, ABadRequestFailsAloneAndTheOthersStillMatch) {
  std::unique_ptr<VlmEngine> batched = open_engine(4, false);
  std::unique_ptr<VlmEngine> alone = open_engine(1, true);
  ASSERT_TRUE(batched && alone);
  std::vector<GenerateRequest> requests = card_requests(false);
  requests[1].images.front() = image::RgbImage{};
  const std::vector<GenerateRequest> good = {requests[0], requests[2], requests[3]};
  const std::vector<Generation> expected = one_at_a_time(*alone, good);

  std::vector<Result<Generation>> results = batched->generate_batch(requests);
  ASSERT_EQ(results.size(), 4u);
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].status().code(), StatusCode::kInvalidInput);
  const int good_index[] = {0, 2, 3};
  for (int k = 0; k < 3; ++k) {
    const Result<Generation>& r = results[good_index[k]];
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(r->batch_size, 3);
    expect_same_generation(expected[k], *r, "request " + std::to_string(good_index[k]));
  }
}

TEST(VlmBatchEngineTest, EachCallbackSeesItsOwnPiecesAndStopsOnlyItsOwnSequence) {
  std::unique_ptr<VlmEngine> batched = open_engine(4, false);
  ASSERT_TRUE(batched);
  const std::vector<GenerateRequest> requests = card_requests(false);
  const std::vector<Generation> expected = one_at_a_time(*batched, requests);

  std::vector<std::string> streamed(kPictures);
  std::vector<TokenCallback> callbacks;
  for (int i = 0; i < kPictures; ++i) {
    callbacks.push_back([&streamed, i](std::string_view piece) {
      streamed[i] += piece;
      return i != 2 || streamed[i].size() < 5;  // sequence 2 stops early
    });
  }
  std::vector<Result<Generation>> results = batched->generate_batch(requests, callbacks);
  ASSERT_EQ(results.size(), 4u);
  for (int i = 0; i < kPictures; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().to_string();
    EXPECT_EQ(streamed[i], results[i]->text) << "sequence " << i;
    if (i == 2) {
      EXPECT_LT(results[i]->tokens.size(), expected[i].tokens.size());
      EXPECT_EQ(expected[i].text.compare(0, results[i]->text.size(), results[i]->text), 0);
    } else {
      expect_same_generation(expected[i], *results[i], "sequence " + std::to_string(i));
    }
  }
}

TEST(VlmBatchEngineTest, MoreRequestsThanTheBatchRunAsConsecutiveBatches) {
  std::unique_ptr<VlmEngine> batched = open_engine(2, false);
  ASSERT_TRUE(batched);
  std::vector<GenerateRequest> requests = card_requests(false);
  for (GenerateRequest& r : requests) r.max_new_tokens = 8;
  requests.push_back(requests[0]);
  const std::vector<Generation> expected = one_at_a_time(*batched, requests);
  std::vector<Result<Generation>> results = batched->generate_batch(requests);
  ASSERT_EQ(results.size(), 5u);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok());
    EXPECT_EQ(results[i]->batch_size, i < 4 ? 2 : 1);
    expect_same_generation(expected[i], *results[i], "request " + std::to_string(i));
  }
}

// Four threads submit at once; each gets its own picture's answer.
std::vector<Result<Generation>> submit_concurrently(VlmWorker& worker,
                                                    const std::vector<GenerateRequest>& requests) {
  std::vector<Result<Generation>> out(requests.size(), Status::internal("not run"));
  std::vector<std::thread> submitters;
  for (size_t i = 0; i < requests.size(); ++i) {
    submitters.emplace_back([&, i] {
      Result<VlmWorker::Reply> reply = worker.submit(requests[i]);
      if (!reply.ok()) {
        out[i] = reply.status();
        return;
      }
      if (reply->wait_for(std::chrono::seconds(300)) != std::future_status::ready) {
        out[i] = Status::internal("no answer within 300 s");
        return;
      }
      out[i] = reply->get();
    });
  }
  for (std::thread& t : submitters) t.join();
  return out;
}

TEST(VlmWorkerBatchTest, BatchSizeFourAnswersLikeBatchSizeOneUnderFourSubmitters) {
  const std::vector<GenerateRequest> requests = card_requests(true);
  // A generous timeout: the four submitters must land in one batch even on a loaded machine.
  VlmWorker batched(
      open_engine(4, false),
      VlmWorkerOptions{.queue_capacity = 8, .batch_size = 4, .batch_timeout = milliseconds(2000)});
  VlmWorker alone(open_engine(1, true), VlmWorkerOptions{.queue_capacity = 8});
  const std::vector<Result<Generation>> expected = submit_concurrently(alone, requests);
  const std::vector<Result<Generation>> actual = submit_concurrently(batched, requests);
  for (int i = 0; i < kPictures; ++i) {
    ASSERT_TRUE(expected[i].ok()) << expected[i].status().to_string();
    ASSERT_TRUE(actual[i].ok()) << actual[i].status().to_string();
    EXPECT_EQ(expected[i]->batch_size, 1);
    expect_same_generation(*expected[i], *actual[i], "picture " + std::to_string(i));
  }
  const recognize::VlmWorkerStats stats = batched.stats();
  EXPECT_EQ(stats.jobs_submitted, 4u);
  EXPECT_EQ(stats.batched_jobs, 4u);
  EXPECT_EQ(stats.batches, 1u) << "the four submitters were not gathered into one batch";
  EXPECT_DOUBLE_EQ(stats.batch_efficiency(4), 1.0);
  EXPECT_EQ(stats.queue_depth, 0);
  EXPECT_EQ(alone.stats().batches, 4u);
}

TEST(VlmWorkerBatchTest, GathersAtMostBatchSizeAndRunsALoneRequestAfterTheTimeout) {
  constexpr auto kTimeout = milliseconds(400);
  VlmWorker worker(
      open_engine(4, false),
      VlmWorkerOptions{.queue_capacity = 16, .batch_size = 4, .batch_timeout = kTimeout});
  std::vector<GenerateRequest> requests = card_requests(false);
  for (GenerateRequest& r : requests) r.max_new_tokens = 4;
  requests.push_back(requests[0]);  // five jobs: a full batch, then one left alone
  requests.push_back(requests[1]);  // and one more waiting with it: a batch of two

  std::vector<std::promise<Result<Generation>>> done(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_TRUE(
        worker
            .submit(requests[i], {},
                    [&promise = done[i]](Result<Generation> r) { promise.set_value(std::move(r)); })
            .ok());
  }
  std::vector<int> sizes;
  for (std::promise<Result<Generation>>& promise : done) {
    std::future<Result<Generation>> f = promise.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(300)), std::future_status::ready)
        << "a queued request never ran";
    Result<Generation> r = f.get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    sizes.push_back(r->batch_size);
  }
  EXPECT_EQ(sizes, (std::vector<int>{4, 4, 4, 4, 2, 2}));
  const recognize::VlmWorkerStats stats = worker.stats();
  EXPECT_EQ(stats.batches, 2u);
  EXPECT_EQ(stats.batched_jobs, 6u);

  // A lone request waits for company for the timeout, then runs.
  const auto start = std::chrono::steady_clock::now();
  Result<VlmWorker::Reply> lone = worker.submit(requests[0]);
  ASSERT_TRUE(lone.ok());
  ASSERT_EQ(lone->wait_for(std::chrono::seconds(300)), std::future_status::ready)
      << "a lone request waited for a batch forever";
  const auto waited = std::chrono::steady_clock::now() - start;
  Result<Generation> r = lone->get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch_size, 1);
  EXPECT_GE(waited, kTimeout);
  EXPECT_EQ(worker.stats().batches, 3u);
}

TEST(VlmWorkerBatchTest, BatchSizeIsCutToWhatTheEngineHolds) {
  VlmWorker worker(open_engine(2, false), VlmWorkerOptions{.batch_size = 8});
  EXPECT_EQ(worker.batch_size(), 2);
}

}  // namespace
}  // namespace cardmint::vlm
