#include "cli/bench_catalog_command.h"

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "catalog/card_name.h"
#include "catalog/catalog.h"
#include "catalog/catalog_import.h"
#include "cli/latency_summary.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = SteadyClock;

struct BenchCatalogFlags {
  std::string db;  // empty: import a fresh catalog into a temporary file
  std::string from;
  int queries = 3000;
  unsigned seed = 7;
  int show_misses = 0;
  bool as_json = false;
};

// One card as a photo would present it: the printed name and number line, then OCR-noised.
struct Query {
  std::string card_id;
  std::string name_norm;  // of the true name
  std::string number;     // as printed, e.g. "058"
  std::optional<int> total;
  std::string noisy_name;
  std::string noisy_line;
};

// CPU time of this thread: on a shared machine wall-clock percentiles include time slices given to
// other processes; CPU time shows what the lookup itself costs.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Times one call in wall-clock and CPU milliseconds.
template <typename F>
auto timed(F&& f, double& wall_ms, double& cpu_ms) {
  const double cpu_start = thread_cpu_ms();
  const auto start = Clock::now();
  auto result = f();
  wall_ms = ms_since(start);
  cpu_ms = thread_cpu_ms() - cpu_start;
  return result;
}

// 0–2 edits of the kinds OCR makes on card fonts: look-alike letters, glyph merges and splits,
// a dropped letter.
std::string noisy_name(std::string name, std::mt19937& rng) {
  static constexpr std::pair<const char*, const char*> kSwaps[] = {
      {"u", "v"},  {"e", "c"},  {"l", "1"},  {"o", "0"}, {"i", "l"},
      {"m", "rn"}, {"d", "cl"}, {"w", "vv"}, {"'", "’"}, {"é", "e"}};
  const int edits = std::uniform_int_distribution<int>(0, 2)(rng);
  for (int e = 0; e < edits && name.size() > 3; ++e) {
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
      name.erase(std::uniform_int_distribution<size_t>(1, name.size() - 1)(rng), 1);
      continue;
    }
    const auto& [from, to] =
        kSwaps[std::uniform_int_distribution<size_t>(0, std::size(kSwaps) - 1)(rng)];
    if (size_t at = name.find(from); at != std::string::npos)
      name.replace(at, std::strlen(from), to);
  }
  return name;
}

// The number line as printed, then the noise OCR adds around it.
std::string noisy_line(const Query& q, std::mt19937& rng) {
  std::string line = q.number;
  if (q.total) line += fmt::format("/{}", *q.total);
  // clang-format off
  switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
    case 0: break;
    case 1:
      if (size_t slash = line.find('/'); slash != std::string::npos) line.replace(slash, 1, " / ");
      break;
    case 2:
      if (size_t zero = line.rfind('0'); zero != std::string::npos && zero > 0) line[zero] = 'O';
      break;
    case 3: line += " ★"; break;
    case 4: line = "Illus. Ken Sugimori  " + line; break;
  }
  // clang-format on
  return line;
}

Result<std::vector<Query>> build_queries(const catalog::Catalog& cat,
                                         const BenchCatalogFlags& flags) {
  Result<std::vector<catalog::CardSet>> sets = cat.list_sets();
  if (!sets.ok()) return sets.status();
  std::vector<Query> all;
  for (const catalog::CardSet& set : *sets) {
    if (set.digital_only) continue;
    Result<std::vector<catalog::Card>> cards = cat.cards_in_set(set.id);
    if (!cards.ok()) return cards.status();
    for (const catalog::Card& c : *cards) {
      Query q;
      q.card_id = c.id;
      q.name_norm = catalog::normalize_card_name(c.name);
      q.number = c.local_id;
      if (set.prints_total) {
        q.total = set.official_count;
      }
      q.noisy_name = c.name;
      all.push_back(std::move(q));
    }
  }
  std::mt19937 rng(flags.seed);
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(std::min(all.size(), static_cast<size_t>(flags.queries)));
  for (Query& q : all) {
    q.noisy_name = noisy_name(q.noisy_name, rng);
    q.noisy_line = noisy_line(q, rng);
  }
  return all;
}

json summary_json(const std::vector<double>& wall_ms, const std::vector<double>& cpu_ms) {
  const LatencySummary s = summarize_latencies(wall_ms);
  const LatencySummary c = summarize_latencies(cpu_ms);
  return {{"count", s.count},       {"p50_ms", s.p50_ms},      {"p90_ms", s.p90_ms},
          {"p99_ms", s.p99_ms},     {"mean_ms", s.mean_ms},    {"cpu_p50_ms", c.p50_ms},
          {"cpu_p99_ms", c.p99_ms}, {"cpu_mean_ms", c.mean_ms}};
}

