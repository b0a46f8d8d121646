#include "price/price_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <utility>

#include "base/log.h"
#include "cache/redis_client.h"
#include "price/card_prices_json.h"

namespace cardmint::price {
namespace {

using Answer = std::shared_ptr<const Result<CardPrices>>;
using QuoteFuture = std::shared_future<Result<ChosenPrice>>;

constexpr std::string_view kSharedKeyPrefix = "cardmint:price:";

QuoteFuture ready(Result<ChosenPrice> value) {
  std::promise<Result<ChosenPrice>> promise;
  promise.set_value(std::move(value));
  return promise.get_future().share();
}

Result<ChosenPrice> answer_for(const Result<CardPrices>& answer, catalog::Finish finish) {
  if (!answer.ok()) return answer.status();
  return choose_price(*answer, finish);
}

// What one fetch learnt and for how long it answers.
struct Fetched {
  Answer answer;
  std::chrono::milliseconds lifetime{0};
};

}  // namespace

class PriceService::Impl {
 public:
  Impl(std::vector<std::unique_ptr<PriceProvider>> providers, PriceServiceOptions options)
      : providers_(std::move(providers)), options_(std::move(options)) {
    if (!options_.clock) options_.clock = [] { return SteadyClock::now(); };
  }

  // Workers go last: they use everything above, so they start after it is built.
  void start_workers() {
    for (int i = 0; i < options_.io_threads; ++i) {
      workers_.emplace_back([this](std::stop_token stop) { run(stop); });
    }
  }

  ~Impl() {
    for (std::jthread& worker : workers_) worker.request_stop();
    workers_.clear();  // joins; a started fetch ends within its provider's timeouts
    std::unordered_map<std::string, std::vector<Waiter>> abandoned;
    {
      std::lock_guard lock(mu_);
      abandoned.swap(in_flight_);
      queue_.clear();
    }
    for (auto& [card_id, waiters] : abandoned) {
      for (Waiter& w : waiters) {
        w.promise.set_value(Status::unavailable(
            fmt::format("the price service stopped before fetching {}", card_id)));
      }
    }
  }

  QuoteFuture quote(std::string card_id, catalog::Finish finish) {
    if (card_id.empty()) return ready(Status::invalid_input("price quote: empty card id"));
    Answer cached;
    QuoteFuture future;
    {
      std::lock_guard lock(mu_);
      cached = find_fresh_locked(card_id);
      if (!cached) {
        auto flight = in_flight_.find(card_id);
        if (flight != in_flight_.end()) {
          joined_.fetch_add(1, std::memory_order_relaxed);
        } else if (queue_.size() >= options_.max_queued_fetches) {
          rejected_.fetch_add(1, std::memory_order_relaxed);
          return ready(Status::busy(
              fmt::format("price fetch queue full ({} cards)", options_.max_queued_fetches)));
        } else {
          flight = in_flight_.emplace(card_id, std::vector<Waiter>()).first;
          queue_.push_back(card_id);
        }
        misses_.fetch_add(1, std::memory_order_relaxed);
        Waiter& waiter = flight->second.emplace_back(Waiter{finish, {}});
        future = waiter.promise.get_future().share();
      }
    }
    if (cached) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return ready(answer_for(*cached, finish));
    }
    work_cv_.notify_one();
    return future;
  }

