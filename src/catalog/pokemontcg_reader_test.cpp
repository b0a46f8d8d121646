#include "catalog/pokemontcg_reader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "catalog/catalog.h"
#include "catalog/catalog_import.h"
#include "catalog/test_catalog.h"

namespace cardmint::catalog {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;

const fs::path kFixture = fs::path(CARDMINT_CATALOG_TESTDATA_DIR) / "pokemontcg";

const SourceCard& card_by_id(const CatalogSource& source, std::string_view id) {
  auto it = std::find_if(source.cards.begin(), source.cards.end(),
                         [&](const SourceCard& c) { return c.id == id; });
  EXPECT_NE(it, source.cards.end()) << id;
  return *it;
}

TEST(PokemontcgReader, ReadsTheFixture) {
  Result<CatalogSource> source = read_pokemontcg_catalog(kFixture);
  ASSERT_TRUE(source.ok()) << source.status().to_string();
  EXPECT_EQ(source->format, "pokemontcg");
  ASSERT_EQ(source->sets.size(), 4u);  // xy1 has no cards file and no cards
  EXPECT_EQ(source->sets[0].release_date, "1999-01-09");
  EXPECT_EQ(source->sets[0].official_count, 102);
  EXPECT_EQ(source->sets[0].abbreviation, "BS");
  EXPECT_TRUE(source->sets[0].prints_total);
  EXPECT_FALSE(source->sets[2].prints_total);  // SWSH Black Star Promos
  EXPECT_EQ(source->cards.size(), 8u);

  const SourceCard& charizard = card_by_id(*source, "base1-4");
  EXPECT_EQ(charizard.category, "Pokemon");
  EXPECT_EQ(charizard.hp, 120);  // a string in the source
  EXPECT_EQ(charizard.stage, "Stage2");
  EXPECT_EQ(charizard.illustrator, "Mitsuhiro Arita");
  EXPECT_EQ(charizard.attack_names, std::vector<std::string>{"Fire Spin"});
  EXPECT_EQ(charizard.ability_names, std::vector<std::string>{"Energy Burn"});
  EXPECT_EQ(charizard.finishes, (std::vector<Finish>{Finish::kHolo, Finish::kFirstEdition}));
  EXPECT_FALSE(charizard.finishes_inferred);

  EXPECT_EQ(card_by_id(*source, "base1-58").finishes,
            (std::vector<Finish>{Finish::kNormal, Finish::kFirstEdition}));
  const SourceCard& bill = card_by_id(*source, "base1-91");  // no prices at all
  EXPECT_EQ(bill.category, "Trainer");
  EXPECT_FALSE(bill.hp.has_value());
  EXPECT_EQ(bill.finishes, std::vector<Finish>{Finish::kNormal});
  EXPECT_TRUE(bill.finishes_inferred);
  const SourceCard& lapras = card_by_id(*source, "swsh12tg-TG12");  // no prices, holo rarity
  EXPECT_EQ(lapras.finishes, std::vector<Finish>{Finish::kHolo});
  EXPECT_TRUE(lapras.finishes_inferred);
  EXPECT_FALSE(lapras.hp.has_value());  // "None"
  EXPECT_EQ(card_by_id(*source, "swshp-SWSH062").finishes,
            (std::vector<Finish>{Finish::kHolo, Finish::kReverseHolo}));
}

TEST(PokemontcgReader, ImportedFixtureAnswersLookups) {
  TempDir dir;
  const fs::path db = dir.path() / "catalog.sqlite";
  Result<BuildStats> stats = import_catalog({kFixture, db, SourceFormat::kPokemontcg});
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->sets, 4);
  EXPECT_EQ(stats->cards, 8);
  EXPECT_EQ(stats->printings, 11);
  EXPECT_EQ(stats->inferred_printings, 2);

  Result<std::unique_ptr<Catalog>> catalog = Catalog::open({db, 2});
  ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();

  Result<MatchResult> m = (*catalog)->match("Charizard", "4/102");
  ASSERT_TRUE(m.ok());
  ASSERT_FALSE(m->candidates.empty());
  EXPECT_EQ(m->candidates[0].card.id, "base1-4");
  EXPECT_GT(m->confidence, 0.9);

  Result<std::vector<Card>> tg = (*catalog)->find_by_number("TG05", 30);
  ASSERT_TRUE(tg.ok());
  ASSERT_EQ(tg->size(), 1u);
  EXPECT_EQ((*tg)[0].id, "swsh12tg-TG05");

  Result<std::vector<Card>> promo = (*catalog)->find_by_number("SWSH050", std::nullopt);
  ASSERT_TRUE(promo.ok());
  ASSERT_EQ(promo->size(), 1u);
  EXPECT_EQ((*promo)[0].name, "Charizard V");

  // pokemontcg's "Lapras-GX" and a curly apostrophe are found by the plain spellings.
  std::vector<NameMatch> lapras = (*catalog)->search_names("Lapras GX", 1);
  ASSERT_EQ(lapras.size(), 1u);
  EXPECT_EQ(lapras[0].name, "Lapras-GX");
  EXPECT_DOUBLE_EQ(lapras[0].score, 1.0);
  std::vector<NameMatch> research = (*catalog)->search_names("Professor's Research", 1);
  ASSERT_EQ(research.size(), 1u);
  EXPECT_EQ(research[0].name, "Professor’s Research");

  Result<std::vector<Finish>> finishes = (*catalog)->printings("base1-58");
  ASSERT_TRUE(finishes.ok());
  EXPECT_EQ(*finishes, (std::vector<Finish>{Finish::kNormal, Finish::kFirstEdition}));
}

TEST(PokemontcgReader, BrokenCardsFileIsAnErrorNamingTheFile) {
  TempDir dir;
  fs::copy(kFixture, dir.path(), fs::copy_options::recursive);
  write_file(dir.path() / "cards/en/swshp.json", R"([{"id": "swshp-SWSH050", "name": )");
  Result<CatalogSource> source = read_pokemontcg_catalog(dir.path());
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(source.status().message().find("cards/en/swshp.json"), std::string::npos)
      << source.status().message();
}

TEST(PokemontcgReader, UnknownSupertypeNamesTheCard) {
  TempDir dir;
  fs::copy(kFixture, dir.path(), fs::copy_options::recursive);
  write_file(
      dir.path() / "cards/en/swshp.json",
      R"([{"id": "swshp-SWSH001", "name": "X", "number": "SWSH001", "supertype": "Stadium"}])");
  Result<CatalogSource> source = read_pokemontcg_catalog(dir.path());
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.status().message().find("cards/en/swshp.json: card #1"), std::string::npos)
      << source.status().message();
}

}  // namespace
}  // namespace cardmint::catalog
