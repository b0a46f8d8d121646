#include "image/image_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "image/jpeg_comment.h"

namespace cardmint::image {
namespace {

using Bytes = std::vector<std::uint8_t>;
using namespace std::string_view_literals;

// 64x32 blue with a red 16x16 block top-left: asymmetric, so every rotation and mirror shows, and
// solid 16-pixel blocks survive JPEG and lossy WebP.
constexpr int kWidth = 64;
constexpr int kHeight = 32;

cv::Mat marker_image(int width = kWidth, int height = kHeight) {
  cv::Mat bgr(height, width, CV_8UC3, cv::Scalar(255, 0, 0));
  bgr(cv::Rect(0, 0, 16, 16)).setTo(cv::Scalar(0, 0, 255));
  return bgr;
}

cv::Mat noise_image(int width, int height) {
  cv::Mat bgr(height, width, CV_8UC3);
  cv::RNG rng(42);
  rng.fill(bgr, cv::RNG::UNIFORM, 0, 256);
  return bgr;
}

Bytes encode(const cv::Mat& bgr, const std::string& ext, const std::vector<int>& params = {}) {
  Bytes out;
  EXPECT_TRUE(cv::imencode(ext, bgr, out, params)) << ext;
  return out;
}

Bytes jpeg_of(const cv::Mat& bgr) { return encode(bgr, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}); }
Bytes lossy_webp_of(const cv::Mat& bgr) {
  return encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90});
}
Bytes lossless_webp_of(const cv::Mat& bgr) {
  return encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101});
}

