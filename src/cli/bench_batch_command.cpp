#include "cli/bench_batch_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>
#include <vector>

#include "base/log.h"
#include "cli/bench_models.h"
#include "cli/latency_summary.h"
#include "cli/model_flags.h"
#include "recognize/vlm_worker.h"
#include "vlm/card_description.h"
#include "vlm/vlm_engine.h"

namespace cardmint::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct BenchBatchFlags {
  ModelFlags model;
  std::string size = "256m";
  std::vector<int> concurrency = {1, 2, 4, 8};
  std::vector<int> batch_sizes = {1, 4};
  int requests = 16;  // per batch size × concurrency
  int batch_timeout_ms = 5;
  int max_new_tokens = 48;  // as bench vlm: a real answer is ~45 tokens
  // Unbatched engines with llama-mtmd-cli's attention (flash on) instead of the batch-invariant
  // one every batched engine uses: the service's default, but other numbers, other answers.
  bool reference_attention = false;
  bool as_json = false;
};

struct CellRun {
  int batch_size = 0;
  int concurrency = 0;
  double wall_ms = 0;
  LatencySummary latency;
  double mean_batch = 0;                                  // jobs per generate_batch
  double encode_ms = 0, prefill_ms = 0, generate_ms = 0;  // means per request
  double generated_tokens = 0;                            // mean per request
  double throughput_rps() const { return latency.count / (wall_ms / 1000.0); }
};

image::RgbImage bench_card_rgb() {
  cv::Mat rgb;
  cv::cvtColor(bench_card_bgr(), rgb, cv::COLOR_BGR2RGB);
  image::RgbImage out;
  out.width = rgb.cols;
  out.height = rgb.rows;
  out.pixels.assign(rgb.data, rgb.data + rgb.total() * 3);
  return out;
}

// `concurrency` clients each submit a request, wait for its answer and submit the next, until
// `requests` answers are in (a closed loop, like callers waiting on the service).
Result<CellRun> run_cell(recognize::VlmWorker& worker, const vlm::GenerateRequest& request,
                         int concurrency, int requests) {
  const recognize::VlmWorkerStats before = worker.stats();
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<double> latencies;
  std::vector<vlm::Generation> answers;
  Status failure;
  const auto start = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrency; ++c) {
    clients.emplace_back([&] {
      while (next.fetch_add(1) < requests) {
        const auto submitted = Clock::now();
        Result<recognize::VlmWorker::Reply> reply = worker.submit(request);
        Result<vlm::Generation> answer = reply.ok() ? reply->get() : reply.status();
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - submitted).count();
        std::lock_guard lock(mu);
        if (!answer.ok()) {
          failure = answer.status();
          continue;
        }
        latencies.push_back(ms);
        answers.push_back(std::move(answer).value());
      }
    });
  }
  for (std::thread& t : clients) t.join();
  if (!failure.ok()) return failure;
  CellRun run;
  run.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  run.concurrency = concurrency;
  run.batch_size = worker.batch_size();
  run.latency = summarize_latencies(latencies);
  const recognize::VlmWorkerStats after = worker.stats();
  run.mean_batch = static_cast<double>(after.batched_jobs - before.batched_jobs) /
                   std::max<std::uint64_t>(1, after.batches - before.batches);
  for (const vlm::Generation& g : answers) {
    run.encode_ms += g.timings.encode_ms / answers.size();
    run.prefill_ms += g.timings.prefill_ms / answers.size();
    run.generate_ms += g.timings.generate_ms / answers.size();
    run.generated_tokens += static_cast<double>(g.tokens.size()) / answers.size();
  }
  return run;
}

