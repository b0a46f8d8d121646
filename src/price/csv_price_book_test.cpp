#include "price/csv_price_book.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "price/price_list_csv.h"

namespace cardmint::price {
namespace {

namespace fs = std::filesystem;

const fs::path kLists = fs::path(CARDMINT_PRICE_TESTDATA_DIR) / "price_lists";

// A folder of its own per test, removed after.
class CsvPriceBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cardmint-price-book-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<CsvPriceBook> open_book() {
    Result<std::unique_ptr<CsvPriceBook>> book = CsvPriceBook::open(dir_ / "sub" / "prices.sqlite");
    EXPECT_TRUE(book.ok()) << book.status().to_string();
    return book.ok() ? std::move(*book) : nullptr;
  }

  fs::path dir_;
};

const PriceQuote* find_printing(const CardPrices& prices, std::string_view printing) {
  for (const PriceQuote& q : prices.quotes) {
    if (q.printing_key == printing) return &q;
  }
  return nullptr;
}

TEST_F(CsvPriceBookTest, ImportsAListAndServesIt) {
  auto book = open_book();
  ASSERT_NE(book, nullptr);
  Result<PriceListImportStats> stats = book->import_csv(kLists / "shop.csv");
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->rows, 5u);
  EXPECT_EQ(stats->cards, 3u);

  Result<CardPrices> charizard = book->fetch("base1-4");
  ASSERT_TRUE(charizard.ok()) << charizard.status().to_string();
  ASSERT_EQ(charizard->quotes.size(), 2u);
  const PriceQuote* first = find_printing(*charizard, "first edition");  // a quoted field
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->source, "csv");
  EXPECT_EQ(first->currency, "USD");
  EXPECT_EQ(first->low, 9000.0);
  EXPECT_EQ(first->mid, 15000.0);
  EXPECT_FALSE(first->high);
  EXPECT_EQ(first->market, 16000.0);
  EXPECT_EQ(first->updated.size(), 20u) << first->updated;  // the import's UTC time
  EXPECT_TRUE(first->updated.ends_with('Z')) << first->updated;

  Result<CardPrices> exeggcute = book->fetch("swsh9-001");
  ASSERT_TRUE(exeggcute.ok());
  const PriceQuote* normal = find_printing(*exeggcute, "normal");
  ASSERT_NE(normal, nullptr);
  EXPECT_EQ(normal->currency, "USD");  // written "usd"
  EXPECT_EQ(normal->mid, 0.10);
  EXPECT_FALSE(normal->market);
  ASSERT_NE(find_printing(*exeggcute, "reverse holo"), nullptr);

  Result<CardPrices> quoted_number = book->fetch("sv03.5-001");
  ASSERT_TRUE(quoted_number.ok());
  EXPECT_EQ(quoted_number->quotes.at(0).market, 12.5);
  EXPECT_EQ(quoted_number->quotes.at(0).currency, "EUR");

  Result<CardPrices> unknown = book->fetch("base1-2");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST_F(CsvPriceBookTest, TheBookOutlivesTheProcessThatImportedIt) {
  ASSERT_TRUE(open_book()->import_csv(kLists / "shop.csv").ok());
  auto reopened = open_book();
  Result<CardPrices> charizard = reopened->fetch("base1-4");
  ASSERT_TRUE(charizard.ok()) << charizard.status().to_string();
  EXPECT_EQ(charizard->quotes.size(), 2u);
}

// A bad row anywhere leaves the book as it was: rows before it are not written either.
TEST_F(CsvPriceBookTest, ABadListChangesNothingAndNamesTheLine) {
  auto book = open_book();
  ASSERT_TRUE(book->import_csv(kLists / "shop.csv").ok());

  struct Case {
    const char* file;
    const char* says;
  };
  for (const Case& c : {Case{"bad_printing.csv", "line 4: printing \"reverse\""},
                        Case{"bad_price.csv", "line 3: mid \"$60\" is not a price"},
                        Case{"no_header.csv", "line 1: unknown column \"base1-4\""}}) {
    Result<PriceListImportStats> stats = book->import_csv(kLists / c.file);
    ASSERT_FALSE(stats.ok()) << c.file;
    EXPECT_EQ(stats.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(stats.status().message().find(c.says), std::string::npos) << stats.status().message();
    EXPECT_NE(stats.status().message().find(c.file), std::string::npos);

    Result<CardPrices> charizard = book->fetch("base1-4");
    ASSERT_TRUE(charizard.ok());
    EXPECT_EQ(find_printing(*charizard, "holo")->market, 380.0) << "the old list is intact";
    EXPECT_FALSE(book->fetch("base1-2").ok()) << "the good rows of the bad list are not in";
  }
}

TEST_F(CsvPriceBookTest, AnImportReplacesTheWholeList) {
  auto book = open_book();
  ASSERT_TRUE(book->import_csv(kLists / "shop.csv").ok());
  Result<PriceListImportStats> stats = book->import_csv_text(
      "card_id,printing,currency,low,mid,high,market\nbase1-2,holo,USD,,,,55\n");
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->rows, 1u);
  EXPECT_TRUE(book->fetch("base1-2").ok());
  EXPECT_EQ(book->fetch("base1-4").status().code(), StatusCode::kNotFound);
}

