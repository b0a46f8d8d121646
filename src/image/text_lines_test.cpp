#include "image/text_lines.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <random>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// A band of card stock: a colour with grain, like a photographed card after rectification.
cv::Mat grainy_stock(cv::Size size, cv::Scalar colour, unsigned seed) {
  cv::Mat band(size, CV_8UC3, colour);
  cv::Mat noise(size, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(12));
  cv::Mat out;
  band.convertTo(out, CV_16SC3);
  cv::Mat signed_noise;
  noise.convertTo(signed_noise, CV_16SC3);
  out += signed_noise - cv::Scalar::all(0);
  out.convertTo(band, CV_8UC3);
  return band;
}

cv::Rect text_box(const cv::Mat& band, const std::string& text, cv::Point origin, double scale) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 2, &baseline);
  cv::putText(band, text, origin, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(30, 30, 30), 2,
              cv::LINE_AA);
  return {origin.x, origin.y - size.height, size.width, size.height};  // cap height, no descent
}

double overlap(const BandRect& found, const cv::Rect& truth) {
  const cv::Rect f(found.x, found.y, found.width, found.height);
  return double((f & truth).area()) / double(truth.area());
}

TEST(TextLinesTest, FindsEachPrintedLineOnGrainyStock) {
  cv::Mat band = grainy_stock({700, 160}, cv::Scalar(210, 190, 120), 1);
  const cv::Rect illustrator = text_box(band, "Illus. Ken Sugimori", {20, 60}, 0.7);
  const cv::Rect number = text_box(band, "87/132", {520, 62}, 0.9);
  const cv::Rect copyright = text_box(band, "1999 Wizards", {200, 130}, 0.6);
  Result<std::vector<TextLine>> lines =
      find_text_lines(rgb_image_of(band), {.min_char_height = 8, .max_char_height = 40});
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  // The wide gap keeps the number apart from the illustrator; the copyright is a line of its own.
  for (const cv::Rect& truth : {illustrator, number, copyright}) {
    const bool found = std::any_of(lines->begin(), lines->end(), [&](const TextLine& line) {
      return overlap(line.box, truth) > 0.8 && line.box.width < truth.width * 1.3;
    });
    EXPECT_TRUE(found) << "no line for the text at x=" << truth.x << " y=" << truth.y;
  }
  // Top to bottom: the copyright line comes last.
  ASSERT_FALSE(lines->empty());
  EXPECT_GT(overlap(lines->back().box, copyright), 0.8);
}

TEST(TextLinesTest, FindsDarkPrintOnSaturatedStockThatLuminanceHides) {
  // Grey print on orange: nearly the same luminance, but stark in the red channel.
  cv::Mat band = grainy_stock({500, 100}, cv::Scalar(235, 110, 40), 2);
  const cv::Rect number = [&] {
    int baseline = 0;
    const cv::Size size = cv::getTextSize("21/165", cv::FONT_HERSHEY_SIMPLEX, 1.0, 2, &baseline);
    cv::putText(band, "21/165", {150, 60}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(120, 120, 120),
                2, cv::LINE_AA);
    return cv::Rect(150, 60 - size.height, size.width, size.height + baseline);
  }();
  Result<std::vector<TextLine>> lines = find_text_lines(rgb_image_of(band), {8, 40});
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  ASSERT_FALSE(lines->empty());
  EXPECT_GT(overlap(lines->front().box, number), 0.8);
}

TEST(TextLinesTest, PlainStockHasNoLines) {
  Result<std::vector<TextLine>> lines = find_text_lines(
      rgb_image_of(grainy_stock({600, 120}, cv::Scalar(200, 200, 200), 3)), {8, 40});
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  EXPECT_TRUE(lines->empty());
}

TEST(TextLinesTest, LineCropShowsNoNeighbouringPrint) {
  // A name with the stage line just above it: the crop of the name must not show the stage
  // line's bottom half (Tesseract's single-line mode then reads nothing at all).
  cv::Mat band(140, 600, CV_8UC3, cv::Scalar(230, 230, 230));
  text_box(band, "STAGE 1 Evolves from Bulbasaur", {20, 30}, 0.6);
  const cv::Rect name = text_box(band, "Ivysaur", {20, 80}, 1.6);
  Result<std::vector<TextLine>> lines = find_text_lines(rgb_image_of(band), {14, 90});
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  const auto it = std::find_if(lines->begin(), lines->end(),
                               [&](const TextLine& l) { return overlap(l.box, name) > 0.8; });
  ASSERT_NE(it, lines->end());
  const RgbImage crop = crop_text_line(rgb_image_of(band), *it);
  cv::Mat grey;
  cv::cvtColor(view_of(crop), grey, cv::COLOR_RGB2GRAY);
  // The padding above the name is the stock's colour, with no ink in it.
  const int pad = std::max(2, it->char_height / 2);
  double lowest = 255;
  cv::minMaxLoc(grey(cv::Rect(0, 0, grey.cols, pad)), &lowest);
  EXPECT_GT(lowest, 200);
  EXPECT_GT(crop.height, it->box.height);  // padded, so the glyphs do not touch the edge
}

TEST(TextLinesTest, AStageBadgeFrameIsNotPartOfTheName) {
  // Modern cards print "BASIC" in a framed plate right before the name; the frame is as tall as
  // the name's capitals, and as a "glyph" it would glue the plate to the name.
  cv::Mat band(120, 700, CV_8UC3, cv::Scalar(225, 215, 150));
  cv::rectangle(band, cv::Rect(20, 40, 70, 40), cv::Scalar(60, 60, 60), 2);
  cv::putText(band, "BASIC", {28, 66}, cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(60, 60, 60), 1,
              cv::LINE_AA);
  const cv::Rect name = text_box(band, "Giratina V", {105, 78}, 1.4);
  Result<std::vector<TextLine>> lines = find_text_lines(rgb_image_of(band), {14, 90});
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  const auto it = std::find_if(lines->begin(), lines->end(),
                               [&](const TextLine& l) { return overlap(l.box, name) > 0.8; });
  ASSERT_NE(it, lines->end());
  EXPECT_GE(it->box.x, 92) << "the name's line starts inside the badge";
}

TEST(TextLinesTest, RejectsBadInput) {
  EXPECT_FALSE(find_text_lines(RgbImage{}).ok());
  RgbImage band;
  band.width = 10;
  band.height = 10;
  band.pixels.assign(300, 255);
  EXPECT_FALSE(find_text_lines(band, {.min_char_height = 20, .max_char_height = 10}).ok());
}

}  // namespace
}  // namespace cardmint::image
