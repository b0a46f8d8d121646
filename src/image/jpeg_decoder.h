#pragma once
// JPEG pixels through libjpeg itself rather than cv::imdecode, for one reason: only there can a
// decode be stopped part-way when its time runs out. A progressive JPEG's cost grows with its
// scans as well as its pixels, so a small upload can ask for seconds of CPU; the pixel and scan
// limits bound that cost, the deadline bounds what it may actually take.

#include <chrono>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <span>

#include "base/status.h"

namespace cardmint::image {

struct JpegDecodeRequest {
  int reduction = 1;  // 1, 2, 4 or 8: libjpeg scales in the DCT, no full-size buffer
  // CPU time the decode may use on its thread (DECODE_TIMEOUT_MS); 0: no limit. CPU, not wall
  // time, so the limit measures the image and not how busy the machine is.
  std::chrono::milliseconds cpu_limit{0};
};

// RGB (CV_8UC3) pixels, stored orientation (EXIF is the caller's). Grayscale comes out as RGB;
// CMYK/YCCK as OpenCV converts it. Errors: unprocessable when the CPU limit ran out mid-decode
// (the decode stops there) or libjpeg rejects the data; internal when it runs out of memory.
// REQUIRES: the caller has limit-checked the frame size (libjpeg allocates from the header).
[[nodiscard]] Result<cv::Mat> decode_jpeg_rgb(std::span<const std::uint8_t> bytes,
                                              const JpegDecodeRequest& request);

}  // namespace cardmint::image
