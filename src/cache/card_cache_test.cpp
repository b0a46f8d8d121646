#include "cache/card_cache.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "tests/support/redis_server_process.h"

namespace cardmint::cache {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

hash::CardHash random_hash(std::mt19937_64& rng) { return hash::CardHash{{rng(), rng()}}; }

// `h` with `bits` distinct bits flipped (the lowest ones of each word, alternating).
hash::CardHash flipped(hash::CardHash h, int bits) {
  for (int i = 0; i < bits; ++i) h.words[i % 2] ^= std::uint64_t{1} << (i / 2);
  return h;
}

hash::CardHash turned_of(const hash::CardHash& h) { return flipped(h, 64); }

hash::UploadDigest digest_of(std::uint64_t n) { return hash::UploadDigest{{n, ~n}}; }

CachedCard card(const std::string& id, const std::string& finish = "normal") {
  return CachedCard{id, finish, 0.97, 1.0, "ocr"};
}

bool always(std::string_view) { return true; }

class CardCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cardmint-card-cache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<CardCache> open(CardCacheOptions options, std::string_view build = "b1",
                                  const std::function<bool(std::string_view)>& exists = always) {
    Result<std::unique_ptr<CardCache>> c = CardCache::open(options, build, exists);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? std::move(c).value() : nullptr;
  }
  CardCacheOptions in_file(std::size_t capacity = 100) const {
    CardCacheOptions o;
    o.capacity = capacity;
    o.file = dir_ / "cache.sqlite";
    return o;
  }

  fs::path dir_;
  std::mt19937_64 rng_{20261205};
};

TEST_F(CardCacheTest, FindsTheSameUploadByItsBytes) {
  auto cache = open(CardCacheOptions{});
  const hash::CardHash h = random_hash(rng_);
  EXPECT_FALSE(cache->find_bytes(digest_of(1)));
  cache->remember(digest_of(1), h, card("base1-4", "holo"));
  std::optional<CacheHit> hit = cache->find_bytes(digest_of(1));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->kind, HitKind::kBytes);
  EXPECT_EQ(hit->card.card_id, "base1-4");
  EXPECT_EQ(hit->card.finish, "holo");
  EXPECT_FALSE(cache->find_bytes(digest_of(2)));
  EXPECT_EQ(cache->stats().hits_bytes, 1u);
}

TEST_F(CardCacheTest, FindsTheCardByAnExactOrANearHashAndNotBeyondTheRadius) {
  CardCacheOptions options;
  options.fuzzy_radius = 12;
  auto cache = open(options);
  const hash::CardHash h = random_hash(rng_);
  cache->remember(digest_of(1), h, card("sv02-136"));

  std::optional<CacheHit> exact = cache->find_card(h, turned_of(h));
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->kind, HitKind::kExact);
  EXPECT_EQ(exact->distance, 0);

  std::optional<CacheHit> near = cache->find_card(flipped(h, 12), turned_of(flipped(h, 12)));
  ASSERT_TRUE(near);
  EXPECT_EQ(near->kind, HitKind::kFuzzy);
  EXPECT_EQ(near->distance, 12);
  EXPECT_EQ(near->card.card_id, "sv02-136");

  EXPECT_FALSE(cache->find_card(flipped(h, 13), turned_of(flipped(h, 13))));
  const CardCacheStats s = cache->stats();
  EXPECT_EQ(s.hits_exact, 1u);
  EXPECT_EQ(s.hits_fuzzy, 1u);
  EXPECT_EQ(s.misses, 1u);
}

TEST_F(CardCacheTest, FindsACardPhotographedUpsideDownByItsTurnedHash) {
  auto cache = open(CardCacheOptions{});
  const hash::CardHash upright = random_hash(rng_);
  const hash::CardHash upside_down = random_hash(rng_);
  cache->remember(std::nullopt, upright, card("base1-58"));
  // The query's layout cues got it the wrong way up: its "turned" hash is the upright card's.
  std::optional<CacheHit> hit = cache->find_card(upside_down, flipped(upright, 3));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->card.card_id, "base1-58");
  EXPECT_EQ(hit->distance, 3);
}

TEST_F(CardCacheTest, RefusesWhenTwoPrintingsAreBothNear) {
  CardCacheOptions options;
  options.fuzzy_radius = 12;
  options.ambiguity_margin = 10;
  auto cache = open(options);
  const hash::CardHash h = random_hash(rng_);
  cache->remember(digest_of(1), h, card("base1-58"));
  // Another printing of the same picture, a few bits away: a reprint, or the reverse holo.
  cache->remember(digest_of(2), flipped(h, 6), card("base2-87"));
  EXPECT_FALSE(cache->find_card(flipped(h, 2), turned_of(h)));
  EXPECT_EQ(cache->stats().refused_ambiguous, 1u);

  // The same card and finish twice is no ambiguity.
  const hash::CardHash g = random_hash(rng_);
  cache->remember(digest_of(3), g, card("sv02-136", "holo"));
  cache->remember(digest_of(4), flipped(g, 5), card("sv02-136", "holo"));
  std::optional<CacheHit> hit = cache->find_card(flipped(g, 1), turned_of(g));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->card.card_id, "sv02-136");
  // The same card in another finish is another printing.
  cache->remember(digest_of(5), flipped(g, 9), card("sv02-136", "reverse holo"));
  EXPECT_FALSE(cache->find_card(flipped(g, 1), turned_of(g)));
}

