#include "catalog/catalog_builder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "catalog/catalog.h"
#include "catalog/catalog_import.h"
#include "catalog/test_catalog.h"

namespace cardmint::catalog {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;

constexpr char kSet[] =
    R"({"id":"base1","name":"Base Set","serie":"Base","official_count":102,"total_count":102,"release_date":"1999-01-09","digital_only":false})"
    "\n";

// A one-set TCGdex source whose card 4 is called `name`.
void write_source(const fs::path& dir, std::string_view name) {
  write_file(dir / "sets.jsonl", kSet);
  write_file(
      dir / "cards.jsonl",
      fmt::format(
          R"({{"id":"base1-4","set_id":"base1","local_id":"4","name":"{}","category":"Pokemon","attack_names":[],"ability_names":[],"variants":{{"normal":false,"reverse":false,"holo":true,"firstEdition":false,"wPromo":false}}}})"
          "\n",
          name));
}

std::vector<std::string> leftover_temp_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) out.push_back(name);
  }
  return out;
}

TEST(CatalogBuilder, ReimportReplacesTheCatalogAtomically) {
  TempDir dir;
  const fs::path db = dir.path() / "catalog.sqlite";
  write_source(dir.path() / "v1", "Charizard");
  ASSERT_TRUE(import_catalog({dir.path() / "v1", db, SourceFormat::kTcgdex}).ok());
  Result<std::unique_ptr<Catalog>> before = Catalog::open({db, 2});
  ASSERT_TRUE(before.ok()) << before.status().to_string();

  // A different catalog over the same path while `before` is open.
  const fs::path fixture = fs::path(CARDMINT_CATALOG_TESTDATA_DIR) / "pokemontcg";
  Result<BuildStats> again = import_catalog({fixture, db, SourceFormat::kPokemontcg});
  ASSERT_TRUE(again.ok()) << again.status().to_string();

  // The reader opened before keeps the whole old catalog: records and in-memory keys agree.
  Result<Card> old_card = (*before)->get_card("base1-4");
  ASSERT_TRUE(old_card.ok()) << old_card.status().to_string();
  EXPECT_EQ(old_card->printings, std::vector<Finish>{Finish::kHolo});
  EXPECT_FALSE((*before)->get_card("swshp-SWSH050").ok());
  Result<CatalogStats> old_stats = (*before)->stats();
  ASSERT_TRUE(old_stats.ok());
  EXPECT_EQ(old_stats->cards, 1);
  EXPECT_EQ(old_stats->source_format, "tcgdex");
  Result<MatchResult> old_match = (*before)->match("Charizard", "4/102");
  ASSERT_TRUE(old_match.ok());
  ASSERT_FALSE(old_match->candidates.empty());
  EXPECT_EQ(old_match->candidates[0].card.printings, std::vector<Finish>{Finish::kHolo});

  // A reader opened now sees the new one.
  Result<std::unique_ptr<Catalog>> after = Catalog::open({db, 2});
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  Result<CatalogStats> new_stats = (*after)->stats();
  ASSERT_TRUE(new_stats.ok());
  EXPECT_EQ(new_stats->cards, 8);
  EXPECT_EQ(new_stats->source_format, "pokemontcg");
  EXPECT_TRUE((*after)->get_card("swshp-SWSH050").ok());
  EXPECT_EQ((*after)->get_card("base1-4")->printings,
            (std::vector<Finish>{Finish::kHolo, Finish::kFirstEdition}));
  EXPECT_TRUE(leftover_temp_files(dir.path()).empty());
}

