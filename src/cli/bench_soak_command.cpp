#include "cli/bench_soak_command.h"

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "cli/cardmintd_child.h"
#include "cli/model_flags.h"
#include "cli/photo_folder.h"
#include "cli/process_memory.h"
#include "cli/sanitizer_findings.h"
#include "cli/soak_figures.h"
#include "cli/soak_load.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct BenchSoakFlags {
  ModelFlags model;
  double minutes = 10;
  int concurrency = 4;
  std::string photos = "data/devset";
  unsigned seed = 1;
  // 0: for a cardmintd started here, enough for the largest photo; for --url, cardmintd's default.
  std::size_t max_upload_bytes = 0;
  std::string url;  // empty: start cardmintd here
  int pid = 0;      // with --url: the service's process, for its RSS
  bool as_json = false;
};

// A cardmintd loads its catalog in seconds; minutes of margin for a sanitized build on a busy
// machine.
constexpr std::chrono::seconds kReadyTimeout(300);
// Draining the last requests, then LeakSanitizer's walk of the heap at exit: slow under ASan.
constexpr std::chrono::seconds kStopGrace(120);
constexpr std::chrono::seconds kRssEvery(2);
// cardmintd's MAX_UPLOAD_BYTES when nothing sets it.
constexpr std::size_t kServiceDefaultMaxUpload = 20u << 20;
// A limit low enough that the oversized uploads cost little, and well above any photo.
constexpr std::size_t kSmallestMaxUpload = 1u << 20;

// The warm-up: first-touch page faults, OCR's lazily built tables, the first photos remembered.
// 5% of the run, at least 2 s and at most 30 s.
double warm_up_seconds(double duration_s) { return std::clamp(duration_s * 0.05, 2.0, 30.0); }

struct HostPort {
  std::string host;
  int port = 0;
};

// "http://HOST:PORT" with an optional trailing "/"; nullopt for anything else (https included:
// a soak over loopback has no TLS).
std::optional<HostPort> parse_http_url(std::string url) {
  const std::string scheme = "http://";
  if (!url.starts_with(scheme)) return std::nullopt;
  url.erase(0, scheme.size());
  if (url.ends_with("/")) url.pop_back();
  const std::size_t colon = url.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  const std::string port = url.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const int number = std::atoi(port.c_str());
  if (number < 1 || number > 65535) return std::nullopt;
  return HostPort{url.substr(0, colon), number};
}

// Samples a process's RSS every kRssEvery until stopped.
class RssSampler {
 public:
  RssSampler(int pid, SteadyClock::time_point origin) : pid_(pid), origin_(origin) {
    thread_ = std::jthread([this](std::stop_token stop) {
      std::unique_lock lock(mutex_);
      while (!stop.stop_requested()) {
        sample_locked();
        wake_.wait_for(lock, stop, kRssEvery, [] { return false; });
      }
    });
  }

  // Stops the sampling and takes one last sample: the RSS once the load is over.
  std::vector<RssSample> finish() {
    thread_.request_stop();
    thread_.join();
    std::lock_guard lock(mutex_);
    sample_locked();
    return samples_;
  }

 private:
  void sample_locked() {
    if (std::optional<ResidentMemory> memory = resident_memory(pid_)) {
      samples_.push_back({ms_since(origin_) / 1000.0, memory->rss_kib});
    }
  }

  const int pid_;
  const SteadyClock::time_point origin_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::vector<RssSample> samples_;  // guarded by mutex_
  std::jthread thread_;
};

// `concurrency` client threads sending kinds drawn from their own seeded generators until
// `until`; every outcome, in no particular order.
std::vector<SoakOutcome> run_load(SoakLoad& load, int concurrency, unsigned seed,
                                  SteadyClock::time_point origin, SteadyClock::time_point until) {
  std::vector<std::vector<SoakOutcome>> per_client(concurrency);
  {
    std::vector<std::jthread> clients;
    for (int c = 0; c < concurrency; ++c) {
      clients.emplace_back([&, c] {
        // Each client's own seeds: its sequence of kinds is the same in every run, whatever the
        // timing made the others do; the bodies' random draws come from a second generator.
        const unsigned client_seed = seed * 1000003u + static_cast<unsigned>(c);
        SoakKindSequence kinds(client_seed);
        std::mt19937 rng(client_seed ^ 0x9e3779b9u);
        httplib::Client client(load.target().host, load.target().port);
        client.set_keep_alive(true);
        while (SteadyClock::now() < until) {
          per_client[c].push_back(load.send(kinds.next(), client, rng, ms_since(origin) / 1000.0));
        }
      });
    }
  }  // the jthreads join here
  std::vector<SoakOutcome> all;
  for (std::vector<SoakOutcome>& outcomes : per_client) {
    all.insert(all.end(), std::make_move_iterator(outcomes.begin()),
               std::make_move_iterator(outcomes.end()));
  }
  return all;
}

