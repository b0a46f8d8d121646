#include "catalog/collector_number.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace cardmint::catalog {
namespace {

TEST(NormalizeCollectorNumber, DropsLeadingZerosOfTheDigitRunAndKeepsLetters) {
  EXPECT_EQ(normalize_collector_number("058"), "58");
  EXPECT_EQ(normalize_collector_number("58"), "58");
  EXPECT_EQ(normalize_collector_number("TG05"), "TG5");
  EXPECT_EQ(normalize_collector_number("SWSH050"), "SWSH50");
  EXPECT_EQ(normalize_collector_number("SV107"), "SV107");
  EXPECT_EQ(normalize_collector_number("74a"), "74A");
  EXPECT_EQ(normalize_collector_number("RC12"), "RC12");
  EXPECT_EQ(normalize_collector_number("H05"), "H5");
  EXPECT_EQ(normalize_collector_number("sv001"), "SV1");
  EXPECT_EQ(normalize_collector_number("XY05a"), "XY5A");
}

TEST(NormalizeCollectorNumber, KeepsASingleZeroAndNumbersWithoutDigits) {
  EXPECT_EQ(normalize_collector_number("000"), "0");
  EXPECT_EQ(normalize_collector_number("0"), "0");
  EXPECT_EQ(normalize_collector_number("ONE"), "ONE");
  EXPECT_EQ(normalize_collector_number("?"), "?");
  EXPECT_EQ(normalize_collector_number(""), "");
}

TEST(NormalizeCollectorNumber, JapanesePromoMarkStaysPartOfTheNumber) {
  // Separators go, the "P" stays: SM-P 60 is not the English promo SM60.
  EXPECT_EQ(normalize_collector_number("SM-P 60"), "SMP60");
  EXPECT_NE(normalize_collector_number("SM-P 60"), normalize_collector_number("SM60"));
  EXPECT_EQ(normalize_collector_number(" 58 "), "58");
}

TEST(NumberPrefix, IsTheLettersBeforeTheDigits) {
  EXPECT_EQ(number_prefix("TG5"), "TG");
  EXPECT_EQ(number_prefix("58"), "");
  EXPECT_EQ(number_prefix("74A"), "");
  EXPECT_EQ(number_prefix("ONE"), "");
}

TEST(CollectorOrder, PlainNumbersByValueThenEachPrefixedRun) {
  const NumberPlace tg = number_place("TG5");
  EXPECT_EQ(tg.prefix, "TG");
  EXPECT_EQ(tg.value, 5);
  EXPECT_EQ(tg.suffix, "");
  const NumberPlace alt = number_place("74A");
  EXPECT_EQ(alt.prefix, "");
  EXPECT_EQ(alt.value, 74);
  EXPECT_EQ(alt.suffix, "A");
  EXPECT_FALSE(number_place("ONE").value.has_value());

  std::vector<std::string> numbers = {"RC10", "10", "ONE", "2", "74A", "RC2", "74", "H1", "?"};
  std::sort(numbers.begin(), numbers.end(), collector_order_less);
  EXPECT_EQ(numbers,
            (std::vector<std::string>{"2", "10", "74", "74A", "H1", "RC2", "RC10", "?", "ONE"}));
}

struct LineCase {
  const char* line;
  const char* number;
  std::optional<int> total;
  const char* total_prefix;
};

// Names the case by its line in test listings (ctest shows the parameter).
void PrintTo(const LineCase& c, std::ostream* os) { *os << '"' << c.line << '"'; }

class ParseNumberLine : public ::testing::TestWithParam<LineCase> {};

TEST_P(ParseNumberLine, FindsNumberAndTotal) {
  const LineCase& c = GetParam();
  std::optional<PrintedNumber> parsed = parse_number_line(c.line);
  ASSERT_TRUE(parsed.has_value()) << c.line;
  EXPECT_EQ(parsed->number, c.number) << c.line;
  EXPECT_EQ(parsed->total, c.total) << c.line;
  EXPECT_EQ(parsed->total_prefix, c.total_prefix) << c.line;
}

INSTANTIATE_TEST_SUITE_P(
    PrintedLines, ParseNumberLine,
    ::testing::Values(LineCase{"58/102", "58", 102, ""}, LineCase{"058/102", "58", 102, ""},
                      LineCase{"TG05/TG30", "TG5", 30, "TG"}, LineCase{"SWSH050", "SWSH50", {}, ""},
                      LineCase{"SV107/SV122", "SV107", 122, "SV"},
                      LineCase{"201/198", "201", 198, ""}, LineCase{"RC12/RC32", "RC12", 32, "RC"},
                      LineCase{"H5/H32", "H5", 32, "H"}, LineCase{"50a/147", "50A", 147, ""}));

INSTANTIATE_TEST_SUITE_P(
    OcrNoise, ParseNumberLine,
    ::testing::Values(LineCase{"58 / 102", "58", 102, ""},  // spaces around the slash
                      LineCase{"58/1O2", "58", 102, ""},    // O read for 0 between digits
                      LineCase{"58/lO2", "58", 102, ""},    // l and O at the start of the total
                      LineCase{"5l/102", "51", 102, ""},    // l at the end of the number
                      LineCase{"O58/102", "58", 102, ""},   // leading O of a zero-padded number
                      LineCase{"58/102 ★", "58", 102, ""},  // rarity symbol after it
                      LineCase{"  58/102 Rare!!", "58", 102, ""},  // words after it
                      LineCase{"Illus. 5ban Graphics 58/102", "58", 102, ""},
                      LineCase{"©2021 Pokémon / Nintendo 58/102", "58", 102,
                               ""},                        // an earlier slash in text
                      LineCase{"58／102", "58", 102, ""},  // fullwidth slash
                      LineCase{"SWSH050 ©2020 Pokémon", "SWSH50", {}, ""},
                      LineCase{"©1999 Wizards 24", "24", {}, ""},  // a year is not a number
                      LineCase{"Graphics58/102", "58", 102, ""},   // text glued to the number
                      LineCase{"SWSHO50", "SWSH50", {}, ""},  // O for the zero after the prefix
                      LineCase{"TGO5/TG3O", "TG5", 30, "TG"},
                      LineCase{"PBL EN044/084", "44", 84, ""},  // language mark glued on
                      LineCase{"PBL EN 044/084", "44", 84, ""},
                      // a set code glued to a subset number, its first letter lost or not
                      LineCase{"RSTG18/TG30'", "TG18", 30, "TG"},
                      LineCase{"BYSHFSV110/SV122 %&", "SV110", 122, "SV"}));

TEST(ParseNumberLine, LettersOnlyNumbersBeforeATotal) {
  for (const LineCase& c : {LineCase{"J/28", "J", 28, ""}, LineCase{"! / 28", "!", 28, ""},
                            LineCase{"?/28", "?", 28, ""}, LineCase{"ONE/123", "ONE", 123, ""}}) {
    std::optional<PrintedNumber> parsed = parse_number_line(c.line);
    ASSERT_TRUE(parsed.has_value()) << c.line;
    EXPECT_EQ(parsed->number, c.number) << c.line;
    EXPECT_EQ(parsed->total, c.total) << c.line;
  }
  // Words before a slash without a numeric total are not numbers.
  EXPECT_FALSE(parse_number_line("Pokémon / Nintendo").has_value());
}

TEST(ParseNumberLine, ALetterAloneOnItsLineIsAnUnownNumber) {
  // The Unseen Forces Unown print only their letter, read with the rarity mark beside it.
  for (const auto& [line, number] :
       {std::pair{"G*®", "G"}, std::pair{"N *", "N"}, std::pair{" L ", "L"}}) {
    std::optional<PrintedNumber> parsed = parse_number_line(line);
    ASSERT_TRUE(parsed.has_value()) << line;
    EXPECT_EQ(parsed->number, number) << line;
    EXPECT_FALSE(parsed->total.has_value()) << line;
  }
  // A letter among words, two letters, or a small letter is no number.
  EXPECT_FALSE(parse_number_line("Illus. K Sugimori").has_value());
  EXPECT_FALSE(parse_number_line("K Sugimori").has_value());
  EXPECT_FALSE(parse_number_line("GY").has_value());
  EXPECT_FALSE(parse_number_line("g *").has_value());
}

TEST(ParseNumberLine, KeepsANonNumericDenominatorAsAMark) {
  std::optional<PrintedNumber> parsed = parse_number_line("123/S-P");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->number, "123");
  EXPECT_FALSE(parsed->total.has_value());
  EXPECT_EQ(parsed->total_mark, "S-P");
}

