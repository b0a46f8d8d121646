#include "session/scan_sessions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "catalog/test_catalog.h"

namespace cardmint::session {
namespace {

using namespace std::chrono_literals;

catalog::Card card(const std::string& id) {
  Result<catalog::Card> c = catalog::testing::real_catalog().get_card(id);
  EXPECT_TRUE(c.ok()) << id;
  return c.ok() ? *c : catalog::Card{};
}

std::vector<std::string> ids(const std::vector<ScannedCard>& history) {
  std::vector<std::string> out;
  for (const ScannedCard& s : history) out.push_back(s.card_id);
  return out;
}

// A clock the test moves.
struct FakeClock {
  SteadyClock::time_point now = SteadyClock::time_point{} + 1000h;
};

ScanSessionOptions options_on(FakeClock& clock) {
  ScanSessionOptions options;
  options.now = [&clock] { return clock.now; };
  return options;
}

TEST(ScanSessions, KeepTheLatestCardsOfEachSession) {
  ScanSessionOptions options;
  options.history_per_session = 3;
  ScanSessions sessions(catalog::testing::real_catalog(), options);
  for (const char* id : {"base1-1", "base1-2", "base1-3", "base1-4"})
    ASSERT_TRUE(sessions.record("binder", card(id), catalog::Finish::kHolo).ok());
  ASSERT_TRUE(sessions.record("box", card("sm3-40"), catalog::Finish::kNormal).ok());
  EXPECT_EQ(ids(sessions.history("binder")),
            (std::vector<std::string>{"base1-2", "base1-3", "base1-4"}));
  EXPECT_EQ(sessions.history("binder").back().finish, catalog::Finish::kHolo);
  EXPECT_EQ(sessions.history("binder").back().number, "4");
  EXPECT_EQ(ids(sessions.history("box")), (std::vector<std::string>{"sm3-40"}));
  EXPECT_TRUE(sessions.history("nobody").empty());
  EXPECT_TRUE(sessions.prior("nobody").empty());
}

TEST(ScanSessions, TheLeastRecentlyActiveSessionGoesFirst) {
  ScanSessionOptions options;
  options.max_sessions = 2;
  ScanSessions sessions(catalog::testing::real_catalog(), options);
  ASSERT_TRUE(sessions.record("a", card("base1-1"), catalog::Finish::kHolo).ok());
  ASSERT_TRUE(sessions.record("b", card("base1-2"), catalog::Finish::kHolo).ok());
  ASSERT_TRUE(sessions.set_default_condition("a", "near mint").ok());  // a is active again
  ASSERT_TRUE(sessions.record("c", card("base1-3"), catalog::Finish::kHolo).ok());
  EXPECT_EQ(sessions.session_count(), 2);
  EXPECT_TRUE(sessions.history("b").empty());
  EXPECT_EQ(ids(sessions.history("a")), (std::vector<std::string>{"base1-1"}));
  EXPECT_EQ(ids(sessions.history("c")), (std::vector<std::string>{"base1-3"}));
}

TEST(ScanSessions, IdleSessionsExpire) {
  FakeClock clock;
  ScanSessionOptions options = options_on(clock);
  options.idle_expiry = std::chrono::minutes(30);
  ScanSessions sessions(catalog::testing::real_catalog(), options);
  ASSERT_TRUE(sessions.record("binder", card("base1-1"), catalog::Finish::kHolo).ok());
  ASSERT_TRUE(sessions.set_default_condition("binder", "lightly played").ok());
  clock.now += 29min;
  EXPECT_EQ(sessions.history("binder").size(), 1u);
  EXPECT_FALSE(sessions.prior("binder").empty());
  clock.now += 2min;
  EXPECT_TRUE(sessions.history("binder").empty());
  EXPECT_TRUE(sessions.prior("binder").empty());
  EXPECT_EQ(sessions.default_condition("binder"), std::nullopt);
  // The id starts afresh.
  ASSERT_TRUE(sessions.record("binder", card("base1-7"), catalog::Finish::kNormal).ok());
  EXPECT_EQ(ids(sessions.history("binder")), (std::vector<std::string>{"base1-7"}));
  EXPECT_EQ(sessions.default_condition("binder"), std::nullopt);
  // Another session's activity drops the expired ones.
  ASSERT_TRUE(sessions.record("other", card("base1-8"), catalog::Finish::kNormal).ok());
  clock.now += 31min;
  ASSERT_TRUE(sessions.record("third", card("base1-9"), catalog::Finish::kNormal).ok());
  EXPECT_EQ(sessions.session_count(), 1);
}

TEST(ScanSessions, DefaultConditionIsOneOfTheGrades) {
  ScanSessions sessions(catalog::testing::real_catalog());
  EXPECT_EQ(sessions.default_condition("shop"), std::nullopt);
  ASSERT_TRUE(sessions.set_default_condition("shop", "near mint").ok());
  EXPECT_EQ(sessions.default_condition("shop"), "near mint");
  EXPECT_EQ(sessions.set_default_condition("shop", "pristine").code(), StatusCode::kInvalidInput);
  EXPECT_EQ(sessions.default_condition("shop"), "near mint");
  EXPECT_TRUE(sessions.history("shop").empty());
}

TEST(ScanSessions, SessionIdsAreChecked) {
  ScanSessions sessions(catalog::testing::real_catalog());
  const catalog::Card c = card("base1-1");
  EXPECT_EQ(sessions.record("", c, catalog::Finish::kHolo).status().code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(sessions.record(std::string(129, 'x'), c, catalog::Finish::kHolo).status().code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(sessions.record("a\nb", c, catalog::Finish::kHolo).status().code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(sessions.set_default_condition("", "mint").code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(sessions.record(std::string(128, 'x'), c, catalog::Finish::kHolo).ok());
  EXPECT_EQ(sessions.session_count(), 1);
}

// The whole loop on a catalog of its own (fresh counters): scan Burning Shadows 37, 38, 39 in
// order, and the next photo, whose number is not read, is the predicted Pikachu sm3-40, whose
// row was warmed while the collector reached for the card.
TEST(ScanSessions, APredictedCardIsAPrefetchHit) {
  catalog::CatalogOptions catalog_options;
  catalog_options.db_path = catalog::testing::real_catalog_db();
  catalog_options.connections = 1;
  Result<std::unique_ptr<catalog::Catalog>> opened = catalog::Catalog::open(catalog_options);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  const catalog::Catalog& cat = **opened;
  ScanSessions sessions(cat);

  std::vector<Prediction> next;
  for (const char* id : {"sm3-37", "sm3-38", "sm3-39"}) {
    Result<std::vector<Prediction>> predicted =
        sessions.record("binder", card(id), catalog::Finish::kNormal);
    ASSERT_TRUE(predicted.ok()) << predicted.status().to_string();
    next = *predicted;
  }
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next[0].card_id, "sm3-40");
  const catalog::RowCacheStats warmed = cat.row_cache_stats();
  EXPECT_GT(warmed.warmed, 0);

  catalog::MatchHints hints;
  hints.prior = sessions.prior("binder");
  Result<catalog::MatchResult> m = cat.match("Pikachu", "", hints);
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  ASSERT_FALSE(m->candidates.empty());
  EXPECT_EQ(m->candidates[0].card.id, "sm3-40");
  EXPECT_GT(m->candidates[0].prior, 0.4);
  const catalog::RowCacheStats after = cat.row_cache_stats();
  EXPECT_EQ(after.hits, warmed.hits + 1);  // sm3-40's row came from memory
  std::vector<std::string> cold;           // the other Pikachu among the candidates
  for (const catalog::MatchCandidate& c : m->candidates) {
    if (c.card.id != "sm3-40" && std::find(cold.begin(), cold.end(), c.card.id) == cold.end())
      cold.push_back(c.card.id);
  }
  EXPECT_EQ(after.misses, warmed.misses + static_cast<std::int64_t>(cold.size()));

  // Without the session the same reading answers the oldest Pikachu.
  Result<catalog::MatchResult> plain = cat.match("Pikachu", "");
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->candidates[0].card.id, "sm3-40");
}

TEST(ScanSessions, ConcurrentRecordsKeepEverySessionWhole) {
  ScanSessions sessions(catalog::testing::real_catalog());
  const std::vector<catalog::Card> cards = {card("base1-1"), card("base1-2"), card("base1-3")};
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        const std::string own = "thread-" + std::to_string(t);
        EXPECT_TRUE(sessions.record(own, cards[size_t(i) % 3], catalog::Finish::kHolo).ok());
        EXPECT_TRUE(sessions.record("shared", cards[size_t(i) % 3], catalog::Finish::kHolo).ok());
        (void)sessions.prior("shared");
        (void)sessions.history(own);
      }
    });
  }
  threads.clear();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(sessions.history("thread-" + std::to_string(t)).size(), 30u);
  EXPECT_EQ(sessions.history("shared").size(), 50u);  // history_per_session
}

}  // namespace
}  // namespace cardmint::session
