#pragma once
// Prices for scans, without ever holding a scan up: quote() answers at once with a future, which
// is ready when the price is cached and otherwise filled by one of the service's own I/O threads.
// A caller waits on it with its own budget (say 150 ms), answers the scan without a price when the
// budget runs out, and sends the price in a later event when the future fills; a provider that is
// down or hung costs the caller nothing beyond that budget.
//
// Answers are cached per card for a TTL: in process, and, with a shared tier, in Redis under
// cardmint:price:<card id> (CardPrices JSON, card_prices_json.h) so one instance's fetch serves
// every instance. Two quotes for one card while it is being fetched share the fetch (single
// flight). A failed fetch is cached too, for error_ttl, so a dead provider is asked about a card
// at most once per error_ttl, not once per scan.
//
// Thread-safe: any number of threads may call quote(), prefetch() and stats() at once.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "base/elapsed.h"
#include "base/status.h"
#include "catalog/card.h"
#include "price/price_choice.h"
#include "price/price_provider.h"

namespace cardmint::cache {
class RedisClient;
}

namespace cardmint::price {

struct PriceServiceOptions {
  // How long a card's prices answer without asking again. Price APIs update daily at best
  // (pokemontcg.io's updatedAt is a date), so hours cost little accuracy and spare rate limits.
  std::chrono::milliseconds ttl = std::chrono::hours(6);
  // How long a failed fetch answers with its error before a quote asks again.
  std::chrono::milliseconds error_ttl = std::chrono::seconds(30);
  // Threads that fetch. Each fetch blocks one for up to the provider's timeouts, so this is how
  // many slow fetches may run at once, not a CPU figure.
  int io_threads = 2;
  // Cards waiting for an I/O thread; a quote for another card beyond it answers busy at once.
  std::size_t max_queued_fetches = 256;
  // Cards kept in process; past it, expired ones and then arbitrary ones are dropped (a dropped
  // card costs one refetch).
  std::size_t max_cached_cards = 50000;
  // The shared tier; nullptr: none. Borrowed: it must outlive the service. Its own timeouts and
  // backoff (RedisClientOptions) bound what a dead Redis costs an I/O thread.
  cache::RedisClient* shared_tier = nullptr;
  // The clock of the TTLs; empty: SteadyClock::now. Tests move time with it.
  std::function<SteadyClock::time_point()> clock;
};

class PriceService {
 public:
  // `providers` are asked in order and their quotes pooled (choose_price prefers a CSV quote, then
  // TCGplayer's, then Cardmarket's, whatever the order). invalid_input for no provider or bad
  // options.
  [[nodiscard]] static Result<std::unique_ptr<PriceService>> start(
      std::vector<std::unique_ptr<PriceProvider>> providers, PriceServiceOptions options);

  // Safe with fetches in flight: waits for the ones an I/O thread has started (each bounded by
  // its provider's timeouts), and fills every future still waiting with unavailable, so no
  // caller's future is left broken and no thread outlives the service.
  ~PriceService();
  PriceService(const PriceService&) = delete;
  PriceService& operator=(const PriceService&) = delete;

  // The price of `card_id` in `finish` (choose_price). Never blocks on I/O: ready at once on a
  // cache hit (or when the fetch queue is full: busy), otherwise when the fetch it starts or joins
  // ends. Errors: not_found (no price for the card or the finish), unavailable (the providers
  // failed), busy, invalid_input (empty id).
  std::shared_future<Result<ChosenPrice>> quote(std::string card_id, catalog::Finish finish);

  // Starts fetches for the cards not cached nor in flight, so later quotes hit (a scan session's
  // likely next cards). Cards beyond the queue's room are skipped (counted as rejected).
  void prefetch(std::vector<std::string> card_ids);

  struct Stats {
    std::uint64_t hits = 0;         // quotes answered from the in-process cache
    std::uint64_t misses = 0;       // quotes that waited for a fetch
    std::uint64_t joined = 0;       // of those, ones that joined a fetch already in flight
    std::uint64_t shared_hits = 0;  // fetches answered by the Redis tier
    std::uint64_t fetches = 0;      // fetches that asked the providers
    std::uint64_t errors = 0;       // of those, ones where a provider failed
    std::uint64_t rejected = 0;     // quotes and prefetches refused: the queue was full
    std::size_t in_flight = 0;      // cards queued or being fetched now
    std::size_t cached_cards = 0;
  };
  Stats stats() const;

 private:
  class Impl;
  explicit PriceService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::price