TEST_F(CardCacheTest, EvictsTheLeastRecentlyUsedFirst) {
  CardCacheOptions options;
  options.capacity = 3;
  auto cache = open(options);
  std::vector<hash::CardHash> h;
  for (int i = 0; i < 4; ++i) h.push_back(random_hash(rng_));
  for (int i = 0; i < 3; ++i) cache->remember(digest_of(i), h[i], card("c-" + std::to_string(i)));
  ASSERT_TRUE(cache->find_bytes(digest_of(0)));      // 0 is now the most recently used
  cache->remember(digest_of(3), h[3], card("c-3"));  // evicts 1, the least recently used
  EXPECT_FALSE(cache->find_bytes(digest_of(1)));
  EXPECT_FALSE(cache->find_card(h[1], turned_of(h[1])));
  EXPECT_TRUE(cache->find_bytes(digest_of(0)));
  EXPECT_TRUE(cache->find_card(h[2], turned_of(h[2])));  // a hash hit is a use too
  EXPECT_TRUE(cache->find_bytes(digest_of(3)));
  // Order now, oldest first: 0, 2, 3. One more evicts 0.
  cache->remember(digest_of(4), random_hash(rng_), card("c-4"));
  EXPECT_FALSE(cache->find_bytes(digest_of(0)));
  EXPECT_TRUE(cache->find_bytes(digest_of(2)));
  const CardCacheStats s = cache->stats();
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(s.evictions, 2u);
}

TEST_F(CardCacheTest, SurvivesARestartInItsFileWithTheUseOrder) {
  std::vector<hash::CardHash> h;
  for (int i = 0; i < 3; ++i) h.push_back(random_hash(rng_));
  {
    auto cache = open(in_file());
    for (int i = 0; i < 3; ++i) cache->remember(digest_of(i), h[i], card("c-" + std::to_string(i)));
    ASSERT_TRUE(cache->find_bytes(digest_of(0)));  // order, oldest first: 1, 2, 0
  }
  {
    auto cache = open(in_file());
    EXPECT_EQ(cache->stats().entries, 3u);
    std::optional<CacheHit> hit = cache->find_card(h[1], turned_of(h[1]));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->card.card_id, "c-1");
    EXPECT_EQ(hit->card.confidence, 0.97);
    ASSERT_TRUE(cache->find_bytes(digest_of(2)));
  }
  {
    // Reopened smaller, it keeps the most recently used: 2 (just used), then 1, then 0 goes.
    auto cache = open(in_file(2));
    EXPECT_EQ(cache->stats().entries, 2u);
    EXPECT_FALSE(cache->find_bytes(digest_of(0)));
    EXPECT_TRUE(cache->find_bytes(digest_of(1)));
    EXPECT_TRUE(cache->find_bytes(digest_of(2)));
  }
}

TEST_F(CardCacheTest, KeepsWhatItStoredWhenTheProcessIsKilled) {
  const hash::CardHash h = random_hash(rng_);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<CardCache>> c = CardCache::open(in_file(), "b1", always);
    if (!c.ok()) ::_exit(1);
    (*c)->remember(digest_of(7), h, card("swsh1-1"));
    ::_exit(0);  // no destructors, no clean close: as good as kill -9
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto cache = open(in_file());
  std::optional<CacheHit> hit = cache->find_bytes(digest_of(7));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->card.card_id, "swsh1-1");
}

TEST_F(CardCacheTest, AReimportedCatalogDropsTheEntriesOfCardsItNoLongerHas) {
  const hash::CardHash a = random_hash(rng_), b = random_hash(rng_);
  {
    auto cache = open(in_file(), "build-1");
    cache->remember(digest_of(1), a, card("gone-1"));
    cache->remember(digest_of(2), b, card("kept-2"));
  }
  std::set<std::string> asked;
  auto only_kept = [&asked](std::string_view id) {
    asked.insert(std::string(id));
    return id != "gone-1";
  };
  {
    // The same catalog build: nothing to check.
    auto cache = open(in_file(), "build-1", only_kept);
    EXPECT_TRUE(asked.empty());
    EXPECT_EQ(cache->stats().entries, 2u);
  }
  {
    auto cache = open(in_file(), "build-2", only_kept);
    EXPECT_EQ(asked, (std::set<std::string>{"gone-1", "kept-2"}));
    EXPECT_FALSE(cache->find_bytes(digest_of(1)));
    EXPECT_FALSE(cache->find_card(a, turned_of(a)));
    EXPECT_TRUE(cache->find_bytes(digest_of(2)));
  }
  {
    auto cache = open(in_file(), "build-2");
    EXPECT_EQ(cache->stats().entries, 1u);
  }
}

