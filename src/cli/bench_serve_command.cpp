#include "cli/bench_serve_command.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "catalog/catalog_import.h"
#include "cli/cardmintd_child.h"
#include "cli/latency_summary.h"
#include "cli/photo_folder.h"
#include "image/image_decoder.h"
#include "image/jpeg_comment.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = SteadyClock;

struct BenchServeFlags {
  std::string catalog_db;  // empty: catalog::default_catalog_db_path()
  std::string photos = "data/devset";
  int clients = 4;
  int requests = 200;  // per kind of hit
  // Each miss runs the full recognizer (~150-600 ms on 2 cores): enough to have a p50 and a
  // dozen or more remembered pictures to hit, without the misses dominating the run.
  int misses = 20;
  bool as_json = false;
};

// The goals, for a 1600×1200 JPEG over loopback HTTP with concurrent clients, 2 cores.
constexpr double kHashHitP50GoalMs = 25;
constexpr double kHashHitP99GoalMs = 50;
constexpr double kBytesHitP50GoalMs = 2;
// The photo size the goals are stated for, in either orientation.
constexpr int kGoalLongSide = 1600;
constexpr int kGoalShortSide = 1200;

// Room for every upload of a run: no eviction in the figures.
constexpr int kCacheSize = 100000;
// A cardmintd loads its catalog in seconds; minutes of margin for a busy machine.
constexpr std::chrono::seconds kReadyTimeout(300);
// The longest a single request may take: a miss on a loaded machine, with room to spare.
constexpr int kRequestTimeoutS = 120;

struct PhotoSet {
  std::vector<FolderPhoto> photos;  // the goal's size, by name
  int jpg_files = 0;                // every .jpg in the folder
};

// The folder's .jpg files that are 1600×1200 or 1200×1600 JPEGs (by their headers), sorted by
// name so that every run uploads the same photos in the same order.
Result<PhotoSet> load_photos(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::invalid_input(fmt::format("--photos {}: not a folder", dir.string()));
  }
  std::vector<FolderPhoto> all = read_folder_photos(dir);
  PhotoSet set;
  set.jpg_files = static_cast<int>(all.size());
  for (FolderPhoto& photo : all) {
    Result<image::ImageHeader> header = image::read_header(
        {reinterpret_cast<const std::uint8_t*>(photo.bytes.data()), photo.bytes.size()});
    if (!header.ok() || header->format != image::ImageFormat::kJpeg) continue;
    const int long_side = std::max(header->width, header->height);
    const int short_side = std::min(header->width, header->height);
    if (long_side == kGoalLongSide && short_side == kGoalShortSide) {
      set.photos.push_back(std::move(photo));
    }
  }
  return set;
}

struct Reply {
  double client_ms = 0;         // POST sent to answer read, upload included
  int status = 0;               // 0: no answer came
  std::string transport_error;  // why, when status is 0
  json body;                    // discarded when not JSON
};

struct StageRun {
  std::vector<Reply> replies;
  double wall_ms = 0;         // first request sent to last answer read
  double server_cpu_ms = -1;  // cardmintd's user + system CPU meanwhile; -1 when unreadable
  double client_cpu_ms = 0;   // this process's, the clients': they share the cores with cardmintd
};

// This process's user + system CPU time so far.
double own_cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& t) { return t.tv_sec * 1000.0 + t.tv_usec / 1000.0; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// The 1-minute load average, as /proc/loadavg gives it, or -1: on a shared machine, what else
// wanted the cores while the figures were taken.
double load_average() {
  std::ifstream in("/proc/loadavg");
  double one_minute = -1;
  in >> one_minute;
  return in ? one_minute : -1;
}

// A process's user + system CPU time so far, from /proc/PID/stat, or -1 when it cannot be read.
// On 2 cores, CPU per request says what a figure can become: clients share what is left.
double process_cpu_ms(int pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat, line)) return -1;
  // Fields after "pid (comm)": state is field 3, utime 14 and stime 15 (proc(5)).
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n >= 14) ticks += std::atof(field.c_str());
  }
  return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// `count` uploads to POST /recognize from `clients` threads, each on its own keep-alive
