#include "cli/bench_models.h"

#include <fmt/format.h>

#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "base/log.h"
#include "vlm/test_model_writer.h"

namespace cardmint::cli {

namespace fs = std::filesystem;

Result<BenchModels> resolve_bench_models(const std::string& model_path,
                                         const std::string& mmproj_path, const std::string& size) {
  if (!model_path.empty()) return BenchModels{model_path, mmproj_path};
  Result<vlm::TestModelSize> parsed = vlm::parse_test_model_size(size);
  if (!parsed.ok()) return parsed.status();
  const char* cache = std::getenv("CARDMINT_CACHE_DIR");
  const char* home = std::getenv("HOME");
  const fs::path dir =
      (cache ? fs::path(cache) : fs::path(home ? home : "/tmp") / ".cache/cardmint") / "models" /
      size;
  vlm::TestModelOptions options;
  options.size = *parsed;
  options.out_dir = dir;
  const fs::path model = dir / fmt::format("cardmint-test-{}.gguf", size);
  const fs::path mmproj = dir / fmt::format("mmproj-cardmint-test-{}.gguf", size);
  if (!fs::exists(model) || !fs::exists(mmproj)) {
    logger("bench")->info("writing random-weight {} test models to {}", size, dir.string());
    Result<vlm::TestModelPaths> written = vlm::write_test_model(options);
    if (!written.ok()) return written.status();
  }
  return BenchModels{model.string(), mmproj.string()};
}

cv::Mat bench_card_bgr() {
  cv::Mat card(880, 630, CV_8UC3, cv::Scalar(40, 200, 240));
  cv::rectangle(card, {24, 24}, {606, 856}, cv::Scalar(230, 230, 230), cv::FILLED);
  cv::putText(card, "Pikachu", {50, 80}, cv::FONT_HERSHEY_DUPLEX, 1.4, cv::Scalar(0, 0, 0), 2);
  cv::rectangle(card, {50, 110}, {580, 480}, cv::Scalar(90, 160, 60), cv::FILLED);
  cv::putText(card, "58/102", {480, 840}, cv::FONT_HERSHEY_SIMPLEX, 0.7, cv::Scalar(0, 0, 0), 2);
  return card;
}

std::string write_bench_card(const fs::path& dir) {
  const fs::path path = dir / "bench-card.png";
  cv::imwrite(path.string(), bench_card_bgr());
  return path.string();
}

}  // namespace cardmint::cli