TEST(ParseNumberLine, ReturnsNothingWithoutANumber) {
  EXPECT_FALSE(parse_number_line("").has_value());
  EXPECT_FALSE(parse_number_line("Illus. Ken Sugimori").has_value());
  EXPECT_FALSE(parse_number_line("©2020 Pokémon").has_value());
  EXPECT_FALSE(parse_number_line("/").has_value());
}

TEST(ParseNumberLine, SuffixLettersStayButWordsAreNotSuffixes) {
  std::optional<PrintedNumber> suffix = parse_number_line("74a");
  ASSERT_TRUE(suffix.has_value());
  EXPECT_EQ(suffix->number, "74A");
  std::optional<PrintedNumber> word = parse_number_line("5ban 12");
  ASSERT_TRUE(word.has_value());
  EXPECT_EQ(word->number, "12");
}

TEST(PrintedNumberForms, NumberOverTheTotalWithAndWithoutPadding) {
  const std::vector<std::string> forms = printed_number_forms("58", true, 102, std::nullopt);
  EXPECT_NE(std::find(forms.begin(), forms.end(), "58/102"), forms.end());
  EXPECT_NE(std::find(forms.begin(), forms.end(), "058/102"), forms.end());
  // A bare "58" would be found in "158/102" and in any line with a 58 in it.
  EXPECT_EQ(std::find(forms.begin(), forms.end(), "58"), forms.end());
  std::vector<std::string> sorted = forms;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
}

