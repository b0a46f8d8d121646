#include "service/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace cardmint::service {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const RateLimiter::TimePoint kStart{seconds(1000)};

TEST(RateLimiterTest, ANewClientMayBurstAMinutesAllowanceThenWaits) {
  RateLimiter limiter({.per_minute = 3});
  EXPECT_TRUE(limiter.admit("a", kStart).allowed);
  EXPECT_TRUE(limiter.admit("a", kStart).allowed);
  EXPECT_TRUE(limiter.admit("a", kStart).allowed);
  const RateLimiter::Decision fourth = limiter.admit("a", kStart);
  EXPECT_FALSE(fourth.allowed);
  EXPECT_EQ(fourth.retry_after_s, 20);  // 3 a minute: one token every 20 s
}

TEST(RateLimiterTest, RetryAfterCountsDownAndIsNeverZero) {
  RateLimiter limiter({.per_minute = 3});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.admit("a", kStart).allowed);
  EXPECT_EQ(limiter.admit("a", kStart + seconds(5)).retry_after_s, 15);
  EXPECT_EQ(limiter.admit("a", kStart + milliseconds(19'500)).retry_after_s, 1);  // rounded up
  EXPECT_EQ(limiter.admit("a", kStart + milliseconds(19'999)).retry_after_s, 1);
}

TEST(RateLimiterTest, TokensComeBackAtTheSteadyRateAndNoMoreThanTheBurst) {
  RateLimiter limiter({.per_minute = 3});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.admit("a", kStart).allowed);
  // One token after 20 s, and only one.
  EXPECT_TRUE(limiter.admit("a", kStart + seconds(20)).allowed);
  EXPECT_FALSE(limiter.admit("a", kStart + seconds(20)).allowed);
  // An hour idle refills the bucket to 3, not to 180.
  const auto later = kStart + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.admit("a", later).allowed) << i;
  EXPECT_FALSE(limiter.admit("a", later).allowed);
}

TEST(RateLimiterTest, RefusedRequestsSpendNothing) {
  RateLimiter limiter({.per_minute = 60});  // one a second
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.admit("a", kStart).allowed);
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(limiter.admit("a", kStart).allowed);
  EXPECT_TRUE(limiter.admit("a", kStart + seconds(1)).allowed);
}

TEST(RateLimiterTest, ClientsHaveTheirOwnBuckets) {
  RateLimiter limiter({.per_minute = 1});
  EXPECT_TRUE(limiter.admit("a", kStart).allowed);
  EXPECT_FALSE(limiter.admit("a", kStart).allowed);
  EXPECT_TRUE(limiter.admit("b", kStart).allowed);
  EXPECT_FALSE(limiter.admit("b", kStart).allowed);
  EXPECT_EQ(limiter.admit("a", kStart).retry_after_s, 60);
}

TEST(RateLimiterTest, KeepsAtMostMaxClientsAndDropsTheLeastRecentlySeen) {
  RateLimiter limiter({.per_minute = 1, .max_clients = 3});
  for (int i = 0; i < 1000; ++i) {
    limiter.admit("client-" + std::to_string(i), kStart);
    ASSERT_LE(limiter.clients(), 3u);
  }
  RateLimiter small({.per_minute = 1, .max_clients = 2});
  ASSERT_TRUE(small.admit("a", kStart).allowed);
  ASSERT_TRUE(small.admit("b", kStart).allowed);
  ASSERT_FALSE(small.admit("a", kStart).allowed);  // a is now the most recently seen
  ASSERT_TRUE(small.admit("c", kStart).allowed);   // drops b, not a
  EXPECT_FALSE(small.admit("a", kStart).allowed);  // a's empty bucket was kept
  EXPECT_EQ(small.clients(), 2u);
}

TEST(RateLimiterTest, AClockThatStepsBackGivesNothingBack) {
  RateLimiter limiter({.per_minute = 1});
  ASSERT_TRUE(limiter.admit("a", kStart).allowed);
  EXPECT_FALSE(limiter.admit("a", kStart - seconds(30)).allowed);
}

}  // namespace
}  // namespace cardmint::service
