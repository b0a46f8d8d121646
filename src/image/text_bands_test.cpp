#include "image/text_bands.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "image/card_photo_for_test.h"
#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

constexpr int kCardWidth = 744;
constexpr int kCardHeight = 1039;

cv::Mat canonical_face(const test::FaceOptions& options) {
  cv::Mat resized;
  cv::resize(test::render_face(options), resized, cv::Size(kCardWidth, kCardHeight), 0, 0,
             cv::INTER_AREA);
  return resized;
}

// Pixels where printing `with` differs from printing `without`: the ink of one text item.
cv::Mat ink_of(const test::FaceOptions& with, const test::FaceOptions& without) {
  cv::Mat diff;
  cv::absdiff(canonical_face(with), canonical_face(without), diff);
  cv::Mat grey;
  cv::cvtColor(diff, grey, cv::COLOR_RGB2GRAY);
  return grey > 40;
}

double share_inside(const cv::Mat& ink, const BandRect& r) {
  const double total = cv::countNonZero(ink);
  const cv::Rect rect(r.x, r.y, r.width, r.height);
  return total > 0 ? cv::countNonZero(ink(rect & cv::Rect(0, 0, ink.cols, ink.rows))) / total : 0;
}

TEST(TextBandsTest, NameBandHoldsTheName) {
  test::FaceOptions named;
  named.name = "Dragonite";
  test::FaceOptions unnamed = named;
  unnamed.name = "";
  const cv::Mat ink = ink_of(named, unnamed);
  ASSERT_GT(cv::countNonZero(ink), 500);
  Result<TextBands> bands = crop_text_bands(test::to_rgb_image(canonical_face(named)));
  ASSERT_TRUE(bands.ok()) << bands.status().message();
  EXPECT_GT(share_inside(ink, bands->name_rect), 0.97);
  EXPECT_LT(share_inside(ink, bands->number_strip_rect), 0.01);
}

TEST(TextBandsTest, NumberStripHoldsClassicAndModernNumbers) {
  for (bool modern : {false, true}) {
    test::FaceOptions numbered;
    numbered.number = "123/165";
    numbered.number_bottom_left = modern;
    test::FaceOptions unnumbered = numbered;
    unnumbered.number = "";
    const cv::Mat ink = ink_of(numbered, unnumbered);
    ASSERT_GT(cv::countNonZero(ink), 100);
    Result<TextBands> bands = crop_text_bands(test::to_rgb_image(canonical_face(numbered)));
    ASSERT_TRUE(bands.ok()) << bands.status().message();
    EXPECT_GT(share_inside(ink, bands->number_strip_rect), 0.97) << modern;
    EXPECT_LT(share_inside(ink, bands->name_rect), 0.01) << modern;
  }
}

TEST(TextBandsTest, CropsAreTheirRectsOfTheCard) {
  const RgbImage card = test::to_rgb_image(canonical_face({}));
  Result<TextBands> bands = crop_text_bands(card);
  ASSERT_TRUE(bands.ok()) << bands.status().message();
  const cv::Mat whole = view_of(card);
  auto expect_crop = [&](const RgbImage& crop, const BandRect& r) {
    ASSERT_EQ(crop.width, r.width);
    ASSERT_EQ(crop.height, r.height);
    ASSERT_GE(r.x, 0);
    ASSERT_LE(r.x + r.width, card.width);
    ASSERT_LE(r.y + r.height, card.height);
    const cv::Mat expected = whole(cv::Rect(r.x, r.y, r.width, r.height));
    EXPECT_EQ(cv::norm(view_of(crop), expected, cv::NORM_INF), 0.0);
  };
  expect_crop(bands->name, bands->name_rect);
  expect_crop(bands->number_strip, bands->number_strip_rect);
  expect_crop(bands->body, bands->body_rect);
  // The body lies between the title band and the strip, overlapping neither.
  EXPECT_GE(bands->body_rect.y, bands->name_rect.y + bands->name_rect.height);
  EXPECT_LE(bands->body_rect.y + bands->body_rect.height, bands->number_strip_rect.y);
  EXPECT_GT(bands->body_rect.height, card.height / 3);
}

TEST(TextBandsTest, RejectsTinyOrEmptyCards) {
  RgbImage tiny;
  tiny.width = 40;
  tiny.height = 56;
  tiny.pixels.assign(40 * 56 * 3, 128);
  Result<TextBands> bands = crop_text_bands(tiny);
  ASSERT_FALSE(bands.ok());
  EXPECT_EQ(bands.status().code(), StatusCode::kInvalidInput);
  ASSERT_FALSE(crop_text_bands(RgbImage{}).ok());
}

