#pragma once
// The bridge between RgbImage and cv::Mat, for the .cpp files of the stages that compute on
// pixels (image/, hash/) and their tests, so OpenCV types never reach a public header.
// Thread-safe: free functions with no shared state.

#include <cstddef>
#include <opencv2/core.hpp>

#include "base/status.h"
#include "image/rgb_image.h"

namespace cardmint::image {

// A read-only CV_8UC3 (R G B) view over `image`'s pixels; no copy. The Mat borrows: `image` must
// outlive it and must not be written through it (OpenCV has no const Mat, hence the cast).
// REQUIRES: rgb_image_is_valid(image).
inline cv::Mat view_of(const RgbImage& image) {
  return cv::Mat(image.height, image.width, CV_8UC3,
                 const_cast<std::uint8_t*>(image.pixels.data()));
}

// Copies a CV_8UC3 R G B Mat (any step) into a packed RgbImage.
inline RgbImage rgb_image_of(const cv::Mat& rgb) {
  RgbImage image;
  image.width = rgb.cols;
  image.height = rgb.rows;
  image.pixels.resize(std::size_t(rgb.cols) * std::size_t(rgb.rows) * 3);
  rgb.copyTo(cv::Mat(rgb.rows, rgb.cols, CV_8UC3, image.pixels.data()));
  return image;
}

// True when the buffer holds exactly width*height RGB pixels; every entry point checks this
// before building a view, because a short buffer would be read past its end.
inline bool rgb_image_is_valid(const RgbImage& image) {
  return !image.empty() &&
         image.pixels.size() == std::size_t(image.width) * std::size_t(image.height) * 3;
}

inline Status check_rgb_image(const RgbImage& image, const char* what) {
  if (image.empty()) return Status::invalid_input(std::string(what) + " is empty");
  if (!rgb_image_is_valid(image)) {
    return Status::invalid_input(std::string(what) + " pixel buffer does not match its size");
  }
  return {};
}

}  // namespace cardmint::image
