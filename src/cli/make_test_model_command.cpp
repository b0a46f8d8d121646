#include "cli/make_test_model_command.h"

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "base/log.h"
#include "vlm/test_model_writer.h"

namespace cardmint::cli {
namespace {

struct MakeTestModelFlags {
  std::string size = "tiny";
  std::string out_dir;
  std::uint64_t seed = 42;
  std::string mmproj_type = "bf16";
  bool json = false;
};

int run_make_test_model(const MakeTestModelFlags& flags) {
  // CLI11's IsMember checks already ran, so parsing cannot fail here.
  vlm::TestModelOptions options;
  options.size = *vlm::parse_test_model_size(flags.size);
  options.mmproj_type = *vlm::parse_mmproj_weight_type(flags.mmproj_type);
  options.out_dir = flags.out_dir;
  options.seed = flags.seed;
  Result<vlm::TestModelPaths> paths = vlm::write_test_model(options);
  if (!paths.ok()) {
    logger("cli")->error("make-test-model: {}", paths.status().to_string());
    return 1;
  }
  if (flags.json) {
    std::uintmax_t bytes = 0;
    for (const std::filesystem::path& p : {paths->model, paths->mmproj}) {
      std::error_code ec;
      const std::uintmax_t n = std::filesystem::file_size(p, ec);
      if (!ec) bytes += n;
    }
    nlohmann::json out = {{"model", paths->model.string()},
                          {"mmproj", paths->mmproj.string()},
                          {"bytes", bytes}};  // both files together
    std::cout << out.dump() << std::endl;
  } else {
    std::cout << paths->model.string() << '\n' << paths->mmproj.string() << std::endl;
  }
  return 0;
}

}  // namespace

void register_make_test_model_command(CLI::App& app) {
  // Shared by the option bindings and the callback, both owned by `app`.
  auto flags = std::make_shared<MakeTestModelFlags>();
  CLI::App* cmd = app.add_subcommand(
      "make-test-model", "write a random-weight SmolVLM model + mmproj (GGUF) for tests");
  cmd->add_option("--size", flags->size, "tiny | 256m | 500m (real SmolVLM shapes)")
      ->check(CLI::IsMember({"tiny", "256m", "500m"}))
      ->capture_default_str();
  cmd->add_option("--out", flags->out_dir, "output directory (created if missing)")->required();
  cmd->add_option("--seed", flags->seed, "weight seed; same seed, same bytes")
      ->capture_default_str();
  cmd->add_option("--mmproj-type", flags->mmproj_type, "f16 | bf16")
      ->check(CLI::IsMember({"f16", "bf16"}))
      ->capture_default_str();
  cmd->add_flag("--json", flags->json, R"(print {"model", "mmproj", "bytes"} as one JSON line)");
  cmd->callback([flags] { throw CLI::RuntimeError(run_make_test_model(*flags)); });
}

}  // namespace cardmint::cli
