#include "tests/vlm/tiny_model_fixture.h"

#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "tests/support/process_scratch_dir.h"
#include "vlm/test_model_writer.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;

const fs::path& scratch_dir() { return process_scratch_dir("cardmint-vlm-test"); }

cv::Mat picture_bgr(int variant = 0) {
  cv::Mat m(420, 300, CV_8UC3);
  const int blue = (128 + 61 * variant) % 256;
  for (int y = 0; y < m.rows; ++y) {
    for (int x = 0; x < m.cols; ++x) {
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / m.cols),
                                        static_cast<uchar>(y * 255 / m.rows), blue);
    }
  }
  cv::circle(m, {150 + 17 * variant, 200 - 23 * variant}, 80 - 9 * variant,
             cv::Scalar(0, 60 * variant % 256, 255), cv::FILLED);
  cv::rectangle(m, {20, 20 + 30 * variant}, {280, 60 + 30 * variant},
                cv::Scalar(255, 255 - 50 * variant % 256, 255), cv::FILLED);
  return m;
}

image::RgbImage to_rgb_image(const cv::Mat& bgr) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  image::RgbImage out;
  out.width = rgb.cols;
  out.height = rgb.rows;
  out.pixels.assign(rgb.data, rgb.data + rgb.total() * 3);
  return out;
}

}  // namespace

const TinyModel& tiny_model() {
  static const TinyModel model = [] {
    vlm::TestModelOptions options;
    options.size = vlm::TestModelSize::kTiny;
    options.out_dir = scratch_dir() / "models";
    options.seed = 7;
    Result<vlm::TestModelPaths> paths = vlm::write_test_model(options);
    if (!paths.ok()) throw std::runtime_error(paths.status().to_string());
    return TinyModel{paths->model, paths->mmproj};
  }();
  return model;
}

image::RgbImage test_picture() { return to_rgb_image(picture_bgr()); }

image::RgbImage test_picture(int variant) { return to_rgb_image(picture_bgr(variant)); }

fs::path test_picture_png() {
  static const fs::path path = [] {
    fs::path p = scratch_dir() / "picture.png";
    cv::imwrite(p.string(), picture_bgr());
    return p;
  }();
  return path;
}

}  // namespace cardmint::testing
