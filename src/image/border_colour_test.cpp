#include "image/border_colour.h"

#include <gtest/gtest.h>

#include "image/card_photo_for_test.h"

namespace cardmint::image {
namespace {

const cv::Scalar kYellow{236, 196, 48};   // RGB
const cv::Scalar kSilver{198, 200, 206};  // RGB
const cv::Scalar kBlack{25, 25, 28};

// A face with `border`, photographed on a desk in a random pose under a warm or cool light,
// found and rectified, and its border's colour read.
BorderColour border_in_photo(const cv::Scalar& border, std::uint32_t seed, double warmth = 0) {
  test::FaceOptions face;
  face.border = border;
  face.seed = seed;
  Result<RgbImage> card = test::rectified_in_photo(test::render_face(face), seed, warmth);
  EXPECT_TRUE(card.ok()) << card.status().message();
  if (!card.ok()) return {};
  Result<BorderColour> read = read_border_colour(*card);
  EXPECT_TRUE(read.ok()) << read.status().message();
  return read.ok() ? *read : BorderColour{};
}

TEST(BorderColourTest, YellowBordersSpeakForTheEarlierEras) {
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    for (double warmth : {-1.0, 0.0, 1.0}) {
      const BorderColour b = border_in_photo(kYellow, seed, warmth);
      EXPECT_GT(b.yellow, 0.5) << "seed " << seed << " warmth " << warmth;
      EXPECT_LT(b.silver_era_log_ratio, -1) << "seed " << seed << " warmth " << warmth;
    }
  }
}

TEST(BorderColourTest, SilverBordersSpeakForScarletAndVioletOn) {
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    for (double warmth : {-1.0, 0.0, 1.0}) {
      const BorderColour b = border_in_photo(kSilver, seed, warmth);
      EXPECT_GT(b.silver, 0.5) << "seed " << seed << " warmth " << warmth;
      EXPECT_GT(b.silver_era_log_ratio, 1) << "seed " << seed << " warmth " << warmth;
    }
  }
}

TEST(BorderColourTest, OtherBordersAreNeitherColour) {
  const BorderColour b = border_in_photo(kBlack, 5);
  EXPECT_LT(b.yellow, 0.5);
  EXPECT_LT(b.silver, 0.5);
  EXPECT_GT(b.silver_era_log_ratio, -1);
  EXPECT_LT(b.silver_era_log_ratio, 1);
}

TEST(BorderColourTest, RejectsAnEmptyImage) { EXPECT_FALSE(read_border_colour(RgbImage{}).ok()); }

}  // namespace
}  // namespace cardmint::image