// `name`'s value with `options` after it: later options override earlier ones.
void append_to_env(const char* name, const std::string& options) {
  const char* existing = std::getenv(name);
  std::string value = existing != nullptr ? existing : "";
  if (!value.empty()) value += ":";
  value += options;
  setenv(name, value.c_str(), 1);
}

// Sanitized children report to the log read afterwards, check for leaks at exit whatever the
// caller's ASAN_OPTIONS said, and leave out only the third-party leaks the checkout's suppressions
// file names (LeakSanitizer still lists them, as suppressed). Called before any thread starts
// (setenv is not thread-safe); this process read its own options long ago. Returns the
// suppressions file, or "" when the checkout has none.
std::string ask_children_for_leak_checks() {
  append_to_env("ASAN_OPTIONS", "detect_leaks=1:log_path=stderr");
  std::error_code ec;
  if (!fs::is_regular_file(CARDMINT_LSAN_SUPPRESSIONS, ec)) return "";
  append_to_env("LSAN_OPTIONS",
                fmt::format("suppressions={}:print_suppressions=1", CARDMINT_LSAN_SUPPRESSIONS));
  return CARDMINT_LSAN_SUPPRESSIONS;
}

std::string join(const std::vector<std::string>& lines, const std::string& separator) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : separator) + line;
  return out;
}

std::string figure_text(const json& kib) {
  return kib.is_number() ? fmt::format("{:.1f} MiB", kib.get<double>() / 1024.0) : "-";
}

void print_text(const json& report) {
  std::string out = fmt::format(
      "cardmint bench soak  {:.1f} min ({:.0f} s warm-up), {} clients, seed {}, {} photos from "
      "{}\n  target {}{}\n",
      report["minutes"].get<double>(), report["warm_up_s"].get<double>(),
      report["concurrency"].get<int>(), report["seed"].get<unsigned>(),
      report["photos"]["count"].get<int>(), report["photos"]["folder"].get<std::string>(),
      report["target"]["url"].get<std::string>(),
      report["target"]["started_here"].get<bool>() ? " (started here)" : "");
  out += "  sent:";
  for (const auto& [kind, n] : report["counts"].items()) {
    out += fmt::format(" {} {}", kind, n.get<int>());
  }
  out += "\n";
  for (const auto& [kind, answers] : report["answered_by"].items()) {
    std::string line;
    for (const auto& [answer, n] : answers.items()) {
      line += fmt::format("{}{} ×{}", line.empty() ? "" : ", ", answer, n.get<int>());
    }
    out += fmt::format("  {} answered by: {}\n", kind, line);
  }
  const json& errors = report["errors"];
  out += fmt::format("  errors: {}\n", errors["total"].get<int>());
  for (const auto& [kind, e] : errors["by_kind"].items()) {
    out += fmt::format("    {} ×{}: {}\n", kind, e["count"].get<int>(),
                       join(e["examples"].get<std::vector<std::string>>(), " | "));
  }
  const json& latency = report["latency_ms"];
  out += fmt::format("  good recognitions per {:.0f} s window (p50 / p99 ms):",
                     latency["window_s"].get<double>());
  for (const json& w : latency["windows"]) {
    out += fmt::format(" {:.0f}/{:.0f}", w["p50"].get<double>(), w["p99"].get<double>());
  }
  out += fmt::format("\n  p99 drift (last window / first): {}\n",
                     latency["p99_drift"].is_number()
                         ? fmt::format("{:.2f}", latency["p99_drift"].get<double>())
                         : "-");
  for (const auto& [kind, s] : latency["by_kind"].items()) {
    out += fmt::format("    {:<18} n {:>6}  p50 {:>8.1f}  p99 {:>8.1f}\n", kind,
                       s["count"].get<int>(), s["p50"].get<double>(), s["p99"].get<double>());
  }
  const json& rss = report["rss_kib"];
  out += fmt::format("  cardmintd RSS: start {}, end {}, peak {} ({} samples), high water {}\n",
                     figure_text(rss["start"]), figure_text(rss["end"]), figure_text(rss["peak"]),
                     rss["samples"].get<int>(), figure_text(rss["high_water"]));
  const json& server = report["cardmintd"];
  if (server.contains("exit_code")) {
    out += fmt::format(
        "  cardmintd exit after SIGTERM: {}; leak check {}: {} leak reports, {} ASan errors, {} "
        "UBSan errors\n",
        server["exit_code"].get<int>(), server["leak_check"].get<bool>() ? "on" : "OFF",
        server["leak_reports"].get<int>(), server["address_errors"].get<int>(),
        server["undefined_behaviour"].get<int>());
    for (const json& row : server["suppressed_leaks"]) {
      out += fmt::format("    suppressed (known third-party leak): {}\n", row.get<std::string>());
    }
  }
  out += report["passed"].get<bool>()
             ? "  PASSED\n"
             : "  FAILED: " + join(report["failures"].get<std::vector<std::string>>(), "; ") + "\n";
  std::cout << out;
}

