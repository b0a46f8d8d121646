#include "collection/collection_formats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/csv.h"
#include "catalog/test_catalog.h"
#include "collection/card_facts.h"

namespace cardmint::collection {
namespace {

using catalog::testing::real_catalog;
using Fields = std::vector<std::string>;

const std::string kTcgplayerHeader =
    "Quantity,Name,Simple Name,Set,Card Number,Set Code,Printing,Condition,Language,Rarity,"
    "Product ID,SKU\n";
const std::string kDragonShieldHeader =
    "Folder Name,Quantity,Trade Quantity,Card Name,Set Code,Set Name,Card Number,Condition,"
    "Printing,Language,Price Bought,Date Bought,LOW,MID,MARKET\n";

// An entry as Collection::add() makes it, without a collection file.
CollectionEntry entry(const std::string& card_id, const std::string& finish,
                      const std::string& condition = "near mint", int quantity = 1) {
  Result<CardFacts> facts = card_facts(real_catalog(), card_id, finish);
  EXPECT_TRUE(facts.ok()) << card_id << ": " << facts.status().to_string();
  if (!facts.ok()) return {};
  CollectionEntry e = facts->entry;
  e.id = 1;
  e.condition = condition;
  e.quantity = quantity;
  e.first_added_utc = "2026-12-05T18:30:00Z";
  e.last_added_utc = "2026-12-06T09:00:00Z";
  return e;
}

// The fields of the data rows (the header and a "sep=," line left out).
std::vector<Fields> data_rows(const std::string& text, std::size_t skip) {
  Result<std::vector<CsvRecord>> records = read_csv_records(text);
  EXPECT_TRUE(records.ok()) << records.status().to_string();
  std::vector<Fields> rows;
  if (!records.ok()) return rows;
  for (std::size_t i = skip; i < records->size(); ++i) rows.push_back((*records)[i].fields);
  return rows;
}

TEST(TcgplayerExport, TheHeaderIsTcgplayersColumns) {
  EXPECT_EQ(write_export(ExportFormat::kTcgplayer, {}), kTcgplayerHeader);
}

TEST(TcgplayerExport, ARowHoldsTheCardAsTcgplayerNamesIt) {
  const catalog::Card card = *real_catalog().get_card("swsh9tg-TG05");
  const catalog::CardSet set = *real_catalog().get_set("swsh9tg");
  ASSERT_FALSE(card.tcgplayer_ids.empty());
  const std::string text =
      write_export(ExportFormat::kTcgplayer, {entry("swsh9tg-TG05", "holo", "lightly played", 2)});
  ASSERT_TRUE(text.starts_with(kTcgplayerHeader));
  const std::vector<Fields> rows = data_rows(text, 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Fields{"2", card.name, card.name, set.name, "TG05/TG30", "BRS:TG", "Holofoil",
                             "Lightly Played", "English", card.rarity.value_or(""),
                             std::to_string(card.tcgplayer_ids.front()), ""}));
}

TEST(TcgplayerExport, PrintingsConditionsAndNumbersAsTcgplayerWritesThem) {
  const catalog::CardSet sm3 = *real_catalog().get_set("sm3");
  const std::vector<Fields> rows = data_rows(
      write_export(ExportFormat::kTcgplayer,
                   {entry("base1-4", "first edition", "mint"), entry("base1-58", "first edition"),
                    entry("sm3-40", "reverse holo", "damaged"), entry("basep-1", "normal"),
                    entry("swshp-SWSH001", "holo", "heavily played")}),
      1);
  ASSERT_EQ(rows.size(), 5u);
  const auto column = [&](std::size_t i) {
    std::vector<std::string> out;
    for (const Fields& r : rows) out.push_back(r[i]);
    return out;
  };
  EXPECT_EQ(column(4), (Fields{"4/102", "58/102", "40/" + std::to_string(sm3.official_count), "1",
                               "SWSH001"}));
  EXPECT_EQ(column(6), (Fields{"1st Edition Holofoil", "1st Edition", "Reverse Holofoil", "Normal",
                               "Holofoil"}));
  // TCGplayer has no Mint grade.
  EXPECT_EQ(column(7),
            (Fields{"Near Mint", "Near Mint", "Damaged", "Near Mint", "Heavily Played"}));
  EXPECT_EQ(rows[4][10], "");  // no TCGplayer product for this promo in the catalog
}

TEST(TcgplayerExport, SimpleNameFoldsAccents) {
  CollectionEntry e = entry("base1-76", "normal");
  ASSERT_EQ(e.name, "Pokémon Breeder");
  e.name = "Flabébé ★";
  CollectionEntry curly = entry("bog-4", "normal");
  const std::vector<Fields> rows =
      data_rows(write_export(ExportFormat::kTcgplayer, {entry("base1-76", "normal"), e, curly}), 1);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][2], "Pokemon Breeder");
  EXPECT_EQ(rows[1][2], "Flabebe");
  EXPECT_EQ(curly.name, "Rocket’s Scizor");
  EXPECT_EQ(rows[2][2], "Rocket's Scizor");
}

