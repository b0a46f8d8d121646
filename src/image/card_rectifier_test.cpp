#include "image/card_rectifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <string>

#include "image/card_detector.h"
#include "image/card_orientation.h"
#include "image/card_photo_for_test.h"
#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

using test::Desk;
using test::Photo;
using test::PhotoOptions;

cv::Mat face(std::uint32_t seed = 1, bool blank = false, bool modern = false) {
  test::FaceOptions options;
  options.seed = seed;
  options.blank = blank;
  options.number_bottom_left = modern;
  return test::render_face(options);
}

PhotoOptions pose(Desk desk, double angle_deg, std::uint32_t seed) {
  PhotoOptions o;
  o.desk = desk;
  o.width = 1200;
  o.height = 900;
  o.angle_deg = angle_deg;
  o.tilt_x_deg = (seed % 3 == 0 ? -1 : 1) * 9.0;
  o.tilt_y_deg = (seed % 2 == 0 ? -1 : 1) * 6.0;
  o.card_height_frac = 0.62;
  o.seed = seed;
  return o;
}

// Normalised cross-correlation of two same-size images' grey levels.
double similarity(const cv::Mat& a_rgb, const cv::Mat& b_rgb) {
  cv::Mat a;
  cv::Mat b;
  cv::cvtColor(a_rgb, a, cv::COLOR_RGB2GRAY);
  cv::cvtColor(b_rgb, b, cv::COLOR_RGB2GRAY);
  cv::Mat result;
  cv::matchTemplate(a, b, result, cv::TM_CCOEFF_NORMED);
  return result.at<float>(0, 0);
}

// How much the rectified card looks like the face it was printed from, upright and turned.
struct Likeness {
  double upright = 0;
  double turned = 0;
};
Likeness likeness(const RgbImage& card, const cv::Mat& face_rgb) {
  cv::Mat expected;
  cv::resize(face_rgb, expected, cv::Size(card.width, card.height), 0, 0, cv::INTER_AREA);
  cv::Mat turned;
  cv::rotate(expected, turned, cv::ROTATE_180);
  const cv::Mat got = view_of(card);
  return {similarity(got, expected), similarity(got, turned)};
}

CardQuad quad_of(const Photo& p, int shift = 0, bool reverse = false) {
  CardQuad q;
  for (int i = 0; i < 4; ++i) {
    const int k = reverse ? (shift - i + 8) % 4 : (i + shift) % 4;
    q.corners[i] = {p.corners[k].x, p.corners[k].y};
  }
  return q;
}

TEST(CardRectifierTest, TurnsEveryQuarterTurnUpright) {
  const cv::Mat card_face = face(11);
  for (int quarter = 0; quarter < 4; ++quarter) {
    for (double jitter : {-12.0, 9.0}) {
      const PhotoOptions o = pose(Desk(quarter % 5), quarter * 90 + jitter, 40 + quarter);
      const Photo p = test::render_photo(card_face, o);
      const RgbImage photo = test::to_rgb_image(p.rgb);
      Result<CardQuad> quad = find_card(photo);
      ASSERT_TRUE(quad.ok()) << quad.status().message();
      Result<RectifiedCard> card = rectify_card(photo, *quad);
      ASSERT_TRUE(card.ok()) << card.status().message();
      const std::string where = "angle " + std::to_string(o.angle_deg);
      EXPECT_EQ(card->rotation_deg, quarter * 90) << where;
      EXPECT_EQ(card->card.width, 744) << where;
      EXPECT_EQ(card->card.height, 1039) << where;
      const Likeness l = likeness(card->card, card_face);
      EXPECT_GT(l.upright, 0.8) << where;
      EXPECT_GT(l.upright, l.turned + 0.3) << where;
      EXPECT_GT(card->orientation_confidence, 0.6) << where;
      EXPECT_GT(card->orientation_score, 0) << where;
      // corners[0] is now the card's own top-left, within 1.5% of the card's height.
      const double height = cv::norm(p.corners[3] - p.corners[0]);
      for (int i = 0; i < 4; ++i) {
        const cv::Point2d c(card->quad.corners[i].x, card->quad.corners[i].y);
        EXPECT_LT(cv::norm(c - p.corners[i]), 0.015 * height) << where << " corner " << i;
      }
    }
  }
}

