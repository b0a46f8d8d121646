#pragma once
// Per-client request budgets (RATE_LIMIT_PER_MIN): one token bucket per client, holding up to a
// minute's allowance and refilled evenly over the minute, so a client may burst that many requests
// and then goes at the steady rate. A bucket is kept as the one time point at which it would be
// full again (GCRA, the generic cell rate algorithm): the same decisions as counting tokens, in
// integer clock ticks, so no rounding drifts a Retry-After. The clock is the caller's (`now`),
// which keeps the arithmetic testable without sleeping. Memory is bounded: beyond `max_clients` the
// least recently seen client's bucket is dropped; an idle bucket refills to full anyway, so
// dropping the stalest one forgets little. Thread-safe: one mutex around the table.

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cardmint::service {

struct RateLimiterOptions {
  int per_minute = 0;                // tokens a client gets per minute, also its burst; > 0
  std::size_t max_clients = 10'000;  // buckets kept at most; > 0
};

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Decision {
    bool allowed = true;
    int retry_after_s = 0;  // when refused: whole seconds until this client has a token, >= 1
  };

  explicit RateLimiter(RateLimiterOptions options);

  // Takes one token from `client`'s bucket (a new client starts full), or refuses and says when
  // the next token arrives.
  Decision admit(std::string_view client, TimePoint now);

  std::size_t clients() const;  // buckets held now, <= max_clients

 private:
  struct Bucket {
    TimePoint full_at;  // <= now: all tokens there; each token taken moves it one interval later
    std::list<std::string>::iterator recency;  // this client's place in recency_
  };

  const RateLimiterOptions options_;
  const std::chrono::nanoseconds interval_;  // one token comes back this often
  const std::chrono::nanoseconds burst_;     // how far full_at may run ahead of now: capacity - 1
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mutex_
  std::list<std::string> recency_;                   // most recently seen first; guarded
};

}  // namespace cardmint::service
