#include "cli/bench_vlm_command.h"

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "cli/bench_models.h"
#include "cli/cardmintd_child.h"
#include "cli/latency_summary.h"
#include "cli/model_flags.h"
#include "cli/subprocess.h"
#include "vlm/card_description.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

struct BenchVlmFlags {
  ModelFlags model;
  std::string size = "256m";
  int requests = 20;
  int compare_requests = 3;  // SmolVLM's default tiling costs ~7× more; a few runs show the ratio
  // A real answer ({"name": "Pikachu", "set_name": "Base Set", "number": "58/102", ...}) is ~45
  // tokens; random weights would ramble to any limit, so every side is held to this many.
  int max_new_tokens = 48;
  std::string reference_cli = LLAMA_MTMD_CLI;
  bool as_json = false;
};

using Models = BenchModels;

Result<Models> resolve_models(const BenchVlmFlags& flags) {
  return resolve_bench_models(flags.model.model_path, flags.model.mmproj_path, flags.size);
}

struct ServiceRun {
  LatencySummary latency;
  double model_ms = 0;  // median request's encode + prefill + generate, the reference's work
  json stages;          // median server-side timings_ms
  int generated_tokens = 0;
  int image_tokens = 0;
};

// Starts cardmintd, waits until ready, then sends `requests` sequential requests after one warm-up.
Result<ServiceRun> bench_service(const BenchVlmFlags& flags, const Models& models,
                                 const std::string& tiling, int requests, const std::string& image,
                                 const fs::path& work) {
  Result<CardmintdChild> server =
      start_cardmintd({"--model", models.model, "--mmproj", models.mmproj, "--threads",
                       std::to_string(flags.model.threads), "--tiling", tiling, "--model-label",
                       flags.model.label, "--catalog-db", catalog_db_path(flags.model),
                       "--max-new-tokens", std::to_string(flags.max_new_tokens)},
                      work / "cardmintd.log", seconds(600));
  if (!server.ok()) return server.status();
  httplib::Client client("127.0.0.1", server->port);
  client.set_read_timeout(600, 0);
  std::ifstream in(image, std::ios::binary);
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<double> latencies;
  std::vector<json> replies;
  for (int i = 0; i <= requests; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto res = client.Post("/recognize", body, "image/png");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!res || res->status != 200) {
      return Status::internal(fmt::format("request {} failed: {}", i,
                                          res ? res->body : httplib::to_string(res.error())));
    }
    if (i == 0) continue;  // warm-up: first-touch page faults, not the steady state
    latencies.push_back(ms);
    replies.push_back(json::parse(res->body));
  }
  ServiceRun run;
  run.latency = summarize_latencies(latencies);
  const json& median = replies[replies.size() / 2];
  run.stages = median["timings_ms"];
  run.model_ms = run.stages["encode"].get<double>() + run.stages["prefill"].get<double>() +
                 run.stages["generate"].get<double>();
  run.generated_tokens = median["tokens"]["generated"].get<int>();
  run.image_tokens = median["tokens"]["image"].get<int>();
  return run;
}

// llama-mtmd-cli's own figures, from its log.
struct ReferenceRun {
  double wall_ms = 0;
  double load_ms = 0;
  double encode_ms = 0;
  double prompt_eval_ms = 0;
  double eval_ms = 0;
  double compute_ms() const { return encode_ms + prompt_eval_ms + eval_ms; }
};

// Sums the number that follows each `label` in the log, e.g. "prompt eval time =  812.5 ms".
// `must_follow` (when not empty) must appear after the number on the same line, which tells
// "eval time = ... runs" from "prompt eval time = ... tokens".
double sum_after(const std::string& log, const std::string& label, const std::string& must_follow) {
  double total = 0;
  for (size_t at = log.find(label); at != std::string::npos; at = log.find(label, at + 1)) {
    if (label == "eval time =" && at >= 7 && log.compare(at - 7, 7, "prompt ") == 0) continue;
    size_t pos = at + label.size();
    while (pos < log.size() && log[pos] == ' ') ++pos;
    const size_t line_end = log.find('\n', pos);
    const std::string line =
        log.substr(pos, line_end == std::string::npos ? std::string::npos : line_end - pos);
    if (!must_follow.empty() && line.find(must_follow) == std::string::npos) continue;
    total += std::atof(line.c_str());
  }
  return total;
}