TEST(CsvExport, FieldsWithCommasAndQuotesAreQuoted) {
  CollectionEntry e = entry("base1-76", "normal");
  e.name = "Pokémon Breeder, \"Shadowless\"";
  const std::string text = write_export(ExportFormat::kTcgplayer, {e});
  EXPECT_NE(text.find("\n1,\"Pokémon Breeder, \"\"Shadowless\"\"\",\"Pokemon Breeder, "
                      "\"\"Shadowless\"\"\",Base Set,76/102,BS,Normal,"),
            std::string::npos)
      << text;
  for (ExportFormat format :
       {ExportFormat::kTcgplayer, ExportFormat::kDragonShield, ExportFormat::kPlainCsv}) {
    const std::vector<Fields> rows =
        data_rows(write_export(format, {e}), format == ExportFormat::kDragonShield ? 2 : 1);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_NE(std::find(rows[0].begin(), rows[0].end(), e.name), rows[0].end())
        << export_format_name(format);
  }
}

TEST(DragonShieldExport, StartsWithItsSeparatorLineAndHeader) {
  EXPECT_EQ(write_export(ExportFormat::kDragonShield, {}), "sep=,\n" + kDragonShieldHeader);
  CollectionEntry e = entry("sm3-40", "reverse holo", "moderately played", 3);
  e.price = 0.25;
  const std::vector<Fields> rows = data_rows(write_export(ExportFormat::kDragonShield, {e}), 2);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0],
            (Fields{"CardMint", "3", "0", e.name, e.set_code, e.set_name, "40", "LightPlayed",
                    "Reverse Holo", "English", "", "2026-12-05", "", "", "0.25"}));
}

TEST(PlainExport, EveryFieldOfAnEntryUnderItsOwnName) {
  CollectionEntry e = entry("base1-4", "holo", "mint", 2);
  e.price = 12.5;
  e.session_id = "binder 1";
  const std::string text = write_export(ExportFormat::kPlainCsv, {e});
  EXPECT_TRUE(text.starts_with(
      "id,card_id,finish,condition,language,quantity,name,set_id,set_name,set_code,number,"
      "printed_total,rarity,tcgplayer_product_id,holofoil,price,session_id,first_added_utc,"
      "last_added_utc\n"));
  const std::vector<Fields> all = data_rows(text, 0);
  ASSERT_EQ(all.size(), 2u);
  const nlohmann::json j = entry_json(e);
  ASSERT_EQ(all[0].size(), j.size());
  for (std::size_t i = 0; i < all[0].size(); ++i) {
    const nlohmann::json& value = j.at(all[0][i]);
    const std::string expected = value.is_string() ? value.get<std::string>() : value.dump();
    EXPECT_EQ(all[1][i], expected) << all[0][i];
  }
}

TEST(JsonExport, EntriesAndTheirSummary) {
  CollectionEntry priced = entry("base1-4", "holo", "near mint", 2);
  priced.price = 10;
  const nlohmann::json j = nlohmann::json::parse(
      write_export(ExportFormat::kJson, {priced, entry("sm3-40", "normal", "damaged", 3)}));
  ASSERT_EQ(j.size(), 2u);
  ASSERT_EQ(j.at("entries").size(), 2u);
  // The plain CSV's columns: every field of an entry (PlainExport checks them one by one).
  const std::vector<Fields> header = data_rows(write_export(ExportFormat::kPlainCsv, {}), 0);
  ASSERT_EQ(header.size(), 1u);
  const std::set<std::string> fields(header[0].begin(), header[0].end());
  std::set<std::string> keys;
  for (const auto& [key, value] : j["entries"][0].items()) keys.insert(key);
  EXPECT_EQ(keys, fields);
  EXPECT_EQ(j["entries"][0]["price"], 10.0);
  EXPECT_TRUE(j["entries"][1]["price"].is_null());
  EXPECT_EQ(j["entries"][1]["quantity"], 3);
  EXPECT_EQ(
      j["summary"],
      (nlohmann::json{{"entries", 2}, {"cards", 5}, {"total_value", 20.0}, {"priced_entries", 1}}));
  Result<CollectionEntry> back = entry_from_json(j["entries"][0]);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(entry_json(*back), j["entries"][0]);
  EXPECT_EQ(entry_from_json(nlohmann::json{{"id", 1}}).status().code(), StatusCode::kInternal);
}

