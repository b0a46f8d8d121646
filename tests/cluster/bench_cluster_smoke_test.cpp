// `cardmint bench cluster`, tiny: four uploads through nginx into a one-instance cluster, the
// photos made by cardmint-photos. The figures are the bench's business; here every upload must
// be answered, by the one instance, and the report must hold its figures.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/service/cardmintd_process.h"
#include "tests/support/file_contents.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;

TEST(BenchClusterSmoke, FourUploadsThroughNginxAreAllAnswered) {
  const fs::path log = fs::temp_directory_path() /
                       ("cardmint-bench-cluster-smoke-" + std::to_string(::getpid()) + ".log");
  const std::string command = std::string(CARDMINT_CLI_PATH) +
                              " bench cluster --instances 1 --requests 4 --concurrency 2 --json"
                              " --catalog-db " +
                              test_catalog_db().string() + " 2>" + log.string();
  FILE* out = popen(command.c_str(), "r");
  ASSERT_NE(out, nullptr);
  std::string text;
  char chunk[4096];
  while (std::size_t n = fread(chunk, 1, sizeof chunk, out)) text.append(chunk, n);
  const int status = pclose(out);
  const std::string err = file_contents(log);
  fs::remove(log);
  ASSERT_EQ(status, 0) << text << err;
  const nlohmann::json report = nlohmann::json::parse(text, nullptr, false);
  ASSERT_TRUE(report.is_object()) << text << err;
  ASSERT_EQ(report["runs"].size(), 1u) << text;
  const nlohmann::json& run = report["runs"][0];
  EXPECT_EQ(run["instances"], 1);
  EXPECT_EQ(run["requests"], 4);
  EXPECT_EQ(run["ok"], 4) << run.dump();
  EXPECT_EQ(run["failed"], 0);
  ASSERT_EQ(run["by_instance"].size(), 1u) << run.dump();
  EXPECT_EQ(run["by_instance"].begin().value(), 4);
  EXPECT_GT(run["cards_per_hour"].get<double>(), 0);
  EXPECT_EQ(run["latency_ms"]["count"], 4);
}

}  // namespace
}  // namespace cardmint::testing
