// Feeds catalog::read_tcgdex_catalog its two JSON Lines files: the input up to its first NUL byte
// is sets.jsonl, the rest cards.jsonl (no NUL: no cards), written to a scratch folder each run.
// Beyond "does not crash": a read either fails with invalid_input (the files are there, so never
// not_found) or gives sets and cards the builder can take (fuzz/catalog_source_checks.h) whose
// collector numbers are the local ids with their URL escapes decoded (a decoded escape only
// shortens; without '%' the number is the local id), ids and names are never empty, and only
// Celebrations Classic Collection cards carry printed aliases.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/tcgdex_reader.h"
#include "catalog_source_checks.h"
#include "fuzz_check.h"
#include "scratch_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cardmint;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find('\0');
  const std::string_view sets = input.substr(0, split);
  const std::string_view cards =
      split == std::string_view::npos ? std::string_view() : input.substr(split + 1);
  const auto& dir = fuzz::scratch_dir();
  fuzz::write_file(dir / "sets.jsonl", sets);
  fuzz::write_file(dir / "cards.jsonl", cards);

  const Result<catalog::CatalogSource> source = catalog::read_tcgdex_catalog(dir);
  if (!source.ok()) {
    FUZZ_CHECK(source.status().code() == StatusCode::kInvalidInput);
    return 0;
  }
  FUZZ_CHECK(source->format == "tcgdex");
  fuzz::check_catalog_source(*source);
  for (const catalog::SourceCard& card : source->cards) {
    FUZZ_CHECK(!card.id.empty() && !card.local_id.empty() && !card.name.empty());
    FUZZ_CHECK(card.number.size() <= card.local_id.size());
    if (card.local_id.find('%') == std::string::npos) FUZZ_CHECK(card.number == card.local_id);
    if (!card.aliases.empty()) FUZZ_CHECK(card.set_id == "cel25cc");
  }
  return 0;
}
