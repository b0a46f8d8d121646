#pragma once
// What the model benchmarks (`bench vlm`, `bench batch`) run on: the model pair, either given or
// the random-weight test pair at real dimensions, written once to the cache folder, and a picture
// the size of a rectified card.

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>

#include "base/status.h"

namespace cardmint::cli {

struct BenchModels {
  std::string model, mmproj;
};

// `model_path`/`mmproj_path` when given; otherwise the `size` ("tiny" | "256m" | "500m") test pair
// under $CARDMINT_CACHE_DIR (default ~/.cache/cardmint)/models/<size>, written if missing.
[[nodiscard]] Result<BenchModels> resolve_bench_models(const std::string& model_path,
                                                       const std::string& mmproj_path,
                                                       const std::string& size);

// A 630×880 card-like picture (frame, name band, art box, number line), BGR: the size of a
// rectified card. Its pixels don't matter for timing, its size does.
cv::Mat bench_card_bgr();

// bench_card_bgr() as `<dir>/bench-card.png`; returns the path.
std::string write_bench_card(const std::filesystem::path& dir);

}  // namespace cardmint::cli
