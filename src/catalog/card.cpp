#include "catalog/card.h"

namespace cardmint::catalog {

std::string_view finish_name(Finish finish) {
  // clang-format off
  switch (finish) {
    case Finish::kNormal: return "normal";
    case Finish::kHolo: return "holo";
    case Finish::kReverseHolo: return "reverse holo";
    case Finish::kFirstEdition: return "first edition";
  }
  // clang-format on
  return "normal";
}

std::optional<Finish> parse_finish(std::string_view name) {
  for (Finish f : kAllFinishes) {
    if (finish_name(f) == name) return f;
  }
  return std::nullopt;
}

}  // namespace cardmint::catalog