json cell_json(const CellRun& r) {
  return {{"batch_size", r.batch_size},
          {"concurrency", r.concurrency},
          {"requests", r.latency.count},
          {"throughput_rps", r.throughput_rps()},
          {"p50_ms", r.latency.p50_ms},
          {"p99_ms", r.latency.p99_ms},
          {"mean_ms", r.latency.mean_ms},
          {"mean_batch", r.mean_batch},
          {"mean_stage_ms",
           {{"encode", r.encode_ms}, {"prefill", r.prefill_ms}, {"generate", r.generate_ms}}},
          {"generated_tokens", r.generated_tokens}};
}

int run_bench_batch(const BenchBatchFlags& flags) {
  auto fail = [](const Status& s) {
    logger("bench")->error("{}", s.to_string());
    return 1;
  };
  Result<BenchModels> models =
      resolve_bench_models(flags.model.model_path, flags.model.mmproj_path, flags.size);
  if (!models.ok()) return fail(models.status());
  vlm::GenerateRequest request;
  request.images.push_back(bench_card_rgb());
  request.user_prompt = "Describe this card as JSON.";
  request.grammar = vlm::card_grammar();
  request.max_new_tokens = flags.max_new_tokens;
  const int max_concurrency = *std::max_element(flags.concurrency.begin(), flags.concurrency.end());

  std::vector<CellRun> cells;
  for (int batch_size : flags.batch_sizes) {
    vlm::VlmOptions options = to_vlm_options(flags.model);
    options.model_path = models->model;
    options.mmproj_path = models->mmproj;
    options.system_prompt = vlm::card_prompt();
    options.max_batch = batch_size;
    options.batch_invariant = !flags.reference_attention;
    // Each stream holds a card prompt (prefix + 128 image tokens + the answer) with room to spare.
    options.context_tokens = 2048;
    Result<std::unique_ptr<vlm::VlmEngine>> engine = vlm::VlmEngine::open(options);
    if (!engine.ok()) return fail(engine.status());
    recognize::VlmWorker worker(
        std::move(engine).value(),
        recognize::VlmWorkerOptions{
            .queue_capacity = std::max(32, max_concurrency),
            .batch_size = batch_size,
            .batch_timeout = std::chrono::milliseconds(flags.batch_timeout_ms)});
    // Warm-up: first-touch page faults and graph allocation, not the steady state.
    if (Result<CellRun> warm = run_cell(worker, request, 1, 1); !warm.ok()) {
      return fail(warm.status());
    }
    for (int concurrency : flags.concurrency) {
      Result<CellRun> cell = run_cell(worker, request, concurrency, flags.requests);
      if (!cell.ok()) return fail(cell.status());
      logger("bench")->info("batch {} concurrency {}: {:.3f} req/s p50 {:.0f} ms", batch_size,
                            concurrency, cell->throughput_rps(), cell->latency.p50_ms);
      cells.push_back(*cell);
    }
  }

  // The goal compares the largest batch size with the smallest at concurrency 4 (or the highest
  // measured below it).
  const int base_batch = *std::min_element(flags.batch_sizes.begin(), flags.batch_sizes.end());
  const int top_batch = *std::max_element(flags.batch_sizes.begin(), flags.batch_sizes.end());
  int goal_concurrency = 0;
  for (int c : flags.concurrency) {
    if (c <= 4) goal_concurrency = std::max(goal_concurrency, c);
  }
  auto find = [&](int b, int c) -> const CellRun* {
    for (const CellRun& r : cells) {
      if (r.batch_size == b && r.concurrency == c) {
        return &r;
      }
    }
    return nullptr;
  };
  const CellRun* base = find(base_batch, goal_concurrency);
  const CellRun* top = find(top_batch, goal_concurrency);
  json goal = nullptr;
  if (base && top && base != top) {
    const double throughput_ratio = top->throughput_rps() / base->throughput_rps();
    const double p50_ratio = top->latency.p50_ms / base->latency.p50_ms;
    goal = {{"concurrency", goal_concurrency},
            {"batch_sizes", {base_batch, top_batch}},
            {"throughput_ratio", throughput_ratio},
            {"p50_ratio", p50_ratio},
            {"throughput_goal", 1.5},
            {"p50_goal", 1.3},
            {"met", throughput_ratio >= 1.5 && p50_ratio <= 1.3}};
  }
  json runs = json::array();
  for (const CellRun& r : cells) runs.push_back(cell_json(r));
  const json report = {{"size", flags.model.model_path.empty() ? flags.size : "custom"},
                       {"threads", flags.model.threads},
                       {"tiling", flags.model.tiling},
                       {"requests_per_cell", flags.requests},
                       {"batch_timeout_ms", flags.batch_timeout_ms},
                       {"max_new_tokens", flags.max_new_tokens},
                       {"attention", flags.reference_attention ? "reference" : "batch_invariant"},
                       {"runs", runs},
                       {"goal", goal}};
  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return 0;
  }
  std::cout << fmt::format(
      "cardmint bench batch  size={} threads={} tiling={} requests={} batch_timeout={} ms "
      "max_new_tokens={} attention={}\n"
      "  batch  conc    req/s     p50 ms     p99 ms  mean batch  encode/prefill/generate ms  "
      "tokens\n",
      report["size"].get<std::string>(), flags.model.threads, flags.model.tiling, flags.requests,
      flags.batch_timeout_ms, flags.max_new_tokens, report["attention"].get<std::string>());
  for (const CellRun& r : cells) {
    std::cout << fmt::format(
        "  {:5d} {:5d} {:8.3f} {:10.0f} {:10.0f} {:11.2f}  {:7.0f} {:7.0f} {:8.0f}  {:7.1f}\n",
        r.batch_size, r.concurrency, r.throughput_rps(), r.latency.p50_ms, r.latency.p99_ms,
        r.mean_batch, r.encode_ms, r.prefill_ms, r.generate_ms, r.generated_tokens);
  }
  if (!goal.is_null()) {
    std::cout << fmt::format(
        "  at concurrency {}: throughput B{}/B{} {:.2f}x (goal >= 1.5x), p50 B{}/B{} {:.2f}x "
        "(goal <= 1.3x): goal {}\n",
        goal_concurrency, top_batch, base_batch, goal["throughput_ratio"].get<double>(), top_batch,
        base_batch, goal["p50_ratio"].get<double>(), goal["met"].get<bool>() ? "met" : "not met");
  }
  return 0;
}

}  // namespace