// connection, each sending its next upload as soon as the last is answered. Upload i's bytes come
// from body_for(i) before its clock starts: making them is the client's work, not the service's.
StageRun send_uploads(const CardmintdChild& server, int clients, int count,
                      const std::function<std::string(int)>& body_for) {
  std::atomic<int> next{0};
  std::vector<std::vector<Reply>> per_client(clients);
  const double cpu_before = process_cpu_ms(server.process.pid());
  const double own_before = own_cpu_ms();
  const Clock::time_point start = Clock::now();
  {
    std::vector<std::jthread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        httplib::Client client("127.0.0.1", server.port);
        client.set_keep_alive(true);
        client.set_read_timeout(kRequestTimeoutS, 0);
        client.set_write_timeout(kRequestTimeoutS, 0);
        for (int i = next++; i < count; i = next++) {
          const std::string body = body_for(i);
          Reply reply;
          const Clock::time_point sent = Clock::now();
          httplib::Result res = client.Post("/recognize", body, "image/jpeg");
          reply.client_ms = ms_since(sent);
          if (res) {
            reply.status = res->status;
            reply.body = json::parse(res->body, nullptr, false);
          } else {
            reply.transport_error = httplib::to_string(res.error());
          }
          per_client[c].push_back(std::move(reply));
        }
      });
    }
  }  // the jthreads join here
  StageRun run;
  run.wall_ms = ms_since(start);
  const double cpu_after = process_cpu_ms(server.process.pid());
  if (cpu_before >= 0 && cpu_after >= 0) run.server_cpu_ms = cpu_after - cpu_before;
  run.client_cpu_ms = own_cpu_ms() - own_before;
  for (std::vector<Reply>& replies : per_client) {
    std::move(replies.begin(), replies.end(), std::back_inserter(run.replies));
  }
  return run;
}

// What answered: the recognizer by its source ("ocr", or a model's label when cardmintd found
// MODEL_PATH), "cache/bytes", "cache/exact", "cache/fuzzy", or what went wrong.
std::string answer_of(const Reply& r) {
  if (r.status == 0) return "no answer: " + r.transport_error;
  if (r.status != 200) return fmt::format("HTTP {}", r.status);
  if (!r.body.is_object() || !r.body.contains("source") || !r.body["source"].is_string()) {
    return "a body without a source";
  }
  const std::string source = r.body["source"].get<std::string>();
  const json* cache = r.body.contains("cache") ? &r.body["cache"] : nullptr;
  if (cache == nullptr || !cache->is_object()) return source;
  return source + "/" + cache->value("hit", "?");
}

enum class Kind { kMiss, kBytesHit, kHashHit };

bool is_kind(const Reply& r, Kind kind) {
  const std::string answer = answer_of(r);
  switch (kind) {
    case Kind::kMiss:
      // A first upload is answered by a recognizer: any 200 without a "cache" object.
      return r.status == 200 && r.body.is_object() && !r.body.contains("cache") &&
             r.body.contains("source");
    case Kind::kBytesHit:
      return answer == "cache/bytes";
    case Kind::kHashHit:
      return answer == "cache/exact" || answer == "cache/fuzzy";
  }
  return false;
}

struct KindFigures {
  int clients = 0;
  int requests = 0;
  LatencySummary client;       // answers of this kind only
  json server_p50_ms;          // each timings_ms stage, p50 over those answers
  double overhead_p50_ms = 0;  // client minus server total: HTTP, the upload, a wait for a thread
  double throughput_rps = 0;   // every request of the stage over its wall time
  double server_cpu_ms_per_request = -1;  // cardmintd's CPU over the stage, per request
  double server_cores = -1;               // cardmintd's CPU over the stage's wall time
  double client_cores = 0;                // the same for the clients (this process)
  std::map<std::string, int> off_kind;    // answers of another kind, by what answered
  int max_distance = 0;                   // largest cache "distance" among the hits
};

