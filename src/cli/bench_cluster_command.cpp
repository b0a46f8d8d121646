#include "cli/bench_cluster_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "catalog/catalog_import.h"
#include "cli/bench_models.h"
#include "cli/cardmintd_child.h"
#include "cli/latency_summary.h"
#include "cli/local_cluster.h"
#include "cli/nginx_site.h"
#include "cli/photo_folder.h"
#include "cli/subprocess.h"
#include "image/jpeg_comment.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = SteadyClock;

struct BenchClusterFlags {
  std::vector<int> instances = {1, 3};
  double hit_share = 0.6;
  int requests = 200;
  int concurrency = 4;
  std::string model_size = "none";  // none: OCR + catalog alone
  std::string model_path, mmproj_path;
  int threads = 0;  // model threads per instance; 0: cardmintd's default
  std::string catalog_db;
  std::string photos;                        // empty: generate them with cardmint-photos
  std::vector<std::string> cardmintd_flags;  // after `--`: for every instance
  unsigned seed = 7;
  bool as_json = false;
};

// The longest one upload may take: a model answer on a machine shared by several instances.
constexpr int kRequestTimeoutS = 300;
// cardmintd remembers answers at least this sure (README "Cache"); a picture is repeated only
// once its first answer was, so that a repeat can be a cache hit.
constexpr double kRememberedConfidence = 0.85;

// `count` new photos from the project's generator (tools/card_photo), seeded: the same run gets
// the same photos.
Result<std::vector<FolderPhoto>> generate_photos(const fs::path& out, int count, unsigned seed) {
  const fs::path generator =
      own_dir().parent_path().parent_path() / "tools" / "card_photo" / "cardmint-photos";
  if (access(generator.c_str(), X_OK) != 0) {
    return Status::not_found(fmt::format(
        "{} is not built (cmake --build BUILD --target cardmint-photos), or pass --photos DIR",
        generator.string()));
  }
  Result<ProcessOutput> run = run_process(
      {generator.string(), "--catalog", catalog::default_catalog_source_dir().string(), "--out",
       out.string(), "--count", std::to_string(count), "--seed", std::to_string(seed)},
      std::chrono::seconds(1800));
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return Status::unavailable(fmt::format("cardmint-photos failed: {}", run->err));
  }
  return read_folder_photos(out);
}

struct Reply {
  double ms = 0;
  int status = 0;         // 0: no answer
  std::string served_by;  // nginx's X-Served-By: the instance (the last one tried)
  bool retried = false;   // nginx tried more than one instance
  bool repeat = false;    // a picture sent before
  std::string source;     // "cache", "hash", "ocr", a model's label
  bool has_card = false;
  std::string cascade;  // the sources asked, "ocr→vlm-256m"
};

struct Mix {
  // Uploads of photo i are the same picture; each after the first carries other bytes.
  const std::vector<FolderPhoto>* photos;
  int requests;
  double hit_share;
  unsigned seed;
};

// Sends `mix.requests` uploads from `concurrency` keep-alive clients through nginx at `port`.
// Upload i repeats a picture when the hit share says so (spread evenly over the run) and some
// picture has been answered surely enough to be remembered; otherwise it is the next new photo.
// A picture whose repeat the cache declined (a reprint may print it; README "Cache") is not
// repeated again.
std::vector<Reply> send_mix(int port, int concurrency, const Mix& mix, double& wall_ms) {
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<int> answered;  // photos the cache should know by now; guarded by mu
  int next_new = 0;           // guarded by mu
  std::mt19937 rng(mix.seed);
  std::vector<Reply> replies(mix.requests);
  const Clock::time_point start = Clock::now();
  {
    std::vector<std::jthread> clients;
    for (int c = 0; c < concurrency; ++c) {
      clients.emplace_back([&] {
        httplib::Client client("127.0.0.1", port);
        client.set_keep_alive(true);
        client.set_read_timeout(kRequestTimeoutS, 0);
        client.set_write_timeout(kRequestTimeoutS, 0);
        for (int i = next++; i < mix.requests; i = next++) {
          const bool repeat_slot =
              static_cast<int>((i + 1) * mix.hit_share) > static_cast<int>(i * mix.hit_share);
          int photo = -1;
          bool repeat = false;
          {
            std::lock_guard lock(mu);
            if (repeat_slot && !answered.empty()) {
              photo =
                  answered[std::uniform_int_distribution<std::size_t>(0, answered.size() - 1)(rng)];
              repeat = true;
            } else {
              photo = next_new++ % static_cast<int>(mix.photos->size());
            }
          }
          const FolderPhoto& p = (*mix.photos)[photo];
          // The same pixels in other bytes: the upload's digest misses, its picture may hit.
          Result<std::string> renamed =
              image::with_jpeg_comment(p.bytes, fmt::format("bench cluster {}", i));
          const std::string& body = repeat && renamed.ok() ? *renamed : p.bytes;
          Reply& r = replies[i];
          r.repeat = repeat;
          const Clock::time_point sent = Clock::now();
          httplib::Result res = client.Post("/recognize", body, "image/jpeg");
          r.ms = ms_since(sent);
          if (!res) continue;
          r.status = res->status;
          r.served_by = res->get_header_value("X-Served-By");
          r.retried = r.served_by.find(',') != std::string::npos;
          if (r.retried) r.served_by = r.served_by.substr(r.served_by.rfind(',') + 2);
          const json answer = json::parse(res->body, nullptr, false);
          if (r.status != 200 || !answer.is_object()) continue;
          r.source = answer.value("source", "");
          r.has_card = answer.contains("card") && answer["card"].is_object();
          for (const json& step : answer.value("cascade", json::array())) {
            r.cascade += (r.cascade.empty() ? "" : "→") + step.value("source", "?");
          }
          std::lock_guard lock(mu);
          if (!repeat && r.has_card && answer.value("confidence", 0.0) >= kRememberedConfidence) {
            answered.push_back(photo);
          } else if (repeat && r.source != "cache") {
            std::erase(answered, photo);
          }
        }
      });
    }
  }
  wall_ms = ms_since(start);
  return replies;
}