TEST(ExportFormatNames, ParseAndName) {
  for (ExportFormat f : {ExportFormat::kTcgplayer, ExportFormat::kDragonShield,
                         ExportFormat::kPlainCsv, ExportFormat::kJson}) {
    EXPECT_EQ(parse_export_format(export_format_name(f)), f);
  }
  EXPECT_EQ(parse_export_format("Dragon-Shield"), ExportFormat::kDragonShield);
  EXPECT_EQ(parse_export_format("plain"), ExportFormat::kPlainCsv);
  EXPECT_FALSE(parse_export_format("xlsx").has_value());
  EXPECT_EQ(export_content_type(ExportFormat::kJson), "application/json");
  EXPECT_EQ(export_content_type(ExportFormat::kTcgplayer), "text/csv; charset=utf-8");
  EXPECT_EQ(export_file_extension(ExportFormat::kDragonShield), "csv");
}

// What an export of these entries should import as in `format`: what that format keeps.
AddRequest expected_request(const CollectionEntry& e, ExportFormat format) {
  AddRequest r;
  r.card_id = e.card_id;
  r.finish = e.finish;
  r.condition = e.condition;
  r.language = e.language;
  r.quantity = e.quantity;
  if (format == ExportFormat::kTcgplayer && r.condition == "mint") r.condition = "near mint";
  if (format != ExportFormat::kTcgplayer) r.price = e.price;
  if (format == ExportFormat::kPlainCsv) r.session_id = e.session_id;
  return r;
}

void expect_same(const AddRequest& got, const AddRequest& want, const std::string& where) {
  EXPECT_EQ(got.card_id, want.card_id) << where;
  EXPECT_EQ(got.finish, want.finish) << where;
  EXPECT_EQ(got.condition, want.condition) << where;
  EXPECT_EQ(got.language, want.language) << where;
  EXPECT_EQ(got.quantity, want.quantity) << where;
  EXPECT_EQ(got.price, want.price) << where;
  EXPECT_EQ(got.session_id, want.session_id) << where;
}

TEST(ImportRoundTrip, EachCsvFormatReadsBackWhatItWrote) {
  std::vector<CollectionEntry> entries = {
      entry("basep-1", "normal", "lightly played", 2),      // a promo: no total
      entry("swsh9tg-TG05", "holo", "mint"),                // a Trainer Gallery card
      entry("sm3-40", "reverse holo", "damaged", 4),        // a reverse holo
      entry("base1-4", "first edition", "heavily played"),  // 1st Edition Holofoil
      entry("base1-58", "first edition"),                   // 1st Edition, not holo
      entry("base1-76", "normal", "moderately played"),     // an accent
      entry("base1-27", "normal"),                          // Farfetch'd
      entry("bog-4", "normal"),                             // a curly apostrophe
      entry("swshp-SWSH001", "holo")};                      // a promo without a product id
  entries[0].price = 3.5;
  entries[2].price = 0.1;
  entries[1].session_id = "binder, \"blue\"";
  entries[3].language = "Japanese";
  // TCGplayer's kind of name, with words after the card's: quoted in the file, and still the card.
  entries[5].name = "Pokémon Breeder - 76/102, \"Shadowless\"";
  for (ExportFormat format :
       {ExportFormat::kTcgplayer, ExportFormat::kDragonShield, ExportFormat::kPlainCsv}) {
    const std::string text = write_export(format, entries);
    Result<ImportFile> file = read_import(text, real_catalog());
    ASSERT_TRUE(file.ok()) << export_format_name(format) << ": " << file.status().to_string();
    EXPECT_EQ(file->format, format);
    ASSERT_EQ(file->rows.size(), entries.size()) << export_format_name(format);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const ImportRow& row = file->rows[i];
      const std::string where = std::string(export_format_name(format)) + " " + entries[i].card_id;
      EXPECT_EQ(row.line, static_cast<int>(i) + (format == ExportFormat::kDragonShield ? 3 : 2))
          << where;
      ASSERT_TRUE(row.request.has_value()) << where << ": " << row.error;
      expect_same(*row.request, expected_request(entries[i], format), where);
    }
  }
}

