#include "catalog/tcgdex_reader.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>

#include "catalog/json_fields.h"

namespace cardmint::catalog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What the Celebrations Classic Collection cards print: the original card's number and set
// total, not tcgdex's CC001–CC025. Taken from the cards; _____'s Pikachu reprints a Wizards promo,
// which prints no total.
struct ClassicReprint {
  std::string_view local_id;
  std::string_view number;
  int total;  // 0: no total
};
// clang-format off
constexpr std::array<ClassicReprint, 25> kCel25ClassicNumbers = {{
    {"CC001", "2", 102},    {"CC002", "4", 102},    {"CC003", "15", 102},  {"CC004", "73", 102},
    {"CC005", "8", 82},     {"CC006", "15", 82},    {"CC007", "15", 132},  {"CC008", "24", 0},
    {"CC009", "20", 111},   {"CC010", "66", 64},    {"CC011", "9", 95},    {"CC012", "86", 109},
    {"CC013", "88", 92},    {"CC014", "93", 101},   {"CC015", "17", 17},   {"CC016", "15", 106},
    {"CC017", "109", 111},  {"CC018", "145", 147},  {"CC019", "107", 123}, {"CC020", "113", 114},
    {"CC021", "114", 114},  {"CC022", "54", 99},    {"CC023", "146", 146}, {"CC024", "76", 108},
    {"CC025", "60", 145},
}};
// clang-format on

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// local_id is a file name; "%3F" stands for "?", which file names avoid.
std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Calls `on_line(object, where)` for each non-empty line of `path`.
Status for_each_json_line(const fs::path& path,
                          const std::function<Status(const json&, const std::string&)>& on_line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(fmt::format("cannot read {}", path.string()));
  std::string line;
  int line_no = 0;
  const std::string file = path.filename().string();
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", file, line_no);
    json object;
    try {
      object = json::parse(line);
    } catch (const json::exception& e) {
      return Status::invalid_input(fmt::format("{}: not valid JSON: {}", where, e.what()));
    }
    if (Status s = on_line(object, where); !s.ok()) return s;
  }
  if (in.bad()) return Status::internal(fmt::format("error reading {}", path.string()));
  return Status::ok_status();
}

Status read_set(const json& object, const std::string& where, CatalogSource& out) {
  JsonFields f(object, where);
  SourceSet set;
  set.id = f.required_string("id");
  set.name = f.required_string("name");
  set.serie_id = f.optional_string("serie_id");
  set.serie = f.required_string("serie");
  set.official_count = f.required_int("official_count");
  set.total_count = f.required_int("total_count");
  set.release_date = f.required_string("release_date");
  set.abbreviation = f.optional_string("abbreviation");
  set.tcg_online = f.optional_string("tcg_online");
  set.digital_only = f.required_bool("digital_only");
  if (!f.ok()) return f.status();
  if (set.id.empty()) return Status::invalid_input(fmt::format("{}: empty set id", where));
  set.prints_total = !is_promo_set_name(set.name);
  out.sets.push_back(std::move(set));
  return Status::ok_status();
}

Status read_finishes(JsonFields& f, SourceCard& card) {
  const json* variants = f.optional_object("variants");
  if (!f.ok()) return f.status();
  if (!variants) {
    return Status::invalid_input(fmt::format("{}: field \"variants\": missing", f.where()));
  }
  JsonFields v(*variants, f.where() + " variants");
  const bool normal = v.required_bool("normal");
  const bool holo = v.required_bool("holo");
  const bool reverse = v.required_bool("reverse");
  const bool first_edition = v.required_bool("firstEdition");
  if (!v.ok()) return v.status();
  if (normal) card.finishes.push_back(Finish::kNormal);
  if (holo) card.finishes.push_back(Finish::kHolo);
  if (reverse) card.finishes.push_back(Finish::kReverseHolo);
  if (first_edition) card.finishes.push_back(Finish::kFirstEdition);
  if (card.finishes.empty()) {
    card.finishes.push_back(Finish::kNormal);
    card.finishes_inferred = true;
  }
  return Status::ok_status();
}

Status read_card(const json& object, const std::string& where, CatalogSource& out) {
  JsonFields f(object, where);
  SourceCard card;
  card.id = f.required_string("id");
  card.set_id = f.required_string("set_id");
  card.local_id = f.required_string("local_id");
  card.name = f.required_string("name");
  card.category = f.required_string("category");
  card.hp = f.optional_int("hp");
  card.rarity = f.optional_string("rarity");
  card.illustrator = f.optional_string("illustrator");
  card.stage = f.optional_string("stage");
  card.suffix = f.optional_string("suffix");
  card.regulation_mark = f.optional_string("regulation_mark");
  card.types = f.string_array("types");
  card.attack_names = f.string_array("attack_names");
  card.ability_names = f.string_array("ability_names");
  card.tcgplayer_ids = f.int_array("tcgplayer_ids");
  card.cardmarket_ids = f.int_array("cardmarket_ids");
  if (!f.ok()) return f.status();
  if (Status s = read_finishes(f, card); !s.ok()) return s;
  if (card.id.empty() || card.local_id.empty() || card.name.empty()) {
    return Status::invalid_input(fmt::format("{}: empty id, local_id or name", where));
  }
  card.number = url_decode(card.local_id);
  if (card.set_id == "cel25cc") {
    for (const ClassicReprint& r : kCel25ClassicNumbers) {
      if (r.local_id == card.local_id) {
        card.aliases.push_back(
            {std::string(r.number), r.total ? std::optional<int>(r.total) : std::nullopt});
      }
    }
  }
  out.cards.push_back(std::move(card));
  return Status::ok_status();
}

}  // namespace

Result<CatalogSource> read_tcgdex_catalog(const fs::path& dir) {
  CatalogSource out;
  out.format = "tcgdex";
  out.origin = dir.string();
  const fs::path sets_path = dir / "sets.jsonl";
  const fs::path cards_path = dir / "cards.jsonl";
  out.fingerprint = file_fingerprint(sets_path) + " " + file_fingerprint(cards_path);
  if (Status s = for_each_json_line(
          sets_path,
          [&](const json& o, const std::string& where) { return read_set(o, where, out); });
      !s.ok()) {
    return s;
  }
  // Sized from the file (data/catalog's card lines average ~540 bytes) rather than a fixed 24,000
  // cards: the real catalog still reads without regrowth, and a small one (a test's, each
  // fuzzing run's) no longer reserves 14 MB it never fills.
  std::error_code size_error;
  const std::uintmax_t cards_bytes = fs::file_size(cards_path, size_error);
  if (!size_error) out.cards.reserve(static_cast<std::size_t>(cards_bytes / 512));
  if (Status s = for_each_json_line(
          cards_path,
          [&](const json& o, const std::string& where) { return read_card(o, where, out); });
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace cardmint::catalog
