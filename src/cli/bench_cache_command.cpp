#include "cli/bench_cache_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "cache/card_cache.h"
#include "cache/hamming_index.h"
#include "cli/latency_summary.h"

namespace cardmint::cli {
namespace {

using cache::HammingIndex;
using cache::HammingNeighbor;
using cache::HashEntry;
using hash::CardHash;
using nlohmann::json;
using Clock = SteadyClock;

struct BenchCacheFlags {
  std::vector<std::size_t> sizes = {10'000, 1'000'000, 10'000'000};
  // The two queries a lookup makes: within the hit radius, then (after a hit) that plus the
  // margin in which a rival printing makes the hit ambiguous.
  std::vector<int> radii = {
      cache::CardCacheOptions{}.fuzzy_radius,
      cache::CardCacheOptions{}.fuzzy_radius + cache::CardCacheOptions{}.ambiguity_margin};
  std::size_t persisted = 1'000'000;  // entries written to a cache file and loaded back
  int queries = 200;
  unsigned seed = 7;
  bool as_json = false;
};

// Near-duplicates planted around each query, and the untimed queries that warm the caches first.
constexpr int kPlantedPerQuery = 4;
constexpr int kWarmupQueries = 10;
// Replacements timed per size: the LRU's steady state, one eviction and one insert per miss.
constexpr std::size_t kReplacements = 20'000;

CardHash random_code(std::mt19937_64& rng) { return {{rng(), rng()}}; }

json summary_json(const std::vector<double>& ms) {
  const LatencySummary s = summarize_latencies(ms);
  return {{"count", s.count},
          {"p50_ms", s.p50_ms},
          {"p90_ms", s.p90_ms},
          {"p99_ms", s.p99_ms},
          {"mean_ms", s.mean_ms}};
}

// One size: random codes, with near-duplicates of every query planted at distances up to the
// largest radius; the index built from them; each radius timed on the index and on the scan.
// Returns false when an answer differs (the report says where). REQUIRES: size >= 1.
bool bench_size(std::size_t size, const BenchCacheFlags& flags, json& out) {
  std::mt19937_64 rng(flags.seed);
  std::vector<HashEntry> entries(size);
  for (std::size_t i = 0; i < size; ++i)
    entries[i] = {static_cast<std::uint32_t>(i), random_code(rng)};

  std::vector<CardHash> queries(flags.queries);
  for (CardHash& q : queries) q = random_code(rng);
  const int max_radius = *std::max_element(flags.radii.begin(), flags.radii.end());
  // Spread over the ids, so that planted codes are not all neighbours in memory.
  const std::size_t planted = std::min(size / 2, queries.size() * kPlantedPerQuery);
  const std::size_t spacing = planted == 0 ? 1 : size / planted;
  for (std::size_t p = 0; p < planted; ++p) {
    const int distance = std::uniform_int_distribution<int>(0, std::clamp(max_radius, 0, 128))(rng);
    entries[p * spacing].code =
        cache::code_at_distance(queries[p / kPlantedPerQuery], distance, rng);
  }

  const auto build_start = Clock::now();
  HammingIndex index(size);
  for (const HashEntry& e : entries) index.insert(e.id, e.code);
  const double build_ms = ms_since(build_start);

  out = {{"entries", size},
         {"substring_bits", index.substring_bits()},
         {"build_ms", build_ms},
         {"insert_ns_mean", build_ms * 1e6 / static_cast<double>(size)},
         {"index_bytes", index.memory_bytes()},
         {"index_bytes_per_entry",
          static_cast<double>(index.memory_bytes()) / static_cast<double>(size)},
         {"scan_bytes_per_entry", sizeof(HashEntry)},
         {"planted", planted}};

  bool all_identical = true;
  for (int radius : flags.radii) {
    std::vector<double> index_ms, scan_ms;
    std::size_t results = 0, mismatches = 0;
    int first_mismatch = -1;
    for (int pass = 0; pass < 2; ++pass) {
      const bool counted = pass == 1;
      const std::size_t count =
          counted ? queries.size() : std::min<std::size_t>(queries.size(), kWarmupQueries);
      for (std::size_t q = 0; q < count; ++q) {
        // Interleaved, so that whatever else the machine does lands on both.
        const auto index_start = Clock::now();
        const std::vector<HammingNeighbor> from_index = index.within(queries[q], radius);
        const double index_elapsed = ms_since(index_start);
        const auto scan_start = Clock::now();
        const std::vector<HammingNeighbor> from_scan =
            cache::linear_scan_within(entries, queries[q], radius);
        const double scan_elapsed = ms_since(scan_start);
        // The warm-up queries come again in the counted pass.
        if (!counted) continue;
        if (from_index != from_scan) {
          ++mismatches;
          if (first_mismatch < 0) first_mismatch = static_cast<int>(q);
        }
        index_ms.push_back(index_elapsed);
        scan_ms.push_back(scan_elapsed);
        results += from_scan.size();
      }
    }
    json row = {{"radius", radius},
                {"mean_results", static_cast<double>(results) / queries.size()},
                {"index", summary_json(index_ms)},
                {"scan", summary_json(scan_ms)},
                {"identical", mismatches == 0},
                {"mismatched_queries", mismatches}};
    auto ratio = [&](const char* key) {
      const double index_value = row["index"][key].get<double>();
      return index_value > 0 ? row["scan"][key].get<double>() / index_value : 0.0;
    };
    row["speedup_p50"] = ratio("p50_ms");
    row["speedup_p99"] = ratio("p99_ms");
    row["speedup_mean"] = ratio("mean_ms");
    if (mismatches > 0) {
      all_identical = false;
      logger("bench")->error(
          "{} entries, radius {}: index and scan differ on {} queries (first: query {}, {})", size,
          radius, mismatches, first_mismatch, hash::to_hex(queries[first_mismatch]));
    }
    out["by_radius"].push_back(std::move(row));
  }

  // The LRU's steady state: a slot's code replaced by a new card's.
  const std::size_t replacements = std::min(size, kReplacements);
  std::vector<std::pair<std::uint32_t, CardHash>> updates(replacements);
  for (auto& [id, code] : updates) {
    id = static_cast<std::uint32_t>(std::uniform_int_distribution<std::size_t>(0, size - 1)(rng));
    code = random_code(rng);
  }
  const auto replace_start = Clock::now();
  for (const auto& [id, code] : updates) index.insert(id, code);
  out["replace_ns_mean"] = ms_since(replace_start) * 1e6 / static_cast<double>(replacements);
  return all_identical;
}

// The whole cache, not just its index: `count` recognitions remembered into a fresh SQLite file,
// then the file opened again as cardmintd opens it at start-up, then hash lookups through the
// cache (lock, index, LRU, file touch on a hit). Errors: the cache file's.
Status bench_persisted(std::size_t count, const BenchCacheFlags& flags, json& out) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("cardmint-bench-cache-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  cache::CardCacheOptions options;
  options.capacity = count;
  options.file = dir / "cache.sqlite";
  auto exists = [](std::string_view) { return true; };
  std::mt19937_64 rng(flags.seed);
  std::vector<CardHash> remembered(count);
  for (CardHash& h : remembered) h = random_code(rng);
  {
    Result<std::unique_ptr<cache::CardCache>> writer =
        cache::CardCache::open(options, "bench", exists);
    if (!writer.ok()) return writer.status();
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
      (*writer)->remember(hash::UploadDigest{{rng(), rng()}}, remembered[i],
                          {fmt::format("bench-{}", i % 23'546), "normal", 0.99, 1.0, "ocr"});
    }
    out["write_s"] = ms_since(start) / 1000.0;
  }
  const auto open_start = Clock::now();
  Result<std::unique_ptr<cache::CardCache>> reader =
      cache::CardCache::open(options, "bench", exists);
  if (!reader.ok()) return reader.status();
  out["entries"] = (*reader)->stats().entries;
  out["open_ms"] = ms_since(open_start);
  out["file_bytes"] = fs::file_size(options.file);

  std::vector<double> hit_ms, miss_ms;
  for (int q = 0; q < flags.queries; ++q) {
    const CardHash near = cache::code_at_distance(remembered[rng() % count], 5, rng);
    const CardHash elsewhere = random_code(rng);
    auto start = Clock::now();
    const bool hit = (*reader)->find_card(near, random_code(rng)).has_value();
    hit_ms.push_back(ms_since(start));
    start = Clock::now();
    const bool miss = !(*reader)->find_card(elsewhere, random_code(rng)).has_value();
    miss_ms.push_back(ms_since(start));
    if (!hit || !miss) return Status::internal("the cache answered a bench query wrongly");
  }
  out["lookup_hit"] = summary_json(hit_ms);
  out["lookup_miss"] = summary_json(miss_ms);
  reader->reset();
  fs::remove_all(dir);
  return Status::ok_status();
}

void print_table(const json& report) {
  std::cout << fmt::format(
      "{} queries per radius (seed {}), {} near-duplicates planted per query; one thread\n",
      report["queries"].get<int>(), report["seed"].get<unsigned>(), kPlantedPerQuery);
  for (const json& s : report["sizes"]) {
    std::string bits;
    for (const json& b : s["substring_bits"]) bits += (bits.empty() ? "" : ",") + b.dump();
    std::cout << fmt::format(
        "\n{} entries: substrings of {} bits; build {:.0f} ms ({:.0f} ns/insert), replace "
        "{:.0f} ns; {:.1f} bytes/entry (scan: {})\n",
        s["entries"].get<std::size_t>(), bits, s["build_ms"].get<double>(),
        s["insert_ns_mean"].get<double>(), s["replace_ns_mean"].get<double>(),
        s["index_bytes_per_entry"].get<double>(), s["scan_bytes_per_entry"].get<std::size_t>());
    std::cout << fmt::format(
        "{:>6} {:>8} | {:>10} {:>10} {:>10} | {:>10} {:>10} {:>10} | {:>7} {:>7} {:>7} | {}\n",
        "radius", "results", "index p50", "p99 µs", "mean µs", "scan p50", "p99 µs", "mean µs",
        "×p50", "×p99", "×mean", "same");
    for (const json& r : s["by_radius"]) {
      auto us = [&](const char* who, const char* key) { return r[who][key].get<double>() * 1000; };
      std::cout << fmt::format(
          "{:>6} {:>8.1f} | {:>10.1f} {:>10.1f} {:>10.1f} | {:>10.1f} {:>10.1f} {:>10.1f} | "
          "{:>7.1f} {:>7.1f} {:>7.1f} | {}\n",
          r["radius"].get<int>(), r["mean_results"].get<double>(), us("index", "p50_ms"),
          us("index", "p99_ms"), us("index", "mean_ms"), us("scan", "p50_ms"), us("scan", "p99_ms"),
          us("scan", "mean_ms"), r["speedup_p50"].get<double>(), r["speedup_p99"].get<double>(),
          r["speedup_mean"].get<double>(), r["identical"].get<bool>() ? "yes" : "NO");
    }
  }
}

int run_bench_cache(const BenchCacheFlags& flags) {
  json report = {{"queries", flags.queries}, {"seed", flags.seed}, {"radii", flags.radii}};
  report["sizes"] = json::array();
  bool identical = true;
  for (std::size_t size : flags.sizes) {
    json row;
    identical = bench_size(size, flags, row) && identical;
    report["sizes"].push_back(std::move(row));
  }
  report["identical"] = identical;
  if (flags.persisted > 0) {
    json persisted;
    if (Status s = bench_persisted(flags.persisted, flags, persisted); !s.ok()) {
      logger("bench")->error("{}", s.to_string());
      return 1;
    }
    report["persisted"] = std::move(persisted);
  }
  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
  } else {
    print_table(report);
    if (report.contains("persisted")) {
      const json& p = report["persisted"];
      std::cout << fmt::format(
          "\ncache file: {} entries written in {:.1f} s ({:.0f} MB); opened (start-up) in {:.0f} "
          "ms; lookups through the cache: hit p50 {:.1f} µs p99 {:.1f}, miss p50 {:.1f} µs p99 "
          "{:.1f}\n",
          p["entries"].get<std::size_t>(), p["write_s"].get<double>(),
          p["file_bytes"].get<double>() / 1e6, p["open_ms"].get<double>(),
          p["lookup_hit"]["p50_ms"].get<double>() * 1000,
          p["lookup_hit"]["p99_ms"].get<double>() * 1000,
          p["lookup_miss"]["p50_ms"].get<double>() * 1000,
          p["lookup_miss"]["p99_ms"].get<double>() * 1000);
    }
  }
  if (!identical) {
    logger("bench")->error("the index and the linear scan disagree: see the errors above");
    return 1;
  }
  return 0;
}

}  // namespace

void register_bench_cache_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchCacheFlags>();
  CLI::App* cmd = bench.add_subcommand("cache", "card-cache Hamming index against a linear scan");
  cmd->add_option("--sizes", flags->sizes, "entry counts, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, std::size_t{0xFFFFFFFE}));
  cmd->add_option("--radius", flags->radii, "query radii in bits, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(0, 128));
  cmd->add_option("--queries", flags->queries, "timed queries per size and radius")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", flags->seed, "random seed for the codes and the queries");
  cmd->add_option("--persisted", flags->persisted,
                  "entries written to a cache file and loaded back, as at start-up (0: skip)");
  cmd->add_flag("--json", flags->as_json, "print one JSON object");
  cmd->callback([flags] { throw CLI::RuntimeError(run_bench_cache(*flags)); });
}

}  // namespace cardmint::cli
