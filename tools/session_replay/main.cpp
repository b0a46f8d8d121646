// cardmint-session-replay: replays a binder scan that cardmint-photos --sequential wrote, through
// the catalog match with scan-session prefetch off and on, and reports what the prediction
// changes: top-1 accuracy, confidence, and match latency (the predicted card's row warmed).
//   cardmint-session-replay --manifest DIR/manifest.jsonl [--db catalog.sqlite] [--seed S]
//                           [--number-lost P] [--digit-misread P] [--shuffle] [--json]
// OCR is not run: each photo's reading is its printed name and number with seeded OCR-like
// noise, and a share of the number lines lost (small print under glare or a sleeve), which is
// where a prediction can help. Developer tool only.

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/elapsed.h"
#include "catalog/catalog.h"
#include "catalog/catalog_import.h"
#include "session/next_card_predictor.h"
#include "session/scan_sessions.h"

namespace {

using namespace cardmint;
namespace fs = std::filesystem;
using nlohmann::json;

struct Flags {
  std::string manifest;
  std::string db;  // empty: import data/catalog into a temporary file
  unsigned seed = 11;
  double number_lost = 0.35;
  double digit_misread = 0.1;
  bool shuffle = false;  // the same cards in random order: what the prior costs when it is wrong
  bool as_json = false;
};

struct Scan {
  std::string card_id;
  std::string name;
  std::string printed_number;
  std::string reading_name;
  std::string reading_line;
};

// 0-2 edits of the kinds OCR makes on card fonts.
std::string noisy_name(std::string name, std::mt19937& rng) {
  static constexpr std::pair<const char*, const char*> kSwaps[] = {
      {"u", "v"}, {"e", "c"}, {"l", "1"}, {"o", "0"}, {"i", "l"}, {"m", "rn"}, {"d", "cl"}};
  const int edits = std::uniform_int_distribution<int>(0, 2)(rng);
  for (int e = 0; e < edits && name.size() > 3; ++e) {
    const auto& [from, to] =
        kSwaps[std::uniform_int_distribution<size_t>(0, std::size(kSwaps) - 1)(rng)];
    if (size_t at = name.find(from); at != std::string::npos)
      name.replace(at, std::strlen(from), to);
  }
  return name;
}

// The number line lost, a digit read as its look-alike, or read with spacing noise.
std::string noisy_line(const std::string& printed, const Flags& flags, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  if (u(rng) < flags.number_lost) return "";
  std::string line = printed;
  if (u(rng) < flags.digit_misread) {
    static constexpr std::pair<char, char> kLookAlike[] = {
        {'5', '6'}, {'6', '5'}, {'1', '7'}, {'7', '1'}, {'3', '8'}, {'8', '3'}, {'0', '8'}};
    const auto& [from, to] =
        kLookAlike[std::uniform_int_distribution<size_t>(0, std::size(kLookAlike) - 1)(rng)];
    if (size_t at = line.find(from); at != std::string::npos) line[at] = to;
  }
  if (size_t slash = line.find('/'); slash != std::string::npos && u(rng) < 0.3)
    line.replace(slash, 1, " / ");
  return line;
}

Result<std::vector<Scan>> read_manifest(const Flags& flags) {
  std::ifstream in(flags.manifest);
  if (!in) return Status::not_found("cannot open " + flags.manifest);
  struct Row {
    std::size_t order;
    Scan scan;
  };
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception& e) {
      return Status::invalid_input(fmt::format("{}: {}", flags.manifest, e.what()));
    }
    if (j["card_id"].is_null() || !j.contains("scan_order")) continue;
    Scan s;
    s.card_id = j["card_id"].get<std::string>();
    s.name = j["name"].get<std::string>();
    s.printed_number = j["printed_number"].get<std::string>();
    rows.push_back({j["scan_order"].get<std::size_t>(), std::move(s)});
  }
  if (rows.empty())
    return Status::invalid_input(flags.manifest +
                                 " holds no binder scan (cardmint-photos --sequential)");
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.order < b.order; });
  std::mt19937 rng(flags.seed);
  if (flags.shuffle) std::shuffle(rows.begin(), rows.end(), rng);
  std::vector<Scan> out;
  for (Row& r : rows) {
    r.scan.reading_name = noisy_name(r.scan.name, rng);
    r.scan.reading_line = noisy_line(r.scan.printed_number, flags, rng);
    out.push_back(std::move(r.scan));
  }
  return out;
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Nearest-rank percentile.
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t k = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size(), std::max<size_t>(1, k)) - 1];
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

