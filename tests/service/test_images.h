#pragma once
// Request bodies for the service tests, made in memory: a real card-like JPEG, and the broken
// inputs the service must refuse with a clear error.

#include <cstddef>
#include <filesystem>
#include <string>

namespace cardmint::testing {

std::string card_jpeg();       // a valid 300×420 JPEG with some structure
std::string truncated_jpeg();  // card_jpeg() cut in half: no EOI, missing scans
std::string pdf_bytes();       // a minimal PDF document
std::string png_bomb();        // a valid 67-byte-ish PNG whose IHDR claims 30000×30000
std::string noise_bytes(std::size_t size);  // deterministic pseudo-random bytes

// The checked-in development set's photo `file` (e.g. "0006.jpg"), as bytes.
std::string devset_photo(const std::string& file);
std::filesystem::path devset_dir();

// The same JPEG with a comment segment holding `text` after its start marker: other bytes, the
// very same pixels.
std::string with_jpeg_comment(const std::string& jpeg, const std::string& text);

// The picture turned by `degrees` about its centre and saved again at JPEG `quality`, with a
// lamp's glare in the middle when asked: what a second shot of the same card on the same rig
// looks like, a little moved.
std::string rephotographed(const std::string& jpeg, double degrees, int quality,
                           bool glare = false);

}  // namespace cardmint::testing
