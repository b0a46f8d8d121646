#include "card_photo/card_sampler.h"

#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "card_photo/font_library.h"
#include "card_photo/printed_number.h"

namespace cardmint::card_photo {
namespace {

bool is_number(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

struct Pools {
  std::array<std::vector<std::size_t>, 5> tricky;       // by CardPool, kGeneral excluded
  std::array<std::vector<std::size_t>, 4> sets_by_era;  // indices into catalog.sets()
  std::array<std::vector<double>, 4> set_weights;
};

Pools build_pools(const Catalog& catalog) {
  Pools pools;
  const auto& cards = catalog.cards();
  for (std::size_t i = 0; i < cards.size(); ++i) {
    const CatalogSet* set = catalog.find_set(cards[i].set_id);
    if (set == nullptr || !is_photographable(cards[i], *set)) continue;
    const CardPool pool = card_pool_of(cards[i], *set);
    if (pool != CardPool::kGeneral) pools.tricky[static_cast<int>(pool)].push_back(i);
  }
  const auto& sets = catalog.sets();
  for (std::size_t s = 0; s < sets.size(); ++s) {
    const std::size_t n = catalog.card_indices_of_set(sets[s].id).size();
    if (n == 0 || sets[s].digital_only || !has_known_printed_number(sets[s])) continue;
    const int era = static_cast<int>(era_of_set(sets[s]));
    const bool minor = sets[s].serie_id == "tk" || sets[s].serie_id == "mc";
    pools.sets_by_era[era].push_back(s);
    pools.set_weights[era].push_back(std::sqrt(static_cast<double>(n)) * (minor ? 0.3 : 1.0));
  }
  return pools;
}

}  // namespace

bool is_photographable(const CatalogCard& card, const CatalogSet& set) {
  return !set.digital_only && has_known_printed_number(set) && card.set_id == set.id;
}

std::string_view card_pool_name(CardPool pool) {
  switch (pool) {
    case CardPool::kSubset:
      return "subset";
    case CardPool::kPromo:
      return "promo";
    case CardPool::kSecretRare:
      return "secret_rare";
    case CardPool::kLongName:
      return "long_name";
    case CardPool::kNonAscii:
      return "non_ascii";
    case CardPool::kGeneral:
      return "general";
  }
  return "unknown";
}

CardPool card_pool_of(const CatalogCard& card, const CatalogSet& set) {
  if (is_promo_set(set.id)) return CardPool::kPromo;
  if (!letter_prefix(card.local_id).empty()) return CardPool::kSubset;
  if (is_number(card.local_id) && set.official_count > 0 &&
      std::stoi(card.local_id) > set.official_count) {
    return CardPool::kSecretRare;
  }
  const std::vector<char32_t> cps = utf8_code_points(card.name);
  if (cps.size() >= 20) return CardPool::kLongName;
  for (char32_t cp : cps) {
    if (cp > 0x7F) return CardPool::kNonAscii;
  }
  return CardPool::kGeneral;
}

std::vector<std::size_t> sample_cards(const Catalog& catalog, std::size_t count,
                                      std::mt19937_64& rng) {
  const Pools pools = build_pools(catalog);
  // Shares of the tricky pools, in CardPool order; the rest is general.
  constexpr std::array<double, 5> kShares = {0.12, 0.10, 0.10, 0.06, 0.06};
  std::uniform_real_distribution<double> unit(0, 1);
  std::set<std::size_t> used;
  std::vector<std::size_t> out;
  auto pick_from = [&](const std::vector<std::size_t>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  auto pick_general = [&]() -> std::optional<std::size_t> {
    std::vector<int> eras;
    for (int e = 0; e < 4; ++e) {
      if (!pools.sets_by_era[e].empty()) eras.push_back(e);
    }
    if (eras.empty()) return std::nullopt;
    const int era = eras[std::uniform_int_distribution<std::size_t>(0, eras.size() - 1)(rng)];
    std::discrete_distribution<std::size_t> by_weight(pools.set_weights[era].begin(),
                                                      pools.set_weights[era].end());
    const CatalogSet& set = catalog.sets()[pools.sets_by_era[era][by_weight(rng)]];
    return pick_from(catalog.card_indices_of_set(set.id));
  };
  for (std::size_t attempt = 0; out.size() < count && attempt < count * 50 + 100; ++attempt) {
    double r = unit(rng);
    std::optional<std::size_t> card;
    for (std::size_t p = 0; p < kShares.size() && !card; ++p) {
      if (r < kShares[p]) {
        if (!pools.tricky[p].empty()) card = pick_from(pools.tricky[p]);
        break;
      }
      r -= kShares[p];
    }
    if (!card) card = pick_general();
    if (!card) break;
    const CatalogSet* set = catalog.find_set(catalog.cards()[*card].set_id);
    if (set == nullptr || !is_photographable(catalog.cards()[*card], *set)) continue;
    // Repeats only once the distinct cards run out.
    if (used.contains(*card) && attempt < count * 40) continue;
    used.insert(*card);
    out.push_back(*card);
  }
  return out;
}

}  // namespace cardmint::card_photo
