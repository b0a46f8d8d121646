#include "image/exif_orientation.h"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace cardmint::image {
namespace {

constexpr std::uint16_t kOrientationTag = 0x0112;
constexpr std::uint16_t kTypeShort = 3;
constexpr std::size_t kIfdEntryBytes = 12;

// A TIFF block read in its own byte order ("II" little-endian or "MM" big-endian).
class TiffReader {
 public:
  TiffReader(std::span<const std::uint8_t> bytes, bool little_endian)
      : bytes_(bytes), little_endian_(little_endian) {}

  // True when [offset, offset + n) lies inside the block; 64-bit so offset + n cannot wrap.
  bool has(std::uint64_t offset, std::uint64_t n) const {
    return offset <= bytes_.size() && bytes_.size() - offset >= n;
  }
  // REQUIRES: has(offset, 2).
  std::uint16_t u16(std::uint64_t offset) const {
    const std::uint8_t a = bytes_[offset];
    const std::uint8_t b = bytes_[offset + 1];
    return static_cast<std::uint16_t>(little_endian_ ? (b << 8) | a : (a << 8) | b);
  }
  // REQUIRES: has(offset, 4).
  std::uint32_t u32(std::uint64_t offset) const {
    const std::uint32_t hi = u16(offset);
    const std::uint32_t lo = u16(offset + 2);
    return little_endian_ ? (lo << 16) | hi : (hi << 16) | lo;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  bool little_endian_;
};

}  // namespace

int read_exif_orientation(std::span<const std::uint8_t> tiff) {
  static constexpr std::uint8_t kExifPrefix[] = {'E', 'x', 'i', 'f', 0, 0};
  if (tiff.size() >= sizeof(kExifPrefix) &&
      std::equal(std::begin(kExifPrefix), std::end(kExifPrefix), tiff.begin())) {
    tiff = tiff.subspan(sizeof(kExifPrefix));
  }
  if (tiff.size() < 8) return 1;
  bool little_endian = false;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    little_endian = true;
  } else if (!(tiff[0] == 'M' && tiff[1] == 'M')) {
    return 1;
  }
  const TiffReader reader(tiff, little_endian);
  if (reader.u16(2) != 42) return 1;

  // Orientation lives in IFD0 (the main image); IFD1 describes the thumbnail, so we stop here.
  const std::uint64_t ifd = reader.u32(4);
  if (!reader.has(ifd, 2)) return 1;
  const std::uint16_t entries = reader.u16(ifd);
  for (std::uint32_t i = 0; i < entries; ++i) {
    const std::uint64_t entry = ifd + 2 + std::uint64_t{i} * kIfdEntryBytes;
    if (!reader.has(entry, kIfdEntryBytes)) return 1;
    if (reader.u16(entry) != kOrientationTag) continue;
    // One SHORT fits the 4-byte value field, left-justified in either byte order.
    if (reader.u16(entry + 2) != kTypeShort || reader.u32(entry + 4) < 1) return 1;
    const int orientation = reader.u16(entry + 8);
    return orientation >= 1 && orientation <= 8 ? orientation : 1;
  }
  return 1;
}

}  // namespace cardmint::image
