#include "base/json_nesting.h"

#include <gtest/gtest.h>

#include <string>

namespace cardmint {
namespace {

TEST(JsonNestingTest, CountsArraysAndObjectsNotScalars) {
  EXPECT_EQ(json_nesting_depth("42"), 0);
  EXPECT_EQ(json_nesting_depth(""), 0);
  EXPECT_EQ(json_nesting_depth(R"({"name": "Pikachu", "number": "58/102"})"), 1);
  EXPECT_EQ(json_nesting_depth(R"({"a": [1, {"b": []}], "c": {}})"), 4);
}

TEST(JsonNestingTest, BracketsInsideStringsDoNotCount) {
  EXPECT_EQ(json_nesting_depth(R"({"name": "[[[{{{"})"), 1);
  // An escaped quote does not end the string, so the brackets after it are still inside.
  EXPECT_EQ(json_nesting_depth(R"({"name": "say \"[[[\" twice"})"), 1);
  // An escaped backslash does end before the quote, so the string closes there.
  EXPECT_EQ(json_nesting_depth(R"({"a": "\\", "b": [[]]})"), 3);
}

TEST(JsonNestingTest, ADeepDocumentIsMeasuredWithoutRecursion) {
  const int deep = 1'000'000;
  const std::string text = std::string(deep, '[') + std::string(deep, ']');
  EXPECT_EQ(json_nesting_depth(text), deep);
  // Unbalanced text still gets a number; closing more than was opened never goes negative.
  EXPECT_EQ(json_nesting_depth("]]]][[{"), 3);
}

}  // namespace
}  // namespace cardmint