void register_bench_batch_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchBatchFlags>();
  CLI::App* batch =
      bench.add_subcommand("batch", "VLM throughput and latency, batch sizes side by side");
  add_model_flags(*batch, flags->model);
  batch
      ->add_option("--size", flags->size, "random-weight test model size when --model is not given")
      ->check(CLI::IsMember({"tiny", "256m", "500m"}));
  batch->add_option("--concurrency", flags->concurrency, "concurrent clients, e.g. 1,2,4,8")
      ->delimiter(',')
      ->check(CLI::Range(1, 256));
  batch->add_option("--batch-sizes", flags->batch_sizes, "worker batch sizes, e.g. 1,4")
      ->delimiter(',')
      ->check(CLI::Range(1, 64));
  batch->add_option("--requests", flags->requests, "requests per batch size and concurrency")
      ->check(CLI::Range(1, 100000));
  batch
      ->add_option("--batch-timeout-ms", flags->batch_timeout_ms,
                   "how long a job waits for company")
      ->check(CLI::Range(0, 60000));
  batch->add_option("--max-new-tokens", flags->max_new_tokens, "tokens generated per request")
      ->check(CLI::Range(1, 4096));
  batch->add_flag("--reference-attention", flags->reference_attention,
                  "unbatched engines use llama-mtmd-cli's attention (flash), as the service does");
  batch->add_flag("--json", flags->as_json, "print one JSON object");
  batch->callback([flags] { throw CLI::RuntimeError(run_bench_batch(*flags)); });
}

}  // namespace cardmint::cli
