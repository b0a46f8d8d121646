#include "catalog/tcgdex_reader.h"

#include <gtest/gtest.h>

#include "catalog/test_catalog.h"

namespace cardmint::catalog {
namespace {

using testing::TempDir;
using testing::write_file;

constexpr char kSets[] =
    R"({"id":"base1","name":"Base Set","serie_id":"base","serie":"Base","official_count":102,"total_count":102,"release_date":"1999-01-09","abbreviation":"BS","tcg_online":"BS","digital_only":false})"
    "\n"
    R"({"id":"swshp","name":"SWSH Black Star Promos","serie_id":"swsh","serie":"Sword & Shield","official_count":307,"total_count":307,"release_date":"2019-11-15","abbreviation":null,"tcg_online":null,"digital_only":false})"
    "\n"
    R"({"id":"cel25cc","name":"Celebrations Classic Collection","serie_id":"swsh","serie":"Sword & Shield","official_count":25,"total_count":25,"release_date":"2021-10-08","abbreviation":"CEL:CC","tcg_online":null,"digital_only":false})"
    "\n";

constexpr char kCards[] =
    R"({"id":"base1-4","set_id":"base1","local_id":"4","name":"Charizard","category":"Pokemon","hp":120,"rarity":"Rare","attack_names":["Fire Spin"],"ability_names":["Energy Burn"],"variants":{"normal":false,"reverse":false,"holo":true,"firstEdition":true,"wPromo":false},"variants_source":"detailed","tcgplayer_ids":[42382,107004]})"
    "\n"
    R"({"id":"swshp-SWSH003","set_id":"swshp","local_id":"SWSH003","name":"Pikachu V","category":"Pokemon","rarity":"Promo","attack_names":[],"ability_names":[],"variants":{"normal":false,"reverse":false,"holo":false,"firstEdition":false,"wPromo":false},"variants_source":"flags"})"
    "\n"
    "\n"  // blank lines are skipped
    R"({"id":"cel25cc-CC002","set_id":"cel25cc","local_id":"CC002","name":"Charizard","category":"Pokemon","rarity":"Holo Rare","attack_names":["Fire Spin"],"ability_names":[],"variants":{"normal":false,"reverse":false,"holo":true,"firstEdition":false,"wPromo":false},"variants_source":"detailed"})"
    "\n";

TEST(TcgdexReader, ReadsSetsCardsAndDerivedFields) {
  TempDir dir;
  write_file(dir.path() / "sets.jsonl", kSets);
  write_file(dir.path() / "cards.jsonl", kCards);
  Result<CatalogSource> source = read_tcgdex_catalog(dir.path());
  ASSERT_TRUE(source.ok()) << source.status().to_string();
  EXPECT_EQ(source->format, "tcgdex");
  ASSERT_EQ(source->sets.size(), 3u);
  EXPECT_TRUE(source->sets[0].prints_total);
  EXPECT_FALSE(source->sets[1].prints_total);  // a Black Star promo set
  EXPECT_EQ(source->sets[0].abbreviation, "BS");
  EXPECT_FALSE(source->sets[1].abbreviation.has_value());

  ASSERT_EQ(source->cards.size(), 3u);
  const SourceCard& charizard = source->cards[0];
  EXPECT_EQ(charizard.hp, 120);
  EXPECT_EQ(charizard.finishes, (std::vector<Finish>{Finish::kHolo, Finish::kFirstEdition}));
  EXPECT_FALSE(charizard.finishes_inferred);
  EXPECT_EQ(charizard.tcgplayer_ids, (std::vector<std::int64_t>{42382, 107004}));
  EXPECT_FALSE(charizard.illustrator.has_value());

  const SourceCard& promo = source->cards[1];  // no variant flag set at all
  EXPECT_EQ(promo.finishes, std::vector<Finish>{Finish::kNormal});
  EXPECT_TRUE(promo.finishes_inferred);

  const SourceCard& classic = source->cards[2];  // prints the Base Set number
  ASSERT_EQ(classic.aliases.size(), 1u);
  EXPECT_EQ(classic.aliases[0].number, "4");
  EXPECT_EQ(classic.aliases[0].total, 102);
}

TEST(TcgdexReader, DecodesUrlEscapedLocalIds) {
  TempDir dir;
  write_file(
      dir.path() / "sets.jsonl",
      R"({"id":"exu","name":"Unseen Forces Unown Collection","serie":"EX","official_count":28,"total_count":28,"release_date":"2005-08-01","digital_only":false})"
      "\n");
  write_file(
      dir.path() / "cards.jsonl",
      R"({"id":"exu-%3F","set_id":"exu","local_id":"%3F","name":"Unown","category":"Pokemon","rarity":"Rare","attack_names":[],"ability_names":[],"variants":{"normal":false,"reverse":false,"holo":true,"firstEdition":false,"wPromo":false}})"
      "\n");
  Result<CatalogSource> source = read_tcgdex_catalog(dir.path());
  ASSERT_TRUE(source.ok()) << source.status().to_string();
  EXPECT_EQ(source->cards[0].local_id, "%3F");
  EXPECT_EQ(source->cards[0].number, "?");
}

TEST(TcgdexReader, MalformedLineIsAnErrorWithItsLineNumber) {
  TempDir dir;
  write_file(dir.path() / "sets.jsonl", kSets);
  write_file(dir.path() / "cards.jsonl",
             std::string(kCards) + R"({"id":"base1-5","set_id":"base1",)" + "\n");
  Result<CatalogSource> source = read_tcgdex_catalog(dir.path());
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(source.status().message().find("cards.jsonl:5:"), std::string::npos)
      << source.status().message();
}

TEST(TcgdexReader, MistypedFieldNamesFieldAndLine) {
  TempDir dir;
  write_file(
      dir.path() / "sets.jsonl",
      std::string(kSets) +
          R"({"id":"x","name":"X","serie":"X","official_count":"ten","total_count":10,"release_date":"2000-01-01","digital_only":false})" +
          "\n");
  write_file(dir.path() / "cards.jsonl", kCards);
  Result<CatalogSource> source = read_tcgdex_catalog(dir.path());
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(source.status().message().find("sets.jsonl:4: field \"official_count\""),
            std::string::npos)
      << source.status().message();
}

TEST(TcgdexReader, MissingVariantsIsAnError) {
  TempDir dir;
  write_file(dir.path() / "sets.jsonl", kSets);
  write_file(
      dir.path() / "cards.jsonl",
      R"({"id":"base1-4","set_id":"base1","local_id":"4","name":"Charizard","category":"Pokemon"})"
      "\n");
  Result<CatalogSource> source = read_tcgdex_catalog(dir.path());
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.status().message().find("cards.jsonl:1"), std::string::npos);
  EXPECT_NE(source.status().message().find("variants"), std::string::npos);
}

TEST(TcgdexReader, MissingFolderIsNotFound) {
  TempDir dir;
  Result<CatalogSource> source = read_tcgdex_catalog(dir.path() / "nope");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cardmint::catalog
