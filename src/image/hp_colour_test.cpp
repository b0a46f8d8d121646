#include "image/hp_colour.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "image/card_detector.h"
#include "image/card_photo_for_test.h"
#include "image/card_rectifier.h"

namespace cardmint::image {
namespace {

const cv::Scalar kRed{190, 30, 30};  // RGB
const cv::Scalar kBlack{20, 20, 20};

// `face` photographed on a desk in a random pose under a warm or cool light (red up and blue
// down, or the reverse), found and rectified, and its HP's colour read.
HpColour hp_in_photo(test::FaceOptions face, std::uint32_t seed, double warmth = 0) {
  face.seed = seed;
  test::Photo photo =
      test::render_photo(test::render_face(face), test::random_pose(test::Desk::kWood, seed));
  photo.rgb.convertTo(photo.rgb, CV_8UC3);
  cv::multiply(photo.rgb, cv::Scalar(1 + 0.14 * warmth, 1 + 0.01 * warmth, 1 - 0.14 * warmth),
               photo.rgb);
  const RgbImage rgb = test::to_rgb_image(photo.rgb);
  Result<CardQuad> quad = find_card(rgb);
  EXPECT_TRUE(quad.ok()) << quad.status().message();
  if (!quad.ok()) return {};
  Result<RectifiedCard> card = rectify_card(rgb, *quad);
  EXPECT_TRUE(card.ok()) << card.status().message();
  if (!card.ok()) return {};
  Result<HpColour> read = read_hp_colour(card->card);
  EXPECT_TRUE(read.ok()) << read.status().message();
  return read.ok() ? *read : HpColour{};
}

TEST(HpColourTest, ARedHpSpeaksForWizardsOfTheCoastsCards) {
  test::FaceOptions face;
  face.hp = "60 HP";
  face.hp_colour = kRed;
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    for (double warmth : {-1.0, 0.0, 1.0}) {
      const HpColour hp = hp_in_photo(face, seed, warmth);
      EXPECT_GT(hp.red, 0.015) << "seed " << seed << " warmth " << warmth;
      EXPECT_GT(hp.red_hp_log_ratio, 1) << "seed " << seed << " warmth " << warmth;
    }
  }
}

TEST(HpColourTest, ABlackHpSpeaksAgainstThem) {
  test::FaceOptions face;
  face.hp_colour = kBlack;
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    for (double warmth : {-1.0, 0.0, 1.0}) {
      const HpColour hp = hp_in_photo(face, seed, warmth);
      EXPECT_LT(hp.red, 0.015) << "seed " << seed << " warmth " << warmth;
      EXPECT_LT(hp.red_hp_log_ratio, -1) << "seed " << seed << " warmth " << warmth;
    }
  }
}

// A fire type's red title band under a black HP: red all along the band is no red HP.
TEST(HpColourTest, ARedTitleBandIsNoRedHp) {
  test::FaceOptions face;
  face.hp_colour = kBlack;
  face.title_band = cv::Scalar(214, 80, 60);
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    const HpColour hp = hp_in_photo(face, seed);
    EXPECT_LT(hp.red_hp_log_ratio, -1) << "seed " << seed;
  }
}

TEST(HpColourTest, RejectsAnEmptyImage) { EXPECT_FALSE(read_hp_colour(RgbImage{}).ok()); }

}  // namespace
}  // namespace cardmint::image