Result<RgbImage> decode(const Bytes& bytes, const DecodeLimits& limits = {}) {
  return decode_image(bytes, limits);
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

struct Rgb {
  int r, g, b;
};
Rgb pixel(const RgbImage& image, int x, int y) {
  const std::size_t i = (std::size_t(y) * std::size_t(image.width) + std::size_t(x)) * 3;
  return {image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
}
bool is_red(Rgb p) { return p.r > 200 && p.g < 60 && p.b < 60; }
bool is_blue(Rgb p) { return p.b > 200 && p.r < 60 && p.g < 60; }

void append_be32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
void append_le(Bytes& out, std::uint32_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void append(Bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
void append(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }

// Little-endian TIFF with IFD0 = { 0x0112 Orientation SHORT 1 = orientation }.
Bytes exif_tiff(int orientation) {
  return {'I',
          'I',
          42,
          0,
          8,
          0,
          0,
          0,
          1,
          0,
          0x12,
          0x01,
          3,
          0,
          1,
          0,
          0,
          0,
          static_cast<std::uint8_t>(orientation),
          0,
          0,
          0,
          0,
          0,
          0,
          0};
}

Bytes insert_after_soi(const Bytes& jpeg, const Bytes& inserted) {
  Bytes out(jpeg.begin(), jpeg.begin() + 2);
  append(out, inserted);
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

Bytes jpeg_segment(std::uint8_t marker, const Bytes& body) {
  Bytes out = {0xFF, marker, static_cast<std::uint8_t>((body.size() + 2) >> 8),
               static_cast<std::uint8_t>(body.size() + 2)};
  append(out, body);
  return out;
}

Bytes with_jpeg_exif(const Bytes& jpeg, int orientation) {
  Bytes body;
  append(body, "Exif\0\0"sv);
  append(body, exif_tiff(orientation));
  return insert_after_soi(jpeg, jpeg_segment(0xE1, body));
}

// Offset of the baseline frame header (FF C0) in an OpenCV-encoded JPEG; checked against the size.
std::size_t find_sof0(const Bytes& jpeg, int width, int height) {
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0 && (jpeg[i + 5] << 8 | jpeg[i + 6]) == height &&
        (jpeg[i + 7] << 8 | jpeg[i + 8]) == width) {
      return i;
    }
  }
  ADD_FAILURE() << "no SOF0 for " << width << "x" << height;
  return 0;
}

Bytes png_chunk(std::string_view type, const Bytes& data) {
  Bytes out;
  append_be32(out, static_cast<std::uint32_t>(data.size()));
  append(out, type);
  append(out, data);
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(type.data()), 4);
  if (!data.empty()) crc = crc32(crc, data.data(), static_cast<uInt>(data.size()));  // NULL resets
  append_be32(out, static_cast<std::uint32_t>(crc));
  return out;
}

Bytes with_png_exif(const Bytes& png, int orientation) {
  constexpr std::size_t kAfterIhdr = 8 + 12 + 13;
  Bytes out(png.begin(), png.begin() + kAfterIhdr);
  append(out, png_chunk("eXIf", exif_tiff(orientation)));
  out.insert(out.end(), png.begin() + kAfterIhdr, png.end());
  return out;
}

// A real, complete PNG of width x height black pixels at 1 bit each: every row is a filter byte
// plus width/8 zero bytes, which deflate shrinks about 1000:1. The IDAT is streamed row by row so
// the test never holds the inflated image either.
Bytes png_bomb(std::uint32_t width, std::uint32_t height) {
  Bytes ihdr;
  append_be32(ihdr, width);
  append_be32(ihdr, height);
  append(ihdr, Bytes{1, 0, 0, 0, 0});  // bit depth 1, greyscale, deflate, no filter, no interlace

  z_stream zs{};
  EXPECT_EQ(deflateInit(&zs, Z_BEST_COMPRESSION), Z_OK);
  Bytes row(1 + (width + 7) / 8, 0);
  Bytes idat;
  Bytes buffer(64 * 1024);
  for (std::uint32_t y = 0; y < height; ++y) {
    const bool last = y + 1 == height;
    zs.next_in = row.data();
    zs.avail_in = static_cast<uInt>(row.size());
    int rc = Z_OK;
    do {
      zs.next_out = buffer.data();
      zs.avail_out = static_cast<uInt>(buffer.size());
      rc = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
      idat.insert(idat.end(), buffer.begin(), buffer.end() - zs.avail_out);
    } while (zs.avail_out == 0 || (last && rc != Z_STREAM_END));
  }
  deflateEnd(&zs);

  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  append(png, png_chunk("IHDR", ihdr));
  append(png, png_chunk("IDAT", idat));
  append(png, png_chunk("IEND", {}));
  return png;
}

// Rewraps a simple WebP (RIFF header + one VP8/VP8L chunk) as extended: VP8X, that chunk, EXIF.
Bytes webp_extended(const Bytes& simple, int width, int height, const Bytes& exif) {
  Bytes body;
  append(body, "WEBPVP8X");
  append_le(body, 10, 4);
  append(body, Bytes{static_cast<std::uint8_t>(exif.empty() ? 0 : 0x08), 0, 0, 0});
  append_le(body, static_cast<std::uint32_t>(width - 1), 3);
  append_le(body, static_cast<std::uint32_t>(height - 1), 3);
  body.insert(body.end(), simple.begin() + 12, simple.end());
  if (!exif.empty()) {
    append(body, "EXIF");
    append_le(body, static_cast<std::uint32_t>(exif.size()), 4);
    append(body, exif);
    if (exif.size() % 2 != 0) body.push_back(0);
  }
  Bytes out;
  append(out, "RIFF");
  append_le(out, static_cast<std::uint32_t>(body.size()), 4);
  append(out, body);
  return out;
}

// ---- Formats ----------------------------------------------------------------------------------

TEST(SniffFormatTest, RecognisesMagicBytesOnly) {
  EXPECT_EQ(sniff_format(jpeg_of(marker_image())), ImageFormat::kJpeg);
  EXPECT_EQ(sniff_format(encode(marker_image(), ".png")), ImageFormat::kPng);
  EXPECT_EQ(sniff_format(lossless_webp_of(marker_image())), ImageFormat::kWebp);
  Bytes wave;
  append(wave, "RIFF\x24\x00\x00\x00WAVEfmt "sv);
  EXPECT_EQ(sniff_format(wave), ImageFormat::kUnknown);
  EXPECT_EQ(sniff_format(Bytes{0xFF, 0xD8}), ImageFormat::kUnknown);
  EXPECT_EQ(sniff_format(Bytes{}), ImageFormat::kUnknown);
}

struct RoundTripCase {
  const char* name;
  Bytes (*make)(const cv::Mat&);
  ImageFormat format;
};

void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.name; }

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, DecodesSizeAndRgbOrder) {
  const Bytes bytes = GetParam().make(marker_image());
  Result<RgbImage> image = decode(bytes);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->width, kWidth);
  EXPECT_EQ(image->height, kHeight);
  ASSERT_EQ(image->pixels.size(), std::size_t{kWidth} * kHeight * 3);
  EXPECT_TRUE(is_red(pixel(*image, 4, 4)));  // R first: BGR was converted
  EXPECT_TRUE(is_blue(pixel(*image, kWidth - 4, kHeight - 4)));
  Result<ImageHeader> header = read_header(bytes);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->format, GetParam().format);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, RoundTripTest,
    ::testing::Values(RoundTripCase{"Jpeg", jpeg_of, ImageFormat::kJpeg},
                      RoundTripCase{"Png", [](const cv::Mat& m) { return encode(m, ".png"); },
                                    ImageFormat::kPng},
                      RoundTripCase{"LossyWebp", lossy_webp_of, ImageFormat::kWebp},
                      RoundTripCase{"LosslessWebp", lossless_webp_of, ImageFormat::kWebp}),
    [](const ::testing::TestParamInfo<RoundTripCase>& info) { return info.param.name; });