int run_bench_soak(const BenchSoakFlags& flags) {
  auto fail = [](const std::string& message) {
    logger("bench")->error("{}", message);
    return 1;
  };
  std::vector<FolderPhoto> photos = read_folder_photos(flags.photos);
  if (photos.empty()) return fail(fmt::format("--photos {}: no .jpg files", flags.photos));
  std::size_t largest = 0;
  for (const FolderPhoto& p : photos) largest = std::max(largest, p.bytes.size());

  const fs::path work = fs::temp_directory_path() / fmt::format("cardmint-bench-soak-{}", getpid());
  const fs::path log = work / "cardmintd.log";
  SoakTarget target;
  std::optional<CardmintdChild> child;
  std::string suppressions;
  int pid = flags.pid;
  if (flags.url.empty()) {
    target.max_upload_bytes = flags.max_upload_bytes > 0
                                  ? flags.max_upload_bytes
                                  : std::max(kSmallestMaxUpload, 2 * largest);
    suppressions = ask_children_for_leak_checks();
    fs::create_directories(work);
    std::vector<std::string> args = cardmintd_model_args(flags.model);
    // A thread per client for its keep-alive connection, one per stream it may hold, spares.
    const int http_threads = std::max(8, 2 * flags.concurrency + 2);
    args.insert(args.end(), {"--cache-file", "memory", "--max-upload-bytes",
                             std::to_string(target.max_upload_bytes), "--http-threads",
                             std::to_string(http_threads)});
    Result<CardmintdChild> started = start_cardmintd(args, log, kReadyTimeout);
    if (!started.ok()) return fail(started.status().to_string());
    child.emplace(std::move(started).value());
    target.port = child->port;
    pid = child->process.pid();
  } else {
    std::optional<HostPort> at = parse_http_url(flags.url);
    if (!at) return fail(fmt::format("--url {}: not http://HOST:PORT", flags.url));
    target.host = at->host;
    target.port = at->port;
    target.max_upload_bytes =
        flags.max_upload_bytes > 0 ? flags.max_upload_bytes : kServiceDefaultMaxUpload;
  }
  const bool leak_check = child && has_leak_checker(pid);
  const std::string url = fmt::format("http://{}:{}", target.host, target.port);
  const std::string log_note = child ? fmt::format(" (cardmintd's log: {})", log.string()) : "";

  const int photo_count = static_cast<int>(photos.size());
  SoakLoad load(target, std::move(photos));
  {
    httplib::Client first(target.host, target.port);
    if (!load.prime(first)) return fail("the first photo was not answered 200" + log_note);
  }

  const double duration_s = flags.minutes * 60;
  const SoakSpan span{warm_up_seconds(duration_s), duration_s};
  const SteadyClock::time_point origin = SteadyClock::now();
  const auto until = origin + std::chrono::milliseconds(static_cast<long>(duration_s * 1000));
  std::optional<RssSampler> sampler;
  if (pid > 0) sampler.emplace(pid, origin);
  std::vector<SoakOutcome> outcomes = run_load(load, flags.concurrency, flags.seed, origin, until);
  std::vector<RssSample> rss;
  if (sampler) rss = sampler->finish();
  const std::optional<ResidentMemory> last_memory =
      pid > 0 ? resident_memory(pid) : std::optional<ResidentMemory>();

  json report = soak_load_figures(outcomes, span);
  report["minutes"] = flags.minutes;
  report["duration_s"] = duration_s;
  report["ran_s"] = ms_since(origin) / 1000.0;
  report["warm_up_s"] = span.warm_up_s;
  report["concurrency"] = flags.concurrency;
  report["seed"] = flags.seed;
  report["photos"] = {{"folder", flags.photos}, {"count", photo_count}};
  report["target"] = {{"url", url},
                      {"started_here", child.has_value()},
                      {"max_upload_bytes", target.max_upload_bytes},
                      {"pid", pid > 0 ? json(pid) : json(nullptr)}};
  report["rss_kib"] = soak_rss_figures(rss, span, last_memory ? last_memory->peak_kib : 0);

  std::vector<std::string> failures;
  if (const int errors = report["errors"]["total"].get<int>(); errors > 0) {
    failures.push_back(fmt::format("{} requests were not answered as their kind must be", errors));
  }
  json server = json::object();
  if (child) {
    const int exit_code = child->process.stop(kStopGrace);
    const SanitizerFindings findings = read_sanitizer_findings(log);
    server = {{"log", log.string()},
              {"exit_code", exit_code},
              {"exited_cleanly", exit_code == 0},
              {"leak_check", leak_check},
              {"leak_reports", findings.leak_reports},
              {"address_errors", findings.address_errors},
              {"undefined_behaviour", findings.undefined_behaviour},
              {"sanitizer_summaries", findings.summaries},
              {"lsan_suppressions", suppressions.empty() ? json(nullptr) : json(suppressions)},
              {"suppressed_leaks", findings.suppressed}};
    if (exit_code != 0) {
      failures.push_back(fmt::format("cardmintd exited with {} after SIGTERM", exit_code));
    }
    if (!findings.clean()) {
      failures.push_back(fmt::format(
          "sanitizers reported {} leaks, {} address errors, {} undefined behaviours: {}",
          findings.leak_reports, findings.address_errors, findings.undefined_behaviour,
          join(findings.summaries, "; ")));
    }
  }
  report["cardmintd"] = server;
  report["passed"] = failures.empty();
  report["failures"] = failures;
  if (failures.empty() && child) {
    fs::remove_all(work);
    report["cardmintd"]["log"] = nullptr;  // passed: nothing in it worth keeping
  }

  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
  } else {
    print_text(report);
  }
  if (!failures.empty())
    logger("bench")->error("soak failed: {}{}", join(failures, "; "), log_note);
  return failures.empty() ? 0 : 1;
}

}  // namespace

