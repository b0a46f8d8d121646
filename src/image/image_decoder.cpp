#include "image/image_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstring>
#include <exception>
#include <new>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "base/elapsed.h"
#include "image/cv_interop.h"
#include "image/exif_orientation.h"
#include "image/jpeg_decoder.h"

namespace cardmint::image {
namespace {

using Bytes = std::span<const std::uint8_t>;

// How far a container walk goes: to the dimensions (read_header), or through the whole file to its
// end marker, which is how truncation is caught before a decoder pads the missing part.
enum class WalkDepth { kHeader, kWhole };

struct Walk {
  ImageHeader header;
  Bytes exif;  // EXIF TIFF block (JPEG APP1, PNG eXIf, WebP EXIF); empty if none. Borrows input.
};

// Every read below is preceded by has(); the arithmetic cannot wrap because pos <= size first.
bool has(Bytes b, std::size_t pos, std::size_t n) { return pos <= b.size() && b.size() - pos >= n; }

std::uint32_t be16(Bytes b, std::size_t pos) { return (std::uint32_t{b[pos]} << 8) | b[pos + 1]; }
std::uint32_t be32(Bytes b, std::size_t pos) { return (be16(b, pos) << 16) | be16(b, pos + 2); }
std::uint32_t le16(Bytes b, std::size_t pos) { return (std::uint32_t{b[pos + 1]} << 8) | b[pos]; }
std::uint32_t le24(Bytes b, std::size_t pos) {
  return (std::uint32_t{b[pos + 2]} << 16) | le16(b, pos);
}
std::uint32_t le32(Bytes b, std::size_t pos) { return (le16(b, pos + 2) << 16) | le16(b, pos); }

bool matches(Bytes b, std::size_t pos, std::string_view s) {
  return has(b, pos, s.size()) &&
         std::equal(s.begin(), s.end(), b.begin() + pos,
                    [](char c, std::uint8_t u) { return static_cast<std::uint8_t>(c) == u; });
}

std::string_view fourcc(Bytes b, std::size_t pos) {  // REQUIRES: has(b, pos, 4)
  return {reinterpret_cast<const char*>(b.data() + pos), 4};
}

std::string_view format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kWebp:
      return "WebP";
    case ImageFormat::kUnknown:
      break;
  }
  return "image";
}

Status corrupt(ImageFormat format, std::string_view what) {
  return Status::unprocessable(fmt::format("corrupt {}: {}", format_name(format), what));
}

// ---- JPEG -------------------------------------------------------------------------------------

// A progressive JPEG may hold any number of scans and libjpeg re-walks the image for each, so a
// tiny file of empty scans costs seconds of CPU. Real encoders write about 10; libjpeg-turbo's own
// fuzzers cap at 500 (TJPARAM_SCANLIMIT), which OpenCV gives us no way to set.
constexpr int kMaxJpegScans = 500;

