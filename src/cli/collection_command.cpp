#include "cli/collection_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/log.h"
#include "catalog/catalog.h"
#include "catalog/catalog_import.h"
#include "collection/collection.h"
#include "collection/collection_formats.h"
#include "session/scan_sessions.h"

namespace cardmint::cli {
namespace {

using nlohmann::json;

// A collection file worth importing is a few MB; a larger one is the wrong file.
constexpr std::uintmax_t kMaxImportBytes = 64u << 20;

struct CommonFlags {
  std::string db;
  std::string catalog_db;
  std::string session;
};

struct AddFlags {
  CommonFlags common;
  std::string card_id;
  std::string finish;
  std::string condition = "near mint";
  std::string language = "English";
  int quantity = 1;
  std::optional<double> price;
};

struct ListFlags {
  CommonFlags common;
  bool as_json = false;
};

struct ExportFlags {
  CommonFlags common;
  std::string format;
  std::string out;
};

struct ImportFlags {
  CommonFlags common;
  std::string file;
  bool as_json = false;
};

std::filesystem::path catalog_path(const CommonFlags& flags) {
  return flags.catalog_db.empty() ? catalog::default_catalog_db_path()
                                  : std::filesystem::path(flags.catalog_db);
}

// --db, else $COLLECTION_DB (CLI11 reads it into --db), else beside the catalog, as cardmintd.
Result<std::unique_ptr<collection::Collection>> open_collection(const CommonFlags& flags) {
  collection::CollectionOptions options;
  options.db_path = flags.db.empty() ? collection::default_collection_db(catalog_path(flags))
                                     : std::filesystem::path(flags.db);
  return collection::Collection::open(options);
}

Result<std::unique_ptr<catalog::Catalog>> open_catalog(const CommonFlags& flags) {
  catalog::CatalogOptions options;
  options.db_path = catalog_path(flags);
  options.connections = 1;
  return catalog::Catalog::open(options);
}

// Every entry (of the session, when given), newest add first.
Result<std::vector<collection::CollectionEntry>> all_entries(const collection::Collection& c,
                                                             const CommonFlags& flags) {
  collection::ListOptions options;
  options.limit = 0;
  if (!flags.session.empty()) options.session_id = flags.session;
  return c.list(options);
}

std::string describe(const collection::CollectionEntry& e) {
  return fmt::format("{} ({} {} {}, {}, {}, {})", e.name,
                     e.set_code.empty() ? e.set_id : e.set_code, collection::card_number(e),
                     e.card_id, e.finish, e.condition, e.language);
}

int fail(const Status& status) {
  logger("cli")->error("{}", status.to_string());
  return 2;
}

int run_add(const AddFlags& flags) {
  Result<std::unique_ptr<catalog::Catalog>> catalog = open_catalog(flags.common);
  if (!catalog.ok()) return fail(catalog.status());
  Result<std::unique_ptr<collection::Collection>> c = open_collection(flags.common);
  if (!c.ok()) return fail(c.status());
  collection::AddRequest request;
  request.card_id = flags.card_id;
  request.finish = flags.finish;
  request.condition = flags.condition;
  request.language = flags.language;
  request.quantity = flags.quantity;
  request.price = flags.price;
  request.session_id = flags.common.session;
  Result<collection::AddOutcome> added = (*c)->add(**catalog, request);
  if (!added.ok()) {
    logger("cli")->error("{}", added.status().to_string());
    return 1;
  }
  std::cout << fmt::format("added {} × {}: {} in the collection{}\n", flags.quantity,
                           describe(added->entry), added->entry.quantity,
                           added->merged ? fmt::format(" (had {})", added->quantity_before) : "");
  return 0;
}

int run_list(const ListFlags& flags) {
  Result<std::unique_ptr<collection::Collection>> c = open_collection(flags.common);
  if (!c.ok()) return fail(c.status());
  Result<std::vector<collection::CollectionEntry>> entries = all_entries(**c, flags.common);
  if (!entries.ok()) return fail(entries.status());
  if (flags.as_json) {
    std::cout << collection::write_export(collection::ExportFormat::kJson, *entries);
    return 0;
  }
  for (const collection::CollectionEntry& e : *entries) {
    std::cout << fmt::format("{:>5} × {}{}\n", e.quantity, describe(e),
                             e.price ? fmt::format("  ${:.2f}", *e.price) : "");
  }
  const collection::CollectionSummary s = collection::summarize(*entries);
  std::cout << fmt::format("{} cards in {} entries; ${:.2f} over the {} priced\n", s.cards,
                           s.entries, s.total_value, s.priced_entries);
  return 0;
}

int run_export(const ExportFlags& flags) {
  // CLI11 checked the name.
  const collection::ExportFormat format = *collection::parse_export_format(flags.format);
  Result<std::unique_ptr<collection::Collection>> c = open_collection(flags.common);
  if (!c.ok()) return fail(c.status());
  Result<std::vector<collection::CollectionEntry>> entries = all_entries(**c, flags.common);
  if (!entries.ok()) return fail(entries.status());
  const std::string text = collection::write_export(format, *entries);
  if (flags.out.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream out(flags.out, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return fail(Status::unavailable(fmt::format("cannot write {}", flags.out)));
  std::cerr << fmt::format("exported {} entries to {}\n", entries->size(), flags.out);
  return 0;
}

Result<std::string> read_text(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::unavailable(fmt::format("cannot read {}: {}", path, ec.message()));
  if (size > kMaxImportBytes) {
    return Status::invalid_input(fmt::format("{} is {} bytes; a collection file is at most {}",
                                             path, size, kMaxImportBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::unavailable(fmt::format("cannot read {}", path));
  return text.str();
}

int run_import(const ImportFlags& flags) {
  Result<std::string> text = read_text(flags.file);
  if (!text.ok()) return fail(text.status());
  Result<std::unique_ptr<catalog::Catalog>> catalog = open_catalog(flags.common);
  if (!catalog.ok()) return fail(catalog.status());
  Result<collection::ImportFile> file = collection::read_import(*text, **catalog);
  if (!file.ok()) {
    return fail(Status::invalid_input(fmt::format("{}: {}", flags.file, file.status().message())));
  }
  Result<std::unique_ptr<collection::Collection>> c = open_collection(flags.common);
  if (!c.ok()) return fail(c.status());

  json added = json::array();
  json skipped = json::array();
  int cards = 0;
  for (collection::ImportRow& row : file->rows) {
    std::string error = row.error;
    if (row.request) {
      if (!flags.common.session.empty()) row.request->session_id = flags.common.session;
      Result<collection::AddOutcome> outcome = (*c)->add(**catalog, *row.request);
      if (outcome.ok()) {
        cards += row.request->quantity;
        added.push_back({{"line", row.line},
                         {"quantity", row.request->quantity},
                         {"merged", outcome->merged},
                         {"entry", collection::entry_json(outcome->entry)}});
        if (!flags.as_json) {
          std::cout << fmt::format("line {}: added {} × {}\n", row.line, row.request->quantity,
                                   describe(outcome->entry));
        }
        continue;
      }
      error = outcome.status().message();
    }
    skipped.push_back({{"line", row.line}, {"error", error}});
    if (!flags.as_json) std::cout << fmt::format("line {}: skipped: {}\n", row.line, error);
  }
  if (flags.as_json) {
    std::cout << json{{"file", flags.file},
                      {"format", collection::export_format_name(file->format)},
                      {"added", std::move(added)},
                      {"skipped", std::move(skipped)}}
                     .dump(-1, ' ', false, json::error_handler_t::replace)
              << std::endl;
  } else {
    std::cout << fmt::format("{} ({}): added {} rows ({} cards), skipped {}\n", flags.file,
                             collection::export_format_name(file->format), added.size(), cards,
                             skipped.size());
  }
  return skipped.empty() ? 0 : 1;
}

// The names of a vocabulary, for CLI11's IsMember.
template <typename Range, typename Name>
std::vector<std::string> names(const Range& values, Name name) {
  std::vector<std::string> out;
  for (const auto& v : values) out.emplace_back(name(v));
  return out;
}

void add_common_flags(CLI::App& cmd, CommonFlags& flags) {
  cmd.add_option("--db", flags.db, "the collection (default: collection.sqlite beside the catalog)")
      ->envname("COLLECTION_DB");
  cmd.add_option("--catalog-db", flags.catalog_db,
                 "the catalog (default: ${CARDMINT_DATA_DIR:-~/.local/share/cardmint}"
                 "/catalog.sqlite)");
}

}  // namespace

void register_collection_command(CLI::App& app) {
  CLI::App* cmd =
      app.add_subcommand("collection", "the operator's collection: add, list, export, import");
  cmd->require_subcommand(1);

  auto add_flags = std::make_shared<AddFlags>();
  CLI::App* add = cmd->add_subcommand("add", "add copies of a catalog card");
  add->add_option("card_id", add_flags->card_id, "catalog card id, e.g. base1-4")->required();
  add_common_flags(*add, add_flags->common);
  add->add_option("--finish", add_flags->finish, "the printing (default: the card's first)")
      ->check(CLI::IsMember(names(catalog::kAllFinishes, catalog::finish_name)));
  add->add_option("--condition", add_flags->condition, "the card's grade")
      ->check(CLI::IsMember(names(session::kCardConditions, std::identity())));
  add->add_option("--language", add_flags->language, "the card's language");
  add->add_option("--quantity", add_flags->quantity, "copies")->check(CLI::Range(1, 10000));
  add->add_option("--price", add_flags->price, "USD market price of one copy");
  add->add_option("--session", add_flags->common.session, "the scan session it belongs to");
  add->callback([add_flags] { throw CLI::RuntimeError(run_add(*add_flags)); });

  auto list_flags = std::make_shared<ListFlags>();
  CLI::App* list = cmd->add_subcommand("list", "every entry, newest add first, and the totals");
  add_common_flags(*list, list_flags->common);
  list->add_option("--session", list_flags->common.session,
                   "only entries first scanned in this session");
  list->add_flag("--json", list_flags->as_json, "print the JSON export");
  list->callback([list_flags] { throw CLI::RuntimeError(run_list(*list_flags)); });

  auto export_flags = std::make_shared<ExportFlags>();
  CLI::App* exp =
      cmd->add_subcommand("export", "write the collection as a file to import elsewhere");
  add_common_flags(*exp, export_flags->common);
  exp->add_option("--format", export_flags->format, "tcgplayer, dragonshield, csv or json")
      ->required()
      ->check(
          CLI::IsMember({"tcgplayer", "dragonshield", "dragon-shield", "csv", "plain", "json"}));
  exp->add_option("--out", export_flags->out, "the file to write (default: standard output)");
  exp->add_option("--session", export_flags->common.session,
                  "only entries first scanned in this session");
  exp->callback([export_flags] { throw CLI::RuntimeError(run_export(*export_flags)); });

  auto import_flags = std::make_shared<ImportFlags>();
  CLI::App* imp = cmd->add_subcommand(
      "import", "add the rows of a TCGplayer, Dragon Shield or CardMint CSV export");
  imp->add_option("file", import_flags->file, "the CSV file")->required()->check(CLI::ExistingFile);
  add_common_flags(*imp, import_flags->common);
  imp->add_option("--session", import_flags->common.session,
                  "the scan session the rows belong to (default: as the file says)");
  imp->add_flag("--json", import_flags->as_json, "print one JSON object");
  imp->callback([import_flags] { throw CLI::RuntimeError(run_import(*import_flags)); });
}

}  // namespace cardmint::cli
