#include "image/hp_colour.h"

#include <gtest/gtest.h>

#include "image/card_photo_for_test.h"

namespace cardmint::image {
namespace {

const cv::Scalar kRed{190, 30, 30};  // RGB
const cv::Scalar kBlack{20, 20, 20};

// `face` photographed on a desk in a random pose under a warm or cool light, found and
// rectified, and its HP's colour read.
HpColour hp_in_photo(test::FaceOptions face, std::uint32_t seed, double warmth = 0) {
  face.seed = seed;
  Result<RgbImage> card = test::rectified_in_photo(test::render_face(face), seed, warmth);
  EXPECT_TRUE(card.ok()) << card.status().message();
  if (!card.ok()) return {};
  Result<HpColour> read = read_hp_colour(*card);
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

// An image too small to hold the HP's place reads no red rather than failing or reading outside.
TEST(HpColourTest, ATinyImageReadsNoRed) {
  for (int side : {1, 3, 12}) {
    RgbImage tiny;
    tiny.width = side;
    tiny.height = side;
    tiny.pixels.assign(std::size_t(side) * std::size_t(side) * 3, 200);
    Result<HpColour> read = read_hp_colour(tiny);
    ASSERT_TRUE(read.ok()) << side;
    EXPECT_EQ(read->red, 0) << side;
    EXPECT_LT(read->red_hp_log_ratio, 0) << side;
  }
}

}  // namespace
}  // namespace cardmint::image
