#include "catalog/pokemontcg_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "catalog/json_fields.h"

namespace cardmint::catalog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<json> read_json_array(const fs::path& path, const std::string& shown_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(fmt::format("cannot read {}", path.string()));
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    return Status::invalid_input(fmt::format("{}: not valid JSON: {}", shown_name, e.what()));
  }
  if (!doc.is_array()) {
    return Status::invalid_input(
        fmt::format("{}: expected a JSON array, got {}", shown_name, doc.type_name()));
  }
  return doc;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "Pokémon" (with or without the accent), "Trainer", "Energy" → our category names.
std::optional<std::string> category_of(std::string_view supertype) {
  if (supertype == "Pokémon" || supertype == "Pokemon") return "Pokemon";
  if (supertype == "Trainer" || supertype == "Energy") return std::string(supertype);
  return std::nullopt;
}

// The stage among pokemontcg's subtypes, spelled as tcgdex spells it.
std::optional<std::string> stage_of(const std::vector<std::string>& subtypes) {
  static constexpr std::pair<std::string_view, std::string_view> kStages[] = {
      {"Basic", "Basic"},       {"Stage 1", "Stage1"},    {"Stage 2", "Stage2"}, {"BREAK", "BREAK"},
      {"LEVEL-UP", "LEVEL-UP"}, {"MEGA", "MEGA"},         {"VMAX", "VMAX"},      {"VSTAR", "VSTAR"},
      {"V-UNION", "V-UNION"},   {"Restored", "RESTORED"}, {"Baby", "Baby"},
  };
  for (const std::string& s : subtypes) {
    for (auto [from, to] : kStages) {
      if (s == from) return std::string(to);
    }
  }
  return std::nullopt;
}

std::vector<std::string> names_of(const json* list) {
  std::vector<std::string> out;
  if (!list || !list->is_array()) return out;
  for (const json& item : *list) {
    if (item.is_object() && item.contains("name") && item["name"].is_string()) {
      out.push_back(item["name"].get<std::string>());
    }
  }
  return out;
}

void add_finish(std::vector<Finish>& finishes, Finish f) {
  if (std::find(finishes.begin(), finishes.end(), f) == finishes.end()) finishes.push_back(f);
}

void read_finishes(const json& card, SourceCard& out) {
  const json* prices = nullptr;
  if (auto tcg = card.find("tcgplayer"); tcg != card.end() && tcg->is_object()) {
    if (auto p = tcg->find("prices"); p != tcg->end() && p->is_object()) prices = &*p;
  }
  if (prices) {
    for (const auto& [key, value] : prices->items()) {
      if (key == "normal" || key == "unlimited" || key == "unlimitedNormal") {
        add_finish(out.finishes, Finish::kNormal);
      } else if (key == "holofoil" || key == "unlimitedHolofoil") {
        add_finish(out.finishes, Finish::kHolo);
      } else if (key == "reverseHolofoil") {
        add_finish(out.finishes, Finish::kReverseHolo);
      } else if (key == "1stEditionHolofoil") {
        add_finish(out.finishes, Finish::kHolo);
        add_finish(out.finishes, Finish::kFirstEdition);
      } else if (key == "1stEditionNormal" || key == "1stEdition") {
        add_finish(out.finishes, Finish::kNormal);
        add_finish(out.finishes, Finish::kFirstEdition);
      }
    }
  }
  if (out.finishes.empty()) {
    const bool holo = out.rarity && lower(*out.rarity).find("holo") != std::string::npos;
    out.finishes.push_back(holo ? Finish::kHolo : Finish::kNormal);
    out.finishes_inferred = true;
  }
  // Same order as kAllFinishes, as the TCGdex reader produces them.
  std::sort(out.finishes.begin(), out.finishes.end());
}

Status read_card(const json& object, const std::string& set_id, const std::string& where,
                 CatalogSource& out) {
  JsonFields f(object, where);
  SourceCard card;
  card.id = f.required_string("id");
  card.set_id = set_id;
  card.local_id = f.required_string("number");
  card.name = f.required_string("name");
  const std::string supertype = f.required_string("supertype");
  const std::vector<std::string> subtypes = f.string_array("subtypes");
  card.hp = f.optional_int_or_numeric_string("hp");
  card.rarity = f.optional_string("rarity");
  card.illustrator = f.optional_string("artist");
  card.regulation_mark = f.optional_string("regulationMark");
  card.types = f.string_array("types");
  if (!f.ok()) return f.status();
  std::optional<std::string> category = category_of(supertype);
  if (!category) {
    return Status::invalid_input(fmt::format("{}: unknown supertype \"{}\"", where, supertype));
  }
  card.category = *category;
  if (card.category == "Pokemon") card.stage = stage_of(subtypes);
  auto member = [&](const char* key) -> const json* {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  };
  card.attack_names = names_of(member("attacks"));
  card.ability_names = names_of(member("abilities"));
  card.number = card.local_id;
  read_finishes(object, card);
  out.cards.push_back(std::move(card));
  return Status::ok_status();
}

}  // namespace

Result<CatalogSource> read_pokemontcg_catalog(const fs::path& dir) {
  CatalogSource out;
  out.format = "pokemontcg";
  out.origin = dir.string();
  const fs::path sets_path = dir / "sets" / "en.json";
  Result<json> sets = read_json_array(sets_path, "sets/en.json");
  if (!sets.ok()) return sets.status();
  out.fingerprint = file_fingerprint(sets_path);

  for (size_t i = 0; i < sets->size(); ++i) {
    JsonFields f((*sets)[i], fmt::format("sets/en.json: set #{}", i + 1));
    SourceSet set;
    set.id = f.required_string("id");
    set.name = f.required_string("name");
    set.serie = f.required_string("series");
    set.official_count = f.required_int("printedTotal");
    set.total_count = f.required_int("total");
    set.release_date = f.required_string("releaseDate");  // "1999/01/09"
    set.abbreviation = f.optional_string("ptcgoCode");
    if (!f.ok()) return f.status();
    if (set.id.empty() || set.id.find('/') != std::string::npos ||
        set.id.find("..") != std::string::npos) {
      return Status::invalid_input(
          fmt::format("sets/en.json: set #{}: bad id \"{}\"", i + 1, set.id));
    }
    std::replace(set.release_date.begin(), set.release_date.end(), '/', '-');
    set.tcg_online = set.abbreviation;
    set.prints_total = !is_promo_set_name(set.name);
    out.sets.push_back(set);

    const fs::path cards_path = dir / "cards" / "en" / (set.id + ".json");
    if (!fs::exists(cards_path)) continue;
    const std::string shown = fmt::format("cards/en/{}.json", set.id);
    out.fingerprint += " " + file_fingerprint(cards_path);
    Result<json> cards = read_json_array(cards_path, shown);
    if (!cards.ok()) return cards.status();
    for (size_t k = 0; k < cards->size(); ++k) {
      const std::string where = fmt::format("{}: card #{}", shown, k + 1);
      if (Status s = read_card((*cards)[k], set.id, where, out); !s.ok()) return s;
    }
  }
  return out;
}

}  // namespace cardmint::catalog