struct RunFigures {
  int instances = 0;
  int requests = 0;
  int ok = 0;  // 200
  int failed = 0;
  int with_card = 0;
  int repeats_sent = 0;
  int cache_answers = 0;  // "source": "cache"
  int retried = 0;
  double wall_ms = 0;
  double cards_per_hour = 0;  // 200 answers per hour of wall time
  LatencySummary all, cache, recognized;
  std::map<std::string, int> by_source, by_instance, cascades;
};

RunFigures figures_of(int instances, const std::vector<Reply>& replies, double wall_ms) {
  RunFigures f;
  f.instances = instances;
  f.requests = static_cast<int>(replies.size());
  f.wall_ms = wall_ms;
  std::vector<double> all, cache, recognized;
  for (const Reply& r : replies) {
    f.repeats_sent += r.repeat;
    f.retried += r.retried;
    if (r.status != 200) {
      ++f.failed;
      ++f.by_source[r.status == 0 ? "no answer" : fmt::format("HTTP {}", r.status)];
      continue;
    }
    ++f.ok;
    f.with_card += r.has_card;
    ++f.by_source[r.source];
    ++f.by_instance[r.served_by];
    if (!r.cascade.empty()) ++f.cascades[r.cascade];
    all.push_back(r.ms);
    if (r.source == "cache") {
      ++f.cache_answers;
      cache.push_back(r.ms);
    } else {
      recognized.push_back(r.ms);
    }
  }
  f.all = summarize_latencies(all);
  f.cache = summarize_latencies(cache);
  f.recognized = summarize_latencies(recognized);
  f.cards_per_hour = wall_ms > 0 ? f.ok / (wall_ms / 3.6e6) : 0;
  return f;
}

json latency_json(const LatencySummary& s) {
  return {{"count", s.count},
          {"p50", s.p50_ms},
          {"p90", s.p90_ms},
          {"p99", s.p99_ms},
          {"mean", s.mean_ms}};
}

json figures_json(const RunFigures& f) {
  return {{"instances", f.instances},
          {"requests", f.requests},
          {"ok", f.ok},
          {"failed", f.failed},
          {"with_card", f.with_card},
          {"repeats_sent", f.repeats_sent},
          {"cache_answers", f.cache_answers},
          {"cache_share", f.ok > 0 ? static_cast<double>(f.cache_answers) / f.ok : 0.0},
          {"retried_by_nginx", f.retried},
          {"wall_s", f.wall_ms / 1000},
          {"cards_per_hour", f.cards_per_hour},
          {"latency_ms", latency_json(f.all)},
          {"cache_latency_ms", latency_json(f.cache)},
          {"recognized_latency_ms", latency_json(f.recognized)},
          {"by_source", f.by_source},
          {"by_instance", f.by_instance},
          {"cascades", f.cascades}};
}

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one_minute = -1;
  in >> one_minute;
  return in ? one_minute : -1;
}

