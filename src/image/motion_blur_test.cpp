#include "image/motion_blur.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/card_photo_for_test.h"
#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// A card-sized picture of print: lines of text of several sizes over blocks of colour, with
// sensor grain, as a rectified card shows them.
cv::Mat printed_page(unsigned seed) {
  cv::Mat page(1039, 744, CV_8UC3, cv::Scalar(225, 215, 90));
  cv::RNG rng(seed);
  for (int i = 0; i < 12; ++i) {
    const cv::Point corner(rng.uniform(0, 700), rng.uniform(0, 1000));
    cv::rectangle(page, corner, corner + cv::Point(rng.uniform(40, 300), rng.uniform(40, 300)),
                  cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)),
                  cv::FILLED);
  }
  const char* words[] = {"Charizard 120 HP",
                         "Fire Spin 100",
                         "Illus. Mitsuhiro Arita",
                         "4/102",
                         "Energy Burn",
                         "Weakness Resistance Retreat"};
  for (int y = 60; y < 1000; y += 55) {
    const double scale = 0.5 + (y % 3) * 0.3;
    cv::putText(page, words[(y / 55) % 6], cv::Point(20 + (y % 7) * 9, y), cv::FONT_HERSHEY_SIMPLEX,
                scale, cv::Scalar(20, 20, 20), scale > 0.9 ? 2 : 1, cv::LINE_AA);
  }
  cv::Mat noise(page.size(), CV_16SC3);
  rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(3));
  cv::Mat grainy;
  page.convertTo(grainy, CV_16SC3);
  grainy += noise;
  grainy.convertTo(page, CV_8UC3);
  return page;
}

// The angle between two undirected paths, 0..90 degrees.
double angle_between(double a_deg, double b_deg) {
  const double d = std::fmod(std::abs(a_deg - b_deg), 180.0);
  return std::min(d, 180.0 - d);
}

// How much of `sharp`'s fine detail (strokes a few pixels wide) `picture` holds: the normalised
// correlation of the two pictures' band-pass (difference of Gaussians) grey. Noise that
// deblurring amplifies is uncorrelated with the page, so only detail brought back raises it.
double detail_correlation(const cv::Mat& picture, const cv::Mat& sharp) {
  const auto band_pass = [](const cv::Mat& rgb) {
    cv::Mat grey, fine, coarse;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    grey.convertTo(grey, CV_32F);
    cv::GaussianBlur(grey, fine, cv::Size(), 1.0);
    cv::GaussianBlur(grey, coarse, cv::Size(), 3.0);
    return cv::Mat(fine - coarse);
  };
  const cv::Mat a = band_pass(picture), b = band_pass(sharp);
  return a.dot(b) / std::sqrt(a.dot(a) * b.dot(b));
}

TEST(MotionBlurTest, FindsTheSmearsLengthAndDirection) {
  const cv::Mat page = printed_page(1);
  for (const auto& [length, angle] : {std::pair{12.0, 30.0}, {9.0, 115.0}, {14.0, 170.0}}) {
    SCOPED_TRACE(testing::Message() << length << " px at " << angle << " degrees");
    const std::optional<MotionBlur> blur =
        estimate_motion_blur(rgb_image_of(test::smear_in_a_line(page, length, angle)), 7.0);
    ASSERT_TRUE(blur.has_value());
    // A line of pixels covers both its ends: its footprint is a pixel longer than the line.
    EXPECT_NEAR(blur->length(), length + 1, 1.5);
    EXPECT_LT(angle_between(std::atan2(blur->dy, blur->dx) * 180 / std::numbers::pi, angle), 8.0);
  }
}

TEST(MotionBlurTest, FindsNoneOnASharpOrDefocusedPictureOrAShortSmear) {
  const cv::Mat page = printed_page(2);
  EXPECT_FALSE(estimate_motion_blur(rgb_image_of(page), 7.0).has_value());
  cv::Mat defocused;
  cv::GaussianBlur(page, defocused, cv::Size(), 2.0);
  EXPECT_FALSE(estimate_motion_blur(rgb_image_of(defocused), 7.0).has_value());
  EXPECT_FALSE(
      estimate_motion_blur(rgb_image_of(test::smear_in_a_line(page, 4, 60)), 7.0).has_value());
}