TEST(PrintedNumberForms, PrefixedNumbersOverTheirSubsetAndAlone) {
  const std::vector<std::string> gallery = printed_number_forms("TG5", true, 30, 30);
  EXPECT_NE(std::find(gallery.begin(), gallery.end(), "TG05/TG30"), gallery.end());
  EXPECT_NE(std::find(gallery.begin(), gallery.end(), "TG5"), gallery.end());
  const std::vector<std::string> promo = printed_number_forms("SWSH50", false, 0, std::nullopt);
  EXPECT_NE(std::find(promo.begin(), promo.end(), "SWSH050"), promo.end());
  EXPECT_TRUE(std::none_of(promo.begin(), promo.end(),
                           [](const std::string& f) { return f.find('/') != f.npos; }));
  EXPECT_EQ(printed_number_forms("ONE", false, 0, std::nullopt), std::vector<std::string>{"ONE"});
}

TEST(WithoutCopyrightYears, DropsTheNoticesYearAndKeepsTheNumber) {
  auto squeezed = [](std::string s) {
    std::erase(s, ' ');
    return s;
  };
  EXPECT_EQ(squeezed(without_copyright_years("(c)1999 Nint")), "Nint");
  EXPECT_EQ(squeezed(without_copyright_years("©2023 Pokémon / Nintendo")), "Pokémon/Nintendo");
  EXPECT_EQ(squeezed(without_copyright_years("(6)1999 Nintendo 58/102")), "Nintendo58/102");
  EXPECT_EQ(squeezed(without_copyright_years("58/102 1999-2000 Wizards")),
            "58/1021999-2000Wizards");
  EXPECT_EQ(squeezed(without_copyright_years("2021 Pokemon 025/198")), "Pokemon025/198");
  // No notice: digits stay, even year-like ones ("20/23" that lost its slash).
  EXPECT_EQ(without_copyright_years("EM 2023 x"), "EM 2023 x");
  EXPECT_EQ(without_copyright_years("TG05/TG30"), "TG05/TG30");
  // The classic notice's year list, its mark and first year misread: no number in it.
  EXPECT_EQ(without_copyright_years("8, 24, 99."), "");
  EXPECT_EQ(without_copyright_years("9/1994, 18, 99, 08 tar"), "tar");
  EXPECT_EQ(squeezed(without_copyright_years("©1995, 96, 98, 99 Nintendo 58/102")),
            ",Nintendo58/102");
  // A comma alone, or one the OCR put for a slash, is no list.
  EXPECT_EQ(without_copyright_years("58,102"), "58,102");
  EXPECT_EQ(without_copyright_years("Illus. Ken Sugimori, 58/102"), "Illus. Ken Sugimori, 58/102");
  // What the year's digits would otherwise give: a promo "1".
  EXPECT_FALSE(number_line_alternatives("(c)1999 Nint").empty());
  EXPECT_TRUE(number_line_alternatives(without_copyright_years("(c)1999 Nint")).empty());
}

TEST(NumberLineAlternatives, TurnsConfusedLettersIntoDigitsInNumericTokens) {
  const std::vector<std::string> alternatives = number_line_alternatives("Illus. ZA/1OZ");
  ASSERT_FALSE(alternatives.empty());
  EXPECT_EQ(alternatives[0], "Illus. 24/102");  // "Illus." holds no digit and stays a word
  EXPECT_EQ(parse_number_line(alternatives[0])->number, "24");
}