// Removes the run's folder (photos, cluster logs) however the run ends.
struct WorkDir {
  fs::path path;
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Stops the cluster in `dir` however the run ends; declared after the WorkDir, so it runs first.
struct ClusterGuard {
  fs::path dir;
  ~ClusterGuard() {
    Result<std::vector<std::string>> stopped = cluster_down(dir, std::chrono::seconds(30));
    if (!stopped.ok()) logger("bench")->error("{}", stopped.status().message());
  }
};

int run_bench_cluster(const BenchClusterFlags& flags) {
  auto fail = [](const std::string& message) {
    logger("bench")->error("{}", message);
    return 1;
  };
  const double load_before = load_average();
  const WorkDir work_dir{fs::temp_directory_path() /
                         fmt::format("cardmint-bench-cluster-{}", getpid())};
  const fs::path& work = work_dir.path;
  fs::create_directories(work);

  std::vector<std::string> cardmintd_args;
  if (!flags.catalog_db.empty()) {
    cardmintd_args.insert(cardmintd_args.end(), {"--catalog-db", flags.catalog_db});
  }
  std::string model_label = "none (OCR + catalog)";
  if (!flags.model_path.empty() || flags.model_size != "none") {
    Result<BenchModels> models =
        resolve_bench_models(flags.model_path, flags.mmproj_path, flags.model_size);
    if (!models.ok()) return fail(models.status().to_string());
    cardmintd_args.insert(cardmintd_args.end(),
                          {"--model", models->model, "--mmproj", models->mmproj});
    model_label = flags.model_path.empty()
                      ? fmt::format("random-weight {} ({})", flags.model_size, models->model)
                      : models->model;
  }
  if (flags.threads > 0) {
    cardmintd_args.insert(cardmintd_args.end(), {"--threads", std::to_string(flags.threads)});
  }
  cardmintd_args.insert(cardmintd_args.end(), flags.cardmintd_flags.begin(),
                        flags.cardmintd_flags.end());

  // New photos: every non-repeat upload of a run, plus one warm-up per instance of the largest
  // cluster. Every cluster starts with empty caches, so each run may use the same photos.
  const int max_instances = *std::max_element(flags.instances.begin(), flags.instances.end());
  const int new_needed =
      flags.requests - static_cast<int>(flags.requests * flags.hit_share) + max_instances;
  std::vector<FolderPhoto> photos;
  if (flags.photos.empty()) {
    Result<std::vector<FolderPhoto>> made =
        generate_photos(work / "photos", new_needed, flags.seed);
    if (!made.ok()) return fail(made.status().to_string());
    photos = std::move(made).value();
  } else {
    photos = read_folder_photos(flags.photos);
  }
  if (static_cast<int>(photos.size()) < max_instances + 1) {
    return fail(fmt::format("{} photos; at least {} are needed", photos.size(), max_instances + 1));
  }
  // The first photos warm the instances up (first-touch costs, OCR's lazy set-up); the run never
  // repeats them.
  const std::vector<FolderPhoto> warm_up(photos.begin(), photos.begin() + max_instances);
  const std::vector<FolderPhoto> run_photos(photos.begin() + max_instances, photos.end());

  std::vector<RunFigures> runs;
  for (int n : flags.instances) {
    ClusterOptions options;
    options.instances = n;
    options.dir = work / fmt::format("cluster-{}", n);
    options.base_port = options.redis_port = options.nginx_port = 0;
    options.deploy_dir = default_deploy_dir();
    options.cardmintd_args = cardmintd_args;
    ClusterGuard guard{options.dir};
    Result<ClusterUpResult> up = cluster_up(options);
    // The cluster's logs go with the run's folder: the message carries the failing one's end.
    if (!up.ok()) return fail(up.status().message());
    const int port = up->state.nginx.port;
    double warm_ms = 0;
    const Mix warm{&warm_up, n, 0.0, flags.seed};
    for (const Reply& r : send_mix(port, n, warm, warm_ms)) {
      // Not counted either way; a slow machine shows in the run's own failures.
      if (r.status != 200) {
        logger("bench")->warn("a warm-up upload got {}", r.status);
      }
    }
    double wall_ms = 0;
    const Mix mix{&run_photos, flags.requests, flags.hit_share, flags.seed};
    const std::vector<Reply> replies = send_mix(port, flags.concurrency, mix, wall_ms);
    runs.push_back(figures_of(n, replies, wall_ms));
  }
  json report = {
      {"requests", flags.requests},
      {"concurrency", flags.concurrency},
      {"hit_share", flags.hit_share},
      {"model", model_label},
      {"photos", flags.photos.empty() ? "cardmint-photos" : flags.photos},
      {"seed", flags.seed},
      {"machine",
       {{"cores", std::thread::hardware_concurrency()}, {"load_average_1min_before", load_before}}},
      {"note", "every instance runs on this one machine: they share its cores"},
      {"runs", json::array()}};
  for (const RunFigures& f : runs) report["runs"].push_back(figures_json(f));
  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return 0;
  }
  std::string out = fmt::format(
      "cardmint bench cluster: {} uploads through nginx from {} clients, hit share {:.2f} "
      "(repeats: a picture already answered, in new bytes); model: {}; cardmintd flags: {}; {} "
      "cores, 1-min load average {:.2f} before\n"
      "  {:>9} {:>4} {:>6} {:>7} {:>13} {:>8} {:>8} {:>8} {:>10} {:>10} {:>11}  {}\n",
      flags.requests, flags.concurrency, flags.hit_share, model_label,
      fmt::join(cardmintd_args, " "), std::thread::hardware_concurrency(), load_before, "instances",
      "ok", "failed", "repeats", "cache answers", "p50 ms", "p90 ms", "p99 ms", "hit p50",
      "miss p50", "cards/hour", "per instance");
  for (const RunFigures& f : runs) {
    std::string shares;
    for (const auto& [instance, count] : f.by_instance) {
      shares += fmt::format("{}{} {}", shares.empty() ? "" : ", ", instance, count);
    }
    out += fmt::format(
        "  {:>9} {:>4} {:>6} {:>7} {:>6} ({:>3.0f}%) {:>8.1f} {:>8.1f} {:>8.1f} {:>10.1f} "
        "{:>10.1f} {:>11.0f}  {}\n",
        f.instances, f.ok, f.failed, f.repeats_sent, f.cache_answers,
        f.ok > 0 ? 100.0 * f.cache_answers / f.ok : 0.0, f.all.p50_ms, f.all.p90_ms, f.all.p99_ms,
        f.cache.p50_ms, f.recognized.p50_ms, f.cards_per_hour, shares);
  }
  for (const RunFigures& f : runs) {
    std::string sources, cascades;
    for (const auto& [source, count] : f.by_source) {
      sources += fmt::format("{}{} {}", sources.empty() ? "" : ", ", source, count);
    }
    for (const auto& [cascade, count] : f.cascades) {
      cascades += fmt::format("{}{} {}", cascades.empty() ? "" : ", ", cascade, count);
    }
    out += fmt::format(
        "  {} instance(s): answered by {}; cascades {}; {} with a card; {} retried "
        "by nginx\n",
        f.instances, sources, cascades.empty() ? "-" : cascades, f.with_card, f.retried);
  }
  out += fmt::format(
      "  all instances run on this machine's {} cores: more instances add no CPU, only "
      "isolation\n",
      std::thread::hardware_concurrency());
  std::cout << out;
  return 0;
}

}  // namespace

