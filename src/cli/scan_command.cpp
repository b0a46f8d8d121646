#include "cli/scan_command.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <vector>

#include "base/log.h"
#include "cli/model_flags.h"
#include "recognize/recognizer.h"
#include "wire/recognition_json.h"

namespace cardmint::cli {
namespace {

struct ScanFlags {
  ModelFlags model;
  std::vector<std::string> files;
  int max_new_tokens = 160;
};

int run_scan(const ScanFlags& flags) {
  recognize::RecognizerOptions options;
  options.catalog_db = catalog_db_path(flags.model);
  options.vlm = optional_vlm_options(flags.model);
  options.max_new_tokens = flags.max_new_tokens;
  Result<std::unique_ptr<recognize::Recognizer>> recognizer = recognize::Recognizer::open(options);
  if (!recognizer.ok()) {
    logger("cli")->error("cannot load models: {}", recognizer.status().to_string());
    return 2;
  }
  int failures = 0;
  for (size_t i = 0; i < flags.files.size(); ++i) {
    const std::string& path = flags.files[i];
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      logger("cli")->error("{}: cannot read", path);
      ++failures;
      continue;
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    Result<recognize::Recognition> result = (*recognizer)->recognize(bytes);
    if (!result.ok()) {
      nlohmann::json error = {{"file", path},
                              {"error",
                               {{"code", status_code_name(result.status().code())},
                                {"message", result.status().message()}}}};
      std::cout << error.dump() << std::endl;
      ++failures;
      continue;
    }
    nlohmann::json out = wire::recognition_to_json(*result, fmt::format("scan-{}", i + 1));
    out["file"] = path;
    std::cout << out.dump() << std::endl;
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void register_scan_command(CLI::App& app) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* scan = app.add_subcommand("scan", "recognize card photos (prints JSON lines)");
  add_model_flags(*scan, flags->model);
  scan->add_option("files", flags->files, "image files")->required()->check(CLI::ExistingFile);
  scan->add_option("--max-new-tokens", flags->max_new_tokens, "longest model answer")
      ->check(CLI::Range(1, 4096));
  scan->callback([flags] { throw CLI::RuntimeError(run_scan(*flags)); });
}

}  // namespace cardmint::cli
