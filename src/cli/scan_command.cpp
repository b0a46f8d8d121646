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
#include "session/scan_sessions.h"
#include "wire/progress_json.h"
#include "wire/recognition_json.h"

namespace cardmint::cli {
namespace {

struct ScanFlags {
  ModelFlags model;
  std::vector<std::string> files;
  int max_new_tokens = 160;
  std::string mode = "standard";
  bool stream = false;    // one JSON line per progress event before each answer
  std::string session;    // the files are one scan session (a binder, in order); empty: none
  std::string condition;  // the session's default condition
};

int run_scan(const ScanFlags& flags) {
  recognize::RecognizerOptions options;
  options.catalog_db = catalog_db_path(flags.model);
  options.models = cascade_models(flags.model);
  options.max_new_tokens = flags.max_new_tokens;
  options.default_mode = recognize::parse_scan_mode(flags.mode).value();  // CLI11 checked it
  Result<std::unique_ptr<recognize::Recognizer>> recognizer = recognize::Recognizer::open(options);
  if (!recognizer.ok()) {
    logger("cli")->error("cannot load models: {}", recognizer.status().to_string());
    return 2;
  }
  if (!flags.condition.empty()) {
    if (Status set =
            (*recognizer)->sessions().set_default_condition(flags.session, flags.condition);
        !set.ok()) {
      logger("cli")->error("--condition: {}", set.to_string());
      return 2;
    }
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
    recognize::RecognizeRequest request;
    request.session_id = flags.session;
    if (flags.stream) {
      // The same events as /recognize?stream=1, one JSON line each, as they happen.
      request.on_progress = [&path](const recognize::ProgressEvent& event) {
        nlohmann::json line = wire::progress_event_to_json(event);
        line["event"] = recognize::progress_stage_name(event.stage);
        line["file"] = path;
        std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                  << std::endl;
      };
    }
    Result<recognize::Recognition> result = (*recognizer)->recognize(bytes, request);
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
    if (flags.stream) out["event"] = "complete";
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
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
  scan->add_option("--mode", flags->mode, "bulk_inventory | standard | high_value")
      ->envname("SCAN_MODE")
      ->check(CLI::IsMember({"bulk_inventory", "standard", "high_value"}));
  scan->add_flag("--stream", flags->stream,
                 "print each progress event (detected, quick, identified) as it happens, then the "
                 "answer as \"complete\"");
  scan->add_option("--session", flags->session,
                   "scan the files as one session, in the order given (a binder): each sure card "
                   "predicts the next, which breaks ties in its match")
      ->check([](const std::string& id) {
        Status valid = session::check_session_id(id);
        return valid.ok() ? std::string() : valid.message();
      });
  scan->add_option("--condition", flags->condition,
                   "the session's cards' condition (near mint, lightly played, ...)")
      ->needs("--session");
  scan->callback([flags] { throw CLI::RuntimeError(run_scan(*flags)); });
}

}  // namespace cardmint::cli
