#include "card_photo/catalog_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

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

}  // namespace
}  // namespace cardmint::card_photo