// A card image with a margin around it, as RectifiedCard::surround: the card's strip carried on
// past its foot takes the margin's rows below the card, and the card's own strip from above.
TEST(NumberStripPastEdgeTest, CarriesTheStripOnPastTheCardsFoot) {
  const RgbImage card = test::to_rgb_image(canonical_face({}));
  constexpr int kMargin = 42;
  cv::Mat surround(card.height + 2 * kMargin, card.width + 2 * kMargin, CV_8UC3,
                   cv::Scalar(200, 30, 30));
  view_of(card).copyTo(surround(cv::Rect(kMargin, kMargin, card.width, card.height)));
  Result<TextBands> bands = crop_text_bands(card);
  ASSERT_TRUE(bands.ok()) << bands.status().message();
  Result<RgbImage> past = crop_number_strip_past_edge(rgb_image_of(surround), kMargin);
  ASSERT_TRUE(past.ok()) << past.status().message();

  const BandRect& strip = bands->number_strip_rect;
  ASSERT_EQ(past->width, strip.width);
  // The strip's top, and its rows to 3.5% of the card's height below the card's foot.
  const int below_foot = past->height - (card.height - strip.y);
  EXPECT_NEAR(below_foot, 0.035 * card.height, 2);
  const cv::Mat got = view_of(*past);
  const cv::Mat own = view_of(bands->number_strip);
  EXPECT_EQ(cv::norm(got(cv::Rect(0, 0, own.cols, own.rows)), own, cv::NORM_INF), 0.0);
  const cv::Mat margin_rows = got.rowRange(got.rows - below_foot, got.rows);
  const cv::Mat desk(margin_rows.size(), CV_8UC3, cv::Scalar(200, 30, 30));
  EXPECT_EQ(cv::norm(margin_rows, desk, cv::NORM_INF), 0.0);
}

