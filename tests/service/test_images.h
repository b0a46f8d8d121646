#pragma once
// Request bodies for the service tests, made in memory: a real card-like JPEG, and the broken
// inputs the service must refuse with a clear error.

#include <cstddef>
#include <string>

namespace cardmint::testing {

std::string card_jpeg();       // a valid 300×420 JPEG with some structure
std::string truncated_jpeg();  // card_jpeg() cut in half: no EOI, missing scans
std::string pdf_bytes();       // a minimal PDF document
std::string png_bomb();        // a valid 67-byte-ish PNG whose IHDR claims 30000×30000
std::string noise_bytes(std::size_t size);  // deterministic pseudo-random bytes

}  // namespace cardmint::testing