// The surround is the same warp with the photo kept around the card: the card inside it, the
// desk past its edges, turned as the card came out when it came out upside down.
TEST(CardRectifierTest, SurroundHoldsTheCardAndTheDeskAroundIt) {
  const cv::Mat card_face = face(13);
  constexpr int m = 42;
  for (const double angle : {4.0, 183.0}) {
    PhotoOptions o = pose(Desk::kDark, angle, 60);
    o.card_height_frac = 0.5;
    const Photo p = test::render_photo(card_face, o);
    const RgbImage photo = test::to_rgb_image(p.rgb);
    Result<RectifiedCard> card = rectify_card(photo, quad_of(p));
    ASSERT_TRUE(card.ok()) << card.status().message();
    Result<RgbImage> surround =
        warp_card_surround(photo, card->quad, card->card.width, card->card.height, m);
    ASSERT_TRUE(surround.ok()) << surround.status().message();
    ASSERT_EQ(surround->width, card->card.width + 2 * m);
    ASSERT_EQ(surround->height, card->card.height + 2 * m);
    const cv::Mat around = view_of(*surround);
    const cv::Mat inside = around(cv::Rect(m, m, card->card.width, card->card.height));
    cv::Mat difference;
    cv::absdiff(inside, view_of(card->card), difference);
    EXPECT_LT(cv::mean(difference)[0], 2.0) << angle;
    // Below the card's foot: desk, unlike the card's own bottom rows.
    const cv::Mat foot = view_of(card->card).rowRange(card->card.height - m, card->card.height);
    const cv::Mat past =
        around.rowRange(around.rows - m / 2, around.rows).colRange(m, m + card->card.width);
    cv::Scalar desk_mean, desk_sd, foot_mean, foot_sd;
    cv::meanStdDev(past, desk_mean, desk_sd);
    cv::meanStdDev(foot, foot_mean, foot_sd);
    EXPECT_GT(cv::norm(desk_mean - foot_mean), 20) << angle;
  }
  const Photo p = test::render_photo(card_face, pose(Desk::kDark, 4, 60));
  const RgbImage photo = test::to_rgb_image(p.rgb);
  Result<RectifiedCard> card = rectify_card(photo, quad_of(p));
  ASSERT_TRUE(card.ok()) << card.status().message();
  EXPECT_EQ(warp_card_surround(photo, card->quad, 744, 1039, -1).status().code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(warp_card_surround(RgbImage{}, card->quad, 744, 1039, m).status().code(),
            StatusCode::kInvalidInput);
}

TEST(CardRectifierTest, ModernLayoutAlsoComesOutUpright) {
  const cv::Mat card_face = face(12, false, true);
  const Photo p = test::render_photo(card_face, pose(Desk::kCloth, 183, 50));
  Result<RectifiedCard> card = rectify_card(test::to_rgb_image(p.rgb), quad_of(p));
  ASSERT_TRUE(card.ok()) << card.status().message();
  const Likeness l = likeness(card->card, card_face);
  EXPECT_GT(l.upright, l.turned + 0.3);
  EXPECT_EQ(card->rotation_deg, 180);
}

TEST(CardRectifierTest, AnyCornerOrderAndWindingGivesTheSameCard) {
  const cv::Mat card_face = face(13);
  const Photo p = test::render_photo(card_face, pose(Desk::kDark, 263, 60));
  const RgbImage photo = test::to_rgb_image(p.rgb);
  for (int shift = 0; shift < 4; ++shift) {
    for (bool reverse : {false, true}) {
      Result<RectifiedCard> card = rectify_card(photo, quad_of(p, shift, reverse));
      ASSERT_TRUE(card.ok()) << card.status().message();
      EXPECT_EQ(card->rotation_deg, 270) << shift << reverse;
      const Likeness l = likeness(card->card, card_face);
      EXPECT_GT(l.upright, l.turned + 0.3) << shift << reverse;
      EXPECT_NEAR(card->quad.corners[0].x, p.corners[0].x, 1e-6) << shift << reverse;
      EXPECT_NEAR(card->quad.corners[0].y, p.corners[0].y, 1e-6) << shift << reverse;
    }
  }
}

TEST(CardRectifierTest, HonoursTheCanonicalSize) {
  const Photo p = test::render_photo(face(14), pose(Desk::kLight, 0, 70));
  RectifyOptions options;
  options.width_px = 630;
  options.height_px = 880;
  Result<RectifiedCard> card = rectify_card(test::to_rgb_image(p.rgb), quad_of(p), options);
  ASSERT_TRUE(card.ok()) << card.status().message();
  EXPECT_EQ(card->card.width, 630);
  EXPECT_EQ(card->card.height, 880);
  EXPECT_EQ(card->card.pixels.size(), 630u * 880u * 3u);

  options.width_px = 900;  // landscape: not a card
  Result<RectifiedCard> wide = rectify_card(test::to_rgb_image(p.rgb), quad_of(p), options);
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().code(), StatusCode::kInvalidInput);
}

