#include "card_photo/printed_number.h"

#include <gtest/gtest.h>

namespace cardmint::card_photo {
namespace {

CatalogSet make_set(std::string id, std::string serie, int official_count,
                    std::string release_date = "2020-01-01") {
  CatalogSet set;
  set.id = std::move(id);
  set.serie_id = std::move(serie);
  set.official_count = official_count;
  set.release_date = std::move(release_date);
  return set;
}

TEST(CardPhotoNumberTest, ClassicPrintsNumberOverTotalWithoutPadding) {
  const CatalogSet base1 = make_set("base1", "base", 102, "1999-01-09");
  EXPECT_EQ(printed_number("58", base1, 0), "58/102");
  EXPECT_EQ(printed_number("058", base1, 0), "58/102");  // catalog padding is not printed
  EXPECT_EQ(printed_number("4", base1, 0), "4/102");
}

TEST(CardPhotoNumberTest, ModernPadsToThreeDigits) {
  const CatalogSet swsh1 = make_set("swsh1", "swsh", 202);
  EXPECT_EQ(printed_number("1", swsh1, 0), "001/202");
  const CatalogSet paf = make_set("sv04.5", "sv", 91);
  EXPECT_EQ(printed_number("007", paf, 0), "007/091");
}

TEST(CardPhotoNumberTest, SecretRareExceedsTheTotal) {
  const CatalogSet sv01 = make_set("sv01", "sv", 198);
  EXPECT_EQ(printed_number("201", sv01, 0), "201/198");
  const CatalogSet sm1 = make_set("sm1", "sm", 149, "2017-02-03");
  EXPECT_EQ(printed_number("163", sm1, 0), "163/149");
}

TEST(CardPhotoNumberTest, SubsetSetsPrintPrefixedTotals) {
  const CatalogSet tg = make_set("swsh10tg", "swsh", 30);
  EXPECT_EQ(printed_number("TG05", tg, 30), "TG05/TG30");
  const CatalogSet gg = make_set("swsh12.5gg", "swsh", 70);
  EXPECT_EQ(printed_number("GG01", gg, 70), "GG01/GG70");
  const CatalogSet shf = make_set("swsh4.5sv", "swsh", 122);
  EXPECT_EQ(printed_number("SV001", shf, 122), "SV001/SV122");
  const CatalogSet sma = make_set("sma", "sm", 94, "2019-08-23");
  EXPECT_EQ(printed_number("SV1", sma, 94), "SV1/SV94");
  // A gallery set's denominator is its official count, whatever the catalog holds of it.
  EXPECT_EQ(printed_number("TG05", tg, 0), "TG05/TG30");
  EXPECT_EQ(printed_number("TG05", tg, 1), "TG05/TG30");
}

TEST(CardPhotoNumberTest, SubsetInsideAMainSetUsesTheSubsetSize) {
  const CatalogSet g1 = make_set("g1", "xy", 83, "2016-02-22");
  EXPECT_EQ(printed_number("RC5", g1, 32), "RC5/RC32");
  const CatalogSet aq = make_set("ecard2", "ecard", 147, "2003-01-15");
  EXPECT_EQ(printed_number("H12", aq, 32), "H12/H32");
  EXPECT_EQ(printed_number("H12", aq, 0), "H12/H147");  // unknown subset size: the set's count
  EXPECT_EQ(printed_number("H02", aq, 32), "H2/H32");   // the catalog pads, the card does not
  // Platinum-era shinies and Arceus cards print the number alone.
  const CatalogSet pl1 = make_set("pl1", "pl", 127, "2009-02-11");
  EXPECT_EQ(printed_number("SH4", pl1, 3), "SH4");
  const CatalogSet pl4 = make_set("pl4", "pl", 99, "2009-11-04");
  EXPECT_EQ(printed_number("AR9", pl4, 9), "AR9");
}

TEST(CardPhotoNumberTest, PromosPrintNoTotal) {
  EXPECT_EQ(printed_number("SWSH050", make_set("swshp", "swsh", 307), 307), "SWSH050");
  EXPECT_EQ(printed_number("SM60", make_set("smp", "sm", 248, "2017-02-03"), 248), "SM60");
  EXPECT_EQ(printed_number("DP01", make_set("dpp", "dp", 56, "2007-05-01"), 56), "DP01");
  EXPECT_EQ(printed_number("1", make_set("basep", "base", 53, "1999-07-01"), 0), "1");
  EXPECT_EQ(printed_number("001", make_set("svp", "sv", 225), 0), "001");
  EXPECT_EQ(printed_number("001", make_set("mep", "me", 0), 0), "001");
}

TEST(CardPhotoNumberTest, OddLocalIds) {
  const CatalogSet exu = make_set("exu", "ex", 28, "2004-06-01");
  EXPECT_EQ(printed_number("%3F", exu, 0), "?");
  EXPECT_EQ(printed_number("A", exu, 0), "A");
  EXPECT_EQ(printed_number("ONE", make_set("hgss1", "hgss", 123, "2010-02-10"), 0), "ONE");
  // Alternate prints: the catalog's letter suffix is not on the card.
  EXPECT_EQ(printed_number("54a", make_set("xy10", "xy", 124, "2016-05-02"), 0), "54/124");
  // A set without an official count prints the number alone.
  EXPECT_EQ(printed_number("7", make_set("odd", "misc", 0, "2001-01-01"), 0), "7");
}

TEST(CardPhotoNumberTest, LetterPrefixAndDecoding) {
  EXPECT_EQ(letter_prefix("TG05"), "TG");
  EXPECT_EQ(letter_prefix("SWSH050"), "SWSH");
  EXPECT_EQ(letter_prefix("58"), "");
  EXPECT_EQ(decode_local_id("%3F"), "?");
  EXPECT_EQ(decode_local_id("%zz"), "%zz");
}

TEST(CardPhotoNumberTest, ErasBySerieThenDate) {
  EXPECT_EQ(era_of_set(make_set("base1", "base", 102, "1999-01-09")), CardEra::kClassic);
  EXPECT_EQ(era_of_set(make_set("ex1", "ex", 109, "2003-06-18")), CardEra::kExDp);
  EXPECT_EQ(era_of_set(make_set("xy1", "xy", 146, "2014-02-05")), CardEra::kBwSm);
  EXPECT_EQ(era_of_set(make_set("sv01", "sv", 198, "2023-03-31")), CardEra::kModern);
  EXPECT_EQ(era_of_set(make_set("tk-ex-latia", "tk", 12, "2004-06-01")), CardEra::kExDp);
  EXPECT_EQ(era_of_set(make_set("2023sv", "mc", 15, "2023-10-01")), CardEra::kModern);
  EXPECT_EQ(era_of_set(make_set("2011bw", "mc", 12, "2011-06-01")), CardEra::kBwSm);
}

TEST(CardPhotoNumberTest, CelebrationsClassicCollectionIsUnknown) {
  EXPECT_FALSE(has_known_printed_number(make_set("cel25cc", "swsh", 25)));
  EXPECT_TRUE(has_known_printed_number(make_set("cel25", "swsh", 25)));
  EXPECT_TRUE(is_promo_set("swshp"));
  EXPECT_FALSE(is_promo_set("swsh1"));
}

}  // namespace
}  // namespace cardmint::card_photo