TEST(ReadHeaderTest, ReportsEachFormatsSize) {
  const cv::Mat image = marker_image(48, 20);  // width != height catches swapped fields
  struct Case {
    const char* name;
    Bytes bytes;
    ImageFormat format;
  };
  const Case cases[] = {
      {"jpeg", jpeg_of(image), ImageFormat::kJpeg},
      {"png", encode(image, ".png"), ImageFormat::kPng},
      {"webp VP8", lossy_webp_of(image), ImageFormat::kWebp},
      {"webp VP8L", lossless_webp_of(image), ImageFormat::kWebp},
      {"webp VP8X", webp_extended(lossless_webp_of(image), 48, 20, {}), ImageFormat::kWebp},
  };
  // Each WebP case really exercises its own chunk parser.
  EXPECT_EQ(std::string(cases[2].bytes.begin() + 12, cases[2].bytes.begin() + 16), "VP8 ");
  EXPECT_EQ(std::string(cases[3].bytes.begin() + 12, cases[3].bytes.begin() + 16), "VP8L");
  EXPECT_EQ(std::string(cases[4].bytes.begin() + 12, cases[4].bytes.begin() + 16), "VP8X");
  for (const Case& c : cases) {
    Result<ImageHeader> header = read_header(c.bytes);
    ASSERT_TRUE(header.ok()) << c.name << ": " << header.status().to_string();
    EXPECT_EQ(header->format, c.format) << c.name;
    EXPECT_EQ(header->width, 48) << c.name;
    EXPECT_EQ(header->height, 20) << c.name;
  }
  // The extended form decodes too, so the VP8X walk accepts what libwebp accepts.
  Result<RgbImage> extended = decode(cases[4].bytes);
  ASSERT_TRUE(extended.ok()) << extended.status().to_string();
  EXPECT_EQ(extended->width, 48);
}

TEST(ReadHeaderTest, RejectsHeadersCutShort) {
  const Bytes jpeg = jpeg_of(marker_image());
  const Bytes png = encode(marker_image(), ".png");
  const Bytes webp = lossless_webp_of(marker_image());
  for (const Bytes& cut :
       {Bytes(jpeg.begin(), jpeg.begin() + 10), Bytes(png.begin(), png.begin() + 20),
        Bytes(webp.begin(), webp.begin() + 22)}) {
    Result<ImageHeader> header = read_header(cut);
    ASSERT_FALSE(header.ok());
    EXPECT_EQ(header.status().code(), StatusCode::kUnprocessable) << header.status().to_string();
    EXPECT_TRUE(contains(header.status().message(), "truncated")) << header.status().to_string();
  }
}

