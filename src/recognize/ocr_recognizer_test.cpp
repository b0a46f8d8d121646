// The OCR recognizer on canonical card faces (card_photo_for_test's Hershey-font renderer, not
// the photo generator the development set comes from) against the real catalog.

#include "recognize/ocr_recognizer.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "catalog/test_catalog.h"
#include "image/card_photo_for_test.h"

namespace cardmint::recognize {
namespace {

// rectify_card()'s canonical size.
constexpr int kCardWidth = 744;
constexpr int kCardHeight = 1039;

// `face` at rectify_card()'s size, smeared `smear_px` along a path at `smear_deg` when that is
// not 0.
Recognition recognize_face(const image::test::FaceOptions& face, double smear_px = 0,
                           double smear_deg = 0) {
  cv::Mat resized;
  cv::resize(image::test::render_face(face), resized, cv::Size(kCardWidth, kCardHeight), 0, 0,
             cv::INTER_AREA);
  if (smear_px > 0) resized = image::test::smear_in_a_line(resized, smear_px, smear_deg);
  image::RectifiedCard card;
  card.card = image::test::to_rgb_image(resized);
  card.orientation_confidence = 1.0;
  const OcrRecognizer recognizer(catalog::testing::real_catalog(), {});
  Result<Recognition> r = recognizer.recognize(card, {});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : Recognition{};
}

image::test::FaceOptions pikachu_without_number(std::vector<std::string> attacks) {
  image::test::FaceOptions face;
  face.name = "Pikachu";
  face.number = "";  // worn off, or too blurred to read: nothing on the strip names the card
  face.illustrator = "";
  face.attacks = std::move(attacks);
  return face;
}

TEST(OcrRecognizerTest, ReadsNameAndNumber) {
  const Recognition r = recognize_face({});  // Pikachu 58/102
  ASSERT_TRUE(r.card.has_value()) << r.unknown_reason;
  EXPECT_EQ(r.card->id, "base1-58");
  EXPECT_GE(r.confidence, 0.85);
}

// With no number to read, 100+ Pikachu share the name; the attack names single one out.
TEST(OcrRecognizerTest, AttackNamesPickThePrintingWhenNoNumberIsRead) {
  const Recognition volt = recognize_face(pikachu_without_number({"Volt Tackle"}));
  ASSERT_TRUE(volt.card.has_value()) << volt.unknown_reason;
  EXPECT_EQ(volt.card->id, "ru1-7");  // the one Pikachu whose only attack is Volt Tackle
  const Recognition two = recognize_face(pikachu_without_number({"Quick Attack", "Volt Tackle"}));
  ASSERT_TRUE(two.card.has_value()) << two.unknown_reason;
  EXPECT_EQ(two.card->id, "dp5-70");
  // Evidence short of a number never makes the answer sure.
  EXPECT_LT(volt.confidence, 0.85);
  EXPECT_GT(volt.confidence, 0.5);
}

// Nineteen Raticate, one of them printed (not digital-only) with HP 80: an HP read settles it
// even when the body read shows none of the name's attacks.
TEST(OcrRecognizerTest, AnHpReadPicksAmongTheNamesPrintingsWhenNoAttackIsRead) {
  image::test::FaceOptions face;
  face.name = "Raticate";
  face.number = "";
  face.illustrator = "";
  face.hp = "HP 80";
  face.attacks = {"Thunder Jolt"};  // no Raticate's, as if the body were misread
  const Recognition r = recognize_face(face);
  ASSERT_TRUE(r.card.has_value()) << r.unknown_reason;
  EXPECT_EQ(r.card->id, "hgss3-34");
  EXPECT_LT(r.confidence, 0.85);
}

TEST(OcrRecognizerTest, AStageLabelBesideTheNameIsNoPartOfIt) {
  image::test::FaceOptions face;
  face.name = "STAGE2 Blastoise";
  face.number = "2/102";
  face.hp = "";  // the longer name line reaches where the HP is printed
  const Recognition r = recognize_face(face);
  ASSERT_TRUE(r.card.has_value()) << r.unknown_reason;
  EXPECT_EQ(r.ocr->name, "Blastoise");
  EXPECT_EQ(r.card->id, "base1-2");
}

// A hand that moved during the exposure: the number is a smear until the blur, found from the
// picture alone, is taken out.
TEST(OcrRecognizerTest, ReadsAMotionBlurredCardOnceTheBlurIsTakenOut) {
  // Without the deblurring these answer other Pikachu: smp-SM183 and cel25-5.
  for (const auto& [length, angle] : {std::pair{11.0, 20.0}, {12.0, 60.0}}) {
    SCOPED_TRACE(testing::Message() << length << " px at " << angle << " degrees");
    const Recognition r = recognize_face({}, length, angle);  // Pikachu 58/102
    ASSERT_TRUE(r.card.has_value()) << r.unknown_reason;
    EXPECT_EQ(r.card->id, "base1-58");
    EXPECT_NE(r.ocr->number_line.find("58/102"), std::string::npos) << r.ocr->number_line;
  }
}

// Noise on the strip that reads as a lone "1" fits Wizards promo 1, a Pikachu; that is a
// guess, and must not come back as a sure answer. Nor does it outvote the attacks read (Gnaw,
// Thunder Jolt), which Wizards promo 1 does not have.
TEST(OcrRecognizerTest, AShortNumberReadOutOfNoiseIsNeverSure) {
  image::test::FaceOptions face;
  face.number = "WHI 1 He";  // on a Pikachu face
  const Recognition r = recognize_face(face);
  ASSERT_TRUE(r.card.has_value()) << r.unknown_reason;
  EXPECT_EQ(r.card->name, "Pikachu");
  EXPECT_NE(r.card->id, "basep-1");
  EXPECT_LT(r.confidence, 0.85);
}

TEST(OcrRecognizerTest, WithoutNumberOrAttacksTheNameAloneIsUnsure) {
  const Recognition r = recognize_face(pikachu_without_number({}));
  ASSERT_FALSE(r.candidates.empty());
  EXPECT_LT(r.confidence, 0.3);
}

}  // namespace
}  // namespace cardmint::recognize
