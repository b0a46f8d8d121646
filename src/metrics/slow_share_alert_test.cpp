#include "metrics/slow_share_alert.h"

#include <gtest/gtest.h>

namespace cardmint::metrics {
namespace {

using Change = SlowShareAlert::Change;

TEST(SlowShareAlertTest, FiresAboveTheShareAndClearsAtIt) {
  SlowShareAlert alert({.slow_ms = 10'000, .window = 10, .max_share = 0.1});
  for (int i = 0; i < 9; ++i) EXPECT_EQ(alert.observe(20), Change::kNone);
  EXPECT_EQ(alert.observe(10'001), Change::kNone);  // 1 of 10: not more than 10%
  EXPECT_FALSE(alert.state().firing);
  EXPECT_EQ(alert.observe(10'000), Change::kNone);   // at the threshold is not over it
  EXPECT_EQ(alert.observe(12'000), Change::kFired);  // 2 of the last 10
  SlowShareAlert::State s = alert.state();
  EXPECT_TRUE(s.firing);
  EXPECT_EQ(s.slow, 2u);
  EXPECT_EQ(s.observed, 10u);
  EXPECT_DOUBLE_EQ(s.share, 0.2);
  // The window is 9 fast, slow, 10'000, slow: after 7 more fast ones the first slow is still in.
  for (int i = 0; i < 7; ++i) EXPECT_EQ(alert.observe(5), Change::kNone);
  EXPECT_EQ(alert.observe(5), Change::kCleared);  // the first slow one left the window
  EXPECT_FALSE(alert.state().firing);
  EXPECT_EQ(alert.state().slow, 1u);
}

TEST(SlowShareAlertTest, RequestsNotYetSeenCountAsNotSlow) {
  SlowShareAlert alert({.slow_ms = 100, .window = 100, .max_share = 0.1});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(alert.observe(1000), Change::kNone);  // 10 of 100
  EXPECT_EQ(alert.state().observed, 10u);
  EXPECT_EQ(alert.observe(1000), Change::kFired);  // 11 of 100
}

}  // namespace
}  // namespace cardmint::metrics
