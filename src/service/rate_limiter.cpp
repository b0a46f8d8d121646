#include "service/rate_limiter.h"

#include <algorithm>

namespace cardmint::service {
namespace {

using std::chrono::nanoseconds;

nanoseconds interval_for(int per_minute) {
  return nanoseconds(std::chrono::minutes(1)) / std::max(1, per_minute);
}

}  // namespace

RateLimiter::RateLimiter(RateLimiterOptions options)
    : options_(options),
      interval_(interval_for(options.per_minute)),
      burst_(interval_ * (std::max(1, options.per_minute) - 1)) {}

RateLimiter::Decision RateLimiter::admit(std::string_view client, TimePoint now) {
  const std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(client));
  if (it == buckets_.end()) {
    if (buckets_.size() >= std::max<std::size_t>(1, options_.max_clients)) {
      buckets_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.emplace_front(client);
    it = buckets_.emplace(recency_.front(), Bucket{now, recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  Bucket& bucket = it->second;
  const TimePoint full_at = std::max(bucket.full_at, now);  // a full bucket holds no more
  const nanoseconds ahead = full_at - now;                  // tokens missing, as time
  if (ahead > burst_) {
    // Not even one token: the next arrives when `ahead` has shrunk back to the burst.
    const auto wait = std::chrono::ceil<std::chrono::seconds>(ahead - burst_);
    return {.allowed = false, .retry_after_s = std::max(1, static_cast<int>(wait.count()))};
  }
  bucket.full_at = full_at + interval_;
  return {};
}

std::size_t RateLimiter::clients() const {
  const std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace cardmint::service
