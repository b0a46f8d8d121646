#pragma once
// Reading one price figure out of an API's JSON, which is untrusted: internal to the price API
// parsers (pokemontcg_price_provider.cpp, tcgdex_price_provider.cpp).

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace cardmint::price {

// `object[key]` when `object` is an object and the member is a finite, positive number; nullopt
// otherwise. The APIs write null or 0 for a figure they lack (pokemontcg.io's Cardmarket block has
// reverseHoloTrend 0.0 for a card never printed in reverse holo), and an absent figure beats a
// wrong one, so a string, a negative number or a nested value reads as absent too.
inline std::optional<double> json_price_figure(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (!std::isfinite(value) || value <= 0) return std::nullopt;
  return value;
}

// `object[key]` when it is a string, else empty.
inline std::string json_text(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace cardmint::price
