#include "metrics/latency_window.h"

#include <gtest/gtest.h>

namespace cardmint::metrics {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(LatencyWindowTest, NearestRankPercentilesOverallAndPerKey) {
  const SteadyTime t0{};
  LatencyWindow w(1000, seconds(3600), t0);
  for (int i = 1; i <= 100; ++i) w.add(i % 2 ? "ocr" : "cache", i, i % 2 == 1, t0);
  const WindowSnapshot s = w.snapshot(t0);
  EXPECT_EQ(s.overall.count, 100u);
  EXPECT_EQ(s.overall.p50, 50);
  EXPECT_EQ(s.overall.p90, 90);
  EXPECT_EQ(s.overall.p99, 99);
  ASSERT_EQ(s.by_key.size(), 2u);
  EXPECT_EQ(s.by_key.at("ocr").count, 50u);
  EXPECT_EQ(s.by_key.at("ocr").p50, 49);  // 1, 3, ..., 99: the 25th
  EXPECT_EQ(s.by_key.at("cache").p99, 100);
  EXPECT_EQ(s.flagged, 50u);
}

TEST(LatencyWindowTest, KeepsOnlyTheLastSamples) {
  const SteadyTime t0{};
  LatencyWindow w(3, seconds(3600), t0);
  for (double v : {100.0, 1.0, 2.0, 3.0}) w.add("ocr", v, false, t0);
  const WindowSnapshot s = w.snapshot(t0);
  EXPECT_EQ(s.overall.count, 3u);
  EXPECT_EQ(s.overall.p99, 3);
}

TEST(LatencyWindowTest, ForgetsSamplesOlderThanMaxAge) {
  const SteadyTime t0{};
  LatencyWindow w(100, seconds(10), t0);
  w.add("ocr", 500, true, t0);
  w.add("ocr", 5, true, t0 + seconds(8));
  const WindowSnapshot s = w.snapshot(t0 + seconds(12));
  EXPECT_EQ(s.overall.count, 1u);
  EXPECT_EQ(s.overall.p50, 5);
  EXPECT_EQ(s.flagged, 1u);
  EXPECT_EQ(w.snapshot(t0 + seconds(30)).overall.count, 0u);
}

TEST(LatencyWindowTest, SpanIsTheWindowsAgeUntilItFillsThenItsOldestSample) {
  const SteadyTime t0{};
  LatencyWindow w(2, seconds(60), t0);
  EXPECT_DOUBLE_EQ(w.snapshot(t0 + seconds(5)).span_s, 5);    // young: its age
  EXPECT_DOUBLE_EQ(w.snapshot(t0 + seconds(90)).span_s, 60);  // old and not full: max_age
  w.add("ocr", 1, true, t0 + seconds(100));
  w.add("ocr", 1, true, t0 + seconds(104));
  EXPECT_DOUBLE_EQ(w.snapshot(t0 + seconds(110)).span_s, 10);  // full: from its oldest
}

TEST(LatencyWindowTest, AnEmptyWindowSummarisesToZeros) {
  LatencyWindow w(10, seconds(10));
  const WindowSnapshot s = w.snapshot();
  EXPECT_EQ(s.overall.count, 0u);
  EXPECT_EQ(s.overall.p99, 0);
  EXPECT_TRUE(s.by_key.empty());
}

}  // namespace
}  // namespace cardmint::metrics