void register_bench_cluster_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchClusterFlags>();
  CLI::App* cmd = bench.add_subcommand(
      "cluster", "cards/hour through nginx into local clusters of each size, side by side");
  cmd->add_option("--instances", flags->instances, "cluster sizes, e.g. 1,3")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  cmd->add_option("--hit-share", flags->hit_share,
                  "share of uploads repeating a picture already answered")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--requests", flags->requests, "uploads per cluster size")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--concurrency", flags->concurrency, "concurrent clients")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--model-size", flags->model_size,
                  "none (OCR alone) or a random-weight test model at real dimensions")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "tiny", "256m", "500m"}));
  cmd->add_option("--model", flags->model_path, "a model GGUF instead (with --mmproj)");
  cmd->add_option("--mmproj", flags->mmproj_path, "its vision projector GGUF");
  cmd->add_option("--threads", flags->threads, "model threads per instance (0: cardmintd's)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--catalog-db", flags->catalog_db, "catalog for every instance")
      ->envname("CATALOG_DB");
  cmd->add_option("--photos", flags->photos,
                  "folder of .jpg photos to use instead of generating new ones");
  cmd->add_option("--seed", flags->seed, "photo generator and repeat choice seed")
      ->capture_default_str();
  cmd->add_option("cardmintd-flags", flags->cardmintd_flags,
                  "after `--`: flags for every cardmintd (e.g. --request-timeout-ms 300000)");
  cmd->add_flag("--json", flags->as_json, "print one JSON object");
  cmd->callback([flags] { throw CLI::RuntimeError(run_bench_cluster(*flags)); });
}

}  // namespace cardmint::cli
