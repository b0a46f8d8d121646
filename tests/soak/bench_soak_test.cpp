// `cardmint bench soak` as an operator runs it, shortened: the real CLI starts the real cardmintd
// of this build on a free loopback port, loads it for 18 s with every kind of request, stops it
// and reports. The figures themselves are the soak's business; here the report must show that
// each kind was sent and answered as its kind must be, that memory was watched, and that
// cardmintd left cleanly.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/service/cardmintd_process.h"
#include "tests/support/file_contents.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Every kind the soak sends, as its report names them.
constexpr const char* kKinds[] = {
    "hit",        "changed_hit",    "miss",          "stream",
    "disconnect", "truncated_jpeg", "png_bomb",      "wrong_content_type",
    "empty_body", "oversized",      "garbage",       "health",
    "stats",      "metrics",        "catalog_search"};

TEST(BenchSoak, EveryKindIsAnsweredAsItMustBeAndCardmintdExitsCleanly) {
  const fs::path dir =
      fs::temp_directory_path() / ("cardmint-bench-soak-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path out = dir / "report.json";
  const fs::path err = dir / "stderr.log";
  const std::string command = std::string(CARDMINT_CLI_PATH) +
                              " bench soak --minutes 0.3 --concurrency 4 --json --catalog-db " +
                              test_catalog_db().string() + " --photos " + CARDMINT_SOURCE_DIR +
                              "/data/devset >" + out.string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  const std::string text = file_contents(out);
  const std::string log = file_contents(err);
  fs::remove_all(dir);
  ASSERT_EQ(status, 0) << text << log;
  const json report = json::parse(text, nullptr, false);
  ASSERT_TRUE(report.is_object()) << text << log;

  for (const char* kind : kKinds) {
    EXPECT_GT(report["counts"].value(kind, 0), 0) << kind << " was never sent: " << text;
  }
  EXPECT_EQ(report["errors"]["total"], 0) << report["errors"].dump();
  EXPECT_TRUE(report["errors"]["by_kind"].empty()) << report["errors"].dump();
  // A hit repeats bytes the service remembered: at least some must come from the cache.
  bool cache_answered = false;
  for (const auto& [answer, n] : report["answered_by"]["hit"].items()) {
    cache_answered = cache_answered || answer.starts_with("cache/");
  }
  EXPECT_TRUE(cache_answered) << report["answered_by"].dump();

  const json& rss = report["rss_kib"];
  for (const char* figure : {"start", "end", "peak", "high_water"}) {
    ASSERT_TRUE(rss[figure].is_number_integer()) << figure << ": " << rss.dump();
    EXPECT_GT(rss[figure].get<long>(), 0) << figure;
  }
  EXPECT_GE(rss["peak"].get<long>(), rss["end"].get<long>());
  EXPECT_GE(rss["samples"].get<int>(), 5) << "sampled every 2 s for 18 s: " << rss.dump();

  const json& windows = report["latency_ms"]["windows"];
  ASSERT_EQ(windows.size(), 10u) << report["latency_ms"].dump();
  int good = 0;
  for (const json& w : windows) good += w["count"].get<int>();
  EXPECT_GT(good, 0) << report["latency_ms"].dump();

  const json& server = report["cardmintd"];
  EXPECT_EQ(server["exit_code"], 0) << server.dump();
  EXPECT_EQ(server["exited_cleanly"], true);
  EXPECT_EQ(server["leak_reports"], 0) << server.dump();
  EXPECT_EQ(server["address_errors"], 0);
  EXPECT_EQ(server["undefined_behaviour"], 0);
  EXPECT_EQ(report["passed"], true) << report["failures"].dump();
}

}  // namespace
}  // namespace cardmint::testing