  void prefetch(std::vector<std::string> card_ids) {
    std::size_t queued = 0;
    {
      std::lock_guard lock(mu_);
      for (std::string& card_id : card_ids) {
        if (card_id.empty() || in_flight_.contains(card_id) || find_fresh_locked(card_id)) continue;
        if (queue_.size() >= options_.max_queued_fetches) {
          rejected_.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        in_flight_.emplace(card_id, std::vector<Waiter>());
        queue_.push_back(std::move(card_id));
        ++queued;
      }
    }
    if (queued > 0) work_cv_.notify_all();
  }

  Stats stats() const {
    Stats s;
    s.hits = hits_.load(std::memory_order_relaxed);
    s.misses = misses_.load(std::memory_order_relaxed);
    s.joined = joined_.load(std::memory_order_relaxed);
    s.shared_hits = shared_hits_.load(std::memory_order_relaxed);
    s.fetches = fetches_.load(std::memory_order_relaxed);
    s.errors = errors_.load(std::memory_order_relaxed);
    s.rejected = rejected_.load(std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    s.in_flight = in_flight_.size();
    s.cached_cards = cache_.size();
    return s;
  }

 private:
  struct Waiter {
    catalog::Finish finish;
    std::promise<Result<ChosenPrice>> promise;
  };
  struct CacheEntry {
    Answer answer;
    SteadyClock::time_point expires_at;
  };

  // The card's cached answer while it is fresh; drops it once expired.
  // REQUIRES: mu_ held.
  Answer find_fresh_locked(const std::string& card_id) {
    auto it = cache_.find(card_id);
    if (it == cache_.end()) return nullptr;
    if (options_.clock() < it->second.expires_at) return it->second.answer;
    cache_.erase(it);
    return nullptr;
  }

  // REQUIRES: mu_ held.
  void remember_locked(const std::string& card_id, const Fetched& fetched) {
    const SteadyClock::time_point now = options_.clock();
    if (fetched.lifetime.count() <= 0) return;
    if (!cache_.contains(card_id) && cache_.size() >= options_.max_cached_cards) {
      std::erase_if(cache_, [&](const auto& entry) { return entry.second.expires_at <= now; });
      while (!cache_.empty() && cache_.size() >= options_.max_cached_cards) {
        cache_.erase(cache_.begin());
      }
    }
    cache_[card_id] = CacheEntry{fetched.answer, now + fetched.lifetime};
  }

  void run(std::stop_token stop) {
    while (true) {
      std::string card_id;
      {
        std::unique_lock lock(mu_);
        work_cv_.wait(lock, stop, [&] { return !queue_.empty(); });
        // Stopping: fetches not started stay queued; ~Impl fails their waiters.
        if (stop.stop_requested()) return;
        card_id = std::move(queue_.front());
        queue_.pop_front();
      }
      const Fetched fetched = fetch_guarded(card_id);
      std::vector<Waiter> waiters;
      {
        std::lock_guard lock(mu_);
        remember_locked(card_id, fetched);
        auto flight = in_flight_.find(card_id);
        if (flight != in_flight_.end()) {
          waiters = std::move(flight->second);
          in_flight_.erase(flight);
        }
      }
      for (Waiter& w : waiters) w.promise.set_value(answer_for(*fetched.answer, w.finish));
    }
  }

  // A provider is not supposed to throw, but this thread serves every card, so nothing may end it.
  Fetched fetch_guarded(const std::string& card_id) {
    try {
      return fetch(card_id);
    } catch (const std::exception& e) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      return failed(
          Status::internal(fmt::format("price fetch for {} threw: {}", card_id, e.what())));
    } catch (...) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      return failed(Status::internal(fmt::format("price fetch for {} threw", card_id)));
    }
  }

  Fetched failed(Status status) const {
    return Fetched{std::make_shared<const Result<CardPrices>>(std::move(status)),
                   options_.error_ttl};
  }