int run_bench_catalog(const BenchCatalogFlags& flags) {
  auto fail = [](const Status& s) {
    logger("bench")->error("{}", s.to_string());
    return 1;
  };
  json report;
  fs::path db = flags.db;
  fs::path work;
  if (db.empty()) {
    work = fs::temp_directory_path() / fmt::format("cardmint-bench-catalog-{}", ::getpid());
    db = work / "catalog.sqlite";
    catalog::ImportOptions options;
    options.from = flags.from.empty() ? catalog::default_catalog_source_dir()
                                      : std::filesystem::path(flags.from);
    options.db_path = db;
    Result<catalog::BuildStats> stats = catalog::import_catalog(options);
    if (!stats.ok()) return fail(stats.status());
    report["import_ms"] = stats->elapsed_ms;
    report["cards"] = stats->cards;
  }
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{work};

  const auto open_start = Clock::now();
  Result<std::unique_ptr<catalog::Catalog>> opened = catalog::Catalog::open({db, 1});
  if (!opened.ok()) return fail(opened.status());
  report["open_ms"] = ms_since(open_start);
  const catalog::Catalog& cat = **opened;
  Result<std::vector<Query>> queries = build_queries(cat, flags);
  if (!queries.ok()) return fail(queries.status());

  struct Samples {
    std::vector<double> wall_ms, cpu_ms;
  } number_t, name_t, match_t;
  int number_found = 0, name_top1 = 0, match_top1 = 0, match_top1_or_tied = 0, misses_shown = 0;
  double confidence_sum = 0;
  // The first pass warms caches and is not counted.
  for (int pass = 0; pass < 2; ++pass) {
    const bool counted = pass == 1;
    for (const Query& q : *queries) {
      double wall[3], cpu[3];
      Result<std::vector<catalog::Card>> by_number =
          timed([&] { return cat.find_by_number(q.number, q.total); }, wall[0], cpu[0]);
      std::vector<catalog::NameMatch> names =
          timed([&] { return cat.search_names(q.noisy_name, 5); }, wall[1], cpu[1]);
      Result<catalog::MatchResult> m =
          timed([&] { return cat.match(q.noisy_name, q.noisy_line); }, wall[2], cpu[2]);
      if (!by_number.ok() || !m.ok())
        return fail(!by_number.ok() ? by_number.status() : m.status());
      if (!counted) continue;
      Samples* samples[] = {&number_t, &name_t, &match_t};
      for (int k = 0; k < 3; ++k) {
        samples[k]->wall_ms.push_back(wall[k]);
        samples[k]->cpu_ms.push_back(cpu[k]);
      }
      for (const catalog::Card& c : *by_number) number_found += c.id == q.card_id;
      name_top1 += !names.empty() && names[0].name_norm == q.name_norm;
      if (!m->candidates.empty()) {
        const double best = m->candidates[0].score;
        match_top1 += m->candidates[0].card.id == q.card_id;
        bool tied = false;
        for (const catalog::MatchCandidate& c : m->candidates) {
          tied = tied || (c.card.id == q.card_id && c.score == best);
        }
        match_top1_or_tied += tied;
        if (!tied && misses_shown < flags.show_misses) {
          ++misses_shown;
          std::cerr << fmt::format("miss: {} \"{}\" \"{}\" → {} {} ({:.3f})\n", q.card_id,
                                   q.noisy_name, q.noisy_line, m->candidates[0].card.id,
                                   m->candidates[0].card.name, best);
        }
      }
      confidence_sum += m->confidence;
    }
  }
  const double n = static_cast<double>(queries->size());
  report["queries"] = queries->size();
  report["seed"] = flags.seed;
  report["number"] = summary_json(number_t.wall_ms, number_t.cpu_ms);
  report["number"]["found_rate"] = number_found / n;
  report["fuzzy_name"] = summary_json(name_t.wall_ms, name_t.cpu_ms);
  report["fuzzy_name"]["top1_rate"] = name_top1 / n;
  report["match"] = summary_json(match_t.wall_ms, match_t.cpu_ms);
  report["match"]["top1_rate"] = match_top1 / n;
  report["match"]["top1_or_tied_rate"] = match_top1_or_tied / n;
  report["match"]["mean_confidence"] = confidence_sum / n;

  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return 0;
  }
  if (report.contains("import_ms")) {
    std::cout << fmt::format("import: {} cards in {:.0f} ms\n", report["cards"].get<int>(),
                             report["import_ms"].get<double>());
  }
  std::cout << fmt::format(
      "open: {:.1f} ms; {} queries from the catalog with synthetic OCR noise\n",
      report["open_ms"].get<double>(), queries->size());
  std::cout << fmt::format("{:<11} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9}   quality\n", "lookup",
                           "p50 µs", "p90 µs", "p99 µs", "mean µs", "cpu p50", "cpu p99");
  auto row = [&](const char* label, const json& r, const std::string& quality) {
    auto us = [&](const char* key) { return r[key].get<double>() * 1000; };
    std::cout << fmt::format("{:<11} {:>8.1f} {:>8.1f} {:>8.1f} {:>8.1f} {:>9.1f} {:>9.1f}   {}\n",
                             label, us("p50_ms"), us("p90_ms"), us("p99_ms"), us("mean_ms"),
                             us("cpu_p50_ms"), us("cpu_p99_ms"), quality);
  };
  row("number", report["number"],
      fmt::format("card found {:.1f}%", 100 * report["number"]["found_rate"].get<double>()));
  row("fuzzy name", report["fuzzy_name"],
      fmt::format("right name first {:.1f}%",
                  100 * report["fuzzy_name"]["top1_rate"].get<double>()));
  row("match", report["match"],
      fmt::format("right card first {:.1f}% ({:.1f}% incl. ties), mean confidence {:.2f}",
                  100 * report["match"]["top1_rate"].get<double>(),
                  100 * report["match"]["top1_or_tied_rate"].get<double>(),
                  report["match"]["mean_confidence"].get<double>()));
  return 0;
}

}  // namespace

void register_bench_catalog_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchCatalogFlags>();
  CLI::App* cmd = bench.add_subcommand("catalog", "catalog lookups: number, fuzzy name, match");
  cmd->add_option("--db", flags->db,
                  "catalog to read (default: import a fresh one to a temp file)");
  cmd->add_option("--from", flags->from, "source folder for that import (default: data/catalog)");
  cmd->add_option("--queries", flags->queries, "cards to query")->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", flags->seed, "random seed for the sample and the noise");
  cmd->add_option("--show-misses", flags->show_misses,
                  "print up to N queries whose card lost (stderr)");
  cmd->add_flag("--json", flags->as_json, "print one JSON object");
  cmd->callback([flags] { throw CLI::RuntimeError(run_bench_catalog(*flags)); });
}

}  // namespace cardmint::cli
