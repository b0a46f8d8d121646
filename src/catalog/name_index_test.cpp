#include "catalog/name_index.h"

#include <gtest/gtest.h>

#include "catalog/card_name.h"

namespace cardmint::catalog {
namespace {

NameIndex small_index() {
  std::vector<std::string> names;
  for (const char* n :
       {"Pikachu", "Pikachu V", "Raichu", "Charizard", "Charmander", "Charmeleon", "Mew", "Mewtwo",
        "N", "Professor's Research", "Flabébé", "Nidoran♀", "Nidoran♂"}) {
    names.push_back(normalize_card_name(n));
  }
  return NameIndex(std::move(names));
}

std::string top_name(const NameIndex& index, std::string_view text) {
  std::vector<NameIndex::Hit> hits = index.search(normalize_card_name(text), 3, 0.0);
  return hits.empty() ? "" : index.name(hits.front().id);
}

TEST(NameIndex, FindsNamesDespiteOcrErrors) {
  const NameIndex index = small_index();
  EXPECT_EQ(top_name(index, "Pikachv"), "pikachu");
  EXPECT_EQ(top_name(index, "Charizarcl"), "charizard");
  EXPECT_EQ(top_name(index, "Charrnander"), "charmander");
  EXPECT_EQ(top_name(index, "Mevv"), "mew");
  EXPECT_EQ(top_name(index, "Mewtvvo"), "mewtwo");
  EXPECT_EQ(top_name(index, "Flabebe"), "flabebe");
  EXPECT_EQ(top_name(index, "Nidoran F"), "nidoran f");
  EXPECT_EQ(top_name(index, "N"), "n");
}

TEST(NameIndex, ScoresAreOrderedAndBounded) {
  const NameIndex index = small_index();
  std::vector<NameIndex::Hit> hits = index.search("pikachu", 10, 0.0);
  ASSERT_GE(hits.size(), 2u);
  EXPECT_DOUBLE_EQ(hits[0].score, 1.0);
  EXPECT_EQ(index.name(hits[0].id), "pikachu");
  EXPECT_EQ(index.name(hits[1].id), "pikachu v");
  for (size_t i = 1; i < hits.size(); ++i) {
    EXPECT_LE(hits[i].score, hits[i - 1].score);
    EXPECT_GE(hits[i].score, 0.0);
  }
}

TEST(NameIndex, HonoursLimitAndMinimumScore) {
  const NameIndex index = small_index();
  EXPECT_EQ(index.search("pikachu", 1, 0.0).size(), 1u);
  EXPECT_TRUE(index.search("zzzzzzzz", 5, 0.5).empty());
  EXPECT_TRUE(index.search("", 5, 0.0).empty());
  EXPECT_TRUE(NameIndex().search("pikachu", 5, 0.0).empty());
}

}  // namespace
}  // namespace cardmint::catalog