TEST(NumberStripPastEdgeTest, RejectsAMarginThatLeavesNoCard) {
  RgbImage small;
  small.width = 200;
  small.height = 260;
  small.pixels.assign(200 * 260 * 3, 128);
  EXPECT_TRUE(crop_number_strip_past_edge(small, 10).ok());
  EXPECT_EQ(crop_number_strip_past_edge(small, 90).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(crop_number_strip_past_edge(small, -1).status().code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(crop_number_strip_past_edge(RgbImage{}, 0).ok());
}

// A faded number band: grey text on a slightly lighter grey, half of it under a shadow.
RgbImage faded_band() {
  cv::Mat band(60, 300, CV_8UC3, cv::Scalar(170, 170, 170));
  band(cv::Rect(150, 0, 150, 60)).setTo(cv::Scalar(95, 95, 95));
  cv::putText(band, "58/102", {10, 40}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(140, 140, 140), 2,
              cv::LINE_AA);
  cv::putText(band, "58/102", {160, 40}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(70, 70, 70), 2,
              cv::LINE_AA);
  return test::to_rgb_image(band);
}

// Mean difference between text and background pixels inside the shadowed half.
double text_contrast(const RgbImage& image) {
  const cv::Mat reference = view_of(faded_band());
  cv::Mat text_mask;
  cv::inRange(reference, cv::Scalar(60, 60, 60), cv::Scalar(80, 80, 80), text_mask);
  cv::Mat background_mask;
  cv::inRange(reference, cv::Scalar(95, 95, 95), cv::Scalar(95, 95, 95), background_mask);
  cv::resize(text_mask, text_mask, cv::Size(image.width, image.height), 0, 0, cv::INTER_NEAREST);
  cv::resize(background_mask, background_mask, cv::Size(image.width, image.height), 0, 0,
             cv::INTER_NEAREST);
  cv::Mat grey;
  cv::cvtColor(view_of(image), grey, cv::COLOR_RGB2GRAY);
  return cv::mean(grey, background_mask)[0] - cv::mean(grey, text_mask)[0];
}

TEST(EnhanceForOcrTest, StretchesFadedTextAndReturnsGrey) {
  const RgbImage band = faded_band();
  Result<RgbImage> enhanced = enhance_for_ocr(band);
  ASSERT_TRUE(enhanced.ok()) << enhanced.status().message();
  ASSERT_EQ(enhanced->width, band.width);
  ASSERT_EQ(enhanced->height, band.height);
  for (std::size_t i = 0; i < enhanced->pixels.size(); i += 3) {
    ASSERT_EQ(enhanced->pixels[i], enhanced->pixels[i + 1]);
    ASSERT_EQ(enhanced->pixels[i], enhanced->pixels[i + 2]);
  }
  EXPECT_GT(text_contrast(*enhanced), 1.5 * text_contrast(band));
}

TEST(EnhanceForOcrTest, UpscalesWhenAsked) {
  const RgbImage band = faded_band();
  Result<RgbImage> enhanced = enhance_for_ocr(band, {.scale = 2.0});
  ASSERT_TRUE(enhanced.ok()) << enhanced.status().message();
  EXPECT_EQ(enhanced->width, 2 * band.width);
  EXPECT_EQ(enhanced->height, 2 * band.height);
  EXPECT_EQ(enhanced->pixels.size(), std::size_t(enhanced->width) * enhanced->height * 3);
}

TEST(EnhanceForOcrTest, RejectsBadOptionsAndImages) {
  const RgbImage band = faded_band();
  for (double scale : {0.0, -1.0, 9.0}) {
    Result<RgbImage> r = enhance_for_ocr(band, {.scale = scale});
    ASSERT_FALSE(r.ok()) << scale;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  }
  Result<RgbImage> clip = enhance_for_ocr(band, {.scale = 1.0, .clahe_clip_limit = 0});
  ASSERT_FALSE(clip.ok());
  for (double sigma : {-1.0, 40.0})
    ASSERT_FALSE(enhance_for_ocr(band, {.deblur_sigma = sigma}).ok());
  ASSERT_FALSE(enhance_for_ocr(RgbImage{}).ok());
}

// One line of print as a line crop has it: a plain background (crop_text_line pads with it).
cv::Mat printed_line(const cv::Scalar& background, const cv::Scalar& ink) {
  cv::Mat band(60, 200, CV_8UC3, background);
  cv::putText(band, "58/102", {10, 40}, cv::FONT_HERSHEY_SIMPLEX, 1.0, ink, 2, cv::LINE_AA);
  return band;
}

TEST(EnhanceForOcrTest, BinarizesToDarkInkOnWhiteEitherWayRound) {
  const cv::Mat reference = printed_line(cv::Scalar(255, 255, 255), cv::Scalar(0, 0, 0));
  cv::Mat ink_mask;
  cv::cvtColor(reference, ink_mask, cv::COLOR_RGB2GRAY);
  ink_mask = ink_mask < 60;
  for (bool light_print : {false, true}) {
    const cv::Scalar paper = light_print ? cv::Scalar(60, 70, 60) : cv::Scalar(170, 170, 160);
    const cv::Scalar print = light_print ? cv::Scalar(200, 200, 190) : cv::Scalar(110, 100, 100);
    Result<RgbImage> ink =
        enhance_for_ocr(test::to_rgb_image(printed_line(paper, print)), {.binarize = true});
    ASSERT_TRUE(ink.ok()) << ink.status().message();
    for (std::uint8_t p : ink->pixels) ASSERT_TRUE(p == 0 || p == 255) << int(p);
    cv::Mat grey;
    cv::cvtColor(view_of(*ink), grey, cv::COLOR_RGB2GRAY);
    // The glyphs' cores are black and the paper white, whichever way round the print was.
    EXPECT_LT(cv::mean(grey, ink_mask)[0], 60.0) << light_print;
    EXPECT_GT(cv::mean(grey, ~ink_mask)[0], 230.0) << light_print;
  }
}

TEST(EnhanceForOcrTest, DeblurringGivesSmearedStrokesBackTheirContrast) {
  // Thin strokes, as a collector number's are, smeared by a defocus of 3 px: their cores fade
  // towards the paper. Deconvolution under the same blur darkens them again, on dark print and
  // on light print alike.
  for (bool light_print : {false, true}) {
    const cv::Scalar paper = light_print ? cv::Scalar(40, 40, 40) : cv::Scalar(220, 220, 220);
    const cv::Scalar print = light_print ? cv::Scalar(220, 220, 220) : cv::Scalar(40, 40, 40);
    cv::Mat sharp(60, 200, CV_8UC3, paper);
    cv::putText(sharp, "58/102", {10, 40}, cv::FONT_HERSHEY_SIMPLEX, 1.0, print, 1, cv::LINE_AA);
    cv::Mat ink_mask;
    cv::cvtColor(sharp, ink_mask, cv::COLOR_RGB2GRAY);
    ink_mask = light_print ? ink_mask > 180 : ink_mask < 80;
    cv::Mat blurred;
    cv::GaussianBlur(sharp, blurred, cv::Size(), 3.0);
    auto stroke_contrast = [&](const cv::Mat& rgb) {
      cv::Mat grey;
      cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
      return std::abs(cv::mean(grey, ~ink_mask)[0] - cv::mean(grey, ink_mask)[0]);
    };
    Result<RgbImage> plain = enhance_for_ocr(test::to_rgb_image(blurred));
    Result<RgbImage> restored = enhance_for_ocr(test::to_rgb_image(blurred), {.deblur_sigma = 3.0});
    ASSERT_TRUE(plain.ok() && restored.ok());
    EXPECT_GT(stroke_contrast(view_of(*restored)), 1.3 * stroke_contrast(view_of(*plain)))
        << light_print;
  }
}

}  // namespace
}  // namespace cardmint::image