TEST(CardRectifierTest, BlankCardHasLowOrientationConfidence) {
  // A card with no layout (a blank face, a card back) gives the cues nothing to go on.
  const Photo blank = test::render_photo(face(15, true), pose(Desk::kWood, 10, 80));
  Result<RectifiedCard> card = rectify_card(test::to_rgb_image(blank.rgb), quad_of(blank));
  ASSERT_TRUE(card.ok()) << card.status().message();
  EXPECT_LT(card->orientation_confidence, 0.35);

  const Photo printed = test::render_photo(face(15), pose(Desk::kWood, 10, 80));
  Result<RectifiedCard> full = rectify_card(test::to_rgb_image(printed.rgb), quad_of(printed));
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_GT(full->orientation_confidence, card->orientation_confidence + 0.3);
}

TEST(CardRectifierTest, RejectsQuadsThatAreNotCards) {
  const Photo p = test::render_photo(face(16), pose(Desk::kGradient, 0, 90));
  const RgbImage photo = test::to_rgb_image(p.rgb);
  CardQuad bow_tie = quad_of(p);
  std::swap(bow_tie.corners[1], bow_tie.corners[2]);
  CardQuad nan = quad_of(p);
  nan.corners[2].x = std::numeric_limits<double>::quiet_NaN();
  CardQuad far = quad_of(p);
  far.corners[1].x = 1e7;
  CardQuad point{};
  for (const CardQuad& q : {bow_tie, nan, far, point}) {
    Result<RectifiedCard> card = rectify_card(photo, q);
    ASSERT_FALSE(card.ok());
    EXPECT_EQ(card.status().code(), StatusCode::kInvalidInput) << card.status().message();
  }
  Result<RectifiedCard> no_photo = rectify_card(RgbImage{}, quad_of(p));
  ASSERT_FALSE(no_photo.ok());
  EXPECT_EQ(no_photo.status().code(), StatusCode::kInvalidInput);
}

TEST(CardOrientationTest, UprightFaceScoresPositiveAndTurnedNegative) {
  for (bool modern : {false, true}) {
    const cv::Mat card_face = face(17, false, modern);
    cv::Mat turned;
    cv::rotate(card_face, turned, cv::ROTATE_180);
    Result<UprightEstimate> up = estimate_upright(test::to_rgb_image(card_face));
    Result<UprightEstimate> down = estimate_upright(test::to_rgb_image(turned));
    ASSERT_TRUE(up.ok() && down.ok());
    EXPECT_GT(up->score, 0.1) << modern;
    EXPECT_LT(down->score, -0.1) << modern;
    EXPECT_NEAR(up->score, -down->score, 0.05) << "a half turn should mirror the score";
    EXPECT_GT(up->confidence, 0.6);
    EXPECT_LE(up->confidence, 1.0);
  }
}

TEST(RotateImageTest, TurnsClockwiseByQuarterTurns) {
  RgbImage image;  // 3 wide, 2 tall; the top-left pixel is marked red
  image.width = 3;
  image.height = 2;
  image.pixels.assign(3 * 2 * 3, 0);
  image.pixels[0] = 255;
  Result<RgbImage> turned = rotate_image(image, 90);
  ASSERT_TRUE(turned.ok());
  EXPECT_EQ(turned->width, 2);
  EXPECT_EQ(turned->height, 3);
  // Clockwise: the top-left corner moves to the top-right.
  EXPECT_EQ(turned->pixels[(0 * 2 + 1) * 3], 255);
  Result<RgbImage> half = rotate_image(image, -180);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->pixels[(1 * 3 + 2) * 3], 255);
  Result<RgbImage> same = rotate_image(image, 360);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->pixels, image.pixels);
  Result<RgbImage> odd = rotate_image(image, 45);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace cardmint::image