  // The shared tier, then every provider in order, pooling their quotes. A provider that does not
  // know the card adds nothing; one that fails makes the answer short-lived (error_ttl) and keeps
  // it out of the shared tier, so the next fetch asks again. Only when every provider failed is
  // the answer the first failure.
  Fetched fetch(const std::string& card_id) {
    const std::string shared_key = std::string(kSharedKeyPrefix) + card_id;
    if (options_.shared_tier != nullptr) {
      if (std::optional<Fetched> shared = read_shared(shared_key, card_id)) return *shared;
    }
    fetches_.fetch_add(1, std::memory_order_relaxed);
    CardPrices pooled{.card_id = card_id, .quotes = {}, .fetched_at = WallClock::now()};
    std::optional<Status> first_failure;
    std::size_t answered = 0;
    for (const std::unique_ptr<PriceProvider>& provider : providers_) {
      Result<CardPrices> got = provider->fetch(card_id);
      if (got.ok()) {
        ++answered;
        for (PriceQuote& q : got->quotes) pooled.quotes.push_back(std::move(q));
      } else if (got.status().code() != StatusCode::kNotFound) {
        logger("price")->debug("price {} from {}: {}", card_id, provider->name(),
                               got.status().to_string());
        if (!first_failure) first_failure = got.status();
      }
    }
    if (first_failure) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      if (answered == 0) return failed(std::move(*first_failure));
      return Fetched{std::make_shared<const Result<CardPrices>>(std::move(pooled)),
                     options_.error_ttl};
    }
    if (options_.shared_tier != nullptr) {
      // Best effort: a failed write costs other instances one fetch each.
      (void)options_.shared_tier->set(shared_key, card_prices_to_json(pooled), options_.ttl);
    }
    return Fetched{std::make_shared<const Result<CardPrices>>(std::move(pooled)), options_.ttl};
  }

  // The card's prices from the shared tier, living here for what is left of their TTL; nullopt
  // when Redis has none, is down, or holds something that is not this card's prices.
  std::optional<Fetched> read_shared(const std::string& shared_key, const std::string& card_id) {
    Result<std::optional<std::string>> got = options_.shared_tier->get(shared_key);
    if (!got.ok() || !got->has_value()) return std::nullopt;
    Result<CardPrices> parsed = parse_card_prices_json(**got);
    if (!parsed.ok() || parsed->card_id != card_id) return std::nullopt;
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now() -
                                                                           parsed->fetched_at);
    const auto left = std::clamp(options_.ttl - age, std::chrono::milliseconds(0), options_.ttl);
    shared_hits_.fetch_add(1, std::memory_order_relaxed);
    return Fetched{std::make_shared<const Result<CardPrices>>(std::move(*parsed)), left};
  }

  const std::vector<std::unique_ptr<PriceProvider>> providers_;
  PriceServiceOptions options_;  // constant after construction (clock filled in)

  mutable std::mutex mu_;  // guards everything below up to the counters
  std::condition_variable_any work_cv_;
  std::unordered_map<std::string, CacheEntry> cache_;
  // Cards queued or being fetched, with the quotes waiting for them (none for a prefetch).
  std::unordered_map<std::string, std::vector<Waiter>> in_flight_;
  std::deque<std::string> queue_;  // cards not yet taken by an I/O thread

  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> joined_{0};
  std::atomic<std::uint64_t> shared_hits_{0};
  std::atomic<std::uint64_t> fetches_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> rejected_{0};

  std::vector<std::jthread> workers_;  // last: stopped and joined first (~Impl)
};

Result<std::unique_ptr<PriceService>> PriceService::start(
    std::vector<std::unique_ptr<PriceProvider>> providers, PriceServiceOptions options) {
  if (providers.empty()) return Status::invalid_input("price service: no price provider");
  if (std::any_of(providers.begin(), providers.end(), [](const auto& p) { return p == nullptr; })) {
    return Status::invalid_input("price service: a provider is null");
  }
  if (options.ttl.count() <= 0 || options.error_ttl.count() < 0) {
    return Status::invalid_input("price service: ttl must be positive, error_ttl not negative");
  }
  if (options.io_threads < 1 || options.io_threads > 64) {
    return Status::invalid_input("price service: io_threads must be 1 to 64");
  }
  if (options.max_queued_fetches < 1 || options.max_cached_cards < 1) {
    return Status::invalid_input("price service: queue and cache sizes must be at least 1");
  }
  auto impl = std::make_unique<Impl>(std::move(providers), std::move(options));
  impl->start_workers();
  return std::unique_ptr<PriceService>(new PriceService(std::move(impl)));
}

PriceService::PriceService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PriceService::~PriceService() = default;

std::shared_future<Result<ChosenPrice>> PriceService::quote(std::string card_id,
                                                            catalog::Finish finish) {
  return impl_->quote(std::move(card_id), finish);
}

void PriceService::prefetch(std::vector<std::string> card_ids) {
  impl_->prefetch(std::move(card_ids));
}

PriceService::Stats PriceService::stats() const { return impl_->stats(); }

}  // namespace cardmint::price
