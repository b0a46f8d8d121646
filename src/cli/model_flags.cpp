#include "cli/model_flags.h"

#include "catalog/catalog_import.h"

namespace cardmint::cli {

void add_model_flags(CLI::App& command, ModelFlags& flags) {
  command
      .add_option("--catalog-db", flags.catalog_db, "catalog built by `cardmint catalog import`")
      ->envname("CATALOG_DB");
  command.add_option("--model", flags.model_path, "text model GGUF")->envname("MODEL_PATH");
  command.add_option("--mmproj", flags.mmproj_path, "vision projector GGUF")
      ->envname("MMPROJ_PATH");
  command.add_option("--label", flags.label, "source label, e.g. vlm-256m")->envname("MODEL_LABEL");
  command.add_option("--threads", flags.threads, "model threads")
      ->envname("NUM_THREADS")
      ->check(CLI::Range(1, 256));
  command.add_option("--tiling", flags.tiling, "single: overview + one 512 tile; smolvlm: default")
      ->envname("TILING")
      ->check(CLI::IsMember({"single", "smolvlm"}));
  command
      .add_option("--accurate-model", flags.accurate_model_path,
                  "the accurate model's GGUF (SmolVLM-500M)")
      ->envname("ACCURATE_MODEL_PATH");
  command.add_option("--accurate-mmproj", flags.accurate_mmproj_path, "its vision projector GGUF")
      ->envname("ACCURATE_MMPROJ_PATH");
  command.add_option("--accurate-label", flags.accurate_label, "its source label")
      ->envname("ACCURATE_MODEL_LABEL");
}

vlm::VlmOptions to_vlm_options(const ModelFlags& flags) {
  vlm::VlmOptions options;
  options.model_path = flags.model_path;
  options.mmproj_path = flags.mmproj_path;
  options.label = flags.label;
  options.threads = flags.threads;
  options.tiling =
      flags.tiling == "smolvlm" ? vlm::TilingPlan::kSmolVlmDefault : vlm::TilingPlan::kSingleTile;
  return options;
}

}  // namespace cardmint::cli

namespace cardmint::cli {

std::vector<recognize::RecognizerOptions::Model> cascade_models(const ModelFlags& flags) {
  std::vector<recognize::RecognizerOptions::Model> models;
  if (!flags.model_path.empty()) models.push_back({to_vlm_options(flags), false});
  if (!flags.accurate_model_path.empty()) {
    vlm::VlmOptions accurate = to_vlm_options(flags);
    accurate.model_path = flags.accurate_model_path;
    accurate.mmproj_path = flags.accurate_mmproj_path;
    accurate.label = flags.accurate_label;
    models.push_back({accurate, true});
  }
  return models;
}

std::string catalog_db_path(const ModelFlags& flags) {
  return flags.catalog_db.empty() ? catalog::default_catalog_db_path().string() : flags.catalog_db;
}

std::vector<std::string> cardmintd_model_args(const ModelFlags& flags) {
  std::vector<std::string> args = {"--catalog-db", catalog_db_path(flags)};
  for (const recognize::RecognizerOptions::Model& m : cascade_models(flags)) {
    const bool accurate = m.accurate;
    args.insert(args.end(),
                {accurate ? "--accurate-model" : "--model", m.vlm.model_path.string(),
                 accurate ? "--accurate-mmproj" : "--mmproj", m.vlm.mmproj_path.string(),
                 accurate ? "--accurate-model-label" : "--model-label", m.vlm.label, "--threads",
                 std::to_string(m.vlm.threads)});
  }
  return args;
}

}  // namespace cardmint::cli