// `picture` as a camera gives it: softened a little by its lens and compressed to JPEG at
// `quality`. Both fill in the spectral zeros a smear leaves, so its cepstral dip is shallower.
cv::Mat through_a_camera(const cv::Mat& picture, double lens_sigma, int quality) {
  cv::Mat soft;
  cv::GaussianBlur(picture, soft, cv::Size(), lens_sigma);
  std::vector<std::uint8_t> jpeg;
  EXPECT_TRUE(cv::imencode(".jpg", soft, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality}));
  return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

TEST(MotionBlurTest, FindsASmearWhoseDipTheCameraMadeShallow) {
  // A dip of ~4 standard deviations (measured), which alone does not tell a smear from print
  // that spaces out evenly; the detail lost along the path only does.
  const cv::Mat page = printed_page(1);
  const cv::Mat photo = through_a_camera(test::smear_in_a_line(page, 14, 35), 0.8, 60);
  const std::optional<MotionBlur> blur = estimate_motion_blur(rgb_image_of(photo), 7.0);
  ASSERT_TRUE(blur.has_value());
  EXPECT_NEAR(blur->length(), 15, 1.5);
  EXPECT_LT(angle_between(std::atan2(blur->dy, blur->dx) * 180 / std::numbers::pi, 35), 8.0);
  EXPECT_GT(blur->anisotropy, 2.0);  // measured 3.2
}

TEST(MotionBlurTest, FindsNoneWhereSharpPrintMakesADip) {
  // Sharp print through heavy JPEG: a cepstral dip of ~3.7 standard deviations 8.5 px out
  // (measured), as deep as a softened smear's, but its detail is there in every direction.
  for (unsigned seed : {1u, 3u}) {
    const cv::Mat photo = through_a_camera(printed_page(seed), 0.8, 40);
    EXPECT_FALSE(estimate_motion_blur(rgb_image_of(photo), 7.0).has_value()) << "page " << seed;
  }
}

TEST(MotionBlurTest, DeblurringBringsBackTheSharpPicture) {
  const cv::Mat page = printed_page(3);
  const cv::Mat blurred = test::smear_in_a_line(page, 12, 40);
  const std::optional<MotionBlur> blur = estimate_motion_blur(rgb_image_of(blurred), 7.0);
  ASSERT_TRUE(blur.has_value());
  Result<RgbImage> restored = remove_motion_blur(rgb_image_of(blurred), *blur, 0.02);
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  ASSERT_EQ(restored->width, page.cols);
  ASSERT_EQ(restored->height, page.rows);
  // Measured: 0.40 smeared, 0.80 deblurred.
  const double before = detail_correlation(blurred, page);
  const double after = detail_correlation(view_of(*restored), page);
  EXPECT_GT(after, before + 0.25) << "before " << before << ", after " << after;
}

TEST(MotionBlurTest, RejectsEmptyPicturesAndPathsTooShortToUndo) {
  EXPECT_FALSE(estimate_motion_blur(RgbImage{}, 7.0).has_value());
  EXPECT_EQ(remove_motion_blur(RgbImage{}, MotionBlur{10, 0, 5}, 0.02).status().code(),
            StatusCode::kInvalidInput);
  const RgbImage page = rgb_image_of(printed_page(4));
  EXPECT_EQ(remove_motion_blur(page, MotionBlur{1, 1, 5}, 0.02).status().code(),
            StatusCode::kInvalidInput);
  RgbImage truncated = page;
  truncated.pixels.resize(truncated.pixels.size() / 2);
  EXPECT_FALSE(estimate_motion_blur(truncated, 7.0).has_value());
}

}  // namespace
}  // namespace cardmint::image
