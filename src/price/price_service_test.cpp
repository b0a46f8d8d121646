// PriceService against real components: the fixture price API on 127.0.0.1, a SQLite price book,
// and a real redis-server. Timing is only ever "not ready within the caller's budget while the
// server is still sleeping" and "ready within a generous bound", never a speed check.
#include "price/price_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "cache/redis_client.h"
#include "price/csv_price_book.h"
#include "price/fixture_price_server.h"
#include "price/tcgdex_price_provider.h"
#include "tests/support/redis_server_process.h"

namespace cardmint::price {
namespace {

namespace fs = std::filesystem;
using catalog::Finish;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FixturePriceServer;

// What a scan waits for a price before answering without one.
constexpr milliseconds kCallerBudget(150);
// "It arrived" (or "it did not hang"): far beyond every delay and timeout in these tests.
constexpr seconds kArrives(30);

// The TTL clock: stands still until a test moves it.
class ManualClock {
 public:
  SteadyClock::time_point now() const {
    return SteadyClock::time_point(std::chrono::hours(1)) + milliseconds(offset_ms_.load());
  }
  void advance(milliseconds by) { offset_ms_.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

std::unique_ptr<PriceProvider> tcgdex_at(const std::string& url) {
  PriceApiOptions options;
  options.base_url = url;
  options.connect_timeout = milliseconds(1000);
  options.request_timeout = milliseconds(10000);
  Result<std::unique_ptr<TcgdexPriceProvider>> p = TcgdexPriceProvider::open(options);
  EXPECT_TRUE(p.ok()) << p.status().to_string();
  return p.ok() ? std::move(*p) : nullptr;
}

std::unique_ptr<PriceService> start(std::vector<std::unique_ptr<PriceProvider>> providers,
                                    PriceServiceOptions options) {
  Result<std::unique_ptr<PriceService>> s = PriceService::start(std::move(providers), options);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return s.ok() ? std::move(*s) : nullptr;
}

std::unique_ptr<PriceService> start_tcgdex(const std::string& url, PriceServiceOptions options) {
  std::vector<std::unique_ptr<PriceProvider>> providers;
  providers.push_back(tcgdex_at(url));
  return start(std::move(providers), std::move(options));
}

PriceServiceOptions with_clock(const ManualClock& clock) {
  PriceServiceOptions options;
  options.clock = [&clock] { return clock.now(); };
  return options;
}

bool ready_now(const std::shared_future<Result<ChosenPrice>>& f) {
  return f.wait_for(milliseconds(0)) == std::future_status::ready;
}

// The answer, once it arrives; a failed expectation when it does not within kArrives.
Result<ChosenPrice> arrived(const std::shared_future<Result<ChosenPrice>>& f) {
  if (f.wait_for(kArrives) != std::future_status::ready) {
    ADD_FAILURE() << "no price within " << kArrives.count() << " s";
    return Status::internal("never arrived");
  }
  return f.get();
}

// Polls `done` until it holds or kArrives passes.
template <typename Condition>
bool eventually(Condition done) {
  const SteadyClock::time_point give_up = SteadyClock::now() + kArrives;
  while (!done()) {
    if (SteadyClock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

TEST(PriceServiceTest, QuotesTheScannedPrinting) {
  FixturePriceServer server;
  ManualClock clock;
  auto service = start_tcgdex(server.url(), with_clock(clock));
  Result<ChosenPrice> reverse = arrived(service->quote("swsh9-001", Finish::kReverseHolo));
  ASSERT_TRUE(reverse.ok()) << reverse.status().to_string();
  EXPECT_TRUE(reverse->exact);
  EXPECT_EQ(reverse->quote.printing_key, "reverse-holofoil");
  EXPECT_EQ(reverse->value, 0.37);
  EXPECT_EQ(reverse->finish, Finish::kReverseHolo);
}

TEST(PriceServiceTest, ASlowProviderMissesTheBudgetThenArrivesAndIsCached) {
  FixturePriceServer server;
  server.set_delay(milliseconds(2000));
  ManualClock clock;
  auto service = start_tcgdex(server.url(), with_clock(clock));

  std::shared_future<Result<ChosenPrice>> late = service->quote("swsh9-001", Finish::kReverseHolo);
  // quote() returned while the server still sleeps, and the caller's budget passes without a
  // price: the scan is answered without one...
  EXPECT_EQ(late.wait_for(kCallerBudget), std::future_status::timeout);
  // ...and the price comes later, for a later event.
  Result<ChosenPrice> price = arrived(late);
  ASSERT_TRUE(price.ok()) << price.status().to_string();
  EXPECT_EQ(price->value, 0.37);
  EXPECT_EQ(server.hits(), 1);

  // Cached: any printing of the card answers at once, without a request.
  std::shared_future<Result<ChosenPrice>> cached = service->quote("swsh9-001", Finish::kNormal);
  ASSERT_TRUE(ready_now(cached));
  ASSERT_TRUE(cached.get().ok());
  EXPECT_EQ(cached.get()->value, 0.09);
  EXPECT_EQ(server.hits(), 1);

  const PriceService::Stats stats = service->stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.fetches, 1u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.cached_cards, 1u);
}

TEST(PriceServiceTest, AnExpiredPriceIsFetchedAgain) {
  FixturePriceServer server;
  ManualClock clock;
  PriceServiceOptions options = with_clock(clock);
  options.ttl = std::chrono::minutes(10);
  auto service = start_tcgdex(server.url(), options);

  ASSERT_TRUE(arrived(service->quote("base1-4", Finish::kHolo)).ok());
  EXPECT_EQ(server.hits(), 1);
  clock.advance(std::chrono::minutes(10) - milliseconds(1));
  EXPECT_TRUE(ready_now(service->quote("base1-4", Finish::kHolo)));
  EXPECT_EQ(server.hits(), 1);

  clock.advance(milliseconds(1));
  Result<ChosenPrice> refetched = arrived(service->quote("base1-4", Finish::kHolo));
  ASSERT_TRUE(refetched.ok()) << refetched.status().to_string();
  EXPECT_EQ(refetched->value, 389.9);
  EXPECT_EQ(server.hits(), 2);
  EXPECT_EQ(service->stats().fetches, 2u);
}

TEST(PriceServiceTest, QuotesForACardInFlightShareOneFetch) {
  FixturePriceServer server;
  server.set_delay(milliseconds(500));
  ManualClock clock;
  auto service = start_tcgdex(server.url(), with_clock(clock));

  auto holo = service->quote("base1-4", Finish::kHolo);
  auto first = service->quote("base1-4", Finish::kFirstEdition);
  Result<ChosenPrice> holo_price = arrived(holo);
  Result<ChosenPrice> first_price = arrived(first);
  ASSERT_TRUE(holo_price.ok());
  ASSERT_TRUE(first_price.ok());
  EXPECT_EQ(holo_price->value, 389.9);
  EXPECT_EQ(first_price->value, 16250.25);
  EXPECT_EQ(server.hits(), 1);
  const PriceService::Stats stats = service->stats();
  EXPECT_EQ(stats.fetches, 1u);
  EXPECT_EQ(stats.joined + stats.hits, 1u);  // joined, unless the fetch ended in between
}

TEST(PriceServiceTest, AProviderThatIsDownIsAskedOncePerErrorTtl) {
  std::string url;
  {
    FixturePriceServer gone;
    url = gone.url();
  }
  ManualClock clock;
  PriceServiceOptions options = with_clock(clock);
  options.error_ttl = seconds(30);
  auto service = start_tcgdex(url, options);

  Result<ChosenPrice> failed = arrived(service->quote("base1-4", Finish::kHolo));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable) << failed.status().to_string();

  auto again = service->quote("base1-4", Finish::kNormal);
  ASSERT_TRUE(ready_now(again));
  EXPECT_EQ(again.get().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(service->stats().fetches, 1u);

  clock.advance(seconds(31));
  EXPECT_FALSE(arrived(service->quote("base1-4", Finish::kHolo)).ok());
  EXPECT_EQ(service->stats().fetches, 2u);
  EXPECT_EQ(service->stats().errors, 2u);
}

TEST(PriceServiceTest, ACardWithoutAPriceIsNotFoundAndCached) {
  FixturePriceServer server;
  ManualClock clock;
  auto service = start_tcgdex(server.url(), with_clock(clock));
  for (const char* card : {"nosuchset-1", "svp-999"}) {  // unknown; known without pricing
    Result<ChosenPrice> none = arrived(service->quote(card, Finish::kHolo));
    ASSERT_FALSE(none.ok()) << card;
    EXPECT_EQ(none.status().code(), StatusCode::kNotFound) << none.status().to_string();
    auto again = service->quote(card, Finish::kHolo);
    ASSERT_TRUE(ready_now(again)) << card;
    EXPECT_EQ(again.get().status().code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(server.hits(), 2);
}

TEST(PriceServiceTest, TheShopListComesFirstAndTheApiFillsTheRest) {
  FixturePriceServer server;
  std::string pattern = (fs::temp_directory_path() / "cardmint-price-service-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  {
    Result<std::unique_ptr<CsvPriceBook>> book = CsvPriceBook::open(dir / "prices.sqlite");
    ASSERT_TRUE(book.ok()) << book.status().to_string();
    ASSERT_TRUE((*book)
                    ->import_csv_text("card_id,printing,currency,low,mid,high,market\n"
                                      "swsh9-001,normal,USD,,,,0.25\n"
                                      "shop-1,holo,EUR,,3,,\n")
                    .ok());
    ManualClock clock;
    std::vector<std::unique_ptr<PriceProvider>> providers;
    providers.push_back(std::move(*book));
    providers.push_back(tcgdex_at(server.url()));
    auto service = start(std::move(providers), with_clock(clock));

    Result<ChosenPrice> normal = arrived(service->quote("swsh9-001", Finish::kNormal));
    ASSERT_TRUE(normal.ok()) << normal.status().to_string();
    EXPECT_EQ(normal->quote.source, "csv");
    EXPECT_EQ(normal->value, 0.25);
    // The list has no reverse holo: TCGdex's, exact, rather than the list's normal price.
    Result<ChosenPrice> reverse = arrived(service->quote("swsh9-001", Finish::kReverseHolo));
    ASSERT_TRUE(reverse.ok());
    EXPECT_EQ(reverse->quote.source, "tcgplayer");
    EXPECT_EQ(reverse->value, 0.37);
    EXPECT_TRUE(reverse->exact);
    // A card only the shop knows: the API's 404 is no failure.
    Result<ChosenPrice> shop_only = arrived(service->quote("shop-1", Finish::kHolo));
    ASSERT_TRUE(shop_only.ok()) << shop_only.status().to_string();
    EXPECT_EQ(shop_only->quote.currency, "EUR");
    EXPECT_EQ(shop_only->value, 3.0);
    EXPECT_EQ(service->stats().errors, 0u);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST(PriceServiceTest, DestroyingItWithFetchesInFlightFillsEveryFuture) {
  FixturePriceServer server;
  server.set_delay(milliseconds(1000));
  ManualClock clock;
  PriceServiceOptions options = with_clock(clock);
  options.io_threads = 1;
  auto service = start_tcgdex(server.url(), options);

  auto started = service->quote("swsh9-001", Finish::kNormal);
  ASSERT_TRUE(eventually([&] { return server.hits() == 1; }));  // its fetch is on the wire
  auto queued = service->quote("base1-4", Finish::kHolo);       // waits for the one I/O thread
  EXPECT_FALSE(ready_now(queued));
  service.reset();

  ASSERT_TRUE(ready_now(started));
  ASSERT_TRUE(started.get().ok()) << started.get().status().to_string();
  EXPECT_EQ(started.get()->value, 0.09);
  ASSERT_TRUE(ready_now(queued));
  EXPECT_EQ(queued.get().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(server.hits(), 1);
}

TEST(PriceServiceTest, PrefetchWarmsTheCache) {
  FixturePriceServer server;
  ManualClock clock;
  auto service = start_tcgdex(server.url(), with_clock(clock));
  service->prefetch({"swsh9-001", "base1-4", "swsh9-001", ""});
  ASSERT_TRUE(eventually([&] {
    const PriceService::Stats s = service->stats();
    return s.in_flight == 0 && s.cached_cards == 2;
  }));
  EXPECT_EQ(server.hits(), 2);
  for (const char* card : {"swsh9-001", "base1-4"}) {
    auto price = service->quote(card, Finish::kNormal);
    ASSERT_TRUE(ready_now(price)) << card;
  }
  EXPECT_EQ(server.hits(), 2);
  EXPECT_EQ(service->stats().hits, 2u);
}

TEST(PriceServiceTest, AFullQueueAnswersBusyAtOnce) {
  FixturePriceServer server;
  server.set_delay(milliseconds(1000));
  ManualClock clock;
  PriceServiceOptions options = with_clock(clock);
  options.io_threads = 1;
  options.max_queued_fetches = 1;
  auto service = start_tcgdex(server.url(), options);

  auto running = service->quote("swsh9-001", Finish::kNormal);
  ASSERT_TRUE(eventually([&] { return server.hits() == 1; }));
  auto queued = service->quote("base1-4", Finish::kHolo);
  auto refused = service->quote("svp-999", Finish::kHolo);
  ASSERT_TRUE(ready_now(refused));
  EXPECT_EQ(refused.get().status().code(), StatusCode::kBusy);
  auto joined =
      service->quote("base1-4", Finish::kFirstEdition);  // in flight: joins, no room needed
  EXPECT_TRUE(arrived(queued).ok());
  EXPECT_TRUE(arrived(joined).ok());
  EXPECT_TRUE(arrived(running).ok());
  EXPECT_EQ(service->stats().rejected, 1u);
}

TEST(PriceServiceTest, TheRedisTierServesAnotherInstance) {
  FixturePriceServer server;
  cardmint::testing::RedisServerProcess redis;
  Result<cache::RedisAddress> address = cache::parse_redis_url(redis.url());
  ASSERT_TRUE(address.ok());
  cache::RedisClient shared(*address);
  ManualClock clock;
  PriceServiceOptions options = with_clock(clock);
  options.shared_tier = &shared;

  auto first_instance = start_tcgdex(server.url(), options);
  ASSERT_TRUE(arrived(first_instance->quote("swsh9-001", Finish::kReverseHolo)).ok());
  EXPECT_EQ(server.hits(), 1);
  Result<std::optional<std::string>> stored = shared.get("cardmint:price:swsh9-001");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_NE((*stored)->find("reverse-holofoil"), std::string::npos);

  // Garbage under a key is ignored (fetched again), not trusted.
  ASSERT_TRUE(shared.set("cardmint:price:base1-4", "not json", seconds(60)).ok());

  auto second_instance = start_tcgdex(server.url(), options);
  Result<ChosenPrice> from_redis =
      arrived(second_instance->quote("swsh9-001", Finish::kReverseHolo));
  ASSERT_TRUE(from_redis.ok()) << from_redis.status().to_string();
  EXPECT_EQ(from_redis->value, 0.37);
  EXPECT_EQ(server.hits(), 1);
  EXPECT_EQ(second_instance->stats().shared_hits, 1u);
  EXPECT_EQ(second_instance->stats().fetches, 0u);

  ASSERT_TRUE(arrived(second_instance->quote("base1-4", Finish::kHolo)).ok());
  EXPECT_EQ(server.hits(), 2);
}

TEST(PriceServiceTest, ADeadRedisOnlyCostsTheSharedTier) {
  FixturePriceServer server;
  cardmint::testing::RedisServerProcess redis;
  Result<cache::RedisAddress> address = cache::parse_redis_url(redis.url());
  ASSERT_TRUE(address.ok());
  cache::RedisClient shared(*address);
  redis.stop();
  ManualClock clock;
  PriceServiceOptions options = with_clock(clock);
  options.shared_tier = &shared;
  auto service = start_tcgdex(server.url(), options);
  Result<ChosenPrice> price = arrived(service->quote("swsh9-001", Finish::kNormal));
  ASSERT_TRUE(price.ok()) << price.status().to_string();
  EXPECT_EQ(price->value, 0.09);
}

TEST(PriceServiceTest, RefusesBadOptions) {
  EXPECT_EQ(PriceService::start({}, {}).status().code(), StatusCode::kInvalidInput);
  FixturePriceServer server;
  for (auto bad : {+[](PriceServiceOptions& o) { o.io_threads = 0; },
                   +[](PriceServiceOptions& o) { o.ttl = milliseconds(0); },
                   +[](PriceServiceOptions& o) { o.max_queued_fetches = 0; }}) {
    PriceServiceOptions options;
    bad(options);
    std::vector<std::unique_ptr<PriceProvider>> providers;
    providers.push_back(tcgdex_at(server.url()));
    EXPECT_EQ(PriceService::start(std::move(providers), options).status().code(),
              StatusCode::kInvalidInput);
  }
}

TEST(PriceServiceTest, AnEmptyCardIdIsInvalid) {
  FixturePriceServer server;
  ManualClock clock;
  auto service = start_tcgdex(server.url(), with_clock(clock));
  auto price = service->quote("", Finish::kNormal);
  ASSERT_TRUE(ready_now(price));
  EXPECT_EQ(price.get().status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace cardmint::price