struct Tally {
  int scans = 0, right = 0, sure = 0, sure_right = 0, number_lost = 0, number_lost_right = 0;
  double confidence = 0;
  std::vector<double> match_cpu_ms;
  std::vector<double> record_cpu_ms;  // after the answer: record, predict, warm

  json to_json() const {
    const double n = scans;
    return {{"scans", scans},
            {"top1_rate", right / n},
            {"number_lost", number_lost},
            {"top1_rate_number_lost", number_lost ? number_lost_right / double(number_lost) : 0},
            {"mean_confidence", confidence / n},
            {"sure_rate", sure / n},
            {"sure_precision", sure ? sure_right / double(sure) : 0},
            {"match_cpu_p50_us", 1000 * percentile(match_cpu_ms, 50)},
            {"match_cpu_p99_us", 1000 * percentile(match_cpu_ms, 99)},
            {"match_cpu_mean_us", 1000 * mean(match_cpu_ms)},
            {"record_cpu_mean_us", 1000 * mean(record_cpu_ms)}};
  }
};

Result<std::unique_ptr<catalog::Catalog>> open_catalog(const fs::path& db, int warm_rows) {
  catalog::CatalogOptions options;
  options.db_path = db;
  options.connections = 1;
  options.warm_rows = warm_rows;
  return catalog::Catalog::open(options);
}

// get_card of each card read from SQLite, then from warm rows; the second of two passes each,
// so SQLite's page cache is as hot as the rows.
Result<json> time_get_card(const fs::path& db, const std::vector<Scan>& scans) {
  Result<std::unique_ptr<catalog::Catalog>> cold = open_catalog(db, 0);
  Result<std::unique_ptr<catalog::Catalog>> warm = open_catalog(db, 4096);
  if (!cold.ok()) return cold.status();
  if (!warm.ok()) return warm.status();
  std::vector<std::string> ids;
  for (const Scan& s : scans) ids.push_back(s.card_id);
  if (Result<int> w = (*warm)->warm(ids); !w.ok()) return w.status();
  std::vector<double> cold_us, warm_us;
  for (int pass = 0; pass < 2; ++pass) {
    cold_us.clear();
    warm_us.clear();
    for (const std::string& id : ids) {
      double start = thread_cpu_ms();
      if (Result<catalog::Card> c = (*cold)->get_card(id); !c.ok()) return c.status();
      cold_us.push_back(1000 * (thread_cpu_ms() - start));
      start = thread_cpu_ms();
      if (Result<catalog::Card> c = (*warm)->get_card(id); !c.ok()) return c.status();
      warm_us.push_back(1000 * (thread_cpu_ms() - start));
    }
  }
  return json{{"cold_p50_us", percentile(cold_us, 50)},
              {"cold_mean_us", mean(cold_us)},
              {"warm_p50_us", percentile(warm_us, 50)},
              {"warm_mean_us", mean(warm_us)},
              {"warm_hits", (*warm)->row_cache_stats().hits}};
}