TEST(CatalogBuilder, FailedImportLeavesTheOldCatalog) {
  TempDir dir;
  const fs::path db = dir.path() / "catalog.sqlite";
  write_source(dir.path() / "good", "Charizard");
  ASSERT_TRUE(import_catalog({dir.path() / "good", db, SourceFormat::kTcgdex}).ok());

  // The second card repeats the id: SQLite rejects it mid-transaction, after rows were written.
  write_source(dir.path() / "bad", "Blastoise");
  write_file(
      dir.path() / "bad" / "cards.jsonl",
      R"({"id":"base1-4","set_id":"base1","local_id":"4","name":"Blastoise","category":"Pokemon","attack_names":[],"ability_names":[],"variants":{"normal":true,"reverse":false,"holo":false,"firstEdition":false,"wPromo":false}})"
      "\n"
      R"({"id":"base1-4","set_id":"base1","local_id":"5","name":"Venusaur","category":"Pokemon","attack_names":[],"ability_names":[],"variants":{"normal":true,"reverse":false,"holo":false,"firstEdition":false,"wPromo":false}})"
      "\n");
  Result<BuildStats> bad = import_catalog({dir.path() / "bad", db, SourceFormat::kTcgdex});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(bad.status().message().find("card base1-4: UNIQUE"), std::string::npos)
      << bad.status().message();

  Result<std::unique_ptr<Catalog>> catalog = Catalog::open({db, 1});
  ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();
  Result<Card> card = (*catalog)->get_card("base1-4");
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->name, "Charizard");
  EXPECT_TRUE(leftover_temp_files(dir.path()).empty());
}

TEST(CatalogBuilder, TwoCardsWithOneNumberInASetAreRejected) {
  TempDir dir;
  write_source(dir.path() / "src", "Charizard");
  write_file(
      dir.path() / "src" / "cards.jsonl",
      R"({"id":"base1-4","set_id":"base1","local_id":"4","name":"Charizard","category":"Pokemon","variants":{"normal":true,"reverse":false,"holo":false,"firstEdition":false,"wPromo":false}})"
      "\n"
      R"({"id":"base1-004","set_id":"base1","local_id":"004","name":"Venusaur","category":"Pokemon","variants":{"normal":true,"reverse":false,"holo":false,"firstEdition":false,"wPromo":false}})"
      "\n");
  Result<BuildStats> stats =
      import_catalog({dir.path() / "src", dir.path() / "c.sqlite", SourceFormat::kTcgdex});
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("base1-004"), std::string::npos)
      << stats.status().message();
}

TEST(CatalogBuilder, CardOfAnUnknownSetIsRejected) {
  TempDir dir;
  CatalogSource source;
  source.sets.push_back({});
  source.sets[0].id = "base1";
  source.sets[0].name = "Base Set";
  SourceCard card;
  card.id = "base9-1";
  card.set_id = "base9";
  card.local_id = card.number = "1";
  card.name = "Mew";
  card.category = "Pokemon";
  card.finishes = {Finish::kNormal};
  source.cards.push_back(card);
  Result<BuildStats> stats = build_catalog_db(source, dir.path() / "c.sqlite");
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("unknown set \"base9\""), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "c.sqlite"));
}

TEST(CatalogBuilder, OpenRefusesAnotherSchemaVersion) {
  TempDir dir;
  const fs::path db = dir.path() / "catalog.sqlite";
  write_source(dir.path() / "src", "Charizard");
  ASSERT_TRUE(import_catalog({dir.path() / "src", db, SourceFormat::kTcgdex}).ok());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);

  Result<std::unique_ptr<Catalog>> catalog = Catalog::open({db, 1});
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(catalog.status().message().find("schema v99"), std::string::npos)
      << catalog.status().message();
}

TEST(CatalogBuilder, OpenWithoutACatalogSaysToImport) {
  TempDir dir;
  Result<std::unique_ptr<Catalog>> catalog = Catalog::open({dir.path() / "none.sqlite", 1});
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(catalog.status().message().find("catalog import"), std::string::npos);
}

TEST(CatalogBuilder, PublishedFileUsesTheRollbackJournal) {
  TempDir dir;
  const fs::path db = dir.path() / "catalog.sqlite";
  write_source(dir.path() / "src", "Charizard");
  ASSERT_TRUE(import_catalog({dir.path() / "src", db, SourceFormat::kTcgdex}).ok());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "delete");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

}  // namespace
}  // namespace cardmint::catalog