TEST(NumberLineAlternatives, SplitsADigitRunThatLostItsSlash) {
  const std::vector<std::string> alternatives = number_line_alternatives("AQ 2147 @");
  EXPECT_NE(std::find(alternatives.begin(), alternatives.end(), "AQ 21/47 @"), alternatives.end());
  EXPECT_NE(std::find(alternatives.begin(), alternatives.end(), "AQ 2/147 @"), alternatives.end());
  EXPECT_NE(std::find(alternatives.begin(), alternatives.end(), "AQ 214/7 @"), alternatives.end());
  // Numbers and totals print at most three digits, a total never with a leading zero: a junk run
  // from the copyright line ("91006;") offers none of "9/1006", "91/006", "910/06", "9100/6".
  for (const std::string& a : number_line_alternatives("91006; 06) Dh")) {
    for (const char* bad : {"9/1006", "91/006", "910/06", "9100/6"})
      EXPECT_EQ(a.find(bad), a.npos) << a;
  }
  // A line that kept its slash is not re-split, and one without numbers has nothing to offer.
  for (const std::string& a : number_line_alternatives("58/102")) EXPECT_EQ(a.find("//"), a.npos);
  EXPECT_TRUE(number_line_alternatives("Illus. Ken Sugimori").empty());
}

TEST(NumberLineAlternatives, DropsAFourthDigitAtTheOuterEnds) {
  // Seen on a generated Escape Rope (114/147): its set symbol read as a "1", the rarity dot as "9".
  const std::vector<std::string> both = number_line_alternatives("(2) 1114/1479");
  ASSERT_NE(std::find(both.begin(), both.end(), "(2) 114/147"), both.end());
  EXPECT_EQ(parse_number_line("(2) 114/147")->number, "114");
  const std::vector<std::string> number = number_line_alternatives("1058/102 @");
  EXPECT_NE(std::find(number.begin(), number.end(), "058/102 @"), number.end());
  const std::vector<std::string> total = number_line_alternatives("58/1029");
  EXPECT_NE(std::find(total.begin(), total.end(), "58/102"), total.end());
  // Three digits are a number as printed: nothing is dropped from them.
  for (const std::string& a : number_line_alternatives("114/147")) EXPECT_NE(a, "14/147");
  for (const std::string& a : number_line_alternatives("114/147")) EXPECT_NE(a, "114/14");
}

TEST(NumberLineAlternatives, PutsBackTheSlashBetweenSubsetNumberAndTotal) {
  const std::vector<std::string> alternatives = number_line_alternatives("iT TG19TG30 oy");
  ASSERT_NE(std::find(alternatives.begin(), alternatives.end(), "iT TG19/TG30 oy"),
            alternatives.end());
  const std::optional<PrintedNumber> parsed = parse_number_line("iT TG19/TG30 oy");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->number, "TG19");
  EXPECT_EQ(parsed->total, 30);
}

TEST(NumberLineAlternatives, PutsBackASubsetPrefixThatTheTotalPrints) {
  const std::vector<std::string> alternatives = number_line_alternatives("BRS 1G17/TG30 ve");
  ASSERT_NE(std::find(alternatives.begin(), alternatives.end(), "BRS TG17/TG30 ve"),
            alternatives.end());
  EXPECT_EQ(parse_number_line("BRS TG17/TG30 ve")->number, "TG17");
  const std::vector<std::string> lost_letter = number_line_alternatives("R012/RC32");
  EXPECT_NE(std::find(lost_letter.begin(), lost_letter.end(), "RC12/RC32"), lost_letter.end());
  // A number whose prefix already agrees, or a plain total, is left alone.
  for (const std::string& a : number_line_alternatives("TG17/TG30")) EXPECT_NE(a, "TG17/TG30");
  for (const std::string& a : number_line_alternatives("58/102"))
    EXPECT_EQ(a.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), a.npos) << a;
}

TEST(NumberLineAlternatives, RepairsAPromoPrefixReadAsDigits) {
  const std::vector<std::string> alternatives = number_line_alternatives("Bi Xx5W5H25/7");
  EXPECT_NE(std::find(alternatives.begin(), alternatives.end(), "SWSH257"), alternatives.end());
  EXPECT_EQ(parse_number_line("SWSH257")->number, "SWSH257");
  // Not every digit run is a promo: no prefix, no repair.
  for (const std::string& a : number_line_alternatives("Illus. 5ban 58"))
    EXPECT_EQ(a.find("SWSH"), a.npos) << a;
}

}  // namespace
}  // namespace cardmint::catalog
