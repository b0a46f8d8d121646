// Feeds collection::read_import CSV files as a person would upload them (TCGplayer, Dragon
// Shield, CardMint's own), matched against a few sets of the real catalog (data/catalog: Base
// Set, Unown's "?", promos, a TG subset, SV padding, Hidden Fates' shiny vault, Celebrations'
// reprints), built once into a scratch folder when the fuzzer starts.
// Beyond "does not crash": a file either fails with invalid_input or gives rows in file order,
// each with a request or a reason; every request is one Collection::add takes (a quantity of
// 1..10000, CardMint's spelling of a condition and a language, a printing the card has, a price
// that is a price); and written back by write_export in the format it came in, a request reads
// back as the same request: an export CardMint wrote, it can import.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_builder.h"
#include "catalog/tcgdex_reader.h"
#include "collection/card_facts.h"
#include "collection/collection.h"
#include "collection/collection_formats.h"
#include "fuzz_check.h"
#include "scratch_dir.h"

namespace {

using namespace cardmint;
namespace fs = std::filesystem;

constexpr std::string_view kSets[] = {"base1", "exu",   "swshp", "swsh9",  "swsh9tg",
                                      "sv01",  "sm115", "sma",   "cel25cc"};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "collection_import_fuzzer: %s\n", what.c_str());
  std::abort();
}

bool of_kept_set(std::string_view line, std::string_view key) {
  for (std::string_view id : kSets) {
    if (line.find("\"" + std::string(key) + "\":\"" + std::string(id) + "\"") !=
        std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// The kept sets' lines of data/catalog, in a folder of their own.
fs::path small_catalog_source() {
  const fs::path out = fuzz::scratch_dir() / "catalog-source";
  fs::create_directories(out);
  for (auto [file, key] : {std::pair{"sets.jsonl", "id"}, {"cards.jsonl", "set_id"}}) {
    std::ifstream in(fs::path(CARDMINT_CATALOG_DIR) / file);
    if (!in) fail(std::string("cannot read ") + CARDMINT_CATALOG_DIR + "/" + file);
    std::string kept;
    for (std::string line; std::getline(in, line);) {
      if (of_kept_set(line, key)) kept += line + "\n";
    }
    fuzz::write_file(out / file, kept);
  }
  return out;
}

const catalog::Catalog& test_catalog() {
  static const std::unique_ptr<catalog::Catalog> catalog = [] {
    Result<catalog::CatalogSource> source = catalog::read_tcgdex_catalog(small_catalog_source());
    if (!source.ok()) fail(source.status().message());
    const fs::path db = fuzz::scratch_dir() / "catalog.sqlite";
    if (Result<catalog::BuildStats> built = catalog::build_catalog_db(*source, db); !built.ok()) {
      fail(built.status().message());
    }
    Result<std::unique_ptr<catalog::Catalog>> opened =
        catalog::Catalog::open({.db_path = db, .connections = 1});
    if (!opened.ok()) fail(opened.status().message());
    return std::move(*opened);
  }();
  return *catalog;
}

// A request Collection::add accepts, and the entry it would make of it.
collection::CollectionEntry entry_of(const collection::AddRequest& request) {
  FUZZ_CHECK(request.quantity >= 1 && request.quantity <= 10000);
  FUZZ_CHECK(collection::canonical_condition(request.condition) == request.condition);
  FUZZ_CHECK(collection::canonical_language(request.language) == request.language);
  if (request.price) FUZZ_CHECK(std::isfinite(*request.price) && *request.price >= 0);
  Result<collection::CardFacts> facts =
      collection::card_facts(test_catalog(), request.card_id, request.finish);
  FUZZ_CHECK(facts.ok());
  FUZZ_CHECK(facts->entry.finish == request.finish);
  collection::CollectionEntry entry = facts->entry;
  entry.condition = request.condition;
  entry.language = request.language;
  entry.quantity = request.quantity;
  entry.price = request.price;
  entry.session_id = request.session_id;
  return entry;
}

// What of a request `format` carries: TCGplayer has no price column, only CardMint's own CSV
// keeps the session.
void check_same(const collection::AddRequest& a, const collection::AddRequest& b,
                collection::ExportFormat format) {
  FUZZ_CHECK(a.card_id == b.card_id);
  FUZZ_CHECK(a.finish == b.finish);
  FUZZ_CHECK(a.condition == b.condition);
  FUZZ_CHECK(a.language == b.language);
  FUZZ_CHECK(a.quantity == b.quantity);
  if (format != collection::ExportFormat::kTcgplayer) FUZZ_CHECK(a.price == b.price);
  if (format == collection::ExportFormat::kPlainCsv) FUZZ_CHECK(a.session_id == b.session_id);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)test_catalog();  // built before the first input, so it is not timed as one
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result<collection::ImportFile> file = collection::read_import(text, test_catalog());
  if (!file.ok()) {
    FUZZ_CHECK(file.status().code() == StatusCode::kInvalidInput);
    return 0;
  }
  FUZZ_CHECK(file->format != collection::ExportFormat::kJson);
  int last_line = 0;
  for (const collection::ImportRow& row : file->rows) {
    FUZZ_CHECK(row.line > last_line);
    last_line = row.line;
    FUZZ_CHECK(row.request.has_value() != !row.error.empty());
    if (!row.request) continue;

    const std::string exported = collection::write_export(file->format, {entry_of(*row.request)});
    const Result<collection::ImportFile> again = collection::read_import(exported, test_catalog());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->format == file->format);
    FUZZ_CHECK(again->rows.size() == 1);
    if (!again->rows[0].request) {
      std::fprintf(stderr, "export of an imported row does not import: %s\n%s",
                   again->rows[0].error.c_str(), exported.c_str());
    }
    FUZZ_CHECK(again->rows[0].request.has_value());
    check_same(*row.request, *again->rows[0].request, file->format);
  }
  return 0;
}
