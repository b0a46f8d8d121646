#include "cli/eval_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "cli/latency_summary.h"
#include "cli/model_flags.h"
#include "recognize/recognizer.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct EvalFlags {
  ModelFlags model;
  std::string dir;
  std::string manifest;
  double threshold = 0.85;  // the confidence a user trusts; "confident wrong" is counted above it
  int limit = 0;            // 0 = every photo
  std::string mode = "standard";
  bool as_json = false;
};

// The manifest's finish words ("reverse", "first_edition") as results spell them.
std::string canonical_finish(std::string finish) {
  for (char& c : finish) c = c == '_' ? ' ' : c;
  if (finish == "reverse") return "reverse holo";
  return finish;
}

std::string local_number(const std::string& card_id) {
  const size_t dash = card_id.rfind('-');
  return dash == std::string::npos ? card_id : card_id.substr(dash + 1);
}

// Answers grouped by the confidence they claimed, to check that a confidence means what it says:
// of the answers claiming at least 0.85, at least 85% should be right.
struct ConfidenceBucket {
  double from = 0, to = 0;  // [from, to), the last one closed
  int answers = 0;          // with a card
  int right_card = 0;
  int right_printing = 0;
};

std::vector<ConfidenceBucket> confidence_buckets() {
  return {{0.0, 0.5}, {0.5, 0.7}, {0.7, 0.85}, {0.85, 0.95}, {0.95, 1.0}};
}

void count_answer(std::vector<ConfidenceBucket>& buckets, double confidence, bool right_card,
                  bool right_printing) {
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (confidence < buckets[i].to || i + 1 == buckets.size()) {
      ++buckets[i].answers;
      if (right_card) ++buckets[i].right_card;
      if (right_printing) ++buckets[i].right_printing;
      return;
    }
  }
}