TEST(ReadHeaderTest, JpegWalkSkipsFillBytesAndAppSegments) {
  // An APP2 whose body looks like a 65535x65535 frame header: a byte search would be fooled, a
  // marker walk skips it by length. FF fill bytes before a marker are legal and must be swallowed.
  Bytes inserted = {0xFF, 0xFF, 0xFF};
  append(inserted, jpeg_segment(0xE2, {0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF}));
  append(inserted, jpeg_segment(0xE5, {'a', 'b', 'c', 'd'}));
  const Bytes jpeg = insert_after_soi(jpeg_of(marker_image()), inserted);
  Result<ImageHeader> header = read_header(jpeg);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->width, kWidth);
  EXPECT_EQ(header->height, kHeight);
  Result<RgbImage> image = decode(jpeg);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->width, kWidth);
}

// ---- Refusals ---------------------------------------------------------------------------------

TEST(DecodeImageTest, EmptyIsInvalidInput) {
  EXPECT_EQ(decode(Bytes{}).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(read_header(Bytes{}).status().code(), StatusCode::kInvalidInput);
}

TEST(DecodeImageTest, GarbageIsUnsupportedMedia) {
  Bytes text;
  append(text, "this is a text file, not a photo of a card\n");
  Bytes gif;
  append(gif, "GIF89a\x01\x00\x01\x00"sv);
  for (const Bytes& bytes : {text, gif, Bytes{0xFF}}) {
    EXPECT_EQ(decode(bytes).status().code(), StatusCode::kUnsupportedMedia);
    EXPECT_EQ(read_header(bytes).status().code(), StatusCode::kUnsupportedMedia);
  }
}

TEST(DecodeImageTest, OverMaxBytesIsTooLargeBeforeAnythingElse) {
  const DecodeLimits limits;
  const Bytes garbage(limits.max_bytes + 1, 'x');  // would be unsupported_media if looked at
  EXPECT_EQ(decode(garbage, limits).status().code(), StatusCode::kTooLarge);

  const Bytes png = encode(marker_image(), ".png");
  DecodeLimits tight;
  tight.max_bytes = png.size() - 1;
  EXPECT_EQ(decode(png, tight).status().code(), StatusCode::kTooLarge);
  tight.max_bytes = png.size();
  EXPECT_TRUE(decode(png, tight).ok());
}

TEST(DecodeImageTest, PixelAndSideLimitsAreInclusive) {
  const Bytes png = encode(marker_image(), ".png");
  DecodeLimits limits;
  limits.max_pixels = kWidth * kHeight;
  limits.max_side = kWidth;
  EXPECT_TRUE(decode(png, limits).ok());
  limits.max_pixels = kWidth * kHeight - 1;
  EXPECT_EQ(decode(png, limits).status().code(), StatusCode::kUnprocessable);
  limits.max_pixels = kWidth * kHeight;
  limits.max_side = kWidth - 1;
  EXPECT_EQ(decode(png, limits).status().code(), StatusCode::kUnprocessable);
}

TEST(DecodeImageTest, TruncatedJpegIsUnprocessable) {
  // Noise makes the scan data long, so half the file cuts mid-scan: libjpeg would warn, paint the
  // rest grey and report success.
  const Bytes jpeg = jpeg_of(noise_image(640, 480));
  const Bytes half(jpeg.begin(), jpeg.begin() + jpeg.size() / 2);
  Result<RgbImage> image = decode(half);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kUnprocessable);
  EXPECT_TRUE(contains(image.status().message(), "end-of-image")) << image.status().to_string();
  EXPECT_TRUE(decode(jpeg).ok());
}

