#include "cli/soak_uploads.h"

#include <zlib.h>

#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <vector>

namespace cardmint::cli {
namespace {

// A PNG starts with its 8-byte signature, then the IHDR chunk: length (4), "IHDR" (4), width (4),
// height (4), five one-byte fields, and a CRC-32 over the type and the data (4).
constexpr std::size_t kIhdrType = 12;
constexpr std::size_t kIhdrWidth = 16;
constexpr std::size_t kIhdrHeight = 20;
constexpr std::size_t kIhdrCrc = 29;
constexpr std::size_t kIhdrTypeAndData = 4 + 13;

void put_u32_be(std::string& out, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(value >> (24 - 8 * i));
}

}  // namespace

std::string recropped_jpeg(const std::string& jpeg, int crop, int quality) {
  const cv::Mat encoded(1, static_cast<int>(jpeg.size()), CV_8U, const_cast<char*>(jpeg.data()));
  const cv::Mat picture = cv::imdecode(encoded, cv::IMREAD_COLOR);
  if (picture.empty() || crop >= picture.cols || crop >= picture.rows) return {};
  const cv::Mat cropped = picture(cv::Rect(crop, crop, picture.cols - crop, picture.rows - crop));
  std::vector<std::uint8_t> out;
  if (!cv::imencode(".jpg", cropped, out, {cv::IMWRITE_JPEG_QUALITY, quality})) return {};
  return std::string(out.begin(), out.end());
}

std::string png_bomb(int width, int height) {
  // A real one-pixel PNG, so that everything but the claimed size is as a reader expects; the
  // header's CRC is made again so that a reader checking it still reads on.
  std::vector<std::uint8_t> encoded;
  cv::imencode(".png", cv::Mat(1, 1, CV_8UC3, cv::Scalar(0, 0, 0)), encoded);
  std::string png(encoded.begin(), encoded.end());
  put_u32_be(png, kIhdrWidth, static_cast<std::uint32_t>(width));
  put_u32_be(png, kIhdrHeight, static_cast<std::uint32_t>(height));
  const auto* type_and_data = reinterpret_cast<const Bytef*>(png.data() + kIhdrType);
  put_u32_be(png, kIhdrCrc, static_cast<std::uint32_t>(crc32(0, type_and_data, kIhdrTypeAndData)));
  return png;
}

std::string truncated(const std::string& bytes) { return bytes.substr(0, bytes.size() / 2); }

std::string random_bytes(std::mt19937& rng, std::size_t size) {
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

}  // namespace cardmint::cli
