// The Recognizer (OCR alone) on generated photos it once got wrong, each for a reason fixed since.
// Every photo is the photo generator's, rebuilt from its seed: photo n of `cardmint-photos
// --count 150 --no-card 0 --seed S --max-jpeg-quality 60`.

#include <gtest/gtest.h>

#include <memory>
#include <opencv2/imgproc.hpp>
#include <ostream>
#include <vector>

#include "card_photo/catalog_reader.h"
#include "card_photo/photo_generator.h"
#include "catalog/test_catalog.h"
#include "image/card_detector.h"
#include "image/image_decoder.h"
#include "recognize/recognizer.h"

namespace cardmint::recognize {
namespace {

namespace cp = card_photo;

struct Case {
  const char* name;  // the test's
  const char* card_id;
  std::uint64_t set_seed;
  std::uint64_t photo;  // its number in that set
};

// How gtest names a case in test listings: by its name, not by its bytes, whose pointers change
// from build to build (ctest's names, and --rerun-failed, would too).
void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

struct Shot {
  std::vector<std::uint8_t> jpeg;
  std::vector<cv::Point2f> corners;  // the card's, in photo pixels
};

// The photo generator over the project's catalog, as `cardmint-photos` opens it, and the scene
// options of its sets here.
// (Null members where opening failed, with a test failure recorded.)
struct Generator {
  std::unique_ptr<cp::Catalog> catalog;  // held in place: the generator refers to it
  std::unique_ptr<cp::PhotoGenerator> photos;
  cp::SceneOptions options;
};

Generator open_generator() {
  Generator g;
  g.options.max_jpeg_quality = 60;
  Result<cp::Catalog> catalog = cp::read_catalog(CARDMINT_CATALOG_DIR);
  EXPECT_TRUE(catalog.ok()) << catalog.status().to_string();
  if (!catalog.ok()) return g;
  g.catalog = std::make_unique<cp::Catalog>(std::move(catalog).value());
  Result<std::unique_ptr<cp::PhotoGenerator>> photos =
      cp::PhotoGenerator::open(*g.catalog, cp::FontPool::kAll);
  EXPECT_TRUE(photos.ok()) << photos.status().to_string();
  if (photos.ok()) g.photos = std::move(photos).value();
  return g;
}

Shot shoot(const Case& c) {
  const Generator g = open_generator();
  if (!g.photos) return {};
  const cp::CatalogCard* card = g.catalog->find_card(c.card_id);
  EXPECT_NE(card, nullptr);
  if (card == nullptr) return {};
  Result<cp::GeneratedPhoto> photo =
      g.photos->card_photo(*card, cp::photo_seed(c.set_seed, c.photo), g.options);
  EXPECT_TRUE(photo.ok()) << photo.status().to_string();
  if (!photo.ok()) return {};
  Shot shot;
  shot.jpeg = photo->photo.jpeg;
  for (const cv::Point2d& p : photo->photo.truth.corners)
    shot.corners.emplace_back(float(p.x), float(p.y));
  return shot;
}

Result<Recognition> recognize(const std::vector<std::uint8_t>& jpeg) {
  RecognizerOptions options;
  options.catalog_db = catalog::testing::real_catalog_db();
  Result<std::unique_ptr<Recognizer>> recognizer = Recognizer::open(options);
  if (!recognizer.ok()) return recognizer.status();
  return (*recognizer)->recognize(jpeg);
}

// The detector's outlines on the photo (an empty photo, one that did not decode, has none).
Result<image::CardOutlines> outlines_in(const Shot& shot) {
  Result<image::RgbImage> photo = image::decode_image(shot.jpeg, {});
  EXPECT_TRUE(photo.ok()) << photo.status().to_string();
  if (!photo.ok()) return photo.status();
  return image::find_card_outlines(*photo);
}

// The Recognizer, OCR alone, answers `card_id` for the photo, in `finish` where one is given.
void expect_read_as(const Shot& shot, const char* card_id, const char* finish = nullptr) {
  Result<Recognition> read = recognize(shot.jpeg);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  ASSERT_TRUE(read->card.has_value()) << read->unknown_reason;
  EXPECT_EQ(read->card->id, card_id);
  EXPECT_EQ(read->source, "ocr");
  if (finish != nullptr) {
    EXPECT_EQ(read->card->finish, finish);
  }
}

// Intersection over union of an outline with the card's true corners.
double overlap(const image::CardQuad& quad, const std::vector<cv::Point2f>& truth) {
  std::vector<cv::Point2f> found;
  for (const image::Point2& p : quad.corners) found.emplace_back(float(p.x), float(p.y));
  std::vector<cv::Point2f> common;
  const double both = cv::intersectConvexConvex(truth, found, common);
  return both / (cv::contourArea(truth) + cv::contourArea(found) - both);
}

// Photos where the detector's best outline is a card-shaped part of the photo: the art box with
// the name band of a silver-bordered card on blue-green cloth (Team Rocket's Houndoom), a tile of
// a grid mat below a sleeved card (Mega Gengar ex), the lower part of an upside-down full-art
// Surfing Beach whose top fades into a dark desk (found from its straight edges alone). The
// larger outlines it offers are read too. Where the only outline is the art box, alone (a white
// Po Town in a sleeve on a pale desk) or with the name band (a white Team Magma's Great Ball on
// pale marble), the card around it where the layouts print it is offered (IoU 0.96 and 0.94).
template <class Param>
std::string case_name(const ::testing::TestParamInfo<Param>& info) {
  return info.param.name;
}

class LargerOutlineTest : public ::testing::TestWithParam<Case> {};

TEST_P(LargerOutlineTest, ReadsTheCardWhenTheBestOutlineIsNotIt) {
  const Shot shot = shoot(GetParam());

  // The premise: the detector's best outline is something else.
  Result<image::CardOutlines> outlines = outlines_in(shot);
  ASSERT_TRUE(outlines.ok()) << outlines.status().to_string();
  ASSERT_LT(overlap(outlines->card, shot.corners), 0.6);
  // The card is among the larger outlines it offers.
  double best = 0;
  for (const image::CardQuad& other : outlines->alternatives)
    best = std::max(best, overlap(other, shot.corners));
  EXPECT_GE(best, 0.85) << outlines->alternatives.size() << " alternatives";

  expect_read_as(shot, GetParam().card_id);
}

INSTANTIATE_TEST_SUITE_P(Photos, LargerOutlineTest,
                         ::testing::Values(Case{"ArtBoxTaken", "sv10-038", 7, 118},
                                           Case{"DeskTileTaken", "me02.5-269", 7, 51},
                                           Case{"StraightEdges", "me04-114", 31, 72},
                                           Case{"ArtBoxAlone", "sm3-121", 311, 116},
                                           Case{"ArtBoxWithTheNameBand", "dc1-31", 2026, 172}),
                         case_name<Case>);

// Photos where the card's region joins things lying against it, and the region's hull is no card
// shape: a gold-bordered full-art Team Rocket's Houndoom on noisy purple cloth, a sheet of paper
// under its left side and a red cable touching its bottom. The region opened wider frees it.
class AttachedThingsTest : public ::testing::TestWithParam<Case> {};

TEST_P(AttachedThingsTest, FindsAndReadsTheCard) {
  const Shot shot = shoot(GetParam());
  Result<image::CardOutlines> outlines = outlines_in(shot);
  ASSERT_TRUE(outlines.ok()) << outlines.status().to_string();
  EXPECT_GE(overlap(outlines->card, shot.corners), 0.9);

  expect_read_as(shot, GetParam().card_id);
}

INSTANTIATE_TEST_SUITE_P(Photos, AttachedThingsTest,
                         ::testing::Values(Case{"PaperAndCable", "sv10-191", 223, 81}),
                         case_name<Case>);

// Photos whose outline lies inside the card, on a silver border's inner edge (a Rare Candy of
// Mega Evolution on a grey desk, its bottom side there), so the card image ends at the number
// line's foot and the line finder finds the digits cut; the strip read on past the card image's
// foot into the photo holds them whole.
class CutNumberLineTest : public ::testing::TestWithParam<Case> {};

TEST_P(CutNumberLineTest, ReadsTheNumberPastTheOutline) {
  const Shot shot = shoot(GetParam());

  // The premise: the outline is the card less a strip along one side.
  Result<image::CardOutlines> outlines = outlines_in(shot);
  ASSERT_TRUE(outlines.ok()) << outlines.status().to_string();
  const double iou = overlap(outlines->card, shot.corners);
  EXPECT_GT(iou, 0.85);
  EXPECT_LT(iou, 0.97);

  Result<Recognition> read = recognize(shot.jpeg);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  ASSERT_TRUE(read->card.has_value()) << read->unknown_reason;
  EXPECT_EQ(read->card->id, GetParam().card_id);
  // Read from the number line, not guessed from the name.
  ASSERT_TRUE(read->ocr.has_value());
  EXPECT_NE(read->ocr->number_line.find(read->card->number), std::string::npos)
      << read->ocr->number_line;
}

INSTANTIATE_TEST_SUITE_P(Photos, CutNumberLineTest,
                         ::testing::Values(Case{"SilverBorderInnerEdge", "me01-125", 2026, 142}),
                         case_name<Case>);

// Photos where no outline scores the detector's floor, read on the best of those below it:
// - OffThePhoto: a full-art Duraludon VMAX held close, its corners off the photo's sides, so
//   its outline is cut to a squarer shape;
// - FaintEdges: a dim full-art Lumiose City on a dark desk beside a red cable;
// - GlareOnTheEdge: a full-art Dudunsparce whose edge fades into a glare on a pale desk, found
//   from its straight edges alone.
// - DarkCardDarkCloth: a full-art Morpeko turned 90°, its dark half on dark green cloth: no
//   closed region follows it, and the outline from its straight edges, ranked with the others,
//   is the best.
// - BelowTheArtBoxOnly: a silver Altaria in a sleeve on pale marble, whose best outline is the
//   card below its art box; the card around that part is read.
class WeakOutlineTest : public ::testing::TestWithParam<Case> {};

TEST_P(WeakOutlineTest, ReadsTheCardAllTheSame) {
  const Shot shot = shoot(GetParam());
  ASSERT_FALSE(shot.jpeg.empty());

  // The premise: the detector finds no card.
  Result<image::CardOutlines> outlines = outlines_in(shot);
  ASSERT_FALSE(outlines.ok());
  ASSERT_EQ(outlines.status().code(), StatusCode::kNotFound);

  expect_read_as(shot, GetParam().card_id);
}

INSTANTIATE_TEST_SUITE_P(Photos, WeakOutlineTest,
                         ::testing::Values(Case{"OffThePhoto", "swsh7-220", 57, 123},
                                           Case{"FaintEdges", "me03-111", 83, 125},
                                           Case{"GlareOnTheEdge", "sv02-229", 57, 145},
                                           Case{"DarkCardDarkCloth", "sv04-206", 211, 13},
                                           Case{"BelowTheArtBoxOnly", "swsh12tg-TG11", 353, 68}),
                         case_name<Case>);

// Desks with no card, photo n of `cardmint-photos --count 0 --no-card 80 --seed S
// --max-jpeg-quality 60`, where an outline below the detector's floor read as a card at 0.40
// (a cell of a cutting mat's grid, from its straight edges) and 0.44: no card is the answer.
struct EmptyDesk {
  const char* name;
  std::uint64_t set_seed;
  std::uint64_t photo;
};

void PrintTo(const EmptyDesk& d, std::ostream* out) { *out << d.name; }

class EmptyDeskTest : public ::testing::TestWithParam<EmptyDesk> {};

TEST_P(EmptyDeskTest, AnswersNoCard) {
  const Generator g = open_generator();
  ASSERT_NE(g.photos, nullptr);
  Result<cp::GeneratedPhoto> photo =
      g.photos->empty_photo(cp::photo_seed(GetParam().set_seed, GetParam().photo), g.options);
  ASSERT_TRUE(photo.ok()) << photo.status().to_string();

  Result<Recognition> read = recognize(photo->photo.jpeg);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_FALSE(read->card.has_value()) << read->card->id << " at " << read->confidence;
  EXPECT_FALSE(read->unknown_reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Photos, EmptyDeskTest,
                         ::testing::Values(EmptyDesk{"GridMat", 401, 79},
                                           EmptyDesk{"JunkRead", 409, 14}),
                         case_name<EmptyDesk>);

// Photos whose name or number line the recognizer once misread:
// - ToleratedDoubt: white letters in a dark outline over full-art artwork. Tesseract reads
//   "Charjabug" right but rates the word 0.00, below what a name line keeps; the catalog confirms
//   it as a clear name.
// - BadgeOnTheLine: the "BASIC" badge joins the name's line on a full-art Guzzlord GX, read
//   "bse |Guzzlord GX": the line is no clear name, the rest of it is.
// - OtherMechanic: "Alolan Exeggutor ex" read clearly (full-art, outlined), and "S78" in the
//   strip, which reads as 5/78: Alolan Exeggutor V, 5/78 of Pokémon GO, was the answer at 0.95
//   confidence. An ex is not a V, so its own printing, 242/191 ("SSP/EN 242/19"), is.
// - UnownLetter: an Unown of Unseen Forces prints only its letter, read "N *"; a line without a
//   digit held no number, and any Unown was as good as another.
// - SwallowedName: a full-art Kahili upside down, its white outlined name crossed by a pink
//   streak of art; the letters and the ground between them came back as one region larger than
//   a glyph, and no name line was found.
// - StrayLetter: a Chansey whose number went unread, and a stray "A" in the strip; a lone letter
//   counts only beside a clear name, or this would be Unown A.
// - StrayLetterBesideJunk: a shiny Dracozolt V, its name read once as "(Ez)" beside a stray "Y"
//   on the strip: that pairing named Unown Y.
// - GuessedNumberYields: a Fossil Lapras, its number line read "EPS /62 &" and its attacks
//   right, while the copyright's "96, 98, 99" read "($5, $8.39)": that "5", a short bare number
//   and so a guess, made it McDonald's Lapras 5, ahead of what the attacks and the total told.
// - KindLabel: a full-art Gapejaw Bog whose "STADIUM" label read as a line of its own, and as a
//   name read without its owner (Drake's Stadium, Glacia's Stadium), clearly; the misread name
//   ("Cepgkw Bog") counted only as a guess beside it, and "STADIUM" with a stray "1" was
//   Meganium promo 1.
// - KindLabelOnTheLine: Café Master (a full-art Trainer Gallery supporter), read "SUPPORTER:" on
//   a line of its own and "Gafe}Master SUPPOR®" on another.
// - TwoLetterName: a full-art Polteageist V promo, its number read right ("SWSH021|") and its
//   name not, but for a smear read "Sy"; as a name, with the "|" read as a "1", that was
//   Sylveon, SWSH211.
// - FigureAfterTheName: a Deoxys promo whose title line read "{usd Deoxys. 2\","; the HP's
//   remains, kept as a word, made it Deoxys V, clearly, and its number (SM164, read right) was
//   no Deoxys V's.
// - WordAfterTheName: Gardenia's Vigor, its title line read "Gardenia's Vigor supporter" (the
//   kind label joined it, in lower case) and its number right ("ASR 143/189 @"); another pass
//   read only "Gardenia's |", which as Gardenia was a clear name, and a clear name outvotes a
//   line that is none, so this was Gardenia, SM5 124.
// - WordAfterTheNameTwoWordsLeft: Sharpedo Spirit Link read "Starpedo Link" with its number
//   (XY201); without its last word, "Starpedo" is Sharpedo clearly, which would outvote the
//   whole line: a word is dropped only where two are left.
// - MechanicLost: Lapras V read "Lapras" (the V's stylised mark not read) beside "SV110/SV122":
//   Lapras is a clear name, and clear names kept only cards named like it, so Fossil's Lapras 10.
// - FirstWordCutOff: Galarian Mr. Rime read "ian Mr. Rime" (the line's start lost) beside its
//   number, SV021/SV122; "Mr. Rime" is Mr. Mime clearly, and a Mr. Mime 122 took the number's
//   total.
class TextLineTest : public ::testing::TestWithParam<Case> {};

TEST_P(TextLineTest, ReadsTheCard) { expect_read_as(shoot(GetParam()), GetParam().card_id); }

INSTANTIATE_TEST_SUITE_P(
    Photos, TextLineTest,
    ::testing::Values(
        Case{"ToleratedDoubt", "sv05-169", 7, 67}, Case{"BadgeOnTheLine", "sm4-116", 7, 139},
        Case{"OtherMechanic", "sv08-242", 31, 111}, Case{"UnownLetter", "exu-N", 57, 85},
        Case{"StrayLetter", "sv06-187", 2026, 69},
        Case{"StrayLetterBesideJunk", "swsh4.5sv-SV045", 223, 29},
        Case{"SwallowedName", "sm8-210", 31, 40}, Case{"FigureAfterTheName", "smp-SM164", 239, 2},
        Case{"GuessedNumberYields", "base3-25", 239, 25}, Case{"KindLabel", "swsh12-213", 311, 126},
        Case{"KindLabelOnTheLine", "swsh9tg-TG25", 307, 120},
        Case{"TwoLetterName", "swshp-SWSH021", 311, 95},
        Case{"WordAfterTheName", "swsh10-143", 337, 134},
        Case{"WordAfterTheNameTwoWordsLeft", "xyp-XY201", 239, 22},
        Case{"MechanicLost", "swsh4.5sv-SV110", 239, 35},
        Case{"FirstWordCutOff", "swsh4.5sv-SV021", 311, 46}),
    case_name<Case>);

// Photos where the reading to trust, or the printing the photo shows, was weighed wrongly:
// - UpsideDownJunkName: a Greninja ex promo, its name read clearly but its number not, so its
//   printings split the confidence; read turned upside down too (its layout cues were unsure),
//   the text gave junk, "ema", which as Emma (two cards) was surer once the foil below was
//   weighed so. A reading whose name is a catalog name now outranks one whose name is not,
//   unless that one is settled.
// - UpsideDownJunkNameFullArt: the same with a full-art Larvitar, read "west" (Jett) upside down.
// - FramelessFoil: a full-art Glaceon promo (holo only) with foil over the whole card, its number
//   unread. The foil reads as a reverse holo's for a framed card, which made Glaceon's uncommon
//   (normal, reverse holo) the answer, though the layout read said full-art: the foil is now
//   weighed with the card's chance of a full-art print after that reading.
// - JunkTheWayUpTheLayoutSaid: a full-art Hop's Wooloo, its layout cues sure enough (0.81) that
//   it was upside down, which it was not; its text read that way was junk ("a 6S1/0Z1", its
//   number turned over), and Fuecoco by a stray "02". A reading that finds no catalog name and
//   does not settle now has the card read the other way up too, and a reading that way that
//   finds a catalog name or settles overturns the layout cues.
// - JunkTheWayUpTheLayoutSaidQuarterTurn: the same with a full-art Battle Cage turned a quarter
//   the wrong way (270 for 90), which was Hugh.
// - PartialNameTheWayUpTheLayoutSaid: a Golem ex the right way up, its name read in part ("lem
//   ex", no catalog name) and its number not; upside down, junk spelled "daa", Dana, at a higher
//   confidence than the part. Junk the other way up never overturns sure layout cues.
// - RedHp: the Zapdos of Wizards of the Coast's promos (23), its number smeared past reading
//   ("b fodd"), and the Zapdos of Supreme Victors (150/147) tied with it on name, HP and attack
//   (Lightning Burn): the red of its "70 HP", which only Wizards' cards print, now decides.
// - HpRead: an Alolan Exeggutor V promo, its name junk, its number read "swsh225" at two sizes
//   and "swsho25" at a third: SWSH225 and SWSH025 (Garbodor) tied, and the first line read won.
//   The "240" read beside the name is Alolan Exeggutor V's HP, not Garbodor's: a pairing whose
//   card has not the HP read is now less sure.
class ReadingChoiceTest : public ::testing::TestWithParam<Case> {};

TEST_P(ReadingChoiceTest, ReadsTheCard) { expect_read_as(shoot(GetParam()), GetParam().card_id); }

INSTANTIATE_TEST_SUITE_P(
    Photos, ReadingChoiceTest,
    ::testing::Values(Case{"UpsideDownJunkName", "svp-132", 2026, 98},
                      Case{"UpsideDownJunkNameFullArt", "sv03-203", 57, 94},
                      Case{"FramelessFoil", "svp-171", 2026, 91},
                      Case{"JunkTheWayUpTheLayoutSaid", "sv09-170", 331, 6},
                      Case{"JunkTheWayUpTheLayoutSaidQuarterTurn", "me02-116", 311, 51},
                      Case{"PartialNameTheWayUpTheLayoutSaid", "sv03.5-189", 2026, 161},
                      Case{"RedHp", "basep-23", 2026, 44},
                      Case{"HpRead", "swshp-SWSH225", 239, 36}),
    case_name<Case>);

// Photos smeared by a moving hand whose smear went unfound, so no deblurred reading was made:
// the cepstrum's dip was too shallow to tell from print spaced out evenly, and it is the detail
// lost along the path only that tells now (image/motion_blur.h). Team Rocket's Ariana (11 px,
// its name read "Sarr" as it was), a Wizards promo Scyther (14 px), a Base Set 2 Exeggcute
// (11 px) and a Black & White promo Altaria (9 px): each was null or another card before.
class SmearedPhotoTest : public ::testing::TestWithParam<Case> {};

TEST_P(SmearedPhotoTest, ReadsTheCardDeblurred) {
  expect_read_as(shoot(GetParam()), GetParam().card_id);
}

INSTANTIATE_TEST_SUITE_P(Photos, SmearedPhotoTest,
                         ::testing::Values(Case{"NameSmeared", "sv10-224", 2026, 2},
                                           Case{"PromoSmeared", "basep-45", 211, 18},
                                           Case{"ReprintSmeared", "base2-52", 83, 92},
                                           Case{"PrefixedPromoSmeared", "bwp-BW48", 359, 114}),
                         case_name<Case>);

// Classic first editions read as their unstamped printing, the stamp being missed:
// - GlareOnTheStamp: a Neo Discovery Tyranitar, a glare over the stamp greying its black ink
//   (0.55 of black, under the 0.6 that counted as ink) on a dark green body;
// - FrameBlurredAway: a Neo Destiny Dark Octillery and a Gym Heroes Sabrina's Mr. Mime, blurred
//   until the art frame's thin line was not found, and with it no place to look for the stamp.
class FirstEditionStampTest : public ::testing::TestWithParam<Case> {};

TEST_P(FirstEditionStampTest, ReadsTheFirstEdition) {
  expect_read_as(shoot(GetParam()), GetParam().card_id, "first edition");
}

INSTANTIATE_TEST_SUITE_P(Photos, FirstEditionStampTest,
                         ::testing::Values(Case{"GlareOnTheStamp", "neo2-31", 2026, 106},
                                           Case{"FrameBlurredAway", "neo4-62", 349, 4},
                                           Case{"FrameBlurredAwayToo", "gym1-94", 83, 91}),
                         case_name<Case>);

}  // namespace
}  // namespace cardmint::recognize