TEST_F(CardCacheTest, ReferenceImagesAreNeverEvictedAndAddedOnce) {
  CardCacheOptions options = in_file(2);
  const hash::CardHash ref = random_hash(rng_);
  {
    auto cache = open(options);
    CachedCard reference = card("base1-4", "holo");
    reference.source = "reference";
    ASSERT_TRUE(cache->add_reference(ref, reference).ok());
    ASSERT_TRUE(cache->add_reference(ref, reference).ok());  // add-images run twice
    for (int i = 0; i < 5; ++i) cache->remember(digest_of(i), random_hash(rng_), card("c"));
    const CardCacheStats s = cache->stats();
    EXPECT_EQ(s.references, 1u);
    EXPECT_EQ(s.entries, 2u);
  }
  auto cache = open(options);
  EXPECT_EQ(cache->stats().references, 1u);
  std::optional<CacheHit> hit = cache->find_card(flipped(ref, 4), turned_of(ref));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->card.source, "reference");
  EXPECT_EQ(hit->card.card_id, "base1-4");
}

TEST_F(CardCacheTest, RejectsAFileThatIsNotACache) {
  {
    std::ofstream junk(dir_ / "cache.sqlite");
    junk << "this is not a SQLite database, it is a text file long enough to have a header";
  }
  Result<std::unique_ptr<CardCache>> c = CardCache::open(in_file(), "b1", always);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(c.status().message().find("cache.sqlite"), std::string::npos);
}

// Waits up to 5 s for `done`; the shared tier delivers asynchronously.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 250; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return done();
}

CardCacheOptions shared_through(const testing::RedisServerProcess& redis) {
  CardCacheOptions o;
  Result<RedisAddress> address = parse_redis_url(redis.url());
  EXPECT_TRUE(address.ok());
  o.redis = *address;
  return o;
}

TEST_F(CardCacheTest, TwoInstancesShareResultsThroughRedis) {
  testing::RedisServerProcess redis;
  auto first = open(shared_through(redis));
  auto second = open(shared_through(redis));
  const hash::CardHash h = random_hash(rng_);
  first->remember(digest_of(42), h, card("sv02-136", "holo"));

  // The same bytes on the other instance: a GET of the digest's key.
  std::optional<CacheHit> bytes = second->find_bytes(digest_of(42));
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(bytes->shared);
  EXPECT_EQ(bytes->card.card_id, "sv02-136");
  // Another card, never asked for by its bytes on the other instance: another photo of it is
  // found there once the entry has come through the stream.
  const hash::CardHash g = random_hash(rng_);
  first->remember(digest_of(43), g, card("swsh1-1"));
  const hash::CardHash other_photo = flipped(g, 5);
  EXPECT_TRUE(eventually(
      [&] { return second->find_card(other_photo, turned_of(other_photo)).has_value(); }));
  EXPECT_GE(second->stats().shared_received, 1u);
  EXPECT_GE(second->stats().shared_hits, 2u);

  // An instance started later learns what the others recognised before it.
  auto late = open(shared_through(redis));
  EXPECT_TRUE(
      eventually([&] { return late->find_card(other_photo, turned_of(other_photo)).has_value(); }));
}

TEST_F(CardCacheTest, KeepsAnsweringWhileRedisIsDownAndSharesAgainWhenItReturns) {
  testing::RedisServerProcess redis;
  auto first = open(shared_through(redis));
  auto second = open(shared_through(redis));
  const hash::CardHash before = random_hash(rng_);
  first->remember(digest_of(1), before, card("base1-1"));
  ASSERT_TRUE(eventually([&] { return second->find_card(before, turned_of(before)).has_value(); }));

  redis.stop();  // killed mid-run
  const hash::CardHash during = random_hash(rng_);
  first->remember(digest_of(2), during, card("base1-2"));
  // Every tier that is still up still answers, without waiting for Redis.
  EXPECT_TRUE(first->find_bytes(digest_of(2)));
  EXPECT_TRUE(first->find_card(during, turned_of(during)));
  EXPECT_TRUE(second->find_card(before, turned_of(before)));
  EXPECT_FALSE(second->find_bytes(digest_of(2)));  // that one never reached Redis
  EXPECT_TRUE(eventually([&] {
    const CardCacheStats s = first->stats();
    return s.shared_errors > 0 && !s.shared_connected;
  }));

  redis.restart();  // same port, empty: it kept nothing
  // What first recognised while Redis was down reaches second once Redis is back.
  EXPECT_TRUE(eventually([&] { return second->find_bytes(digest_of(2)).has_value(); }));
  EXPECT_TRUE(eventually([&] { return second->find_card(during, turned_of(during)).has_value(); }));
  const hash::CardHash after = random_hash(rng_);
  EXPECT_TRUE(eventually([&] {
    first->remember(digest_of(3), after, card("base1-3"));
    return second->find_bytes(digest_of(3)).has_value();
  }));
  EXPECT_TRUE(eventually([&] { return second->find_card(after, turned_of(after)).has_value(); }));
}

}  // namespace
}  // namespace cardmint::cache