bool is_sof(std::uint8_t marker) {  // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

Status truncated_jpeg(bool have_frame) {
  return Status::unprocessable(have_frame ? "truncated JPEG: no end-of-image marker"
                                          : "truncated JPEG: data ends before the frame header");
}

// Walks the markers the way libjpeg's next_marker() does: stray bytes between segments (and, in a
// scan, the entropy-coded data with its FF00 stuffing and RSTn) are skipped and FF fill bytes are
// swallowed. Seeing the file as the decoder does means we limit-check the frame it will allocate.
Result<Walk> walk_jpeg(Bytes b, WalkDepth depth) {
  constexpr std::string_view kExifId("Exif\0\0", 6);
  Walk walk;
  walk.header.format = ImageFormat::kJpeg;
  bool have_frame = false;
  int scans = 0;
  std::size_t pos = 2;  // past SOI
  for (;;) {
    const void* ff = pos < b.size() ? std::memchr(b.data() + pos, 0xFF, b.size() - pos) : nullptr;
    if (ff == nullptr) return truncated_jpeg(have_frame);
    pos = static_cast<std::size_t>(static_cast<const std::uint8_t*>(ff) - b.data());
    while (pos < b.size() && b[pos] == 0xFF) ++pos;
    if (pos >= b.size()) return truncated_jpeg(have_frame);
    const std::uint8_t marker = b[pos++];
    // No length follows FF00 (stuffing inside a scan), RST0-7 or TEM.
    if (marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;
    if (marker == 0xD8) return corrupt(ImageFormat::kJpeg, "second start-of-image marker");
    if (marker == 0xD9) {
      if (!have_frame) return corrupt(ImageFormat::kJpeg, "end of image before a frame header");
      if (scans == 0) return corrupt(ImageFormat::kJpeg, "no image data (tables only)");
      return walk;  // only reached in kWhole: kHeader returns at the frame header
    }
    if (!has(b, pos, 2)) return truncated_jpeg(have_frame);
    const std::size_t length = be16(b, pos);  // counts its own two bytes
    if (length < 2) return corrupt(ImageFormat::kJpeg, fmt::format("segment length {}", length));
    if (!has(b, pos, length)) return truncated_jpeg(have_frame);
    const Bytes body = b.subspan(pos + 2, length - 2);
    pos += length;
    if (is_sof(marker)) {
      // libjpeg refuses a second frame header, so the first one is the size it allocates.
      if (have_frame) return corrupt(ImageFormat::kJpeg, "more than one frame header");
      if (body.size() < 6) return corrupt(ImageFormat::kJpeg, "short frame header");
      walk.header.height = static_cast<int>(be16(body, 1));  // precision byte first
      walk.header.width = static_cast<int>(be16(body, 3));
      if (walk.header.width == 0 || walk.header.height == 0) {
        return corrupt(ImageFormat::kJpeg, "zero width or height (DNL is not supported)");
      }
      have_frame = true;
      if (depth == WalkDepth::kHeader) return walk;
    } else if (marker == 0xDA) {
      if (!have_frame) return corrupt(ImageFormat::kJpeg, "scan before the frame header");
      if (++scans > kMaxJpegScans) {
        return corrupt(ImageFormat::kJpeg, fmt::format("more than {} scans", kMaxJpegScans));
      }
    } else if (marker == 0xE1 && scans == 0 && walk.exif.empty() && matches(body, 0, kExifId)) {
      walk.exif = body;  // APP1 may also hold XMP; only the "Exif" one has the orientation
    }
  }
}

// ---- PNG --------------------------------------------------------------------------------------

constexpr std::uint32_t kPngMaxLength = 0x7FFF'FFFF;  // chunk lengths and dimensions (spec)

Status truncated_png(bool have_header) {
  return Status::unprocessable(have_header ? "truncated PNG: no IEND chunk"
                                           : "truncated PNG: data ends inside the IHDR chunk");
}

// Chunk by chunk: length, type, data, CRC. CRCs are left to libpng.
Result<Walk> walk_png(Bytes b, WalkDepth depth) {
  Walk walk;
  walk.header.format = ImageFormat::kPng;
  bool have_header = false;
  std::size_t pos = 8;  // past the signature
  for (;;) {
    if (!has(b, pos, 8)) return truncated_png(have_header);
    const std::uint32_t length = be32(b, pos);
    const std::string_view type = fourcc(b, pos + 4);
    if (length > kPngMaxLength) return corrupt(ImageFormat::kPng, "chunk length over 2^31-1");
    if (!has(b, pos + 8, std::size_t{length} + 4)) return truncated_png(have_header);
    const Bytes data = b.subspan(pos + 8, length);
    pos += 12 + std::size_t{length};
    if (!have_header) {
      if (type != "IHDR" || length != 13) return corrupt(ImageFormat::kPng, "no IHDR chunk first");
      const std::uint32_t width = be32(data, 0);
      const std::uint32_t height = be32(data, 4);
      if (width == 0 || height == 0 || width > kPngMaxLength || height > kPngMaxLength) {
        return corrupt(ImageFormat::kPng, fmt::format("IHDR size {}x{}", width, height));
      }
      walk.header.width = static_cast<int>(width);
      walk.header.height = static_cast<int>(height);
      have_header = true;
      if (depth == WalkDepth::kHeader) return walk;
    } else if (type == "IEND") {
      return walk;
    } else if (type == "eXIf" && walk.exif.empty()) {
      walk.exif = data;
    }
  }
}

// ---- WebP -------------------------------------------------------------------------------------

struct FrameSize {
  int width = 0;
  int height = 0;
};

// The size in a "VP8 ", "VP8L" or "VP8X" chunk header. `body` may be cut short (header walk).
Result<FrameSize> webp_frame_size(std::string_view type, Bytes body) {
  const Status short_header = Status::unprocessable("truncated WebP: data ends inside the header");
  FrameSize size;
  if (type == "VP8 ") {
    // Lossy: 3-byte frame tag (bit 0 clear on a key frame), start code 9D 01 2A, then 14-bit
    // width and height, each with 2 scaling bits on top that the decoder ignores.
    if (!has(body, 0, 10)) return short_header;
    if ((body[0] & 1) != 0 || !matches(body, 3, "\x9D\x01\x2A")) {
      return corrupt(ImageFormat::kWebp, "bad VP8 key frame header");
    }
    size = {static_cast<int>(le16(body, 6) & 0x3FFF), static_cast<int>(le16(body, 8) & 0x3FFF)};
  } else if (type == "VP8L") {
    // Lossless: signature 2F, then width-1 (14 bits), height-1 (14), alpha (1), version (3) = 0.
    if (!has(body, 0, 5)) return short_header;
    const std::uint32_t bits = le32(body, 1);
    if (body[0] != 0x2F || (bits >> 29) != 0) {
      return corrupt(ImageFormat::kWebp, "bad VP8L header");
    }
    size = {static_cast<int>(bits & 0x3FFF) + 1, static_cast<int>((bits >> 14) & 0x3FFF) + 1};
  } else if (type == "VP8X") {
    // Extended: flags, 3 reserved bytes, canvas width-1 and height-1 (24 bits each). libwebp
    // allocates the canvas, and checks that a still image's frame matches it.
    if (!has(body, 0, 10)) return short_header;
    size = {static_cast<int>(le24(body, 4)) + 1, static_cast<int>(le24(body, 7)) + 1};
  } else {
    return corrupt(ImageFormat::kWebp, "first chunk is not VP8, VP8L or VP8X");
  }
  if (size.width == 0 || size.height == 0) return corrupt(ImageFormat::kWebp, "zero size");
  return size;
}

// RIFF: "RIFF", payload size (LE), "WEBP", then chunks (fourcc, size, data, pad to even).
Result<Walk> walk_webp(Bytes b, WalkDepth depth) {
  Walk walk;
  walk.header.format = ImageFormat::kWebp;
  const std::uint64_t riff_end = std::uint64_t{8} + le32(b, 4);  // sniff_format saw 12 bytes
  if (depth == WalkDepth::kWhole && riff_end > b.size()) {
    return Status::unprocessable(fmt::format(
        "truncated WebP: the RIFF header declares {} bytes, got {}", riff_end, b.size()));
  }
  const Bytes riff = b.first(static_cast<std::size_t>(std::min<std::uint64_t>(riff_end, b.size())));
  constexpr std::size_t kFirstChunk = 12;
  if (!has(riff, kFirstChunk, 8)) {
    return Status::unprocessable("truncated WebP: data ends before the first chunk");
  }
  const std::string_view first_type = fourcc(riff, kFirstChunk);
  Result<FrameSize> size = webp_frame_size(first_type, riff.subspan(kFirstChunk + 8));
  if (!size.ok()) return size.status();
  walk.header.width = size->width;
  walk.header.height = size->height;
  if (depth == WalkDepth::kHeader) return walk;

  for (std::size_t pos = kFirstChunk; pos < riff.size();) {
    if (!has(riff, pos, 8)) return corrupt(ImageFormat::kWebp, "chunk header past the RIFF end");
    const std::string_view type = fourcc(riff, pos);
    const std::uint32_t length = le32(riff, pos + 4);
    if (!has(riff, pos + 8, length)) return corrupt(ImageFormat::kWebp, "chunk past the RIFF end");
    const Bytes data = riff.subspan(pos + 8, length);
    if (first_type == "VP8X" && (type == "VP8 " || type == "VP8L")) {
      // Belt and braces over libwebp's own check: the bitstream must not be bigger than the
      // canvas we limit-checked, or VP8L would allocate its full ARGB buffer first.
      Result<FrameSize> frame = webp_frame_size(type, data);
      if (!frame.ok()) return frame.status();
      if (frame->width != size->width || frame->height != size->height) {
        return corrupt(ImageFormat::kWebp, "frame size differs from the canvas size");
      }
    } else if (type == "EXIF" && walk.exif.empty()) {
      walk.exif = data;
    }
    pos += 8 + std::size_t{length} + (length & 1);
  }
  return walk;
}

Result<Walk> walk_container(Bytes bytes, ImageFormat format, WalkDepth depth) {
  switch (format) {
    case ImageFormat::kJpeg:
      return walk_jpeg(bytes, depth);
    case ImageFormat::kPng:
      return walk_png(bytes, depth);
    case ImageFormat::kWebp:
      return walk_webp(bytes, depth);
    case ImageFormat::kUnknown:
      break;
  }
  return Status::unsupported_media("not a JPEG, PNG or WebP image");
}

// ---- Decode -----------------------------------------------------------------------------------

Status check_limits(const ImageHeader& header, const DecodeLimits& limits) {
  if (header.width > limits.max_side || header.height > limits.max_side) {
    return Status::unprocessable(fmt::format("image is {}x{}, over the {} px side limit",
                                             header.width, header.height, limits.max_side));
  }
  const std::uint64_t pixels = std::uint64_t(header.width) * std::uint64_t(header.height);
  if (pixels > limits.max_pixels) {
    return Status::unprocessable(
        fmt::format("image is {}x{} = {} pixels, over the {} pixel limit (decompression bomb?)",
                    header.width, header.height, pixels, limits.max_pixels));
  }
  return Status::ok_status();
}

// Turns the stored pixels upright per EXIF 2.3, with the same operations as OpenCV's own
// ApplyExifOrientation, so a JPEG comes out exactly as imdecode without IGNORE_ORIENTATION.
cv::Mat upright(const cv::Mat& stored, int orientation) {
  cv::Mat out;
  cv::Mat transposed;
  switch (orientation) {
    case 2:  // mirrored left-right
      cv::flip(stored, out, 1);
      return out;
    case 3:  // rotated 180°
      cv::flip(stored, out, -1);
      return out;
    case 4:  // mirrored top-bottom
      cv::flip(stored, out, 0);
      return out;
    case 5:  // mirrored along the main diagonal
      cv::transpose(stored, out);
      return out;
    case 6:  // rotated 90° counter-clockwise, so turn it 90° clockwise
      cv::transpose(stored, transposed);
      cv::flip(transposed, out, 1);
      return out;
    case 7:  // mirrored along the anti-diagonal
      cv::transpose(stored, transposed);
      cv::flip(transposed, out, -1);
      return out;
    case 8:  // rotated 90° clockwise, so turn it 90° counter-clockwise
      cv::transpose(stored, transposed);
      cv::flip(transposed, out, 0);
      return out;
    default:  // 1: already upright
      return stored;
  }
}

// The stored (not yet upright) pixels as RGB. JPEG goes through libjpeg directly, which can stop
// at the deadline; PNG and WebP through cv::imdecode, timed when done.
Result<cv::Mat> decode_stored_rgb(Bytes bytes, const ImageHeader& header, int reduction,
                                  const DecodeLimits& limits) {
  if (header.format == ImageFormat::kJpeg) {
    return decode_jpeg_rgb(bytes, {.reduction = reduction, .cpu_limit = limits.max_decode_time});
  }
  const auto cpu_at_start = thread_cpu_time();
  // IGNORE_ORIENTATION: we rotate every format ourselves (OpenCV 4.6 rotates PNG but not WebP),
  // so the output never depends on what a given OpenCV version does.
  cv::Mat bgr = cv::imdecode(cv::_InputArray(bytes.data(), static_cast<int>(bytes.size())),
                             cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  if (bgr.empty()) return corrupt(header.format, "the decoder rejected the data");
  if (reduction > 1) {
    // Reduced as libjpeg reduces a JPEG, sides rounded up: OpenCV's IMREAD_REDUCED_* rounds a PNG
    // or WebP side down, to nothing for a side shorter than the reduction, and the size check
    // below refused valid files (found by image_rectify_fuzzer).
    const cv::Size reduced((bgr.cols + reduction - 1) / reduction,
                           (bgr.rows + reduction - 1) / reduction);
    cv::resize(bgr, bgr, reduced, 0, 0, cv::INTER_AREA);
  }
  if (bgr.type() != CV_8UC3) {
    return Status::internal(fmt::format("{} decoded to OpenCV type {}, not 8UC3",
                                        format_name(header.format), bgr.type()));
  }
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(thread_cpu_time() - cpu_at_start);
  if (limits.max_decode_time.count() > 0 && took > limits.max_decode_time) {
    return Status::unprocessable(
        fmt::format("{} took {} ms to decode, over the {} ms decode time limit (DECODE_TIMEOUT_MS)",
                    format_name(header.format), took.count(), limits.max_decode_time.count()));
  }
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

// REQUIRES: the container walk accepted `bytes` and `header` passed check_limits.
// `reduction` 1, 2, 4 or 8: libjpeg scales JPEG down in the DCT itself (no full-size buffer, and
// ~3x faster at 2); PNG and WebP are decoded whole and resized.
Result<RgbImage> decode_pixels(Bytes bytes, const ImageHeader& header, int orientation,
                               int reduction, const DecodeLimits& limits) {
  const std::string_view name = format_name(header.format);
  try {
    Result<cv::Mat> stored = decode_stored_rgb(bytes, header, reduction, limits);
    if (!stored.ok()) return stored.status();
    // Our header parser and the decoder must agree, or the limit check above guarded nothing.
    const int expected_width = (header.width + reduction - 1) / reduction;
    const int expected_height = (header.height + reduction - 1) / reduction;
    if (stored->cols != expected_width || stored->rows != expected_height) {
      return corrupt(header.format,
                     fmt::format("decoded {}x{}, header says {}x{} (1/{})", stored->cols,
                                 stored->rows, header.width, header.height, reduction));
    }
    return rgb_image_of(upright(*stored, orientation));
  } catch (const cv::Exception& e) {
    return corrupt(header.format, e.err);
  } catch (const std::bad_alloc&) {
    return Status::internal(
        fmt::format("out of memory decoding a {}x{} {}", header.width, header.height, name));
  } catch (const std::exception& e) {
    return Status::internal(fmt::format("{} decoder failed: {}", name, e.what()));
  }
}

}  // namespace

ImageFormat sniff_format(std::span<const std::uint8_t> bytes) {
  if (matches(bytes, 0, "\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (matches(bytes, 0, "\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (matches(bytes, 0, "RIFF") && matches(bytes, 8, "WEBP")) return ImageFormat::kWebp;
  return ImageFormat::kUnknown;
}

Result<ImageHeader> read_header(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return Status::invalid_input("image is empty");
  Result<Walk> walk = walk_container(bytes, sniff_format(bytes), WalkDepth::kHeader);
  if (!walk.ok()) return walk.status();
  return walk->header;
}

Result<RgbImage> decode_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  return decode_image_reduced(bytes, limits, 0);
}

Result<RgbImage> decode_image_reduced(std::span<const std::uint8_t> bytes,
                                      const DecodeLimits& limits, int min_long_side) {
  // cv::imdecode takes the length as an int, so INT_MAX is a hard ceiling whatever the limits say.
  const std::size_t max_bytes = std::min<std::size_t>(limits.max_bytes, INT_MAX);
  if (bytes.size() > max_bytes) {
    return Status::too_large(
        fmt::format("image is {} bytes, over the {} byte limit", bytes.size(), max_bytes));
  }
  Result<ImageHeader> header = read_header(bytes);
  if (!header.ok()) return header.status();
  if (Status limit = check_limits(*header, limits); !limit.ok()) return limit;
  // The whole-file walk catches truncation, which libjpeg would quietly paint grey.
  Result<Walk> whole = walk_container(bytes, header->format, WalkDepth::kWhole);
  if (!whole.ok()) return whole.status();
  int reduction = 1;
  const int long_side = std::max(header->width, header->height);
  while (reduction < 8 && min_long_side > 0 && long_side / (reduction * 2) >= min_long_side)
    reduction *= 2;
  return decode_pixels(bytes, *header, read_exif_orientation(whole->exif), reduction, limits);
}

}  // namespace cardmint::image
