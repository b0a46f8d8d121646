#include "card_photo/binder_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>

#include "card_photo/card_sampler.h"

namespace cardmint::card_photo {
namespace {

// (no digits, prefix, value, suffix): what binder order compares, case-insensitively.
struct BinderKey {
  bool no_digits = false;
  std::string prefix;
  long value = 0;
  std::string suffix;

  auto tie() const { return std::tie(no_digits, prefix, value, suffix); }
};

BinderKey key_of(std::string_view local_id) {
  BinderKey key;
  std::size_t i = 0;
  while (i < local_id.size() && std::isalpha(static_cast<unsigned char>(local_id[i])))
    key.prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(local_id[i++])));
  std::size_t digits = 0;
  // Nine digits fit a long everywhere; no collector number has more.
  while (i < local_id.size() && digits < 9 &&
         std::isdigit(static_cast<unsigned char>(local_id[i]))) {
    key.value = key.value * 10 + (local_id[i++] - '0');
    ++digits;
  }
  if (digits == 0) {
    key.no_digits = true;
    key.prefix = std::string(local_id);
    return key;
  }
  for (; i < local_id.size(); ++i)
    key.suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(local_id[i])));
  return key;
}

}  // namespace

bool binder_order_less(std::string_view a, std::string_view b) {
  return key_of(a).tie() < key_of(b).tie();
}

Result<std::vector<std::size_t>> binder_order(const Catalog& catalog, std::string_view set_id,
                                              std::optional<std::string_view> start,
                                              std::optional<std::size_t> count) {
  const CatalogSet* set = catalog.find_set(set_id);
  if (set == nullptr) return Status::not_found(fmt::format("no set '{}'", set_id));
  std::vector<std::size_t> order;
  for (std::size_t index : catalog.card_indices_of_set(set_id)) {
    const CatalogCard& card = catalog.cards()[index];
    if (!is_photographable(card, *set)) continue;
    if (start && binder_order_less(card.local_id, *start)) continue;
    order.push_back(index);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return binder_order_less(catalog.cards()[a].local_id, catalog.cards()[b].local_id);
  });
  if (order.empty()) {
    return Status::invalid_input(
        start ? fmt::format("set '{}' has no photographable card numbered {} or later", set_id,
                            *start)
              : fmt::format("set '{}' has no photographable cards", set_id));
  }
  if (count && order.size() > *count) order.resize(*count);
  return order;
}

}  // namespace cardmint::card_photo
