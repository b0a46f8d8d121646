#include "image/finish_hint.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "image/card_detector.h"
#include "image/card_photo_for_test.h"
#include "image/card_rectifier.h"

namespace cardmint::image {
namespace {

// A canonical 744x1039 card straight from the face, as rectify_card would give it.
RgbImage canonical(const test::FaceOptions& options) {
  cv::Mat resized;
  cv::resize(test::render_face(options), resized, cv::Size(744, 1039), 0, 0, cv::INTER_LINEAR);
  return test::to_rgb_image(resized);
}

test::FaceOptions plain(std::uint32_t seed) {
  test::FaceOptions o;
  o.seed = seed;
  return o;
}

TEST(FinishHintTest, PlainCardsAreNormal) {
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    Result<FinishEstimate> finish = estimate_finish(canonical(plain(seed)));
    ASSERT_TRUE(finish.ok()) << finish.status().message();
    EXPECT_EQ(finish->hint, FinishHint::kNormal)
        << "seed " << seed << " art " << finish->art_foil << " body " << finish->body_foil;
  }
}

TEST(FinishHintTest, RainbowArtBoxIsHolo) {
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    test::FaceOptions o = plain(seed);
    o.rainbow_art = true;
    Result<FinishEstimate> finish = estimate_finish(canonical(o));
    ASSERT_TRUE(finish.ok()) << finish.status().message();
    EXPECT_EQ(finish->hint, FinishHint::kHolo)
        << "seed " << seed << " art " << finish->art_foil << " body " << finish->body_foil;
    EXPECT_GT(finish->art_foil, 2 * finish->body_foil);
    EXPECT_GT(finish->confidence, 0.3);
    EXPECT_LE(finish->confidence, 0.9);  // a hint, never a verdict
  }
}

TEST(FinishHintTest, RainbowBodyIsReverseHolo) {
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    test::FaceOptions o = plain(seed);
    o.rainbow_body = true;
    Result<FinishEstimate> finish = estimate_finish(canonical(o));
    ASSERT_TRUE(finish.ok()) << finish.status().message();
    EXPECT_EQ(finish->hint, FinishHint::kReverseHolo)
        << "seed " << seed << " art " << finish->art_foil << " body " << finish->body_foil;
    EXPECT_GT(finish->confidence, 0.3);
  }
}

TEST(FinishHintTest, SeparatesHoloFromPlainThroughAPhoto) {
  // Through perspective, blur, noise and resampling the foil measure must still separate.
  test::PhotoOptions pose;
  pose.desk = test::Desk::kWood;
  pose.width = 1200;
  pose.height = 900;
  pose.angle_deg = 172;
  pose.tilt_x_deg = 8;
  pose.card_height_frac = 0.85;
  test::FaceOptions holo = plain(5);
  holo.rainbow_art = true;
  FinishEstimate estimates[2];
  for (int i = 0; i < 2; ++i) {
    const test::Photo p = test::render_photo(test::render_face(i == 0 ? plain(5) : holo), pose);
    const RgbImage photo = test::to_rgb_image(p.rgb);
    Result<CardQuad> quad = find_card(photo);
    ASSERT_TRUE(quad.ok()) << quad.status().message();
    Result<RectifiedCard> card = rectify_card(photo, *quad);
    ASSERT_TRUE(card.ok()) << card.status().message();
    Result<FinishEstimate> finish = estimate_finish(card->card);
    ASSERT_TRUE(finish.ok()) << finish.status().message();
    estimates[i] = *finish;
  }
  EXPECT_EQ(estimates[0].hint, FinishHint::kNormal) << estimates[0].art_foil;
  EXPECT_EQ(estimates[1].hint, FinishHint::kHolo) << estimates[1].art_foil;
  EXPECT_GT(estimates[1].art_foil, 3 * estimates[0].art_foil);
}

TEST(FinishHintTest, RejectsEmptyImages) {
  Result<FinishEstimate> finish = estimate_finish(RgbImage{});
  ASSERT_FALSE(finish.ok());
  EXPECT_EQ(finish.status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace cardmint::image