void register_bench_soak_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchSoakFlags>();
  CLI::App* soak = bench.add_subcommand(
      "soak", "mixed load on one cardmintd for minutes: errors, leaks, RSS and latency drift");
  add_model_flags(*soak, flags->model);
  soak->add_option("--minutes", flags->minutes, "how long the load runs (fractions allowed)")
      ->check(CLI::Range(0.05, 10000.0));
  soak->add_option("--concurrency", flags->concurrency, "client threads")->check(CLI::Range(1, 64));
  soak->add_option("--photos", flags->photos, "folder of .jpg photos");
  soak->add_option("--seed", flags->seed, "seeds each client's sequence of requests");
  soak->add_option("--max-upload-bytes", flags->max_upload_bytes,
                   "the service's upload limit (default: 1 MiB or twice the largest photo for a "
                   "cardmintd started here, 20 MiB with --url)");
  soak->add_option("--url", flags->url,
                   "soak this running service (http://HOST:PORT) instead of starting one");
  soak->add_option("--pid", flags->pid, "with --url: the service's pid, for its RSS")
      ->needs(soak->get_option("--url"));
  soak->add_flag("--json", flags->as_json, "print one JSON object");
  soak->callback([flags] { throw CLI::RuntimeError(run_bench_soak(*flags)); });
}

}  // namespace cardmint::cli