KindFigures figures_of(const StageRun& run, Kind kind, int clients) {
  KindFigures f;
  f.clients = clients;
  f.requests = static_cast<int>(run.replies.size());
  std::vector<double> client_ms, overhead_ms;
  std::map<std::string, std::vector<double>> stages;
  for (const Reply& r : run.replies) {
    if (!is_kind(r, kind)) {
      ++f.off_kind[answer_of(r)];
      continue;
    }
    client_ms.push_back(r.client_ms);
    const json timings = r.body.value("timings_ms", json::object());
    for (const auto& [stage, ms] : timings.items()) {
      if (ms.is_number()) stages[stage].push_back(ms.get<double>());
    }
    if (timings.contains("total") && timings["total"].is_number()) {
      overhead_ms.push_back(r.client_ms - timings["total"].get<double>());
    }
    if (r.body.contains("cache") && r.body["cache"].is_object()) {
      f.max_distance = std::max(f.max_distance, r.body["cache"].value("distance", 0));
    }
  }
  f.client = summarize_latencies(client_ms);
  f.server_p50_ms = json::object();
  for (auto& [stage, ms] : stages) f.server_p50_ms[stage] = summarize_latencies(ms).p50_ms;
  f.overhead_p50_ms = summarize_latencies(overhead_ms).p50_ms;
  f.throughput_rps = run.wall_ms > 0 ? f.requests / (run.wall_ms / 1000.0) : 0;
  if (run.server_cpu_ms >= 0 && f.requests > 0) {
    f.server_cpu_ms_per_request = run.server_cpu_ms / f.requests;
  }
  if (run.server_cpu_ms >= 0 && run.wall_ms > 0) f.server_cores = run.server_cpu_ms / run.wall_ms;
  if (run.wall_ms > 0) f.client_cores = run.client_cpu_ms / run.wall_ms;
  return f;
}

double server_p50(const KindFigures& f, const std::string& stage) {
  return f.server_p50_ms.value(stage, 0.0);
}

json figures_json(const KindFigures& f) {
  return {{"clients", f.clients},
          {"requests", f.requests},
          {"client_ms",
           {{"count", f.client.count},
            {"p50", f.client.p50_ms},
            {"p90", f.client.p90_ms},
            {"p99", f.client.p99_ms},
            {"mean", f.client.mean_ms}}},
          {"server_p50_ms", f.server_p50_ms},
          {"client_minus_server_p50_ms", f.overhead_p50_ms},
          {"throughput_rps", f.throughput_rps},
          {"server_cpu_ms_per_request", f.server_cpu_ms_per_request},
          {"server_cores_busy", f.server_cores},
          {"client_cores_busy", f.client_cores},
          {"off_kind", f.off_kind},
          {"max_distance", f.max_distance}};
}

std::string off_kind_text(const std::map<std::string, int>& off_kind) {
  std::string out;
  for (const auto& [answer, n] : off_kind) {
    out += fmt::format("{}{} × {}", out.empty() ? "" : ", ", n, answer);
  }
  return out.empty() ? "-" : out;
}

