// Catalog::warm's rows and the set order a scan session predicts from, on the real catalog.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/test_catalog.h"

namespace cardmint::catalog {
namespace {

// A catalog of its own, so the counters start at zero.
std::unique_ptr<Catalog> open_catalog(int warm_rows) {
  CatalogOptions options;
  options.db_path = testing::real_catalog_db();
  options.connections = 2;
  options.warm_rows = warm_rows;
  Result<std::unique_ptr<Catalog>> opened = Catalog::open(options);
  EXPECT_TRUE(opened.ok()) << opened.status().to_string();
  return opened.ok() ? std::move(*opened) : nullptr;
}

TEST(CatalogWarm, AWarmedCardIsReadWithoutSqlite) {
  std::unique_ptr<Catalog> catalog = open_catalog(64);
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(catalog->get_card("base1-5").ok());  // cold
  EXPECT_EQ(catalog->row_cache_stats().misses, 1);
  EXPECT_EQ(catalog->row_cache_stats().hits, 0);

  const std::vector<std::string> next = {"base1-6", "base1-7", "nope-1"};
  EXPECT_EQ(catalog->warm(next).value(), 2);  // the unknown id is skipped
  EXPECT_EQ(catalog->warm(next).value(), 0);  // already in memory
  Result<Card> hit = catalog->get_card("base1-6");
  ASSERT_TRUE(hit.ok());
  RowCacheStats stats = catalog->row_cache_stats();
  EXPECT_EQ(stats.hits, 1);
  EXPECT_EQ(stats.misses, 1);  // no SQLite read for the warmed card
  EXPECT_EQ(stats.warmed, 2);
  EXPECT_EQ(stats.rows, 2);

  // The warm row is the record SQLite gives.
  Result<Card> cold = testing::real_catalog().get_card("base1-6");
  ASSERT_TRUE(cold.ok());
  EXPECT_EQ(hit->name, cold->name);
  EXPECT_EQ(hit->set_name, cold->set_name);
  EXPECT_EQ(hit->attack_names, cold->attack_names);
  EXPECT_EQ(hit->printings, cold->printings);
  EXPECT_EQ(hit->hp, cold->hp);

  // match() fills its candidates from the warm rows too.
  MatchHints top_one;
  top_one.top_k = 1;
  Result<MatchResult> m = catalog->match("Gyarados", "6/102", top_one);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->candidates.size(), 1u);
  EXPECT_EQ(m->candidates[0].card.id, "base1-6");
  EXPECT_EQ(catalog->row_cache_stats().hits, 2);
  EXPECT_EQ(catalog->row_cache_stats().misses, 1);
  EXPECT_EQ(catalog->stats()->row_cache.hits, 2);
}

TEST(CatalogWarm, TheLeastRecentlyUsedRowsGo) {
  std::unique_ptr<Catalog> catalog = open_catalog(2);
  ASSERT_TRUE(catalog);
  const std::vector<std::string> first = {"base1-1", "base1-2"};
  ASSERT_EQ(catalog->warm(first).value(), 2);
  ASSERT_TRUE(catalog->get_card("base1-1").ok());  // base1-2 is now the oldest
  const std::vector<std::string> third = {"base1-3"};
  ASSERT_EQ(catalog->warm(third).value(), 1);
  EXPECT_EQ(catalog->row_cache_stats().rows, 2);
  ASSERT_TRUE(catalog->get_card("base1-2").ok());
  EXPECT_EQ(catalog->row_cache_stats().misses, 1);
  ASSERT_TRUE(catalog->get_card("base1-1").ok());
  ASSERT_TRUE(catalog->get_card("base1-3").ok());
  EXPECT_EQ(catalog->row_cache_stats().hits, 3);
}

TEST(CatalogWarm, NoRowsWhenTurnedOff) {
  std::unique_ptr<Catalog> catalog = open_catalog(0);
  ASSERT_TRUE(catalog);
  const std::vector<std::string> ids = {"base1-1"};
  EXPECT_EQ(catalog->warm(ids).value(), 0);
  ASSERT_TRUE(catalog->get_card("base1-1").ok());
  EXPECT_EQ(catalog->row_cache_stats().hits, 0);
  EXPECT_EQ(catalog->row_cache_stats().misses, 1);
}

TEST(CardsByNumber, FollowTheCollectorOrder) {
  const Catalog& catalog = testing::real_catalog();
  const std::vector<NumberedCard> base = catalog.cards_by_number("base1");
  ASSERT_EQ(base.size(), 102u);
  EXPECT_EQ(base[0].card_id, "base1-1");
  EXPECT_EQ(base[9].card_id, "base1-10");
  EXPECT_EQ(base[101].number, "102");
  // Generations: 1..83 with the alternate prints 28a and 73a after their numbers, then the
  // Radiant Collection RC1..RC32 ("RC10" after "RC9").
  const std::vector<NumberedCard> g1 = catalog.cards_by_number("g1");
  ASSERT_EQ(g1.size(), 117u);
  EXPECT_EQ(g1[27].number, "28");
  EXPECT_EQ(g1[28].number, "28A");
  EXPECT_EQ(g1[84].number, "83");
  EXPECT_EQ(g1[85].number, "RC1");
  EXPECT_EQ(g1[94].number, "RC10");
  EXPECT_EQ(g1.back().number, "RC32");
  // Numbers padded in the source ("001") are normalized.
  const std::vector<NumberedCard> tg = catalog.cards_by_number("swsh12tg");
  ASSERT_FALSE(tg.empty());
  EXPECT_EQ(tg[0].card_id, "swsh12tg-TG01");
  EXPECT_EQ(tg[0].number, "TG1");
  EXPECT_TRUE(catalog.cards_by_number("nope").empty());
}

}  // namespace
}  // namespace cardmint::catalog
