#include "price/price_choice.h"

#include <fmt/format.h>

#include <limits>
#include <optional>
#include <span>

namespace cardmint::price {
namespace {

struct SourceKey {
  std::string_view source;
  std::string_view key;
};

// Each finish's own keys, best first. pokemontcg.io spells TCGplayer's subtypes in camelCase
// ("1stEditionHolofoil"), TCGdex lower-cased with dashes ("1st-edition-holofoil"); the spellings
// never collide, so one list serves both. "unlimited" is the unlimited (not first) edition.
constexpr SourceKey kNormalKeys[] = {
    {"tcgplayer", "normal"}, {"tcgplayer", "unlimited"}, {"cardmarket", kCardmarketStandardKey}};
constexpr SourceKey kHoloKeys[] = {{"tcgplayer", "holofoil"},
                                   {"tcgplayer", "unlimitedHolofoil"},
                                   {"tcgplayer", "unlimited-holofoil"},
                                   {"cardmarket", kCardmarketStandardKey}};
constexpr SourceKey kReverseHoloKeys[] = {{"tcgplayer", "reverseHolofoil"},
                                          {"tcgplayer", "reverse-holofoil"},
                                          {"cardmarket", kCardmarketReverseHoloKey}};
// Cardmarket lists a first edition as a product of its own, which pokemontcg.io and TCGdex do not
// quote: their Cardmarket figures are the unlimited card's, a fallback at best.
constexpr SourceKey kFirstEditionKeys[] = {{"tcgplayer", "1stEditionHolofoil"},
                                           {"tcgplayer", "1st-edition-holofoil"},
                                           {"tcgplayer", "1stEditionNormal"},
                                           {"tcgplayer", "1st-edition-normal"},
                                           {"tcgplayer", "1st-edition"}};

std::span<const SourceKey> own_keys(catalog::Finish finish) {
  switch (finish) {
    case catalog::Finish::kNormal:
      return kNormalKeys;
    case catalog::Finish::kHolo:
      return kHoloKeys;
    case catalog::Finish::kReverseHolo:
      return kReverseHoloKeys;
    case catalog::Finish::kFirstEdition:
      return kFirstEditionKeys;
  }
  return kNormalKeys;
}

// The printings whose price is nearest when a finish has none: the same card without the
// reverse-holo pattern or the first-edition stamp.
std::span<const catalog::Finish> fallback_finishes(catalog::Finish finish) {
  static constexpr catalog::Finish kForNormal[] = {catalog::Finish::kHolo};
  static constexpr catalog::Finish kForHolo[] = {catalog::Finish::kNormal};
  static constexpr catalog::Finish kForReverse[] = {catalog::Finish::kNormal,
                                                    catalog::Finish::kHolo};
  static constexpr catalog::Finish kForFirst[] = {catalog::Finish::kHolo, catalog::Finish::kNormal};
  switch (finish) {
    case catalog::Finish::kNormal:
      return kForNormal;
    case catalog::Finish::kHolo:
      return kForHolo;
    case catalog::Finish::kReverseHolo:
      return kForReverse;
    case catalog::Finish::kFirstEdition:
      return kForFirst;
  }
  return kForNormal;
}

bool has_tcgplayer_key(const CardPrices& prices, catalog::Finish finish) {
  for (const PriceQuote& quote : prices.quotes) {
    if (quote.source != "tcgplayer") continue;
    for (const SourceKey& k : own_keys(finish)) {
      if (k.source == "tcgplayer" && quote.printing_key == k.key) return true;
    }
  }
  return false;
}

// Cardmarket's plain columns price whichever of normal and holo the card was printed in. When
// TCGplayer lists the other one and not `finish`, the card was not printed in `finish`, and the
// plain columns are the other printing's price.
bool cardmarket_standard_is_other_printing(const CardPrices& prices, catalog::Finish finish) {
  if (finish != catalog::Finish::kNormal && finish != catalog::Finish::kHolo) return false;
  const catalog::Finish other =
      finish == catalog::Finish::kNormal ? catalog::Finish::kHolo : catalog::Finish::kNormal;
  return has_tcgplayer_key(prices, other) && !has_tcgplayer_key(prices, finish);
}

// The best quote with a headline figure among `finish`'s own keys: a CSV row first (its key is the
// catalog's finish name), then the table's order.
const PriceQuote* best_for_finish(const CardPrices& prices, catalog::Finish finish) {
  const PriceQuote* best = nullptr;
  std::size_t best_rank = std::numeric_limits<std::size_t>::max();
  const std::span<const SourceKey> keys = own_keys(finish);
  const bool skip_cardmarket_standard = cardmarket_standard_is_other_printing(prices, finish);
  for (const PriceQuote& quote : prices.quotes) {
    if (!quote.headline()) continue;
    if (skip_cardmarket_standard && quote.source == "cardmarket" &&
        quote.printing_key == kCardmarketStandardKey) {
      continue;
    }
    std::optional<std::size_t> rank;
    if (quote.source == "csv") {
      if (quote.printing_key == catalog::finish_name(finish)) rank = 0;
    } else {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (quote.source == keys[i].source && quote.printing_key == keys[i].key) {
          rank = i + 1;
          break;
        }
      }
    }
    if (rank && *rank < best_rank) {
      best = &quote;
      best_rank = *rank;
    }
  }
  return best;
}

ChosenPrice chosen(const PriceQuote& quote, catalog::Finish finish, bool exact) {
  return ChosenPrice{quote, finish, exact, *quote.headline()};
}

}  // namespace

Result<ChosenPrice> choose_price(const CardPrices& prices, catalog::Finish finish) {
  if (const PriceQuote* own = best_for_finish(prices, finish)) return chosen(*own, finish, true);
  for (catalog::Finish other : fallback_finishes(finish)) {
    if (const PriceQuote* near = best_for_finish(prices, other)) {
      return chosen(*near, finish, false);
    }
  }
  return Status::not_found(
      fmt::format("no price for {} ({})", prices.card_id, catalog::finish_name(finish)));
}

}  // namespace cardmint::price
