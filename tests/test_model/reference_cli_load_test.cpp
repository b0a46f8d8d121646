// The tiny random-weight SmolVLM pair runs end to end in llama.cpp's own reference CLI
// (llama-mtmd-cli): model + mmproj load, a real PNG is tiled and encoded, and text comes out.
// This is the check that the files are what llama.cpp expects, independent of our engine.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <ostream>
#include <string>

#include "vlm/test_model_writer.h"

namespace cardmint {
namespace vlm {
// Names the parameter in test listings (gtest would print its bytes).
void PrintTo(MmprojWeightType type, std::ostream* os) {
  *os << (type == MmprojWeightType::kF16 ? "f16" : "bf16");
}
}  // namespace vlm

namespace {

namespace fs = std::filesystem;

// CARDMINT_LLAMA_MTMD_CLI overrides the binary CMake found next to the llama.cpp build.
std::string reference_cli() {
  const char* env = std::getenv("CARDMINT_LLAMA_MTMD_CLI");
  return env != nullptr && *env != '\0' ? env : LLAMA_MTMD_CLI;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A card-shaped photo: yellow border, artwork box, a name bar and a collector number.
fs::path write_card_png(const fs::path& dir) {
  cv::Mat card(352, 252, CV_8UC3, cv::Scalar(40, 200, 240));
  cv::rectangle(card, {14, 14}, {238, 338}, cv::Scalar(220, 220, 220), cv::FILLED);
  cv::rectangle(card, {24, 44}, {228, 190}, cv::Scalar(60, 120, 200), cv::FILLED);
  cv::circle(card, {126, 117}, 50, cv::Scalar(0, 220, 255), cv::FILLED);
  cv::putText(card, "Pikachu", {24, 36}, cv::FONT_HERSHEY_SIMPLEX, 0.7, cv::Scalar(0, 0, 0), 2);
  cv::putText(card, "58/102", {170, 330}, cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(0, 0, 0), 1);
  const fs::path path = dir / "card.png";
  EXPECT_TRUE(cv::imwrite(path.string(), card));
  return path;
}

struct CliRun {
  int exit_code = -1;
  std::string out;  // generated text
  std::string err;  // logs, timings
};

// Every path we pass is under temp_directory_path() and free of quotes.
std::string shell_quoted(const std::string& s) { return "'" + s + "'"; }

CliRun run_reference_cli(const vlm::TestModelPaths& paths, const fs::path& image,
                         const fs::path& dir) {
  // -lv 4 lets libllama/libmtmd's info lines through (projector, image batches, timings).
  // `timeout` because a hung process must fail the test, not the CI job; stdin from /dev/null
  // because without --image the CLI would wait in interactive chat (we always pass one).
  const std::string command =
      "timeout 120 " + shell_quoted(reference_cli()) + " -m " + shell_quoted(paths.model) +
      " --mmproj " + shell_quoted(paths.mmproj) + " --image " + shell_quoted(image) +
      " -p 'Describe the card.' -n 8 --temp 0 -t 2 -lv 4 < /dev/null > " +
      shell_quoted(dir / "out.txt") + " 2> " + shell_quoted(dir / "err.txt");
  // llama.cpp's common_log writes from a worker thread; on a loaded machine the process can exit
  // before the last lines are flushed. A run without the perf summary's last line ("total time")
  // is incomplete and is run again (at most 3 times) rather than judged: CI once cut the summary
  // after its "prompt eval time" line.
  CliRun run;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int status = std::system(command.c_str());
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = read_all(dir / "out.txt");
    run.err = read_all(dir / "err.txt");
    if (run.exit_code != 0 || run.err.find("total time =") != std::string::npos) break;
  }
  return run;
}

// "llama_perf_context_print:        eval time = 1.23 ms / 8 runs": one run per generated token
// that was not end-of-generation. Returns -1 when the line is missing.
int generated_token_count(const std::string& log) {
  // Plain string search: std::regex trips GCC 12's -Wmaybe-uninitialized under ASan.
  for (std::size_t at = log.find("eval time ="); at != std::string::npos;
       at = log.find("eval time =", at + 1)) {
    if (at >= 7 && log.compare(at - 7, 7, "prompt ") == 0) continue;
    const std::size_t end = log.find('\n', at);
    const std::string line =
        log.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const std::size_t slash = line.find('/');
    const std::size_t runs = line.find(" runs");
    if (slash == std::string::npos || runs == std::string::npos || runs < slash) continue;
    return std::atoi(line.c_str() + slash + 1);
  }
  return -1;
}

int count_occurrences(const std::string& log, const std::string& needle) {
  int n = 0;
  for (std::size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class ReferenceCliLoadTest : public ::testing::TestWithParam<vlm::MmprojWeightType> {
 protected:
  void SetUp() override {
    // Parameterized test names hold a '/', which must not become a subfolder.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::temp_directory_path() /
           ("cardmint-reference-cli-" + std::to_string(getpid()) + "-" + name);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }
  fs::path dir_;
};

TEST_P(ReferenceCliLoadTest, TinyModelGeneratesTokensForAnImage) {
  ASSERT_TRUE(fs::exists(reference_cli())) << reference_cli();
  vlm::TestModelOptions options;
  options.out_dir = dir_;
  options.mmproj_type = GetParam();
  Result<vlm::TestModelPaths> paths = vlm::write_test_model(options);
  ASSERT_TRUE(paths.ok()) << paths.status().to_string();

  const CliRun run = run_reference_cli(*paths, write_card_png(dir_), dir_);
  ASSERT_EQ(run.exit_code, 0) << "(124 = timed out)\n" << run.err;
  EXPECT_NE(run.err.find("projector:          idefics3"), std::string::npos) << run.err;
  // 252 x 352 → 1024 px longest edge → 2 x 2 tiles + overview, 64 tokens each.
  EXPECT_EQ(count_occurrences(run.err, "decoding image batch 1/1, n_tokens_batch = 64"), 5)
      << run.err;
  const int generated = generated_token_count(run.err);
  EXPECT_GE(generated, 1) << run.err;
  EXPECT_LE(generated, 8) << run.err;
  EXPECT_NE(run.out.find_first_not_of(" \n\t"), std::string::npos) << "no text on stdout; stderr:\n"
                                                                   << run.err;
}

INSTANTIATE_TEST_SUITE_P(MmprojTypes, ReferenceCliLoadTest,
                         ::testing::Values(vlm::MmprojWeightType::kBf16,
                                           vlm::MmprojWeightType::kF16),
                         [](const auto& info) {
                           return info.param == vlm::MmprojWeightType::kF16 ? "F16" : "Bf16";
                         });

}  // namespace
}  // namespace cardmint