Result<ReferenceRun> bench_reference(const BenchVlmFlags& flags, const Models& models,
                                     const std::string& image, int tokens, const fs::path& work) {
  const fs::path grammar = work / "card.gbnf";
  std::ofstream(grammar) << vlm::card_grammar();
  std::vector<std::string> argv = {flags.reference_cli,
                                   "-m",
                                   models.model,
                                   "--mmproj",
                                   models.mmproj,
                                   "--image",
                                   image,
                                   "-sys",
                                   vlm::card_prompt(),
                                   "-p",
                                   "Describe this card as JSON.",
                                   "-n",
                                   std::to_string(tokens),
                                   "--temp",
                                   "0",
                                   "-t",
                                   std::to_string(flags.model.threads),
                                   "--grammar-file",
                                   grammar.string(),
                                   "--image-max-tokens",
                                   "64"};
  if (flags.model.tiling == "smolvlm") argv.resize(argv.size() - 2);
  Result<ProcessOutput> out = run_process(argv, seconds(600));
  if (!out.ok()) return out.status();
  if (out->exit_code != 0) {
    return Status::internal(
        fmt::format("llama-mtmd-cli exited {}: {}", out->exit_code,
                    out->err.substr(out->err.size() > 2000 ? out->err.size() - 2000 : 0)));
  }
  const std::string log = out->out + out->err;
  ReferenceRun run;
  run.wall_ms = out->wall_ms;
  run.load_ms = sum_after(log, "load time =", "ms");
  run.encode_ms = sum_after(log, "encoding done in", "ms");
  run.prompt_eval_ms = sum_after(log, "prompt eval time =", "tokens");
  run.eval_ms = sum_after(log, "eval time =", "runs");
  return run;
}

json summary_json(const LatencySummary& s) {
  return {{"count", s.count},
          {"p50_ms", s.p50_ms},
          {"p90_ms", s.p90_ms},
          {"p99_ms", s.p99_ms},
          {"mean_ms", s.mean_ms}};
}