TEST(JpegCommentTest, OtherBytesSamePixels) {
  const Bytes jpeg = jpeg_of(noise_image(64, 48));
  const std::string original(jpeg.begin(), jpeg.end());
  Result<std::string> commented = with_jpeg_comment(original, "again");
  ASSERT_TRUE(commented.ok()) << commented.status().to_string();
  EXPECT_EQ(commented->size(), original.size() + 4 + 5);
  EXPECT_NE(*commented, original);
  Result<RgbImage> a = decode(jpeg);
  Result<RgbImage> b = decode(Bytes(commented->begin(), commented->end()));
  ASSERT_TRUE(a.ok() && b.ok()) << b.status().to_string();
  EXPECT_EQ(a->pixels, b->pixels);
  EXPECT_EQ(with_jpeg_comment("\x89PNG", "x").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(with_jpeg_comment(original, std::string(70'000, 'x')).status().code(),
            StatusCode::kInvalidInput);
}

TEST(DecodeImageTest, TruncatedPngIsUnprocessable) {
  const Bytes png = encode(noise_image(200, 100), ".png");
  const Bytes half(png.begin(), png.begin() + png.size() / 2);
  const Bytes no_iend(png.begin(), png.end() - 12);
  for (const Bytes& cut : {half, no_iend}) {
    Result<RgbImage> image = decode(cut);
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.status().code(), StatusCode::kUnprocessable);
    EXPECT_TRUE(contains(image.status().message(), "IEND")) << image.status().to_string();
  }
}

TEST(DecodeImageTest, TruncatedWebpIsUnprocessable) {
  const Bytes webp = lossy_webp_of(noise_image(200, 100));
  Result<RgbImage> image = decode(Bytes(webp.begin(), webp.begin() + webp.size() / 2));
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kUnprocessable);
  EXPECT_TRUE(contains(image.status().message(), "RIFF")) << image.status().to_string();
}

TEST(DecodeImageTest, PngBombGeneratorMakesRealPngs) {
  // The bomb below is only meaningful if the same generator makes PNGs that decode.
  Result<RgbImage> image = decode(png_bomb(40, 24));
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->width, 40);
  EXPECT_EQ(image->height, 24);
  EXPECT_EQ(pixel(*image, 39, 23).r, 0);
}

TEST(DecodeImageTest, PngBombIsRefusedFromTheHeader) {
  // 25000x25000 (625 Mpx, 1.9 GB as RGB, under OpenCV's own 2^30-pixel cap) in under 100 KB.
  const Bytes bomb = png_bomb(25000, 25000);
  ASSERT_LT(bomb.size(), 100'000u);
  Result<ImageHeader> header = read_header(bomb);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->width, 25000);
  EXPECT_EQ(header->height, 25000);

  Result<RgbImage> by_side = decode(bomb);
  ASSERT_FALSE(by_side.ok());
  EXPECT_EQ(by_side.status().code(), StatusCode::kUnprocessable);
  EXPECT_TRUE(contains(by_side.status().message(), "side limit")) << by_side.status().to_string();

  DecodeLimits wide;
  wide.max_side = 30'000;  // so the pixel count is what stops it
  Result<RgbImage> by_pixels = decode(bomb, wide);
  ASSERT_FALSE(by_pixels.ok());
  EXPECT_EQ(by_pixels.status().code(), StatusCode::kUnprocessable);
  EXPECT_TRUE(contains(by_pixels.status().message(), "pixel limit"))
      << by_pixels.status().to_string();
}