TEST(Import, RowsThatFindNoCardAreReportedWithTheirLines) {
  const catalog::Card charizard = *real_catalog().get_card("base1-4");
  const std::string text =
      kTcgplayerHeader +
      "1,Charizard,Charizard,Base Set,4/102,BS,Holofoil,Near Mint,English,Rare,,\n"      // 2: good
      "1,Charizard,Charizard,No Such Set,4/102,,Holofoil,Near Mint,English,Rare,,\n"     // 3
      "1,Charizard,Charizard,Base Set,999/102,BS,Holofoil,Near Mint,English,,,\n"        // 4
      "1,Charizard,Charizard,Base Set,4/102,BS,Reverse Holofoil,Near Mint,English,,,\n"  // 5
      "1,Charizard,Charizard,Base Set,4/102,BS,Holofoil,Mint-ish,English,,,\n"           // 6
      "0,Charizard,Charizard,Base Set,4/102,BS,Holofoil,Near Mint,English,,,\n"          // 7
      "1,Charizard,Charizard,Base Set,4/102,BS,Holofoil,Near Mint,English,,1,\n"         // 8
      "1,Blastoise,Blastoise,Base Set,4/102,BS,Holofoil,Near Mint,English,,,\n"          // 9
      "1,Charizard,Charizard,Base Set,4/103,BS,Holofoil,Near Mint,English,,,\n"          // 10
      "1,Charizard,Charizard,Base Set,4/102,BS,Holofoil,Near Mint,Klingon,,,\n"          // 11
      "1,Charizard,Charizard,Base Set,4/102,BS\n"                                        // 12
      "1,Charizard,Charizard,Base Set,4/102,BS,Foil,Near Mint,English,,,\n";             // 13
  Result<ImportFile> file = read_import(text, real_catalog());
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ(file->format, ExportFormat::kTcgplayer);
  ASSERT_EQ(file->rows.size(), 12u);
  ASSERT_TRUE(file->rows[0].request.has_value()) << file->rows[0].error;
  EXPECT_EQ(file->rows[0].request->card_id, charizard.id);
  EXPECT_EQ(file->rows[0].request->finish, "holo");
  const std::vector<std::string> reasons = {
      "no set",   "no card 999",  "not printed reverse holo", "condition \"Mint-ish\"",
      "quantity", "Product ID 1", "names Blastoise",          "prints 4/102",
      "language", "6 fields",     "printing \"Foil\""};
  for (std::size_t i = 1; i < file->rows.size(); ++i) {
    const ImportRow& row = file->rows[i];
    EXPECT_EQ(row.line, static_cast<int>(i) + 2);
    EXPECT_FALSE(row.request.has_value()) << row.line;
    EXPECT_NE(row.error.find(reasons[i - 1]), std::string::npos)
        << "line " << row.line << ": " << row.error;
  }
}

TEST(Import, ASeparatorLineAndAByteOrderMarkAreSkipped) {
  const std::string text = "\xEF\xBB\xBFsep=,\r\n" + kDragonShieldHeader +
                           "CardMint,2,0,Pikachu,BS,Base Set,58,Good,1st Edition,English,,,,,\n";
  Result<ImportFile> file = read_import(text, real_catalog());
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ(file->format, ExportFormat::kDragonShield);
  ASSERT_EQ(file->rows.size(), 1u);
  EXPECT_EQ(file->rows[0].line, 3);
  ASSERT_TRUE(file->rows[0].request.has_value()) << file->rows[0].error;
  EXPECT_EQ(file->rows[0].request->card_id, "base1-58");
  EXPECT_EQ(file->rows[0].request->finish, "first edition");
  EXPECT_EQ(file->rows[0].request->condition, "lightly played");
  EXPECT_EQ(file->rows[0].request->quantity, 2);
}

TEST(Import, AFileThatIsNoneOfTheFormatsIsInvalidInput) {
  for (const std::string& text :
       {std::string("card,count\nbase1-4,1\n"), std::string(""), std::string("sep=,\n"),
        std::string("card_id,finish\nbase1-4,holo\n"),  // plain, without its other columns
        kTcgplayerHeader + "1,\"Charizard,Charizard\n"}) {
    Result<ImportFile> file = read_import(text, real_catalog());
    ASSERT_FALSE(file.ok()) << text;
    EXPECT_EQ(file.status().code(), StatusCode::kInvalidInput) << text;
    EXPECT_FALSE(file.status().message().empty());
  }
  Result<ImportFile> unknown = read_import("card,count\nbase1-4,1\n", real_catalog());
  EXPECT_TRUE(unknown.status().message().starts_with("line 1: ")) << unknown.status().message();
  Result<ImportFile> open = read_import(kTcgplayerHeader + "1,\"Charizard\n", real_catalog());
  EXPECT_EQ(open.status().message(), "line 2: a quoted field is not closed");
}

TEST(Import, APlainRowNamesItsCardById) {
  CollectionEntry e = entry("sm3-40", "normal");
  std::string text = write_export(ExportFormat::kPlainCsv, {e});
  e.card_id = "sm3-999";
  text += write_export(ExportFormat::kPlainCsv, {e}).substr(text.find('\n') + 1);
  Result<ImportFile> file = read_import(text, real_catalog());
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  ASSERT_EQ(file->rows.size(), 2u);
  EXPECT_TRUE(file->rows[0].request.has_value()) << file->rows[0].error;
  EXPECT_FALSE(file->rows[1].request.has_value());
  EXPECT_EQ(file->rows[1].error, "no card sm3-999 in the catalog");
}

}  // namespace
}  // namespace cardmint::collection
