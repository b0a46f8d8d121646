#include "collection/card_facts.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "catalog/catalog.h"
#include "catalog/collector_number.h"

namespace cardmint::collection {
namespace {

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The "/NNN" the card prints: its set's official count, or for a letter-prefixed number
// ("TG05/TG30", "RC5/RC32") the size of its prefixed run; 0 for a set that prints none (promos).
int printed_total(const catalog::Catalog& catalog, const catalog::Card& card,
                  const catalog::CardSet& set) {
  if (!set.prints_total) return 0;
  const std::string_view prefix = catalog::number_prefix(card.number);
  if (prefix.empty()) return set.official_count;
  const std::vector<catalog::NumberedCard> cards = catalog.cards_by_number(set.id);
  return static_cast<int>(std::count_if(cards.begin(), cards.end(), [&](const auto& c) {
    return catalog::number_prefix(c.number) == prefix;
  }));
}

}  // namespace

Result<CardFacts> card_facts(const catalog::Catalog& catalog, std::string_view card_id,
                             std::string_view finish) {
  Result<catalog::Card> card = catalog.get_card(card_id);
  if (!card.ok()) return card.status();
  catalog::Finish chosen = card->printings.front();
  if (!finish.empty()) {
    Result<catalog::Finish> checked =
        checked_finish(finish, card->printings, card->id + " " + card->name);
    if (!checked.ok()) return checked.status();
    chosen = *checked;
  }
  Result<catalog::CardSet> set = catalog.get_set(card->set_id);
  if (!set.ok()) return set.status();

  CardFacts facts;
  CollectionEntry& e = facts.entry;
  e.card_id = card->id;
  e.finish = std::string(catalog::finish_name(chosen));
  e.name = card->name;
  e.set_id = set->id;
  e.set_name = set->name;
  e.set_code = set->abbreviation.value_or("");
  // TCGdex pads exactly where the card does ("001" in SV), so the local id is the printed number,
  // unless it spells it otherwise (exu's "%3F", a file name's escape of Unown's "?"): then the
  // catalog's number, the one an import of the export is matched against.
  e.number = catalog::normalize_collector_number(card->local_id) == card->number ? card->local_id
                                                                                 : card->number;
  e.printed_total = printed_total(catalog, *card, *set);
  e.rarity = card->rarity.value_or("");
  e.tcgplayer_product_id = card->tcgplayer_ids.empty() ? 0 : card->tcgplayer_ids.front();
  e.holofoil = is_holofoil(chosen, card->printings);
  facts.card = std::move(*card);
  return facts;
}

Result<catalog::Finish> checked_finish(std::string_view finish,
                                       const std::vector<catalog::Finish>& printings,
                                       std::string_view card) {
  std::optional<catalog::Finish> parsed = catalog::parse_finish(lower_ascii(finish));
  if (!parsed) {
    return Status::invalid_input(fmt::format(
        "finish \"{}\" is not one of normal, holo, reverse holo, first edition", finish));
  }
  if (std::find(printings.begin(), printings.end(), *parsed) == printings.end()) {
    return Status::invalid_input(fmt::format("{} was not printed {} (its printings: {})", card,
                                             catalog::finish_name(*parsed),
                                             finish_list(printings)));
  }
  return *parsed;
}

std::string finish_list(const std::vector<catalog::Finish>& finishes) {
  std::vector<std::string_view> names;
  for (catalog::Finish f : finishes) names.push_back(catalog::finish_name(f));
  return fmt::format("{}", fmt::join(names, ", "));
}

std::vector<catalog::Finish> parse_finish_list(std::string_view text) {
  std::vector<catalog::Finish> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    while (name.starts_with(' ')) name.remove_prefix(1);
    if (std::optional<catalog::Finish> f = catalog::parse_finish(name)) out.push_back(*f);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
  }
  return out;
}

bool is_holofoil(catalog::Finish finish, const std::vector<catalog::Finish>& printings) {
  if (finish == catalog::Finish::kHolo) return true;
  return finish == catalog::Finish::kFirstEdition &&
         std::find(printings.begin(), printings.end(), catalog::Finish::kHolo) != printings.end();
}

}  // namespace cardmint::collection
