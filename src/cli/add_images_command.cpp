#include "cli/add_images_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/log.h"
#include "cache/card_cache.h"
#include "catalog/catalog.h"
#include "catalog/catalog_import.h"
#include "hash/photo_card_hash.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct AddImagesFlags {
  std::string dir;
  std::string manifest;
  std::string db;
  std::string cache_file;
  bool as_json = false;
};

// One image and the printing it shows, before the catalog has checked it.
struct Reference {
  fs::path file;
  std::string card_id;
  std::string finish;  // empty: the card's only (or first) printing
};

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".webp";
}

Result<std::vector<Reference>> references_from_manifest(const fs::path& dir,
                                                        const fs::path& manifest) {
  std::ifstream in(manifest);
  if (!in) return Status::not_found(fmt::format("cannot read {}", manifest.string()));
  std::vector<Reference> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("file") || !j["file"].is_string() || !j.contains("card_id") ||
        !j["card_id"].is_string()) {
      return Status::invalid_input(fmt::format(
          "{}:{}: want a JSON object with \"file\" and \"card_id\"", manifest.string(), number));
    }
    Reference r{dir / j["file"].get<std::string>(), j["card_id"].get<std::string>(), ""};
    if (j.contains("finish") && j["finish"].is_string()) r.finish = j["finish"].get<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Reference> references_from_names(const fs::path& dir) {
  std::vector<Reference> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || !is_image(e.path())) continue;
    const std::string stem = e.path().stem().string();
    Reference r{e.path(), stem, ""};
    if (const std::size_t cut = stem.rfind("__"); cut != std::string::npos) {
      r.card_id = stem.substr(0, cut);
      r.finish = stem.substr(cut + 2);
      std::replace(r.finish.begin(), r.finish.end(), '-', ' ');
    }
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(),
            [](const Reference& a, const Reference& b) { return a.file < b.file; });
  return out;
}

// The printing `r` names, checked against the catalog; an error says what is wrong with it.
Result<catalog::Finish> printing_of(const catalog::Catalog& catalog, const Reference& r) {
  Result<catalog::Card> card = catalog.get_card(r.card_id);
  if (!card.ok()) return Status::not_found(fmt::format("no card '{}' in the catalog", r.card_id));
  if (r.finish.empty()) return card->printings.front();
  std::optional<catalog::Finish> finish = catalog::parse_finish(r.finish);
  if (!finish) return Status::invalid_input(fmt::format("'{}' is not a finish", r.finish));
  if (std::find(card->printings.begin(), card->printings.end(), *finish) == card->printings.end())
    return Status::not_found(fmt::format("{} has no {} printing", r.card_id, r.finish));
  return *finish;
}

std::vector<std::uint8_t> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

int run_add_images(const AddImagesFlags& flags) {
  const fs::path db = flags.db.empty() ? catalog::default_catalog_db_path() : fs::path(flags.db);
  catalog::CatalogOptions catalog_options;
  catalog_options.db_path = db;
  catalog_options.connections = 1;
  Result<std::unique_ptr<catalog::Catalog>> catalog = catalog::Catalog::open(catalog_options);
  if (!catalog.ok()) {
    logger("cli")->error("{}", catalog.status().to_string());
    return 2;
  }
  Result<catalog::CatalogStats> catalog_stats = (*catalog)->stats();
  if (!catalog_stats.ok()) {
    logger("cli")->error("{}", catalog_stats.status().to_string());
    return 2;
  }
  Result<std::vector<Reference>> references =
      flags.manifest.empty() ? Result<std::vector<Reference>>(references_from_names(flags.dir))
                             : references_from_manifest(flags.dir, flags.manifest);
  if (!references.ok()) {
    logger("cli")->error("{}", references.status().to_string());
    return 2;
  }

  cache::CardCacheOptions options;
  options.file =
      flags.cache_file.empty() ? cache::default_cache_file(db) : fs::path(flags.cache_file);
  const catalog::Catalog& known = **catalog;
  Result<std::unique_ptr<cache::CardCache>> cache =
      cache::CardCache::open(options, catalog_stats->build_id,
                             [&known](std::string_view id) { return known.get_card(id).ok(); });
  if (!cache.ok()) {
    logger("cli")->error("{}", cache.status().to_string());
    return 2;
  }

  json skipped = json::array();
  int added = 0;
  for (const Reference& r : *references) {
    auto skip = [&](const Status& why) {
      skipped.push_back({{"file", r.file.string()}, {"reason", why.message()}});
    };
    Result<catalog::Finish> finish = printing_of(known, r);
    if (!finish.ok()) {
      skip(finish.status());
      continue;
    }
    const std::vector<std::uint8_t> bytes = read_bytes(r.file);
    Result<hash::PhotoCardHash> hashed = hash::hash_reference_image(bytes, {});
    if (!hashed.ok()) {
      skip(hashed.status());
      continue;
    }
    // A reference is the printing itself, so it is as sure as the catalog.
    const cache::CachedCard card{r.card_id, std::string(catalog::finish_name(*finish)), 1.0, 1.0,
                                 "reference"};
    if (Status s = (*cache)->add_reference(hashed->hash, card); !s.ok()) {
      logger("cli")->error("{}", s.to_string());
      return 1;
    }
    ++added;
  }
  const cache::CardCacheStats stats = (*cache)->stats();
  if (flags.as_json) {
    std::cout << json{{"added", added},
                      {"skipped", skipped},
                      {"references", stats.references},
                      {"cache_file", options.file.string()}}
                     .dump()
              << std::endl;
  } else {
    std::cout << fmt::format("added {} reference images to {} ({} references in all)\n", added,
                             options.file.string(), stats.references);
    for (const json& s : skipped)
      std::cout << fmt::format("skipped {}: {}\n", s["file"].get<std::string>(),
                               s["reason"].get<std::string>());
  }
  return skipped.empty() ? 0 : 3;
}

}  // namespace

void register_add_images_command(CLI::App& catalog_command) {
  auto flags = std::make_shared<AddImagesFlags>();
  CLI::App* cmd = catalog_command.add_subcommand(
      "add-images", "hash reference images of known printings into the cache (source \"hash\")");
  cmd->add_option("dir", flags->dir, "folder of images")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--manifest", flags->manifest,
                  "JSON lines: file, card_id, finish (default: printings from file names)");
  cmd->add_option("--db", flags->db, "catalog to check the cards against (default: as for import)");
  cmd->add_option("--cache-file", flags->cache_file,
                  "cache to add to (default: cache.sqlite beside the catalog, as cardmintd)");
  cmd->add_flag("--json", flags->as_json, "print one JSON object");
  cmd->callback([flags] { throw CLI::RuntimeError(run_add_images(*flags)); });
}

}  // namespace cardmint::cli