int run_eval(const EvalFlags& flags) {
  recognize::RecognizerOptions options;
  options.catalog_db = catalog_db_path(flags.model);
  options.models = cascade_models(flags.model);
  options.escalation.escalate_below = flags.threshold;
  options.default_mode = recognize::parse_scan_mode(flags.mode).value();  // CLI11 checked it
  Result<std::unique_ptr<recognize::Recognizer>> recognizer = recognize::Recognizer::open(options);
  if (!recognizer.ok()) {
    logger("cli")->error("cannot start the recognizer: {}", recognizer.status().to_string());
    return 2;
  }
  const fs::path manifest_path =
      flags.manifest.empty() ? fs::path(flags.dir) / "manifest.jsonl" : fs::path(flags.manifest);
  std::ifstream manifest(manifest_path);
  if (!manifest) {
    logger("cli")->error("cannot read {}", manifest_path.string());
    return 2;
  }
  int n = 0, top1 = 0, printing_exact = 0, name_ok = 0, number_ok = 0, confident_wrong = 0;
  int null_answers = 0, no_card_photos = 0, no_card_right = 0, errors = 0;
  // The right card in the wrong finish, sure of both: as wrong a printing as a wrong card.
  int confident_wrong_finish = 0;
  std::vector<double> latencies;
  std::vector<ConfidenceBucket> buckets = confidence_buckets();
  json failures = json::array();
  std::string line;
  while (std::getline(manifest, line) && (flags.limit == 0 || n < flags.limit)) {
    if (line.empty()) continue;
    const json truth = json::parse(line, nullptr, false);
    if (truth.is_discarded() || !truth.contains("file")) continue;
    const fs::path file = fs::path(flags.dir) / truth["file"].get<std::string>();
    std::ifstream in(file, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    ++n;
    Result<recognize::Recognition> got = (*recognizer)->recognize(bytes);
    if (!got.ok()) {
      ++errors;
      failures.push_back({{"file", truth["file"]}, {"error", got.status().to_string()}});
      continue;
    }
    latencies.push_back(got->timings.total_ms);
    const bool has_card = truth.contains("card_id") && truth["card_id"].is_string();
    if (!got->card) ++null_answers;
    if (!has_card) {
      ++no_card_photos;
      if (!got->card) {
        ++no_card_right;
      } else {
        count_answer(buckets, got->confidence, false, false);
        if (got->confidence >= flags.threshold) ++confident_wrong;
        failures.push_back({{"file", truth["file"]},
                            {"want", nullptr},
                            {"got", got->card->id},
                            {"confidence", got->confidence}});
      }
      continue;
    }
    const std::string want = truth["card_id"];
    const std::string want_name = truth.value("name", "");
    const bool right = got->card && got->card->id == want;
    if (right) ++top1;
    const std::string want_finish = truth.contains("finish") ? canonical_finish(truth["finish"])
                                    : got->card              ? got->card->finish
                                                             : "";
    if (right && want_finish == got->card->finish) ++printing_exact;
    if (got->card)
      count_answer(buckets, got->confidence, right, right && want_finish == got->card->finish);
    if (right && want_finish != got->card->finish) {
      if (got->confidence >= flags.threshold && got->finish_confidence >= flags.threshold)
        ++confident_wrong_finish;
      failures.push_back({{"file", truth["file"]},
                          {"want", want},
                          {"want_finish", want_finish},
                          {"got_finish", got->card->finish},
                          {"confidence", got->confidence},
                          {"finish_confidence", got->finish_confidence},
                          {"finish_hint", got->finish_hint}});
    }
    if (got->card && !want_name.empty() && got->card->name == want_name) ++name_ok;
    if (got->card && got->card->number == local_number(want)) ++number_ok;
    if (got->card && !right && got->confidence >= flags.threshold) ++confident_wrong;
    if (!right) {
      json failure = {{"file", truth["file"]}, {"want", want}, {"confidence", got->confidence}};
      failure["got"] = got->card ? json(got->card->id) : json(nullptr);
      if (!got->card) failure["reason"] = got->unknown_reason;
      if (got->ocr) failure["ocr"] = {{"name", got->ocr->name}, {"number", got->ocr->number_line}};
      failures.push_back(std::move(failure));
    }
  }
  const int with_card = n - no_card_photos;
  auto rate = [](int k, int d) { return d == 0 ? 0.0 : static_cast<double>(k) / d; };
  const LatencySummary latency = summarize_latencies(latencies);
  json report = {
      {"n", n},
      {"with_card", with_card},
      {"top1", rate(top1, with_card)},
      {"printing_exact", rate(printing_exact, with_card)},
      {"name_only", rate(name_ok, with_card)},
      {"number_only", rate(number_ok, with_card)},
      {"confident_wrong", confident_wrong},
      {"confident_wrong_rate", rate(confident_wrong, n)},
      {"confident_wrong_finish", confident_wrong_finish},
      {"confident_wrong_printing_rate", rate(confident_wrong + confident_wrong_finish, n)},
      {"threshold", flags.threshold},
      {"null_answers", null_answers},
      {"no_card_photos", no_card_photos},
      {"no_card_right", no_card_right},
      {"errors", errors},
      {"latency_ms", {{"p50", latency.p50_ms}, {"p90", latency.p90_ms}, {"p99", latency.p99_ms}}},
      {"mode", flags.mode},
      {"calibration", json::array()},
      {"failures", failures}};
  for (const ConfidenceBucket& b : buckets) {
    report["calibration"].push_back({{"from", b.from},
                                     {"to", b.to},
                                     {"answers", b.answers},
                                     {"right_card", b.right_card},
                                     {"right_printing", b.right_printing},
                                     {"card_accuracy", rate(b.right_card, b.answers)},
                                     {"printing_accuracy", rate(b.right_printing, b.answers)}});
  }
  if (flags.as_json) {
    std::cout << report.dump() << std::endl;
    return 0;
  }
  std::cout << fmt::format(
      "cardmint eval  {} photos ({} with a card)\n"
      "  top-1 card {:.1f}%  exact printing {:.1f}%  name {:.1f}%  number {:.1f}%\n"
      "  wrong at confidence >= {:.2f}: {} ({:.1f}%), and the right card in a wrong finish sure of "
      "both: {} (printing {:.1f}%)\n"
      "  null answers: {}   no-card photos right: {}/{}   errors: {}\n"
      "  latency p50 {:.0f} ms  p90 {:.0f} ms  p99 {:.0f} ms\n",
      n, with_card, 100 * rate(top1, with_card), 100 * rate(printing_exact, with_card),
      100 * rate(name_ok, with_card), 100 * rate(number_ok, with_card), flags.threshold,
      confident_wrong, 100 * rate(confident_wrong, n), confident_wrong_finish,
      100 * rate(confident_wrong + confident_wrong_finish, n), null_answers, no_card_right,
      no_card_photos, errors, latency.p50_ms, latency.p90_ms, latency.p99_ms);
  std::cout << "  confidence    answers  card right  printing right\n";
  for (const ConfidenceBucket& b : buckets) {
    std::cout << fmt::format("  {:.2f}-{:.2f}   {:7}  {:9.1f}%  {:13.1f}%\n", b.from, b.to,
                             b.answers, 100 * rate(b.right_card, b.answers),
                             100 * rate(b.right_printing, b.answers));
  }
  std::cout << "  failures:\n";
  for (const json& f : failures) std::cout << "    " << f.dump() << "\n";
  return 0;
}

}  // namespace

void register_eval_command(CLI::App& app) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* eval = app.add_subcommand("eval", "accuracy and latency over labelled photos");
  add_model_flags(*eval, flags->model);
  eval->add_option("dir", flags->dir, "folder of photos")
      ->required()
      ->check(CLI::ExistingDirectory);
  eval->add_option("--manifest", flags->manifest, "JSON lines with file and card_id");
  eval->add_option("--threshold", flags->threshold, "confidence users trust")
      ->check(CLI::Range(0.0, 1.0));
  eval->add_option("--limit", flags->limit, "evaluate the first N photos");
  eval->add_option("--mode", flags->mode, "bulk_inventory | standard | high_value")
      ->check(CLI::IsMember({"bulk_inventory", "standard", "high_value"}));
  eval->add_flag("--json", flags->as_json, "print one JSON object");
  eval->callback([flags] { throw CLI::RuntimeError(run_eval(*flags)); });
}

}  // namespace cardmint::cli
