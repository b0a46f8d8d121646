#include "cli/catalog_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/log.h"
#include "catalog/catalog.h"
#include "catalog/catalog_import.h"
#include "cli/add_images_command.h"

namespace cardmint::cli {
namespace {

using nlohmann::json;

struct ImportFlags {
  std::string from;
  std::string db;
  std::string format = "tcgdex";
};

struct LookupFlags {
  std::string db;
  std::string name;
  std::string number;
  std::string set_hint;
  std::string finish_hint;
  int top = 5;
  bool include_digital = false;
  bool as_json = false;
};

int run_import(const ImportFlags& flags) {
  Result<catalog::SourceFormat> format = catalog::parse_source_format(flags.format);
  if (!format.ok()) {
    logger("cli")->error("{}", format.status().to_string());
    return 2;
  }
  catalog::ImportOptions options;
  options.from = flags.from.empty() ? catalog::default_catalog_source_dir()
                                    : std::filesystem::path(flags.from);
  options.db_path =
      flags.db.empty() ? catalog::default_catalog_db_path() : std::filesystem::path(flags.db);
  options.format = *format;
  Result<catalog::BuildStats> stats = catalog::import_catalog(options);
  if (!stats.ok()) {
    logger("cli")->error("catalog import from {} failed: {}", options.from.string(),
                         stats.status().to_string());
    return 1;
  }
  std::cout << fmt::format(
                   "imported {} sets, {} cards, {} printings ({} inferred), {} number aliases "
                   "from {} into {} in {:.0f} ms",
                   stats->sets, stats->cards, stats->printings, stats->inferred_printings,
                   stats->number_aliases, options.from.string(), options.db_path.string(),
                   stats->elapsed_ms)
            << std::endl;
  return 0;
}

json candidate_json(const catalog::MatchCandidate& c) {
  return {{"card_id", c.card.id},
          {"name", c.card.name},
          {"set_id", c.card.set_id},
          {"set_name", c.card.set_name},
          {"number", c.card.local_id},
          {"finish", catalog::finish_name(c.finish)},
          {"score", c.score},
          {"name_score", c.name_score},
          {"number_score", c.number_score},
          {"via_alias", c.via_alias}};
}

json result_json(const LookupFlags& flags, const catalog::MatchResult& m) {
  json understood = {{"name_norm", m.name_norm}, {"number", nullptr}, {"total", nullptr}};
  if (m.printed_number) {
    understood["number"] = m.printed_number->number;
    if (m.printed_number->total) understood["total"] = *m.printed_number->total;
  }
  json candidates = json::array();
  for (const catalog::MatchCandidate& c : m.candidates) candidates.push_back(candidate_json(c));
  return {{"query", {{"name", flags.name}, {"number_line", flags.number}}},
          {"understood", understood},
          {"confidence", m.confidence},
          {"finish_known", m.finish_known},
          {"candidates", candidates}};
}

void print_result(const catalog::MatchResult& m) {
  std::string number = "-";
  if (m.printed_number) {
    number = m.printed_number->number;
    if (m.printed_number->total) number += fmt::format("/{}", *m.printed_number->total);
  }
  std::cout << fmt::format("read: name \"{}\", number {}\n", m.name_norm, number);
  std::cout << fmt::format("confidence {:.3f}{}\n", m.confidence,
                           m.finish_known ? "" : " (finish not settled)");
  if (m.candidates.empty()) {
    std::cout << "no candidates\n";
    return;
  }
  int rank = 0;
  for (const catalog::MatchCandidate& c : m.candidates) {
    std::cout << fmt::format(
        "{:>2}. {:.3f}  {:<18} {:<28} {:<34} {:<8} {:<13} name {:.2f} number {:.2f}{}\n", ++rank,
        c.score, c.card.id, c.card.name, c.card.set_name, c.card.local_id,
        catalog::finish_name(c.finish), c.name_score, c.number_score,
        c.via_alias ? "  (printed alias)" : "");
  }
}

int run_lookup(const LookupFlags& flags) {
  catalog::CatalogOptions options;
  options.db_path =
      flags.db.empty() ? catalog::default_catalog_db_path() : std::filesystem::path(flags.db);
  options.connections = 1;
  Result<std::unique_ptr<catalog::Catalog>> opened = catalog::Catalog::open(options);
  if (!opened.ok()) {
    logger("cli")->error("{}", opened.status().to_string());
    return 2;
  }
  catalog::MatchHints hints;
  hints.top_k = flags.top;
  hints.include_digital = flags.include_digital;
  if (!flags.set_hint.empty()) hints.set_id = flags.set_hint;
  if (!flags.finish_hint.empty()) hints.finish = catalog::parse_finish(flags.finish_hint);
  Result<catalog::MatchResult> m = (*opened)->match(flags.name, flags.number, hints);
  if (!m.ok()) {
    logger("cli")->error("{}", m.status().to_string());
    return 1;
  }
  if (flags.as_json) {
    std::cout << result_json(flags, *m).dump() << std::endl;
  } else {
    print_result(*m);
  }
  return 0;
}

}  // namespace

void register_catalog_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("catalog", "the card catalog: import, lookup, add-images");
  cmd->require_subcommand(1);
  register_add_images_command(*cmd);

  auto import_flags = std::make_shared<ImportFlags>();
  CLI::App* import = cmd->add_subcommand("import", "rebuild the SQLite catalog from source data");
  import->add_option("--from", import_flags->from,
                     "source folder (default: $CARDMINT_CATALOG_DIR or data/catalog)");
  import->add_option("--db", import_flags->db,
                     "catalog to write (default: ${CARDMINT_DATA_DIR:-~/.local/share/cardmint}"
                     "/catalog.sqlite)");
  import->add_option("--format", import_flags->format, "source format")
      ->check(CLI::IsMember({"tcgdex", "pokemontcg"}));
  import->callback([import_flags] { throw CLI::RuntimeError(run_import(*import_flags));
});

auto lookup_flags = std::make_shared<LookupFlags>();
CLI::App* lookup = cmd->add_subcommand("lookup", "rank printings for a name and number line");
lookup->add_option("--db", lookup_flags->db, "catalog to read (default: as for import)");
lookup->add_option("--name", lookup_flags->name, "card name as read, e.g. \"Charizard\"");
lookup->add_option("--number", lookup_flags->number, "number line as read, e.g. \"4/102\"");
lookup->add_option("--set", lookup_flags->set_hint, "hint: the set id, e.g. base1");
lookup->add_option("--finish", lookup_flags->finish_hint, "hint: the finish")
    ->check(CLI::IsMember({"normal", "holo", "reverse holo", "first edition"}));
lookup->add_option("--top", lookup_flags->top, "printings to show")->check(CLI::Range(1, 100));
lookup->add_flag("--include-digital", lookup_flags->include_digital,
                 "also match Pokémon TCG Pocket cards");
lookup->add_flag("--json", lookup_flags->as_json, "print one JSON object");
lookup->callback([lookup_flags] {
  if (lookup_flags->name.empty() && lookup_flags->number.empty()) {
    throw CLI::ValidationError("lookup", "give --name, --number or both");
  }
  throw CLI::RuntimeError(run_lookup(*lookup_flags));
});
}  // namespace cardmint::cli

}  // namespace cardmint::cli
