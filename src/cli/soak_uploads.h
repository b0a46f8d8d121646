#pragma once
// The bodies `cardmint bench soak` uploads besides the photos themselves: photos changed a little,
// so that the service sees them for the first time, and the broken uploads it must refuse.
// Thread-safe: free functions with no shared state.

#include <cstddef>
#include <random>
#include <string>

namespace cardmint::cli {

// `jpeg` decoded, `crop` pixels cut off its left and top edges, and saved again at JPEG `quality`
// (crop 0: only saved again): other bytes, and with a crop a picture a few pixels off. Empty when
// `jpeg` does not decode.
std::string recropped_jpeg(const std::string& jpeg, int crop, int quality);

// A PNG whose header claims `width`×`height` while its data holds one pixel: a decoder that
// trusted the header would allocate width × height × 3 bytes before finding out.
std::string png_bomb(int width, int height);

// `bytes` cut in half: a JPEG without its end marker and most of its scans.
std::string truncated(const std::string& bytes);

// `size` bytes drawn from `rng`: no image format's signature, almost surely.
std::string random_bytes(std::mt19937& rng, std::size_t size);

}  // namespace cardmint::cli
