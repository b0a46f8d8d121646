#include "catalog/card_name.h"

#include <gtest/gtest.h>

#include <utility>

#include "catalog/ocr_edit_distance.h"

namespace cardmint::catalog {
namespace {

TEST(NormalizeCardName, FoldsCaseAccentsAndApostrophes) {
  EXPECT_EQ(normalize_card_name("Flabébé"), "flabebe");
  EXPECT_EQ(normalize_card_name("FLABEBE"), "flabebe");
  EXPECT_EQ(normalize_card_name("Professor's Research"), "professors research");
  EXPECT_EQ(normalize_card_name("Professor’s Research"), "professors research");
  EXPECT_EQ(normalize_card_name("Farfetch’d"), normalize_card_name("Farfetch'd"));
  EXPECT_EQ(normalize_card_name("Pokémon Center Lady"), "pokemon center lady");
  // Decomposed input (e + combining acute) folds the same as the precomposed é.
  EXPECT_EQ(normalize_card_name("Flabe\u0301be\u0301"), "flabebe");
  EXPECT_EQ(normalize_card_name("Ｐｉｋａｃｈｕ"), "pikachu");  // fullwidth
}

TEST(NormalizeCardName, PunctuationBecomesSpaces) {
  EXPECT_EQ(normalize_card_name("(use| Pikachu on the Ball"), "use pikachu on the ball");
  EXPECT_EQ(normalize_card_name("Lapras-GX"), "lapras gx");
  EXPECT_EQ(normalize_card_name("Lapras GX"), "lapras gx");
  EXPECT_EQ(normalize_card_name("Mr. Mime"), "mr mime");
  EXPECT_EQ(normalize_card_name("Type: Null"), "type null");
  EXPECT_EQ(normalize_card_name("Unown [A]"), "unown a");
  EXPECT_EQ(normalize_card_name("Unown A"), "unown a");
  EXPECT_EQ(normalize_card_name("  Pikachu    V  "), "pikachu v");
  EXPECT_EQ(normalize_card_name("Rotom Dex—Poké Finder Mode"), "rotom dex poke finder mode");
}

TEST(NormalizeCardName, DropsSubtitlesInParentheses) {
  EXPECT_EQ(normalize_card_name("Professor's Research (Professor Magnolia)"),
            "professors research");
  EXPECT_EQ(normalize_card_name("PokéDex (HANDY909)"), "pokedex");
  EXPECT_EQ(normalize_card_name("Boss's Orders (Giovanni"), "bosss orders");  // cut off by OCR
}

TEST(NormalizeCardName, GenderSymbolsMatchTheirLetters) {
  EXPECT_EQ(normalize_card_name("Nidoran♀"), "nidoran f");
  EXPECT_EQ(normalize_card_name("Nidoran F"), "nidoran f");
  EXPECT_EQ(normalize_card_name("Nidoran♂"), "nidoran m");
  EXPECT_NE(normalize_card_name("Nidoran♀"), normalize_card_name("Nidoran♂"));
}

TEST(NormalizeCardName, StarDeltaAndPrismSymbolsAreDropped) {
  EXPECT_EQ(normalize_card_name("Kyogre Star"), "kyogre");
  EXPECT_EQ(normalize_card_name("Entei ☆"), "entei");
  EXPECT_EQ(normalize_card_name("Umbreon ★"), "umbreon");
  EXPECT_EQ(normalize_card_name("Gyarados ☆ δ"), "gyarados");
  EXPECT_EQ(normalize_card_name("Giratina ◇"), "giratina");
  EXPECT_EQ(normalize_card_name("Miracle Sphere α"), "miracle sphere");
  // Only a trailing "Star" is the star marker.
  EXPECT_EQ(normalize_card_name("Team Star Grunt"), "team star grunt");
  EXPECT_EQ(normalize_card_name("Star Piece"), "star piece");
  EXPECT_EQ(normalize_card_name("Luxray GL LV.X"), "luxray gl");
  EXPECT_EQ(normalize_card_name("Infernape LV. X"), "infernape");
}

TEST(NormalizeCardName, KeepsOtherScripts) {
  EXPECT_EQ(normalize_card_name("ナッシー[Exeggutor]"), "ナッシー exeggutor");
  EXPECT_EQ(normalize_card_name("\xFF\xFEPikachu"), "pikachu");  // malformed bytes are dropped
}

TEST(OcrEditDistance, CountsOcrConfusionsAsHalfAnEdit) {
  EXPECT_DOUBLE_EQ(ocr_edit_distance("pikachu", "pikachu"), 0.0);
  EXPECT_DOUBLE_EQ(ocr_edit_distance("pikachv", "pikachu"), 0.5);
  EXPECT_DOUBLE_EQ(ocr_edit_distance("charizarcl", "charizard"), 0.5);
  EXPECT_DOUBLE_EQ(ocr_edit_distance("charizard", "charizarcl"), 0.5);
  EXPECT_DOUBLE_EQ(ocr_edit_distance("rnew", "mew"), 0.5);
  EXPECT_DOUBLE_EQ(ocr_edit_distance("pikachx", "pikachu"), 1.0);
  EXPECT_DOUBLE_EQ(ocr_edit_distance("", "mew"), 3.0);
  EXPECT_DOUBLE_EQ(ocr_edit_distance("abc", "cab"), 2.0);
}

TEST(OcrEditDistance, SimilarityIsOneOnlyForEqualStrings) {
  EXPECT_DOUBLE_EQ(name_similarity("mew", "mew"), 1.0);
  EXPECT_LT(name_similarity("mew", "mewtwo"), 1.0);
  EXPECT_DOUBLE_EQ(name_similarity("", ""), 0.0);
  EXPECT_DOUBLE_EQ(name_similarity("abc", "xyz"), 0.0);
  EXPECT_GT(name_similarity("charizarcl", "charizard"),
            name_similarity("charizarcl", "charmander"));
  // Garbage of any length costs bounded time and stays in range.
  const std::string long_text(10000, 'x');
  EXPECT_GE(name_similarity(long_text, "pikachu"), 0.0);
}

TEST(CardNameSimilarity, AMechanicOfAnotherFamilyIsAnotherCard) {
  // Two letters apart, but an ex is not a V: never a clear name (0.85).
  EXPECT_GT(name_similarity("alolan exeggutor ex", "alolan exeggutor v"), 0.85);
  EXPECT_LT(card_name_similarity("alolan exeggutor ex", "alolan exeggutor v"), 0.85);
  EXPECT_LT(card_name_similarity("lapras gx", "lapras ex"), 0.85);
  EXPECT_LT(card_name_similarity("zacian v union", "zacian gx"), 0.85);
  // One family, or a mechanic OCR may have missed: as similar as the letters say.
  for (const auto& [a, b] : {std::pair{"arceus v", "arceus vstar"},
                             {"arceus vmax", "arceus v"},
                             {"zacian v union", "zacian v"},
                             {"golem ex", "golem"},
                             {"pikachu", "pikachv"},
                             {"mewtwo ex", "mewtwo ex"}}) {
    EXPECT_DOUBLE_EQ(card_name_similarity(a, b), name_similarity(a, b)) << a << " / " << b;
  }
  // Only a last word is a mechanic: "V" inside "v union" is, inside "vulpix" it is not.
  EXPECT_DOUBLE_EQ(card_name_similarity("vulpix", "vulpix ex"),
                   name_similarity("vulpix", "vulpix ex"));
}

TEST(NameWithoutMechanic, DropsTheMechanicOfEveryFamilyOnly) {
  EXPECT_EQ(name_without_mechanic("lapras v"), "lapras");
  EXPECT_EQ(name_without_mechanic("charizard vmax"), "charizard");
  EXPECT_EQ(name_without_mechanic("zacian v union"), "zacian");
  EXPECT_EQ(name_without_mechanic("mewtwo ex"), "mewtwo");
  EXPECT_EQ(name_without_mechanic("kyogre gx"), "kyogre");
  EXPECT_EQ(name_without_mechanic("lugia legend"), "lugia");
  EXPECT_FALSE(name_without_mechanic("vulpix").has_value());
  EXPECT_FALSE(name_without_mechanic("galarian mr rime").has_value());
  EXPECT_FALSE(name_without_mechanic("ex").has_value());  // nothing left
}

TEST(NumberDistanceInLine, FindsThePrintedNumberInsideANoisyLine) {
  EXPECT_DOUBLE_EQ(number_distance_in_line("63/106", "EM 63/106 @"), 0.0);
  EXPECT_DOUBLE_EQ(number_distance_in_line("tg05/tg30", "TG05 / TG30"), 0.0);  // case, spaces
  // Look-alike digits and a slash read as a stroke cost half an edit each.
  EXPECT_DOUBLE_EQ(number_distance_in_line("61/106", "EM 6l/1O6 @"), 1.0);
  EXPECT_DOUBLE_EQ(number_distance_in_line("TG01/TG30", "TGOlITG3O"), 2.0);
  // Another digit is a whole edit: the line spells 61 better than 63.
  EXPECT_LT(number_distance_in_line("61/106", "6l/1O6"),
            number_distance_in_line("63/106", "6l/1O6"));
  EXPECT_DOUBLE_EQ(number_distance_in_line("58/102", ""), 6.0);
  EXPECT_DOUBLE_EQ(number_distance_in_line("58/102", "xy wx"), 6.0);
}

TEST(NameDistanceInLine, FindsANameInsideALineOfOtherPrint) {
  EXPECT_DOUBLE_EQ(name_distance_in_line("fire spin", "e fire spin 100"), 0.0);
  // Look-alikes cost half an edit, as in whole names.
  EXPECT_DOUBLE_EQ(name_distance_in_line("fire spin", "e flre spin 100"), 0.5);
  EXPECT_DOUBLE_EQ(name_distance_in_line("thunder shock", "thunder sbock"), 1.0);
  // The name must be there, not merely its letters somewhere.
  EXPECT_GT(name_distance_in_line("fire spin", "spin fire"), 3.0);
  EXPECT_DOUBLE_EQ(name_distance_in_line("tackle", ""), 6.0);
}

}  // namespace
}  // namespace cardmint::catalog