TEST_F(CsvPriceBookTest, AMissingFileIsUnavailable) {
  Result<PriceListImportStats> stats = open_book()->import_csv(dir_ / "no-such.csv");
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kUnavailable);
}

// The error of a list that must not parse; "" when it parsed.
std::string list_error(std::string_view text) {
  Result<std::vector<PriceListRow>> rows = parse_price_list_csv(text);
  if (rows.ok()) return "";
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidInput);
  return rows.status().message();
}

TEST(PriceListCsvTest, QuotedFieldsColumnOrderAndLineNumbers) {
  Result<std::vector<PriceListRow>> rows = parse_price_list_csv(
      "\xEF\xBB\xBF"
      "Market,Card_ID,printing,currency,low,mid,high\r\n"
      "\r\n"
      "\"1234.5\",\"a \"\"b\"\", c\",Reverse Holo,eur,,,\r\n"
      "  7 , x-1 ,normal,USD,1,2,3\n");
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].card_id, "a \"b\", c");
  EXPECT_EQ((*rows)[0].finish, catalog::Finish::kReverseHolo);
  EXPECT_EQ((*rows)[0].currency, "EUR");
  EXPECT_EQ((*rows)[0].market, 1234.5);
  EXPECT_EQ((*rows)[0].line, 3);
  EXPECT_EQ((*rows)[1].card_id, "x-1");  // unquoted fields are trimmed
  EXPECT_EQ((*rows)[1].market, 7.0);
  EXPECT_EQ((*rows)[1].line, 4);
}

TEST(PriceListCsvTest, AQuotedLineBreakCountsAsALine) {
  const std::string header = "card_id,printing,currency,low,mid,high,market\n";
  // A thousands separator inside quotes stays in the field, and is then no price.
  EXPECT_NE(list_error(header + "a-1,holo,USD,,,,\"1,234.5\"\n").find("line 2: market \"1,234.5\""),
            std::string::npos);
  // An error names the line its record starts on; lines after a quoted break count it.
  EXPECT_NE(list_error(header + "\"a\n1\",holo,USD,,,,1\n").find("line 2: card_id"),
            std::string::npos);
  EXPECT_NE(
      list_error(header + "a-1,\"holo\n\",USD,,,,1\na-2,holo,USD,,,,x\n").find("line 2: printing"),
      std::string::npos);
  EXPECT_NE(
      list_error(header + "a-1,holo,\"USD\",,,,1\n\"a-2\",\"ho\nlo\",USD,,,,1\na-3,holo,USD,,,,x\n")
          .find("line 3: printing"),
      std::string::npos);
}

TEST(PriceListCsvTest, EachProblemNamesItsLine) {
  const std::string header = "card_id,printing,currency,low,mid,high,market\n";
  EXPECT_NE(list_error(""), "");
  EXPECT_NE(list_error("card_id,printing,currency,low,mid,high\n").find("no \"market\" column"),
            std::string::npos);
  EXPECT_NE(
      list_error("card_id,card_id,printing,currency,low,mid,high,market\n").find("appears twice"),
      std::string::npos);
  EXPECT_NE(list_error(header + "a-1,holo,USD,1,2,3\n").find("line 2: 6 fields"),
            std::string::npos);
  EXPECT_NE(list_error(header + "a-1,holo,USD,1,,3,\n").find("line 2: give a market or a mid"),
            std::string::npos);
  EXPECT_NE(list_error(header + "a-1,holo,US,,,,1\n").find("line 2: currency \"US\""),
            std::string::npos);
  EXPECT_NE(list_error(header + ",holo,USD,,,,1\n").find("line 2: card_id"), std::string::npos);
  EXPECT_NE(list_error(header + "a-1,holo,USD,,,,-1\n").find("line 2: market \"-1\""),
            std::string::npos);
  EXPECT_NE(list_error(header + "a-1,holo,USD,,,,1e3\n").find("line 2: market"), std::string::npos);
  EXPECT_NE(list_error(header + "a-1,holo,USD,,,,1\n\na-1,holo,USD,,,,2\n")
                .find("line 4: a-1 holo is already priced on line 2"),
            std::string::npos);
  EXPECT_NE(list_error(header + "a-1,holo,USD,,,,1\n\"a-2,holo,USD,,,,2\n")
                .find("line 3: a quoted field is not closed"),
            std::string::npos);
  EXPECT_NE(list_error(header + "a-1,ho\"lo,USD,,,,1\n").find("line 2: a quote inside"),
            std::string::npos);
  EXPECT_NE(list_error(header + "\"a-1\"x,holo,USD,,,,1\n").find("line 2: text after"),
            std::string::npos);
}

TEST(PriceListCsvTest, AHeaderAloneIsAnEmptyList) {
  Result<std::vector<PriceListRow>> rows =
      parse_price_list_csv("card_id,printing,currency,low,mid,high,market");
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  EXPECT_TRUE(rows->empty());
}

}  // namespace
}  // namespace cardmint::price
