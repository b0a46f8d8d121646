// Feeds catalog::read_pokemontcg_catalog a pokemon-tcg-data folder written to a scratch folder
// each run. The input is NUL-separated: first sets/en.json, then up to four card files, each
// "<set id>\n<JSON>" for cards/en/<set id>.json (a name that is no plain file name is skipped).
// Beyond "does not crash": a read either fails with invalid_input (sets/en.json is there and a
// missing card file only means no cards, so never not_found) or gives sets and cards the builder
// can take (fuzz/catalog_source_checks.h), with release dates in YYYY-MM-DD's dashes and every
// card in a set that was read.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include "catalog/pokemontcg_reader.h"
#include "catalog_source_checks.h"
#include "fuzz_check.h"
#include "scratch_dir.h"

namespace {

namespace fs = std::filesystem;

bool plain_file_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos;
}

void write_folder(const fs::path& dir, std::string_view input) {
  std::error_code ignored;
  fs::remove_all(dir / "cards", ignored);
  fs::create_directories(dir / "sets");
  fs::create_directories(dir / "cards" / "en");
  std::size_t end = input.find('\0');
  cardmint::fuzz::write_file(dir / "sets" / "en.json", input.substr(0, end));
  for (int files = 0; files < 4 && end != std::string_view::npos; ++files) {
    const std::size_t begin = end + 1;
    end = input.find('\0', begin);
    const std::string_view part =
        input.substr(begin, end == std::string_view::npos ? end : end - begin);
    const std::size_t newline = part.find('\n');
    if (newline == std::string_view::npos) continue;
    const std::string_view name = part.substr(0, newline);
    if (!plain_file_name(name)) continue;
    cardmint::fuzz::write_file(dir / "cards" / "en" / (std::string(name) + ".json"),
                               part.substr(newline + 1));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cardmint;
  const fs::path& dir = fuzz::scratch_dir();
  write_folder(dir, std::string_view(reinterpret_cast<const char*>(data), size));

  const Result<catalog::CatalogSource> source = catalog::read_pokemontcg_catalog(dir);
  if (!source.ok()) {
    FUZZ_CHECK(source.status().code() == StatusCode::kInvalidInput);
    return 0;
  }
  FUZZ_CHECK(source->format == "pokemontcg");
  fuzz::check_catalog_source(*source);
  std::set<std::string> set_ids;
  for (const catalog::SourceSet& set : source->sets) {
    FUZZ_CHECK(set.release_date.find('/') == std::string::npos);
    set_ids.insert(set.id);
  }
  for (const catalog::SourceCard& card : source->cards) FUZZ_CHECK(set_ids.count(card.set_id));
  return 0;
}
