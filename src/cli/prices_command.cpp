#include "cli/prices_command.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/log.h"
#include "catalog/card.h"
#include "price/card_prices_json.h"
#include "price/csv_price_book.h"
#include "price/price_choice.h"
#include "price/price_sources.h"

namespace cardmint::cli {
namespace {

using nlohmann::json;

struct ImportFlags {
  std::string file;
  std::string db;
};

struct GetFlags {
  std::string card_id;
  std::string printing;  // empty: every quote, none chosen
  std::string provider = "tcgdex";
  std::string url;
  std::string api_key;
  std::string db;
  int timeout_ms = 5000;
  bool as_json = false;
};

std::filesystem::path book_path(const std::string& db) {
  return db.empty() ? price::default_price_book_path() : std::filesystem::path(db);
}

int run_import(const ImportFlags& flags) {
  const std::filesystem::path db = book_path(flags.db);
  Result<std::unique_ptr<price::CsvPriceBook>> book = price::CsvPriceBook::open(db);
  if (!book.ok()) {
    logger("cli")->error("{}", book.status().to_string());
    return 2;
  }
  Result<price::PriceListImportStats> stats = (*book)->import_csv(flags.file);
  if (!stats.ok()) {
    logger("cli")->error("price list not imported, {} unchanged: {}", db.string(),
                         stats.status().to_string());
    return 1;
  }
  std::cout << fmt::format("imported {} prices of {} cards from {} into {} in {:.0f} ms",
                           stats->rows, stats->cards, flags.file, db.string(), stats->elapsed_ms)
            << std::endl;
  return 0;
}

Result<std::unique_ptr<price::PriceProvider>> open_provider(const GetFlags& flags) {
  price::PriceSourceSettings settings;
  settings.provider = flags.provider;
  settings.api.base_url = flags.url;
  settings.api.request_timeout = std::chrono::milliseconds(flags.timeout_ms);
  settings.api.api_key = flags.api_key;
  settings.book = book_path(flags.db);
  return price::open_price_provider(settings);
}

std::string figure_text(const std::optional<double>& figure) {
  return figure ? fmt::format("{:.2f}", *figure) : "-";
}

void print_quotes(const price::CardPrices& prices, std::string_view provider) {
  std::cout << fmt::format("{} from {}: {} quote{}\n", prices.card_id, provider,
                           prices.quotes.size(), prices.quotes.size() == 1 ? "" : "s");
  for (const price::PriceQuote& q : prices.quotes) {
    std::cout << fmt::format("  {:<10} {:<22} {} low {:>9} mid {:>9} high {:>9} market {:>9}{}\n",
                             q.source, q.printing_key, q.currency, figure_text(q.low),
                             figure_text(q.mid), figure_text(q.high), figure_text(q.market),
                             q.updated.empty() ? "" : "  updated " + q.updated);
  }
}

void print_chosen(const price::ChosenPrice& chosen) {
  const std::string_view finish = catalog::finish_name(chosen.finish);
  const std::string figure = chosen.quote.market ? "market" : "mid";
  if (chosen.exact) {
    std::cout << fmt::format("{}: {:.2f} {} ({} {}, {})\n", finish, chosen.value,
                             chosen.quote.currency, chosen.quote.source, chosen.quote.printing_key,
                             figure);
  } else {
    std::cout << fmt::format(
        "{}: no price of its own; nearest printing: {:.2f} {} ({} {}, {}), NOT the {} price\n",
        finish, chosen.value, chosen.quote.currency, chosen.quote.source, chosen.quote.printing_key,
        figure, finish);
  }
}

int run_get(const GetFlags& flags) {
  std::optional<catalog::Finish> finish;
  if (!flags.printing.empty()) finish = catalog::parse_finish(flags.printing);  // CLI11 checked
  Result<std::unique_ptr<price::PriceProvider>> provider = open_provider(flags);
  if (!provider.ok()) {
    logger("cli")->error("{}", provider.status().to_string());
    return 2;
  }
  Result<price::CardPrices> prices = (*provider)->fetch(flags.card_id);
  if (!prices.ok()) {
    if (flags.as_json) {
      std::cout << json{{"card_id", flags.card_id},
                        {"provider", flags.provider},
                        {"error",
                         {{"code", status_code_name(prices.status().code())},
                          {"message", prices.status().message()}}}}
                       .dump()
                << std::endl;
    } else {
      logger("cli")->error("{}", prices.status().to_string());
    }
    return 1;
  }
  std::optional<Result<price::ChosenPrice>> chosen;
  if (finish) chosen = price::choose_price(*prices, *finish);

  if (flags.as_json) {
    json out = {{"card_id", flags.card_id},
                {"provider", flags.provider},
                {"prices", json::parse(price::card_prices_to_json(*prices))}};
    if (chosen && chosen->ok()) {
      out["chosen"] = json::parse(price::chosen_price_to_json(**chosen));
    } else if (chosen) {
      out["chosen"] = nullptr;
      out["error"] = {{"code", status_code_name(chosen->status().code())},
                      {"message", chosen->status().message()}};
    }
    std::cout << out.dump() << std::endl;
  } else {
    print_quotes(*prices, flags.provider);
    if (chosen && chosen->ok()) print_chosen(**chosen);
    if (chosen && !chosen->ok()) std::cout << chosen->status().message() << "\n";
  }
  return !chosen || chosen->ok() ? 0 : 1;
}

}  // namespace

void register_prices_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("prices", "card prices: a shop's price list, price APIs");
  cmd->require_subcommand(1);
  const std::string db_help =
      "the shop's price list (default: ${CARDMINT_DATA_DIR:-~/.local/share/cardmint}"
      "/prices.sqlite)";

  auto import_flags = std::make_shared<ImportFlags>();
  CLI::App* import = cmd->add_subcommand(
      "import",
      "replace the shop's price list with a CSV: card_id,printing,currency,low,mid,"
      "high,market");
  import->add_option("file", import_flags->file, "the CSV price list")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--db", import_flags->db, db_help);
  import->callback([import_flags] { throw CLI::RuntimeError(run_import(*import_flags));
});

auto get_flags = std::make_shared<GetFlags>();
CLI::App* get = cmd->add_subcommand("get", "one card's prices from one source");
get->add_option("card_id", get_flags->card_id, "catalog card id, e.g. swsh9-001")->required();
get->add_option("--printing", get_flags->printing, "also choose the price of this printing")
    ->check(CLI::IsMember({"normal", "holo", "reverse holo", "first edition"}));
get->add_option("--provider", get_flags->provider,
                "tcgdex (the catalog's ids), pokemontcg (pokemon-tcg-data ids) or csv")
    ->check(CLI::IsMember({"tcgdex", "pokemontcg", "csv"}));
get->add_option("--url", get_flags->url,
                "the API's base URL, e.g. http://127.0.0.1:8080 (default: its public https "
                "URL, which needs a build with TLS)");
get->add_option("--api-key", get_flags->api_key, "pokemontcg.io API key (X-Api-Key)")
    ->envname("POKEMONTCG_API_KEY");
get->add_option("--timeout-ms", get_flags->timeout_ms, "the whole request's limit")
    ->check(CLI::Range(1, 120000));
get->add_option("--db", get_flags->db, db_help + " for --provider csv");
get->add_flag("--json", get_flags->as_json, "print one JSON object");
get->callback([get_flags] { throw CLI::RuntimeError(run_get(*get_flags)); });
}  // namespace cardmint::cli

}  // namespace cardmint::cli