int run_bench_serve(const BenchServeFlags& flags) {
  auto fail = [](const std::string& message) {
    logger("bench")->error("{}", message);
    return 1;
  };
  const double load_before = load_average();
  Result<PhotoSet> set = load_photos(flags.photos);
  if (!set.ok()) return fail(set.status().to_string());
  const std::vector<FolderPhoto>& photos = set->photos;
  if (photos.size() < 2) {
    return fail(fmt::format(
        "{} holds {} .jpg files of which {} are {}×{} JPEGs; at least 2 are needed (one to warm "
        "up, one to miss and then hit)",
        flags.photos, set->jpg_files, photos.size(), kGoalLongSide, kGoalShortSide));
  }
  // The last photo warms the service up; the misses are the first ones, never seen before.
  const int misses = std::min<int>(flags.misses, static_cast<int>(photos.size()) - 1);
  const FolderPhoto& warm_up = photos.back();

  const fs::path work =
      fs::temp_directory_path() / fmt::format("cardmint-bench-serve-{}", getpid());
  fs::create_directories(work);
  const std::string catalog_db =
      flags.catalog_db.empty() ? catalog::default_catalog_db_path().string() : flags.catalog_db;
  // A thread per client and one spare: a keep-alive connection holds its thread, and a client
  // left waiting for one would time the pool rather than the service.
  const int http_threads = std::max(8, flags.clients + 1);
  Result<CardmintdChild> server =
      start_cardmintd({"--catalog-db", catalog_db, "--cache-file", "memory", "--cache-size",
                       std::to_string(kCacheSize), "--http-threads", std::to_string(http_threads)},
                      work / "cardmintd.log", kReadyTimeout);
  if (!server.ok()) return fail(server.status().to_string());
  // Once cardmintd is up, a failure is best understood beside its log, which is kept.
  const std::string log_note =
      fmt::format(" (cardmintd's log: {})", (work / "cardmintd.log").string());

  // 1. Warm-up: first-touch page faults and lazily built tables, not the steady state.
  const StageRun warm = send_uploads(*server, 1, 1, [&](int) { return warm_up.bytes; });
  if (warm.replies[0].status != 200) {
    return fail(fmt::format("the warm-up upload ({}) was answered with {}{}", warm_up.name,
                            answer_of(warm.replies[0]), log_note));
  }

  // 2. Misses, one client: what the full recognizer costs a first upload, unshared. With one
  // client the replies come back in the order sent, so reply i is photo i's.
  const StageRun miss = send_uploads(*server, 1, misses, [&](int i) { return photos[i].bytes; });
  // Which were remembered: a recognizer's answer, then the same bytes answered by the cache.
  std::vector<int> first_answered;
  for (int i = 0; i < misses; ++i) {
    if (is_kind(miss.replies[i], Kind::kMiss)) first_answered.push_back(i);
  }
  const StageRun check = send_uploads(*server, 1, static_cast<int>(first_answered.size()),
                                      [&](int k) { return photos[first_answered[k]].bytes; });
  std::vector<const FolderPhoto*> remembered;
  json not_remembered = json::array();
  for (std::size_t k = 0; k < first_answered.size(); ++k) {
    const FolderPhoto& photo = photos[first_answered[k]];
    if (is_kind(check.replies[k], Kind::kBytesHit)) {
      remembered.push_back(&photo);
    } else {
      not_remembered.push_back(photo.name);
    }
  }
  if (remembered.empty()) {
    return fail(fmt::format(
        "no photo was remembered: of {} first uploads from {}, {} were answered by the recognizer "
        "and none of those again from the cache by its bytes (only sure answers are remembered); "
        "try more --misses or other --photos{}",
        misses, flags.photos, first_answered.size(), log_note));
  }
  const int n_remembered = static_cast<int>(remembered.size());

  // Which remembered pictures the hash answers, one new-bytes upload each. The recognizer declines
  // a hit by picture when a reprint shares the card's picture or this photo's foil readings favour
  // another printing (recognizer.cpp, confirm()); such a picture goes to the full recognizer every
  // time, and timing it among the hash hits would time the recognizer. It is shown, not hidden.
  const StageRun probe = send_uploads(*server, 1, n_remembered, [&](int k) {
    // load_photos kept JPEGs only, so the comment always goes in.
    return image::with_jpeg_comment(remembered[k]->bytes,
                                    fmt::format("cardmint bench serve probe {}", k))
        .value();
  });
  std::vector<const FolderPhoto*> by_picture;
  json declined = json::object();  // photo → what answered it instead
  std::map<std::string, int> declined_answers;
  for (int k = 0; k < n_remembered; ++k) {
    if (is_kind(probe.replies[k], Kind::kHashHit)) {
      by_picture.push_back(remembered[k]);
    } else {
      declined[remembered[k]->name] = answer_of(probe.replies[k]);
      ++declined_answers[answer_of(probe.replies[k])];
    }
  }
  if (by_picture.empty()) {
    return fail(fmt::format(
        "none of the {} remembered photos was answered by its picture once its bytes changed; "
        "they were answered: {}; try more --misses or other --photos{}",
        n_remembered, off_kind_text(declined_answers), log_note));
  }
  const int n_by_picture = static_cast<int>(by_picture.size());

  // 3. The same bytes again, from every client at once.
  const StageRun bytes = send_uploads(*server, flags.clients, flags.requests,
                                      [&](int i) { return remembered[i % n_remembered]->bytes; });
  // 4. The same pictures in bytes no upload had before: the digest misses, the hash must answer.
  const StageRun hash = send_uploads(*server, flags.clients, flags.requests, [&](int i) {
    return image::with_jpeg_comment(by_picture[i % n_by_picture]->bytes,
                                    fmt::format("cardmint bench serve upload {}", i))
        .value();
  });

  httplib::Client stats_client("127.0.0.1", server->port);
  httplib::Result stats = stats_client.Get("/stats");
  const json server_stats =
      stats && stats->status == 200 ? json::parse(stats->body, nullptr, false) : json();

  const KindFigures miss_f = figures_of(miss, Kind::kMiss, 1);
  const KindFigures bytes_f = figures_of(bytes, Kind::kBytesHit, flags.clients);
  const KindFigures hash_f = figures_of(hash, Kind::kHashHit, flags.clients);
  if (bytes_f.client.count == 0 || hash_f.client.count == 0) {
    return fail(fmt::format(
        "no {} was answered as one: bytes re-uploads answered {}; new-bytes uploads answered {}{}",
        bytes_f.client.count == 0 ? "same-bytes re-upload" : "new-bytes upload",
        off_kind_text(bytes_f.off_kind), off_kind_text(hash_f.off_kind), log_note));
  }
  const KindFigures* kinds[] = {&miss_f, &bytes_f, &hash_f};
  const char* names[] = {"miss", "bytes_hit", "hash_hit"};
  const char* labels[] = {"miss", "bytes hit", "hash hit"};

  json report = {
      {"photos",
       {{"folder", flags.photos},
        {"jpg_files", set->jpg_files},
        {"goal_size_jpegs", photos.size()},
        {"warm_up", warm_up.name},
        {"misses", misses},
        {"answered_by_recognizer", first_answered.size()},
        {"remembered", n_remembered},
        {"not_remembered", not_remembered},
        {"answered_by_picture", n_by_picture},
        {"declined_by_picture", declined}}},
      {"machine",
       {{"cores", std::thread::hardware_concurrency()}, {"load_average_1min_before", load_before}}},
      {"cardmintd",
       {{"catalog_db", catalog_db},
        {"cache_file", "memory"},
        {"cache_size", kCacheSize},
        {"http_threads", http_threads}}},
      {"ratios_p50",
       {{"miss_over_hash_hit", miss_f.client.p50_ms / hash_f.client.p50_ms},
        {"hash_hit_over_bytes_hit", hash_f.client.p50_ms / bytes_f.client.p50_ms}}},
      {"goals",
       {{"hash_hit_p50_ms",
         {{"goal", kHashHitP50GoalMs},
          {"measured", hash_f.client.p50_ms},
          {"met", hash_f.client.p50_ms <= kHashHitP50GoalMs}}},
        {"hash_hit_p99_ms",
         {{"goal", kHashHitP99GoalMs},
          {"measured", hash_f.client.p99_ms},
          {"met", hash_f.client.p99_ms <= kHashHitP99GoalMs}}},
        {"bytes_hit_p50_ms",
         {{"goal", kBytesHitP50GoalMs},
          {"measured", bytes_f.client.p50_ms},
          {"met", bytes_f.client.p50_ms <= kBytesHitP50GoalMs}}}}},
      {"server_cache", server_stats.is_object() ? server_stats.value("cache", json()) : json()},
  };
  for (int k = 0; k < 3; ++k) report[names[k]] = figures_json(*kinds[k]);
  fs::remove_all(work);

  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return 0;
  }
  std::string out = fmt::format(
      "cardmint bench serve: {}×{} JPEGs from {} ({} of {} .jpg), one cardmintd on 127.0.0.1 "
      "({} HTTP threads, memory cache), {} cores, 1-min load average {:.2f} before the run\n"
      "  {} first uploads: {} answered by the recognizer, {} of those remembered (bytes hits cycle "
      "over them), {} of those answered by picture in new bytes (hash hits cycle over them; "
      "declined: {})\n"
      "  {:<10} {:>7} {:>5} {:>8} {:>8} {:>8} {:>8} {:>11} {:>7}  {}\n",
      kGoalLongSide, kGoalShortSide, flags.photos, photos.size(), set->jpg_files, http_threads,
      std::thread::hardware_concurrency(), load_before, misses, first_answered.size(), n_remembered,
      n_by_picture, off_kind_text(declined_answers), "kind", "clients", "n", "p50 ms", "p90 ms",
      "p99 ms", "mean ms", "server p50", "req/s", "other answers");
  for (int k = 0; k < 3; ++k) {
    const KindFigures& f = *kinds[k];
    out += fmt::format(
        "  {:<10} {:>7} {:>5} {:>8.2f} {:>8.2f} {:>8.2f} {:>8.2f} {:>11.2f} {:>7.1f}  {}\n",
        labels[k], f.clients, f.client.count, f.client.p50_ms, f.client.p90_ms, f.client.p99_ms,
        f.client.mean_ms, server_p50(f, "total"), f.throughput_rps, off_kind_text(f.off_kind));
  }
  out += fmt::format("  p50 ratios: miss / hash hit {:.1f}×, hash hit / bytes hit {:.1f}×\n",
                     report["ratios_p50"]["miss_over_hash_hit"].get<double>(),
                     report["ratios_p50"]["hash_hit_over_bytes_hit"].get<double>());
  for (int k = 0; k < 3; ++k) {
    const KindFigures& f = *kinds[k];
    std::string stages;
    for (const auto& [stage, ms] : f.server_p50_ms.items()) {
      // Stages a kind never reaches (0: the model's, without one) would only be noise.
      if (ms.get<double>() > 0) stages += fmt::format(" {} {:.2f}", stage, ms.get<double>());
    }
    out += fmt::format(
        "  {:<10} server p50 ms:{}; client − server {:.2f}\n"
        "  {:<10} cardmintd CPU {:.1f} ms per request, {:.2f} cores busy; clients {:.2f} cores\n",
        labels[k], stages, f.overhead_p50_ms, "", f.server_cpu_ms_per_request, f.server_cores,
        f.client_cores);
  }
  auto verdict = [](bool met) { return met ? "met" : "MISSED"; };
  out += fmt::format(
      "  goals: hash hit p50 {:.1f} ≤ {:.0f} ms {}; hash hit p99 {:.1f} ≤ {:.0f} ms {}; "
      "bytes hit p50 {:.2f} ≤ {:.0f} ms {}\n",
      hash_f.client.p50_ms, kHashHitP50GoalMs, verdict(hash_f.client.p50_ms <= kHashHitP50GoalMs),
      hash_f.client.p99_ms, kHashHitP99GoalMs, verdict(hash_f.client.p99_ms <= kHashHitP99GoalMs),
      bytes_f.client.p50_ms, kBytesHitP50GoalMs,
      verdict(bytes_f.client.p50_ms <= kBytesHitP50GoalMs));
  std::cout << out;
  return 0;
}

}  // namespace

void register_bench_serve_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchServeFlags>();
  CLI::App* serve = bench.add_subcommand(
      "serve", "POST /recognize over loopback HTTP: miss vs hash hit vs same-bytes hit");
  serve->add_option("--catalog-db", flags->catalog_db, "catalog built by `cardmint catalog import`")
      ->envname("CATALOG_DB");
  serve->add_option("--photos", flags->photos,
                    "folder of photos; its 1600×1200 and 1200×1600 .jpg files are uploaded");
  serve->add_option("--clients", flags->clients, "concurrent clients for the hits")
      ->check(CLI::Range(1, 64));
  serve->add_option("--requests", flags->requests, "uploads per kind of hit")
      ->check(CLI::Range(1, 1000000));
  serve->add_option("--misses", flags->misses, "first uploads, each to the full recognizer")
      ->check(CLI::Range(1, 100000));
  serve->add_flag("--json", flags->as_json, "print one JSON object");
  serve->callback([flags] { throw CLI::RuntimeError(run_bench_serve(*flags)); });
}

}  // namespace cardmint::cli
