#include "tests/service/test_images.h"

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "image/jpeg_comment.h"
#include "tests/support/file_contents.h"

namespace cardmint::testing {
namespace {

void put_u32_be(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

// length, type, data, CRC-32 over type+data: a chunk any PNG reader accepts as intact.
void put_png_chunk(std::string& out, const std::string& type, const std::string& data) {
  put_u32_be(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = type + data;
  out += body;
  put_u32_be(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                                   static_cast<uInt>(body.size()))));
}

}  // namespace

std::string card_jpeg() {
  cv::Mat m(420, 300, CV_8UC3);
  for (int y = 0; y < m.rows; ++y) {
    for (int x = 0; x < m.cols; ++x) {
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / m.cols),
                                        static_cast<uchar>(y * 255 / m.rows), 140);
    }
  }
  cv::rectangle(m, {15, 15}, {285, 55}, cv::Scalar(250, 250, 250), cv::FILLED);
  cv::circle(m, {150, 210}, 90, cv::Scalar(30, 60, 220), cv::FILLED);
  cv::putText(m, "Pikachu 58/102", {25, 45}, cv::FONT_HERSHEY_SIMPLEX, 0.8, cv::Scalar(0, 0, 0), 2);
  std::vector<uchar> jpeg;
  if (!cv::imencode(".jpg", m, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90})) {
    throw std::runtime_error("imencode failed");
  }
  return std::string(jpeg.begin(), jpeg.end());
}

std::string truncated_jpeg() {
  const std::string whole = card_jpeg();
  return whole.substr(0, whole.size() / 2);
}

std::string pdf_bytes() {
  return "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
         "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
         "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

std::string png_bomb() {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32_be(ihdr, 30000);  // width
  put_u32_be(ihdr, 30000);  // height: 900 megapixels, 2.7 GB of RGB if anyone decoded it
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
  put_png_chunk(png, "IHDR", ihdr);
  // A tiny valid zlib stream: the first row's filter byte and a few pixels.
  const std::string raw(64, '\0');
  std::vector<Bytef> deflated(compressBound(raw.size()));
  uLongf deflated_size = deflated.size();
  if (compress(deflated.data(), &deflated_size, reinterpret_cast<const Bytef*>(raw.data()),
               raw.size()) != Z_OK) {
    throw std::runtime_error("zlib compress failed");
  }
  put_png_chunk(png, "IDAT", std::string(deflated.begin(), deflated.begin() + deflated_size));
  put_png_chunk(png, "IEND", "");
  return png;
}

std::string noise_bytes(std::size_t size) {
  std::mt19937 generator(1234);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(generator() & 0xff);
  return out;
}

std::filesystem::path devset_dir() {
  return std::filesystem::path(CARDMINT_SOURCE_DIR) / "data/devset";
}

std::string devset_photo(const std::string& file) {
  std::string bytes = file_contents(devset_dir() / file);
  if (bytes.empty()) throw std::runtime_error("cannot read devset photo " + file);
  return bytes;
}

std::string with_jpeg_comment(const std::string& jpeg, const std::string& text) {
  Result<std::string> commented = image::with_jpeg_comment(jpeg, text);
  if (!commented.ok()) throw std::runtime_error(commented.status().to_string());
  return std::move(commented).value();
}

std::string rephotographed(const std::string& jpeg, double degrees, int quality, bool glare) {
  const cv::Mat in =
      cv::imdecode(cv::Mat(1, static_cast<int>(jpeg.size()), CV_8U, const_cast<char*>(jpeg.data())),
                   cv::IMREAD_COLOR);
  if (in.empty()) throw std::runtime_error("cannot decode the JPEG");
  const cv::Mat turn =
      cv::getRotationMatrix2D(cv::Point2f(in.cols / 2.0f, in.rows / 2.0f), degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(in, out, turn, in.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  if (glare) {
    // A lamp's reflection: a soft white patch, 30% white at most, at the picture's centre.
    cv::Mat patch(out.size(), CV_32F, cv::Scalar(0));
    cv::circle(patch, cv::Point(out.cols / 2, out.rows / 2), out.cols / 10, cv::Scalar(0.3),
               cv::FILLED);
    cv::GaussianBlur(patch, patch, cv::Size(0, 0), out.cols / 40.0);
    cv::Mat as_float;
    out.convertTo(as_float, CV_32FC3);
    cv::Mat patch3;
    cv::merge(std::vector<cv::Mat>{patch, patch, patch}, patch3);
    as_float = as_float.mul(cv::Scalar::all(1.0) - patch3) + patch3 * 255.0;
    as_float.convertTo(out, CV_8UC3);
  }
  std::vector<std::uint8_t> encoded;
  cv::imencode(".jpg", out, encoded, {cv::IMWRITE_JPEG_QUALITY, quality});
  return std::string(encoded.begin(), encoded.end());
}

}  // namespace cardmint::testing