TEST(DecodeImageTest, JpegBombIsRefusedFromTheHeader) {
  Bytes jpeg = jpeg_of(marker_image());
  const std::size_t sof = find_sof0(jpeg, kWidth, kHeight);
  ASSERT_NE(sof, 0u);
  for (std::size_t i : {sof + 5, sof + 7}) {  // height, then width: 65000 = 0xFDE8
    jpeg[i] = 0xFD;
    jpeg[i + 1] = 0xE8;
  }
  Result<ImageHeader> header = read_header(jpeg);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->width, 65000);
  EXPECT_EQ(header->height, 65000);

  DecodeLimits wide;
  wide.max_side = 65'535;
  Result<RgbImage> image = decode(jpeg, wide);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kUnprocessable);
  EXPECT_TRUE(contains(image.status().message(), "pixel limit")) << image.status().to_string();
}

TEST(DecodeImageTest, JpegWithTooManyScansIsRefused) {
  const Bytes jpeg = jpeg_of(marker_image());
  Bytes bloated(jpeg.begin(), jpeg.end() - 2);  // drop EOI, add 501 empty scans, put it back
  for (int i = 0; i < 501; ++i) append(bloated, jpeg_segment(0xDA, {1, 1, 0x00, 0, 63, 0}));
  append(bloated, Bytes{0xFF, 0xD9});
  Result<RgbImage> image = decode(bloated);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kUnprocessable);
  EXPECT_TRUE(contains(image.status().message(), "scans")) << image.status().to_string();
}

// ---- JPEG through libjpeg, and the decode time limit --------------------------------------------

// JPEG no longer goes through cv::imdecode (jpeg_decoder.h); its pixels must not change for it.
TEST(JpegDecoderTest, PixelsMatchOpenCvsDecoderForEveryKindAndReduction) {
  const cv::Mat noise = noise_image(251, 173);  // odd sizes: the reduced sizes round up
  cv::Mat gray;
  cv::cvtColor(noise, gray, cv::COLOR_BGR2GRAY);
  const std::vector<std::pair<std::string, Bytes>> files = {
      {"baseline", jpeg_of(noise)},
      {"progressive", encode(noise, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1})},
      {"grayscale", encode(gray, ".jpg")},
      {"4:2:0 optimized",
       encode(noise, ".jpg", {cv::IMWRITE_JPEG_OPTIMIZE, 1, cv::IMWRITE_JPEG_QUALITY, 70})}};
  const std::vector<std::pair<int, int>> reductions = {{1, cv::IMREAD_COLOR},
                                                       {2, cv::IMREAD_REDUCED_COLOR_2},
                                                       {4, cv::IMREAD_REDUCED_COLOR_4},
                                                       {8, cv::IMREAD_REDUCED_COLOR_8}};
  for (const auto& [name, jpeg] : files) {
    for (const auto& [reduction, mode] : reductions) {
      // The smallest reduction whose long side is still >= min_long_side.
      const int min_long_side = reduction == 1 ? 0 : 251 / reduction;
      Result<RgbImage> ours = decode_image_reduced(jpeg, {}, min_long_side);
      ASSERT_TRUE(ours.ok()) << name << " 1/" << reduction << ": " << ours.status().to_string();
      cv::Mat reference = cv::imdecode(jpeg, mode);
      cv::cvtColor(reference, reference, cv::COLOR_BGR2RGB);
      ASSERT_EQ(ours->width, reference.cols) << name << " 1/" << reduction;
      ASSERT_EQ(ours->height, reference.rows) << name << " 1/" << reduction;
      const Bytes expected(reference.data, reference.data + reference.total() * 3);
      EXPECT_EQ(ours->pixels, expected) << name << " 1/" << reduction;
    }
  }
}

// PNG and WebP are reduced the way libjpeg reduces a JPEG, sides rounded up, so a side that is
// no multiple of the reduction (or shorter than it) is no reason to refuse a valid file.
TEST(ReducedDecodeTest, PngAndWebpSidesRoundUpLikeJpegs) {
  for (const auto& [width, height] : std::vector<std::pair<int, int>>{{251, 173}, {1000, 3}}) {
    const cv::Mat noise = noise_image(width, height);
    for (const Bytes& file : {encode(noise, ".png"), lossless_webp_of(noise)}) {
      Result<RgbImage> reduced = decode_image_reduced(file, {}, width / 8);  // 1/8
      ASSERT_TRUE(reduced.ok()) << width << "x" << height << ": " << reduced.status().to_string();
      EXPECT_EQ(reduced->width, (width + 7) / 8);
      EXPECT_EQ(reduced->height, (height + 7) / 8);
    }
  }
}

