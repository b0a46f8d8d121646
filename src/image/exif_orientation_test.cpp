#include "image/exif_orientation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace cardmint::image {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Entry {
  std::uint16_t tag;
  std::uint16_t type;
  std::uint32_t count;
  std::uint32_t value;  // SHORT values sit in the first two bytes of the field
};

// A TIFF block with one IFD0 holding `entries`, in the requested byte order.
Bytes tiff(bool little_endian, const std::vector<Entry>& entries) {
  Bytes out;
  auto put = [&](std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) {
      const int shift = little_endian ? 8 * i : 8 * (n - 1 - i);
      out.push_back(static_cast<std::uint8_t>(v >> shift));
    }
  };
  out.push_back(little_endian ? 'I' : 'M');
  out.push_back(little_endian ? 'I' : 'M');
  put(42, 2);
  put(8, 4);  // IFD0 right after the header
  put(static_cast<std::uint32_t>(entries.size()), 2);
  for (const Entry& e : entries) {
    put(e.tag, 2);
    put(e.type, 2);
    put(e.count, 4);
    if (e.type == 3) {
      put(e.value, 2);
      put(0, 2);
    } else {
      put(e.value, 4);
    }
  }
  put(0, 4);  // no next IFD
  return out;
}

constexpr std::uint16_t kOrientation = 0x0112;
constexpr std::uint16_t kShort = 3;

TEST(ExifOrientationParseTest, ReadsBothByteOrders) {
  EXPECT_EQ(read_exif_orientation(tiff(true, {{kOrientation, kShort, 1, 6}})), 6);
  EXPECT_EQ(read_exif_orientation(tiff(false, {{kOrientation, kShort, 1, 8}})), 8);
}

TEST(ExifOrientationParseTest, SkipsOtherTagsAndTheExifPrefix) {
  Bytes block = {'E', 'x', 'i', 'f', 0, 0};
  const Bytes body = tiff(false, {{0x010F, 2, 4, 0x41424300}, {kOrientation, kShort, 1, 3}});
  block.insert(block.end(), body.begin(), body.end());
  EXPECT_EQ(read_exif_orientation(block), 3);
}

TEST(ExifOrientationParseTest, MissingOrInvalidMeansUpright) {
  EXPECT_EQ(read_exif_orientation({}), 1);
  EXPECT_EQ(read_exif_orientation(tiff(true, {})), 1);
  EXPECT_EQ(read_exif_orientation(tiff(true, {{0x010F, 2, 4, 0}})), 1);
  EXPECT_EQ(read_exif_orientation(tiff(true, {{kOrientation, kShort, 1, 9}})), 1);
  EXPECT_EQ(read_exif_orientation(tiff(true, {{kOrientation, kShort, 1, 0}})), 1);
  EXPECT_EQ(read_exif_orientation(tiff(true, {{kOrientation, 4, 1, 6}})), 1);  // LONG, not SHORT
  Bytes bad_magic = tiff(true, {{kOrientation, kShort, 1, 6}});
  bad_magic[2] = 43;
  EXPECT_EQ(read_exif_orientation(bad_magic), 1);
}

TEST(ExifOrientationParseTest, HostileOffsetsStayInBounds) {
  Bytes far_ifd = tiff(true, {{kOrientation, kShort, 1, 6}});
  far_ifd[4] = far_ifd[5] = far_ifd[6] = far_ifd[7] = 0xFF;  // IFD0 at 4 GiB
  EXPECT_EQ(read_exif_orientation(far_ifd), 1);
  Bytes many_entries = tiff(true, {{0x010F, 2, 4, 0}});
  many_entries[8] = many_entries[9] = 0xFF;  // claims 65535 entries, holds one
  EXPECT_EQ(read_exif_orientation(many_entries), 1);
}

TEST(ExifOrientationParseTest, EveryPrefixIsSafe) {
  const Bytes full = tiff(true, {{kOrientation, kShort, 1, 6}});
  constexpr std::size_t kEntryEnd = 8 + 2 + 12;  // header, count, the one entry
  for (std::size_t length = 0; length <= full.size(); ++length) {
    const Bytes cut(full.begin(), full.begin() + length);  // exact size, so ASan sees overreads
    EXPECT_EQ(read_exif_orientation(cut), length >= kEntryEnd ? 6 : 1) << length;
  }
}

}  // namespace
}  // namespace cardmint::image
