// `cardmint collection add/export/import/list` through the real binary: a TCGplayer export of one
// collection imported into another lists the same cards.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/test_catalog.h"
#include "tests/support/file_contents.h"

namespace {

namespace fs = std::filesystem;
using cardmint::catalog::testing::real_catalog_db;
using cardmint::catalog::testing::TempDir;
using cardmint::testing::file_contents;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

class CollectionCliTest : public ::testing::Test {
 protected:
  // `cardmint collection ARGS...`, its output captured in the temporary folder.
  CliRun cardmint(const std::vector<std::string>& args) {
    std::string command = quoted(CARDMINT_CLI_PATH) + " collection";
    for (const std::string& a : args) command += " " + quoted(a);
    const fs::path out = dir_.path() / "out.txt";
    const fs::path err = dir_.path() / "err.txt";
    command += " > " + quoted(out.string()) + " 2> " + quoted(err.string());
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, file_contents(out), file_contents(err)};
  }

  CliRun add(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), "add");
    args.insert(args.end(), {"--db", db, "--catalog-db", catalog_});
    return cardmint(args);
  }

  // What a list --json holds, as (card, finish, condition, language, quantity).
  std::multiset<std::tuple<std::string, std::string, std::string, std::string, int>> listed(
      const std::string& db) {
    CliRun run = cardmint({"list", "--db", db, "--json"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const nlohmann::json j = nlohmann::json::parse(run.out, nullptr, false);
    std::multiset<std::tuple<std::string, std::string, std::string, std::string, int>> out;
    if (!j.is_object()) {
      ADD_FAILURE() << "not JSON: " << run.out;
      return out;
    }
    for (const nlohmann::json& e : j["entries"]) {
      out.emplace(e["card_id"], e["finish"], e["condition"], e["language"], e["quantity"]);
    }
    return out;
  }

  TempDir dir_;
  const std::string catalog_ = real_catalog_db().string();
  const std::string first_ = (dir_.path() / "first.sqlite").string();
  const std::string second_ = (dir_.path() / "second.sqlite").string();
};

TEST_F(CollectionCliTest, ATcgplayerExportImportsIntoAnotherCollectionAsTheSameCards) {
  const std::vector<std::vector<std::string>> adds = {
      {"base1-4", "--finish", "first edition", "--price", "9000", "--session", "binder 1"},
      {"swsh9tg-TG05", "--quantity", "2"},
      {"sm3-40", "--finish", "reverse holo", "--condition", "damaged"},
      {"basep-1", "--condition", "lightly played"},
      {"base1-76"},
      {"base1-76"}};
  for (const auto& a : adds) {
    CliRun run = add(first_, a);
    ASSERT_EQ(run.exit_code, 0) << a[0] << ": " << run.err;
    EXPECT_NE(run.out.find("added"), std::string::npos) << run.out;
  }

  const std::string csv = (dir_.path() / "tcgplayer.csv").string();
  CliRun exported = cardmint({"export", "--db", first_, "--format", "tcgplayer", "--out", csv});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(file_contents(csv).starts_with(
      "Quantity,Name,Simple Name,Set,Card Number,Set Code,Printing,Condition,Language,Rarity,"
      "Product ID,SKU\n"));

  CliRun imported = cardmint(
      {"import", csv, "--db", second_, "--catalog-db", catalog_, "--session", "import", "--json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  const nlohmann::json report = nlohmann::json::parse(imported.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << imported.out;
  EXPECT_EQ(report["format"], "tcgplayer");
  EXPECT_EQ(report["added"].size(), 5u);
  EXPECT_TRUE(report["skipped"].empty()) << report["skipped"].dump();

  EXPECT_EQ(listed(first_), listed(second_));
  EXPECT_EQ(listed(second_).size(), 5u);
}

TEST_F(CollectionCliTest, ImportReportsTheRowsItSkipped) {
  const fs::path csv = dir_.path() / "shop.csv";
  cardmint::catalog::testing::write_file(
      csv,
      "Quantity,Name,Simple Name,Set,Card Number,Set Code,Printing,Condition,Language,Rarity,"
      "Product ID,SKU\n"
      "1,Charizard,Charizard,Base Set,4/102,BS,Holofoil,Near Mint,English,Rare,,\n"
      "1,Charizard,Charizard,Base Set,4/102,BS,Reverse Holofoil,Near Mint,English,Rare,,\n");
  CliRun run = cardmint({"import", csv.string(), "--db", second_, "--catalog-db", catalog_});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("line 2: added 1 × Charizard"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("line 3: skipped: base1-4 Charizard was not printed reverse holo"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(listed(second_).size(), 1u);

  EXPECT_EQ(add(second_, {"base1-999"}).exit_code, 1);
  CliRun not_collection = cardmint({"list", "--db", catalog_});
  EXPECT_EQ(not_collection.exit_code, 2);
  EXPECT_NE(not_collection.err.find("not a CardMint collection"), std::string::npos)
      << not_collection.err;
}

}  // namespace