// A large progressive JPEG: libjpeg reads every scan of every row before the first output row,
// hundreds of milliseconds of CPU, far over a 1 ms limit.
Bytes large_progressive_jpeg() {
  cv::Mat bgr(3000, 4000, CV_8UC3);
  cv::RNG rng(7);
  rng.fill(bgr, cv::RNG::NORMAL, 128, 40);
  return encode(bgr, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1, cv::IMWRITE_JPEG_QUALITY, 80});
}

TEST(DecodeTimeLimitTest, AJpegDecodeStopsPartWayWhenItsCpuTimeRunsOut) {
  const Bytes jpeg = large_progressive_jpeg();
  DecodeLimits limits;
  limits.max_decode_time = std::chrono::milliseconds(1);
  Result<RgbImage> limited = decode(jpeg, limits);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kUnprocessable);
  // "stopped ... after N of M passes": libjpeg's progress monitor ended it, not a check after.
  EXPECT_TRUE(contains(limited.status().message(), "stopped")) << limited.status().to_string();
  EXPECT_TRUE(contains(limited.status().message(), "DECODE_TIMEOUT_MS"));
  // The same file without the limit decodes whole: the refusal was the limit's, not the file's.
  Result<RgbImage> whole = decode(jpeg);
  ASSERT_TRUE(whole.ok()) << whole.status().to_string();
  EXPECT_EQ(whole->width, 4000);
  // And a generous limit lets it through too.
  limits.max_decode_time = std::chrono::milliseconds(60'000);
  EXPECT_TRUE(decode(jpeg, limits).ok());
}

TEST(DecodeTimeLimitTest, APngOverTheLimitIsRefusedOnceDecoded) {
  const Bytes png = encode(noise_image(2000, 1500), ".png");
  DecodeLimits limits;
  limits.max_decode_time = std::chrono::milliseconds(1);
  Result<RgbImage> limited = decode(png, limits);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kUnprocessable);
  EXPECT_TRUE(contains(limited.status().message(), "DECODE_TIMEOUT_MS"))
      << limited.status().to_string();
  EXPECT_TRUE(decode(png).ok());
}

// ---- EXIF orientation -------------------------------------------------------------------------

void expect_rotated_clockwise(const Result<RgbImage>& image) {
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->width, kHeight);
  EXPECT_EQ(image->height, kWidth);
  // The stored top-left red block is now top-right.
  EXPECT_TRUE(is_red(pixel(*image, kHeight - 4, 4)));
  EXPECT_TRUE(is_blue(pixel(*image, 4, 4)));
  EXPECT_TRUE(is_blue(pixel(*image, kHeight - 4, kWidth - 4)));
}

TEST(ExifOrientationTest, JpegOrientation6IsRotatedClockwise) {
  expect_rotated_clockwise(decode(with_jpeg_exif(jpeg_of(marker_image()), 6)));
}

TEST(ExifOrientationTest, PngOrientation6IsRotatedClockwise) {
  expect_rotated_clockwise(decode(with_png_exif(encode(marker_image(), ".png"), 6)));
}

TEST(ExifOrientationTest, WebpOrientation6IsRotatedClockwise) {
  // OpenCV 4.6 ignores WebP EXIF; decode_image must not.
  const Bytes webp = webp_extended(lossless_webp_of(marker_image()), kWidth, kHeight, exif_tiff(6));
  expect_rotated_clockwise(decode(webp));
}

