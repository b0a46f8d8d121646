#include "card_photo/catalog_reader.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "card_photo/printed_number.h"

namespace cardmint::card_photo {
namespace {

using nlohmann::json;

std::string string_or_empty(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::vector<std::string> strings_or_empty(const json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool bool_or(const json& obj, const char* key, bool fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}

Result<json> parse_object(std::string_view line) {
  json obj = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded() || !obj.is_object()) return Status::invalid_input("not a JSON object");
  return obj;
}

Status require_strings(const json& obj, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
      return Status::invalid_input(fmt::format("missing string field '{}'", key));
    }
  }
  return Status::ok_status();
}

std::string prefix_key(std::string_view set_id, std::string_view prefix) {
  return fmt::format("{}\t{}", set_id, prefix);
}

}  // namespace

Result<CatalogSet> parse_set_line(std::string_view line) {
  Result<json> parsed = parse_object(line);
  if (!parsed.ok()) return parsed.status();
  const json& obj = *parsed;
  if (Status s = require_strings(obj, {"id", "name"}); !s.ok()) return s;
  CatalogSet set;
  set.id = obj["id"].get<std::string>();
  set.name = obj["name"].get<std::string>();
  set.serie_id = string_or_empty(obj, "serie_id");
  set.release_date = string_or_empty(obj, "release_date");
  set.abbreviation = string_or_empty(obj, "abbreviation");
  auto count = obj.find("official_count");
  if (count != obj.end() && count->is_number_integer()) set.official_count = count->get<int>();
  set.digital_only = bool_or(obj, "digital_only", false);
  return set;
}

Result<CatalogCard> parse_card_line(std::string_view line) {
  Result<json> parsed = parse_object(line);
  if (!parsed.ok()) return parsed.status();
  const json& obj = *parsed;
  if (Status s = require_strings(obj, {"id", "set_id", "local_id", "name"}); !s.ok()) return s;
  CatalogCard card;
  card.id = obj["id"].get<std::string>();
  card.set_id = obj["set_id"].get<std::string>();
  card.local_id = obj["local_id"].get<std::string>();
  card.name = obj["name"].get<std::string>();
  card.category = string_or_empty(obj, "category");
  card.rarity = string_or_empty(obj, "rarity");
  auto hp = obj.find("hp");
  if (hp != obj.end() && hp->is_number_integer()) card.hp = hp->get<int>();
  card.types = strings_or_empty(obj, "types");
  card.stage = string_or_empty(obj, "stage");
  card.suffix = string_or_empty(obj, "suffix");
  card.evolve_from = string_or_empty(obj, "evolve_from");
  card.illustrator = string_or_empty(obj, "illustrator");
  card.regulation_mark = string_or_empty(obj, "regulation_mark");
  card.trainer_type = string_or_empty(obj, "trainer_type");
  card.energy_type = string_or_empty(obj, "energy_type");
  card.attack_names = strings_or_empty(obj, "attack_names");
  card.ability_names = strings_or_empty(obj, "ability_names");
  auto variants = obj.find("variants");
  if (variants != obj.end() && variants->is_object()) {
    card.variants.normal = bool_or(*variants, "normal", true);
    card.variants.reverse = bool_or(*variants, "reverse", false);
    card.variants.holo = bool_or(*variants, "holo", false);
    card.variants.first_edition = bool_or(*variants, "firstEdition", false);
  }
  return card;
}

Catalog::Catalog(std::vector<CatalogSet> sets, std::vector<CatalogCard> cards)
    : sets_(std::move(sets)), cards_(std::move(cards)) {
  for (std::size_t i = 0; i < sets_.size(); ++i) set_index_.emplace(sets_[i].id, i);
  for (std::size_t i = 0; i < cards_.size(); ++i) {
    const CatalogCard& card = cards_[i];
    card_index_.emplace(card.id, i);
    cards_by_set_[card.set_id].push_back(i);
    ++prefix_counts_[prefix_key(card.set_id, letter_prefix(card.local_id))];
  }
}

const CatalogSet* Catalog::find_set(std::string_view id) const {
  auto it = set_index_.find(id);
  return it == set_index_.end() ? nullptr : &sets_[it->second];
}

const CatalogCard* Catalog::find_card(std::string_view id) const {
  auto it = card_index_.find(id);
  return it == card_index_.end() ? nullptr : &cards_[it->second];
}

const std::vector<std::size_t>& Catalog::card_indices_of_set(std::string_view set_id) const {
  static const std::vector<std::size_t> kNone;
  auto it = cards_by_set_.find(set_id);
  return it == cards_by_set_.end() ? kNone : it->second;
}

int Catalog::prefix_count(std::string_view set_id, std::string_view prefix) const {
  auto it = prefix_counts_.find(prefix_key(set_id, prefix));
  return it == prefix_counts_.end() ? 0 : it->second;
}

Result<Catalog> read_catalog(const std::filesystem::path& dir) {
  std::vector<CatalogSet> sets;
  std::vector<CatalogCard> cards;
  std::map<std::string, bool, std::less<>> known_sets;
  for (const char* file : {"sets.jsonl", "cards.jsonl"}) {
    const std::filesystem::path path = dir / file;
    std::ifstream in(path);
    if (!in) return Status::not_found(fmt::format("cannot open {}", path.string()));
    const bool is_sets = std::string_view(file) == "sets.jsonl";
    std::string line;
    for (int line_no = 1; std::getline(in, line); ++line_no) {
      if (line.empty()) continue;
      auto where = [&](const Status& s) {
        return Status::invalid_input(fmt::format("{}:{}: {}", path.string(), line_no, s.message()));
      };
      if (is_sets) {
        Result<CatalogSet> set = parse_set_line(line);
        if (!set.ok()) return where(set.status());
        known_sets[set->id] = true;
        sets.push_back(std::move(set).value());
      } else {
        Result<CatalogCard> card = parse_card_line(line);
        if (!card.ok()) return where(card.status());
        if (!known_sets.contains(card->set_id)) {
          return where(Status::invalid_input(fmt::format("unknown set '{}'", card->set_id)));
        }
        cards.push_back(std::move(card).value());
      }
    }
  }
  return Catalog(std::move(sets), std::move(cards));
}

}  // namespace cardmint::card_photo
