#include "card_photo/catalog_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "card_photo/binder_order.h"
#include "card_photo/catalog_fixtures.h"

namespace cardmint::card_photo {
namespace {

TEST(CardPhotoCatalogTest, ParsesACardLine) {
  Result<CatalogCard> card = parse_card_line(
      R"({"id":"base1-4","set_id":"base1","local_id":"4","name":"Charizard","category":"Pokemon",)"
      R"("hp":120,"types":["Fire"],"stage":"Stage2","evolve_from":"Charmeleon","rarity":"Rare",)"
      R"("illustrator":"Mitsuhiro Arita","attack_names":["Fire Spin"],)"
      R"("ability_names":["Energy Burn"],"variants":{"normal":false,"reverse":false,"holo":true,)"
      R"("firstEdition":true,"wPromo":false},"variants_source":"detailed"})");
  ASSERT_TRUE(card.ok()) << card.status().to_string();
  EXPECT_EQ(card->id, "base1-4");
  EXPECT_EQ(card->name, "Charizard");
  ASSERT_TRUE(card->hp.has_value());
  EXPECT_EQ(*card->hp, 120);
  EXPECT_EQ(card->types, std::vector<std::string>{"Fire"});
  EXPECT_EQ(card->evolve_from, "Charmeleon");
  EXPECT_EQ(card->illustrator, "Mitsuhiro Arita");
  EXPECT_EQ(card->attack_names, std::vector<std::string>{"Fire Spin"});
  EXPECT_FALSE(card->variants.normal);
  EXPECT_TRUE(card->variants.holo);
  EXPECT_TRUE(card->variants.first_edition);
  EXPECT_TRUE(card->regulation_mark.empty());
}

TEST(CardPhotoCatalogTest, RejectsBadLines) {
  EXPECT_EQ(parse_card_line("{not json").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(parse_card_line(R"({"id":"x-1","set_id":"x","name":"A"})").status().code(),
            StatusCode::kInvalidInput);  // no local_id
  EXPECT_EQ(parse_set_line(R"(["base1"])").status().code(), StatusCode::kInvalidInput);
  Result<CatalogSet> set = parse_set_line(
      R"({"id":"swsh9tg","name":"Brilliant Stars Trainer Gallery","serie_id":"swsh",)"
      R"("official_count":30,"release_date":"2022-02-25","abbreviation":"BRS:TG","digital_only":false})");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->official_count, 30);
  EXPECT_EQ(set->abbreviation, "BRS:TG");
}

class CardPhotoCatalogDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("card_photo_catalog_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const char* name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::filesystem::path dir_;
};

TEST_F(CardPhotoCatalogDirTest, ReadsSetsAndCardsAndCountsPrefixes) {
  write(
      "sets.jsonl",
      R"({"id":"g1","name":"Generations","serie_id":"xy","official_count":83,"release_date":"2016-02-22","abbreviation":"GEN","digital_only":false})"
      "\n");
  write("cards.jsonl",
        R"({"id":"g1-1","set_id":"g1","local_id":"1","name":"Venusaur EX","category":"Pokemon"})"
        "\n"
        R"({"id":"g1-RC1","set_id":"g1","local_id":"RC1","name":"Snivy","category":"Pokemon"})"
        "\n"
        R"({"id":"g1-RC2","set_id":"g1","local_id":"RC2","name":"Servine","category":"Pokemon"})"
        "\n");
  Result<Catalog> catalog = read_catalog(dir_);
  ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();
  EXPECT_EQ(catalog->cards().size(), 3u);
  ASSERT_NE(catalog->find_card("g1-RC2"), nullptr);
  EXPECT_EQ(catalog->find_card("g1-RC2")->name, "Servine");
  EXPECT_EQ(catalog->find_card("g1-RC3"), nullptr);
  EXPECT_EQ(catalog->prefix_count("g1", "RC"), 2);
  EXPECT_EQ(catalog->prefix_count("g1", ""), 1);
  EXPECT_EQ(catalog->card_indices_of_set("g1").size(), 3u);
  EXPECT_TRUE(catalog->card_indices_of_set("nope").empty());
}

TEST_F(CardPhotoCatalogDirTest, ReportsMissingFilesAndUnknownSets) {
  EXPECT_EQ(read_catalog(dir_).status().code(), StatusCode::kNotFound);
  write("sets.jsonl", R"({"id":"a","name":"A"})"
                      "\n");
  write("cards.jsonl", R"({"id":"b-1","set_id":"b","local_id":"1","name":"X"})"
                       "\n");
  Result<Catalog> catalog = read_catalog(dir_);
  EXPECT_EQ(catalog.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(catalog.status().message().find("cards.jsonl:1"), std::string::npos);
}

TEST(BinderOrder, NumbersByValueThenEachPrefixedRun) {
  std::vector<std::string> ids = {"RC10", "10", "%3F", "2", "28a", "RC2", "28", "058", "1"};
  std::sort(ids.begin(), ids.end(), binder_order_less);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"1", "2", "10", "28", "28a", "058", "RC2", "RC10", "%3F"}));
  EXPECT_FALSE(binder_order_less("058", "58"));
  EXPECT_FALSE(binder_order_less("58", "058"));
}

// A binder scan of a set stored out of order (sets.jsonl keeps the source's order).
TEST(BinderOrder, ASetFromAStartNumberForACount) {
  std::vector<CatalogCard> cards;
  for (const char* id : {"10", "RC2", "2", "28a", "1", "28", "RC10", "3"})
    cards.push_back(fixture_card("g1", id, "Card " + std::string(id), "Grass"));
  cards.push_back(fixture_card("A1", "1", "Bulbasaur", "Grass"));
  const Catalog catalog({fixture_set("g1", "xy", 83, "2016-02-22", "GEN"),
                         fixture_set("A1", "tcgp", 226, "2024-10-30", "", /*digital=*/true)},
                        std::move(cards));
  auto local_ids = [&](const std::vector<std::size_t>& order) {
    std::vector<std::string> out;
    for (std::size_t i : order) out.push_back(catalog.cards()[i].local_id);
    return out;
  };
  Result<std::vector<std::size_t>> all = binder_order(catalog, "g1", std::nullopt, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(local_ids(*all),
            (std::vector<std::string>{"1", "2", "3", "10", "28", "28a", "RC2", "RC10"}));
  Result<std::vector<std::size_t>> from_three = binder_order(catalog, "g1", "003", 3);
  ASSERT_TRUE(from_three.ok());
  EXPECT_EQ(local_ids(*from_three), (std::vector<std::string>{"3", "10", "28"}));
  // A number the set lacks starts at the next one.
  Result<std::vector<std::size_t>> from_four = binder_order(catalog, "g1", "4", 1);
  ASSERT_TRUE(from_four.ok());
  EXPECT_EQ(local_ids(*from_four), (std::vector<std::string>{"10"}));
  EXPECT_EQ(local_ids(binder_order(catalog, "g1", "RC3", std::nullopt).value()),
            (std::vector<std::string>{"RC10"}));

  EXPECT_EQ(binder_order(catalog, "nope", std::nullopt, 3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(binder_order(catalog, "A1", std::nullopt, 3).status().code(),
            StatusCode::kInvalidInput);  // Pocket cards are never photographed
  EXPECT_EQ(binder_order(catalog, "g1", "RC11", std::nullopt).status().code(),
            StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace cardmint::card_photo