TEST(ExifOrientationTest, AllEightMatchOpenCvsOwnJpegHandling) {
  const Bytes jpeg = jpeg_of(marker_image());
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const Bytes tagged = with_jpeg_exif(jpeg, orientation);
    Result<RgbImage> ours = decode(tagged);
    ASSERT_TRUE(ours.ok()) << orientation << ": " << ours.status().to_string();
    cv::Mat reference = cv::imdecode(tagged, cv::IMREAD_COLOR);  // applies EXIF for JPEG
    cv::cvtColor(reference, reference, cv::COLOR_BGR2RGB);
    ASSERT_EQ(ours->width, reference.cols) << orientation;
    ASSERT_EQ(ours->height, reference.rows) << orientation;
    EXPECT_EQ(ours->width, orientation >= 5 ? kHeight : kWidth) << orientation;
    const Bytes expected(reference.data, reference.data + reference.total() * 3);
    EXPECT_EQ(ours->pixels, expected) << "orientation " << orientation;
  }
}

// ---- Robustness (run under ASan/UBSan in CI) ---------------------------------------------------

std::vector<Bytes> valid_files() {
  const cv::Mat image = noise_image(96, 64);
  return {jpeg_of(image), encode(image, ".png"), lossy_webp_of(image),
          with_jpeg_exif(jpeg_of(marker_image()), 6)};
}

bool is_refusal(StatusCode code) {
  return code == StatusCode::kInvalidInput || code == StatusCode::kUnsupportedMedia ||
         code == StatusCode::kUnprocessable;
}

TEST(RobustnessTest, EveryTruncationIsRefused) {
  for (const Bytes& file : valid_files()) {
    ASSERT_TRUE(decode(file).ok());
    for (std::size_t length = 0; length < file.size(); ++length) {
      // A copy of exactly `length` bytes, so ASan flags any read past the end of the input.
      const Bytes cut(file.begin(), file.begin() + length);
      Result<RgbImage> image = decode(cut);
      ASSERT_FALSE(image.ok()) << "a " << length << "-byte prefix of " << file.size() << " decoded";
      EXPECT_TRUE(is_refusal(image.status().code())) << image.status().to_string();
      (void)read_header(cut);
    }
  }
}

TEST(RobustnessTest, RandomByteFlipsReturnAStatus) {
  DecodeLimits limits;  // small, so a flipped size field cannot make a slow test
  limits.max_pixels = 1'000'000;
  limits.max_side = 4096;
  std::mt19937 rng(1234);
  for (const Bytes& file : valid_files()) {
    for (int trial = 0; trial < 300; ++trial) {
      Bytes bytes = file;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        // Half the flips land in the first 128 bytes, where the headers our parser reads are.
        const std::size_t span =
            trial % 2 == 0 ? std::min<std::size_t>(128, bytes.size()) : bytes.size();
        bytes[rng() % span] ^= static_cast<std::uint8_t>(1 + rng() % 255);
      }
      Result<RgbImage> image = decode(bytes, limits);
      if (image.ok()) {
        EXPECT_GT(image->width, 0);
        EXPECT_LE(image->width, limits.max_side);
        EXPECT_EQ(image->pixels.size(), std::size_t(image->width) * std::size_t(image->height) * 3);
      } else {
        EXPECT_TRUE(is_refusal(image.status().code())) << image.status().to_string();
      }
      (void)read_header(bytes);
    }
  }
}

TEST(RobustnessTest, RandomBytesAfterMagicReturnAStatus) {
  const std::vector<Bytes> magics = {{0xFF, 0xD8, 0xFF},
                                     {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                                     {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'}};
  std::mt19937 rng(99);
  for (const Bytes& magic : magics) {
    for (int trial = 0; trial < 500; ++trial) {
      Bytes bytes = magic;
      const std::size_t tail = rng() % 64;
      for (std::size_t i = 0; i < tail; ++i) bytes.push_back(static_cast<std::uint8_t>(rng()));
      Result<RgbImage> image = decode(bytes);
      EXPECT_FALSE(image.ok());  // 64 random bytes are never a whole image
      (void)read_header(bytes);
    }
  }
}

}  // namespace
}  // namespace cardmint::image
