#include "cli/bench_stream_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/log.h"
#include "cli/answered_by.h"
#include "cli/cardmintd_child.h"
#include "cli/latency_summary.h"
#include "cli/model_flags.h"
#include "cli/photo_folder.h"
#include "client/recognize_stream_client.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct BenchStreamFlags {
  ModelFlags model;
  std::string photos = "data/devset";
  int count = 30;
  std::string mode = "standard";
  bool as_json = false;
};

constexpr std::chrono::seconds kReadyTimeout(300);

struct SourceFigures {
  std::vector<double> first_event_ms;
  std::vector<double> complete_ms;
  std::map<std::string, int> first_event;  // which event came first, how often
};

Result<std::vector<std::string>> photo_files(const fs::path& dir, int count) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::invalid_input(fmt::format("--photos {}: not a folder", dir.string()));
  }
  std::vector<std::string> files;
  for (const fs::path& path : jpg_files_in(dir)) files.push_back(path.string());
  if (files.size() < 2) return Status::invalid_input(fmt::format("{} has < 2 .jpg", dir.string()));
  files.resize(std::min<std::size_t>(files.size(), static_cast<std::size_t>(count) + 1));
  return files;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run_bench_stream(const BenchStreamFlags& flags) {
  auto fail = [](const std::string& message) {
    logger("bench")->error("{}", message);
    return 1;
  };
  Result<std::vector<std::string>> files = photo_files(flags.photos, flags.count);
  if (!files.ok()) return fail(files.status().to_string());
  const fs::path work =
      fs::temp_directory_path() / fmt::format("cardmint-bench-stream-{}", getpid());
  fs::create_directories(work);
  std::vector<std::string> args = cardmintd_model_args(flags.model);
  args.insert(args.end(), {"--cache-file", "memory", "--mode", flags.mode});
  Result<CardmintdChild> server = start_cardmintd(args, work / "cardmintd.log", kReadyTimeout);
  if (!server.ok()) return fail(server.status().to_string());

  auto stream = [&](const std::string& image) {
    client::StreamRequest request;
    request.port = server->port;
    request.image = image;
    request.timeout = std::chrono::seconds(600);
    return client::post_recognize_stream(request);
  };
  // The last photo warms the service up and is not counted.
  const std::vector<std::string>& paths = *files;
  if (stream(read_file(paths.back())).status != 200) {
    return fail(
        fmt::format("the warm-up upload failed (log: {})", (work / "cardmintd.log").string()));
  }
  std::map<std::string, SourceFigures> by_source;
  int failures = 0;
  // Each photo new, then each again: the second time the cache answers.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i + 1 < paths.size(); ++i) {
      const client::StreamReply reply = stream(read_file(paths[i]));
      if (reply.status != 200 || reply.events.empty() || reply.events.back().name != "complete" ||
          !reply.events.back().data.is_object()) {
        ++failures;
        continue;
      }
      SourceFigures& f = by_source[answered_by(reply.events.back().data)];
      f.first_event_ms.push_back(reply.events.front().at_ms);
      f.complete_ms.push_back(reply.events.back().at_ms);
      ++f.first_event[reply.events.front().name];
    }
  }
  json report = {{"photos", paths.size() - 1},
                 {"mode", flags.mode},
                 {"failures", failures},
                 {"sources", json::object()}};
  for (const auto& [source, f] : by_source) {
    const LatencySummary first = summarize_latencies(f.first_event_ms);
    const LatencySummary complete = summarize_latencies(f.complete_ms);
    report["sources"][source] = {
        {"n", first.count},
        {"first_event", f.first_event},
        {"first_event_ms", {{"p50", first.p50_ms}, {"p90", first.p90_ms}}},
        {"complete_ms", {{"p50", complete.p50_ms}, {"p90", complete.p90_ms}}},
        {"first_over_complete_p50", complete.p50_ms > 0 ? first.p50_ms / complete.p50_ms : 0.0}};
  }
  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return failures == 0 ? 0 : 1;
  }
  std::cout << fmt::format(
      "cardmint bench stream  {} photos, each new then again, one client, mode {}\n",
      paths.size() - 1, flags.mode);
  std::cout << fmt::format("  {:<14} {:>4}  {:>17}  {:>17}  {:>8}  {}\n", "answered by", "n",
                           "first event p50/p90", "complete p50/p90", "first/cpl", "first event");
  for (const auto& [source, j] : report["sources"].items()) {
    std::string firsts;
    for (const auto& [name, n] : j["first_event"].items()) {
      firsts += fmt::format("{}{} ×{}", firsts.empty() ? "" : ", ", name, n.get<int>());
    }
    std::cout << fmt::format(
        "  {:<14} {:>4}  {:>8.1f} / {:>6.1f}  {:>8.1f} / {:>6.1f}  {:>8.2f}  {}\n", source,
        j["n"].get<int>(), j["first_event_ms"]["p50"].get<double>(),
        j["first_event_ms"]["p90"].get<double>(), j["complete_ms"]["p50"].get<double>(),
        j["complete_ms"]["p90"].get<double>(), j["first_over_complete_p50"].get<double>(), firsts);
  }
  if (failures > 0) std::cout << fmt::format("  {} requests failed\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

void register_bench_stream_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchStreamFlags>();
  CLI::App* stream = bench.add_subcommand(
      "stream", "POST /recognize?stream=1: time to the first event and to complete, per source");
  add_model_flags(*stream, flags->model);
  stream->add_option("--photos", flags->photos, "folder of .jpg photos");
  stream->add_option("--count", flags->count, "photos (each sent new, then again)")
      ->check(CLI::Range(1, 100000));
  stream->add_option("--mode", flags->mode, "bulk_inventory | standard | high_value")
      ->check(CLI::IsMember({"bulk_inventory", "standard", "high_value"}));
  stream->add_flag("--json", flags->as_json, "print one JSON object");
  stream->callback([flags] { throw CLI::RuntimeError(run_bench_stream(*flags)); });
}

}  // namespace cardmint::cli