int run_bench_vlm(const BenchVlmFlags& flags) {
  auto fail = [](const Status& s) {
    logger("bench")->error("{}", s.to_string());
    return 1;
  };
  Result<Models> models = resolve_models(flags);
  if (!models.ok()) return fail(models.status());
  const fs::path work = fs::temp_directory_path() / fmt::format("cardmint-bench-{}", getpid());
  fs::create_directories(work);
  const std::string image = write_bench_card(work);

  Result<ServiceRun> warm =
      bench_service(flags, *models, flags.model.tiling, flags.requests, image, work);
  if (!warm.ok()) return fail(warm.status());
  Result<ServiceRun> default_tiling =
      bench_service(flags, *models, "smolvlm", flags.compare_requests, image, work);
  if (!default_tiling.ok()) return fail(default_tiling.status());
  Result<ProcessOutput> cold =
      run_process({(own_dir() / "cardmint").string(), "scan", "--model", models->model, "--mmproj",
                   models->mmproj, "--threads", std::to_string(flags.model.threads), "--tiling",
                   flags.model.tiling, "--catalog-db", catalog_db_path(flags.model),
                   "--max-new-tokens", std::to_string(flags.max_new_tokens), image},
                  seconds(600));
  if (!cold.ok()) return fail(cold.status());
  if (cold->exit_code != 0) return fail(Status::internal("cold scan failed: " + cold->err));
  Result<ReferenceRun> reference =
      bench_reference(flags, *models, image, std::max(1, warm->generated_tokens), work);
  if (!reference.ok()) return fail(reference.status());
  fs::remove_all(work);

  const double warm_p50 = warm->latency.p50_ms;
  json report = {
      {"size", flags.model.model_path.empty() ? flags.size : "custom"},
      {"threads", flags.model.threads},
      {"tiling", flags.model.tiling},
      {"image_tokens", warm->image_tokens},
      {"generated_tokens", warm->generated_tokens},
      {"warm_service", summary_json(warm->latency)},
      {"warm_service_stages_ms", warm->stages},
      {"smolvlm_default_tiling",
       {{"latency", summary_json(default_tiling->latency)},
        {"image_tokens", default_tiling->image_tokens},
        {"stages_ms", default_tiling->stages}}},
      {"cold_scan_ms", cold->wall_ms},
      {"llama_mtmd_cli",
       {{"wall_ms", reference->wall_ms},
        {"load_ms", reference->load_ms},
        {"encode_ms", reference->encode_ms},
        {"prompt_eval_ms", reference->prompt_eval_ms},
        {"eval_ms", reference->eval_ms},
        {"compute_ms", reference->compute_ms()}}},
      {"ratios",
       {{"warm_model_stages_over_reference_compute", warm->model_ms / reference->compute_ms()},
        {"warm_p50_over_reference_compute", warm_p50 / reference->compute_ms()},
        {"warm_p50_over_reference_wall", warm_p50 / reference->wall_ms},
        {"cold_scan_over_warm_p50", cold->wall_ms / warm_p50},
        {"plan_over_smolvlm_default_p50", warm_p50 / default_tiling->latency.p50_ms}}},
  };
  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return 0;
  }
  const json& r = report["ratios"];
  std::cout << fmt::format(
      "cardmint bench vlm  size={} threads={} tiling={} image_tokens={} generated_tokens={}\n"
      "  warm service        p50 {:8.0f} ms  p90 {:8.0f} ms  p99 {:8.0f} ms  (n={})\n"
      "  smolvlm tiling      p50 {:8.0f} ms  ({} image tokens, n={})\n"
      "  cold cardmint scan      {:8.0f} ms  (model load included)\n"
      "  warm model stages       {:8.0f} ms  encode+prefill+generate of the median request\n"
      "  llama-mtmd-cli          {:8.0f} ms wall, {:.0f} ms encode+prefill+generate\n"
      "  ratios: model-stages/reference-compute {:.2f}x  warm/reference-compute {:.2f}x  "
      "warm/reference-wall {:.2f}x  cold/warm {:.2f}x  plan/smolvlm {:.2f}x\n",
      report["size"].get<std::string>(), flags.model.threads, flags.model.tiling,
      warm->image_tokens, warm->generated_tokens, warm_p50, warm->latency.p90_ms,
      warm->latency.p99_ms, warm->latency.count, default_tiling->latency.p50_ms,
      default_tiling->image_tokens, default_tiling->latency.count, cold->wall_ms, warm->model_ms,
      reference->wall_ms, reference->compute_ms(),
      r["warm_model_stages_over_reference_compute"].get<double>(),
      r["warm_p50_over_reference_compute"].get<double>(),
      r["warm_p50_over_reference_wall"].get<double>(), r["cold_scan_over_warm_p50"].get<double>(),
      r["plan_over_smolvlm_default_p50"].get<double>());
  return 0;
}

}  // namespace

void register_bench_vlm_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchVlmFlags>();
  CLI::App* vlm = bench.add_subcommand("vlm", "warm service vs cold scan vs llama-mtmd-cli");
  add_model_flags(*vlm, flags->model);
  vlm->add_option("--size", flags->size, "random-weight test model size when --model is not given")
      ->check(CLI::IsMember({"tiny", "256m", "500m"}));
  vlm->add_option("--requests", flags->requests, "warm requests to time")
      ->check(CLI::Range(1, 100000));
  vlm->add_option("--compare-requests", flags->compare_requests,
                  "requests with SmolVLM's default tiling")
      ->check(CLI::Range(1, 1000));
  vlm->add_option("--llama-mtmd-cli", flags->reference_cli, "reference binary");
  vlm->add_option("--max-new-tokens", flags->max_new_tokens, "tokens generated per request")
      ->check(CLI::Range(1, 4096));
  vlm->add_flag("--json", flags->as_json, "print one JSON object");
  vlm->callback([flags] {
    if (flags->model.label == "vlm-256m" && flags->size == "500m") flags->model.label = "vlm-500m";
    throw CLI::RuntimeError(run_bench_vlm(*flags));
  });
}

}  // namespace cardmint::cli