int run(const Flags& flags) {
  auto fail = [](const Status& s) {
    fmt::print(stderr, "cardmint-session-replay: {}\n", s.to_string());
    return 1;
  };
  Result<std::vector<Scan>> scans = read_manifest(flags);
  if (!scans.ok()) return fail(scans.status());
  fs::path db = flags.db;
  fs::path work;
  if (db.empty()) {
    work = fs::temp_directory_path() / fmt::format("cardmint-session-replay-{}", ::getpid());
    db = work / "catalog.sqlite";
    catalog::ImportOptions options;
    options.from = catalog::default_catalog_source_dir();
    options.db_path = db;
    if (Result<catalog::BuildStats> s = catalog::import_catalog(options); !s.ok())
      return fail(s.status());
  }
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{work};

  Result<std::unique_ptr<catalog::Catalog>> off_catalog = open_catalog(db, 0);
  Result<std::unique_ptr<catalog::Catalog>> on_catalog = open_catalog(db, 1024);
  if (!off_catalog.ok()) return fail(off_catalog.status());
  if (!on_catalog.ok()) return fail(on_catalog.status());
  session::ScanSessions sessions(**on_catalog);
  Tally off, on;
  for (const Scan& scan : *scans) {
    const bool lost = scan.reading_line.empty();
    for (bool prefetch : {false, true}) {
      const catalog::Catalog& cat = prefetch ? **on_catalog : **off_catalog;
      Tally& t = prefetch ? on : off;
      catalog::MatchHints hints;
      if (prefetch) hints.prior = sessions.prior("binder");
      double start = thread_cpu_ms();
      Result<catalog::MatchResult> m = cat.match(scan.reading_name, scan.reading_line, hints);
      t.match_cpu_ms.push_back(thread_cpu_ms() - start);
      if (!m.ok()) return fail(m.status());
      ++t.scans;
      t.number_lost += lost;
      if (m->candidates.empty()) continue;
      const bool right = m->candidates[0].card.id == scan.card_id;
      t.right += right;
      t.number_lost_right += lost && right;
      t.confidence += m->confidence;
      t.sure += m->confidence >= 0.85;
      t.sure_right += m->confidence >= 0.85 && right;
      if (prefetch) {
        // What the recognizer does once it answers: the answer, right or wrong, joins the session.
        start = thread_cpu_ms();
        Result<std::vector<session::Prediction>> next =
            sessions.record("binder", m->candidates[0].card, m->candidates[0].finish);
        t.record_cpu_ms.push_back(thread_cpu_ms() - start);
        if (!next.ok()) return fail(next.status());
      }
    }
  }
  Result<json> get_card = time_get_card(db, *scans);
  if (!get_card.ok()) return fail(get_card.status());
  const catalog::RowCacheStats rows = (*on_catalog)->row_cache_stats();
  json report = {
      {"seed", flags.seed},
      {"number_lost_share", flags.number_lost},
      {"prefetch_off", off.to_json()},
      {"prefetch_on", on.to_json()},
      {"warm_rows", {{"hits", rows.hits}, {"misses", rows.misses}, {"warmed", rows.warmed}}},
      {"get_card", *get_card}};
  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return 0;
  }
  std::cout << fmt::format("{} scans in {} order ({} with the number line lost), seed {}\n",
                           off.scans, flags.shuffle ? "random" : "binder", off.number_lost,
                           flags.seed);
  std::cout << fmt::format("{:<13} {:>7} {:>13} {:>9} {:>6} {:>9} {:>10} {:>10} {:>10}\n",
                           "prefetch", "top-1", "top-1 no num", "mean conf", "sure", "sure ok",
                           "match p50", "match p99", "record");
  for (const auto& [label, t] : {std::pair<const char*, const Tally*>{"off", &off}, {"on", &on}}) {
    const json j = t->to_json();
    std::cout << fmt::format(
        "{:<13} {:>6.1f}% {:>12.1f}% {:>9.3f} {:>5.1f}% {:>8.1f}% {:>8.1f}µs {:>8.1f}µs "
        "{:>8.1f}µs\n",
        label, 100 * j["top1_rate"].get<double>(), 100 * j["top1_rate_number_lost"].get<double>(),
        j["mean_confidence"].get<double>(), 100 * j["sure_rate"].get<double>(),
        100 * j["sure_precision"].get<double>(), j["match_cpu_p50_us"].get<double>(),
        j["match_cpu_p99_us"].get<double>(), j["record_cpu_mean_us"].get<double>());
  }
  std::cout << fmt::format("warm rows: {} hits, {} misses, {} warmed\n", rows.hits, rows.misses,
                           rows.warmed);
  std::cout << fmt::format(
      "get_card CPU: cold p50 {:.1f} µs (mean {:.1f}), warm p50 {:.1f} µs (mean {:.1f})\n",
      (*get_card)["cold_p50_us"].get<double>(), (*get_card)["cold_mean_us"].get<double>(),
      (*get_card)["warm_p50_us"].get<double>(), (*get_card)["warm_mean_us"].get<double>());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cardmint-session-replay: a binder scan through the catalog, prefetch off and on"};
  Flags flags;
  app.add_option("--manifest", flags.manifest, "manifest.jsonl of cardmint-photos --sequential")
      ->required();
  app.add_option("--db", flags.db, "catalog to read (default: import data/catalog to a temp file)");
  app.add_option("--seed", flags.seed, "seed of the simulated OCR noise")->capture_default_str();
  app.add_option("--number-lost", flags.number_lost, "share of number lines not read")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--digit-misread", flags.digit_misread,
                 "share of number lines with a digit read as its look-alike")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_flag("--shuffle", flags.shuffle, "scan the same cards in random order");
  app.add_flag("--json", flags.as_json, "print one JSON object");
  CLI11_PARSE(app, argc, argv);
  return run(flags);
}
