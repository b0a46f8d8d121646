#pragma once
// Reads the EXIF Orientation tag from the TIFF-structured block that JPEG (APP1 "Exif"), PNG (eXIf)
// and WebP (EXIF) carry. Internal to image/: decode_image() applies it so every format comes out
// upright the same way, whatever the OpenCV version does (4.6 rotates JPEG and PNG, not WebP).
// Thread-safe: a pure function of its input.

#include <cstdint>
#include <span>

namespace cardmint::image {

// The orientation (1..8, EXIF 2.3 / TIFF 6.0; 1 = stored upright) from IFD0 of `tiff`, which may
// start with the "Exif\0\0" prefix that JPEG always and some PNG/WebP writers put before the TIFF
// header. Returns 1 when the tag is absent, malformed or out of range: the photo is then used as
// stored, which is what browsers do. Every offset is bounds-checked; hostile EXIF cannot read past
// `tiff`.
int read_exif_orientation(std::span<const std::uint8_t> tiff);

}  // namespace cardmint::image
