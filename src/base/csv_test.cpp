#include "base/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cardmint {
namespace {

using Fields = std::vector<std::string>;

TEST(Csv, RecordsKeepTheLineTheyStartOn) {
  Result<std::vector<CsvRecord>> records = read_csv_records(
      "\xEF\xBB\xBF"
      "a,b\r\n\n\"x\ny\",2\n  c , \"d \"\n");
  ASSERT_TRUE(records.ok()) << records.status().to_string();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].line, 1);
  EXPECT_EQ((*records)[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ((*records)[1].line, 3);
  EXPECT_EQ((*records)[1].fields, (Fields{"x\ny", "2"}));
  EXPECT_EQ((*records)[2].line, 5);
  EXPECT_EQ((*records)[2].fields, (Fields{"c", "d "}));
}

TEST(Csv, MalformedQuotesNameTheirLine) {
  Result<std::vector<CsvRecord>> open = read_csv_records("a\n\"b,c\nd\n");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(open.status().message(), "line 2: a quoted field is not closed");
  Result<std::vector<CsvRecord>> inside = read_csv_records("a\nb\"c\n");
  ASSERT_FALSE(inside.ok());
  EXPECT_TRUE(inside.status().message().starts_with("line 2: a quote inside"));
  Result<std::vector<CsvRecord>> after = read_csv_records("\"a\"b\n");
  ASSERT_FALSE(after.ok());
  EXPECT_TRUE(after.status().message().starts_with("line 1: text after"));
}

TEST(Csv, FieldsAreQuotedOnlyWhenTheReaderNeedsIt) {
  EXPECT_EQ(csv_field("Pikachu"), "Pikachu");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("Farfetch'd"), "Farfetch'd");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(" edge"), "\" edge\"");
  EXPECT_EQ(csv_line({"1", "a,b", ""}), "1,\"a,b\",\n");
}

TEST(Csv, WhatTheWriterWritesTheReaderReadsBack) {
  const Fields fields = {"Pokémon, \"Center\" Lady", " padded ", "", "x\r\ny", "plain"};
  Result<std::vector<CsvRecord>> records = read_csv_records(csv_line(fields) + csv_line(fields));
  ASSERT_TRUE(records.ok()) << records.status().to_string();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].fields, fields);
  EXPECT_EQ((*records)[1].fields, fields);
  EXPECT_EQ((*records)[1].line, 3);  // the first record spans two lines
}

}  // namespace
}  // namespace cardmint
