#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace cardmint::metrics {
namespace {

TEST(HistogramTest, AValueOnABoundCountsInThatBucket) {
  Histogram h({0.1, 1, 10});
  h.observe(0.05);
  h.observe(0.1);  // le="0.1" holds values at or below 0.1
  h.observe(0.5);
  h.observe(10);
  h.observe(11);
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(s.count, 5u);
  EXPECT_DOUBLE_EQ(s.sum, 0.05 + 0.1 + 0.5 + 10 + 11);
}

TEST(HistogramTest, NanIsIgnoredRatherThanPoisoningTheSum) {
  Histogram h({1});
  h.observe(std::numeric_limits<double>::quiet_NaN());
  h.observe(2);
  EXPECT_EQ(h.snapshot().count, 1u);
  EXPECT_DOUBLE_EQ(h.snapshot().sum, 2);
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Histogram h(latency_buckets_seconds());
  constexpr int kThreads = 4, kEach = 10'000;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&h] {
        for (int i = 0; i < kEach; ++i) h.observe(0.003);
      });
    }
  }
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.count, static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_EQ(s.cumulative.back(), s.count);
  EXPECT_NEAR(s.sum, kThreads * kEach * 0.003, 1e-6);
}

TEST(HistogramTest, LatencyBucketsHaveTheAlertThreshold) {
  const std::vector<double> bounds = latency_buckets_seconds();
  EXPECT_TRUE(std::is_sorted(bounds.begin(), bounds.end()));
  EXPECT_NE(std::find(bounds.begin(), bounds.end(), 10.0), bounds.end());
}

}  // namespace
}  // namespace cardmint::metrics
