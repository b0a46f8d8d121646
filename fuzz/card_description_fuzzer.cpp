// Feeds vlm::parse_card_description and vlm::streamed_name the model's answer: the input is the
// generated text, cut into tokens whose pieces and log-probabilities are drawn from the bytes
// themselves (the text is exactly their concatenation, as a real Generation's is).
// Beyond "does not crash" (an exception escaping is a crash too), checks that:
//  - the parser returns either a description that obeys data/card_schema.json (the enums, the
//    length bounds it enforces, confidences in [0, 1], the identity confidence the weaker of name
//    and number) or an unprocessable status;
//  - the name a streaming client is shown early (streamed_name on a prefix of the text) is the
//    name it gets at the end: the same on every longer prefix, and the description's name.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "fuzz_check.h"
#include "vlm/card_description.h"

namespace {

using cardmint::StatusCode;
using cardmint::vlm::CardDescription;
using cardmint::vlm::Generation;

bool one_of(const std::string& value, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool in_unit_range(double x) { return x >= 0.0 && x <= 1.0; }

Generation generation_of(std::string_view text) {
  Generation g;
  g.text = std::string(text);
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    const std::size_t length = std::min<std::size_t>(1 + byte % 4, text.size() - at);
    g.tokens.push_back({.id = byte,
                        .piece = std::string(text.substr(at, length)),
                        .logprob = -static_cast<float>(byte % 16) / 4.0f});
    at += length;
  }
  g.ended_by_model = true;
  return g;
}

void check_description(const CardDescription& card) {
  // The bounds parse_card_description enforces: maxLength counted in characters, up to 4 bytes
  // each in UTF-8.
  FUZZ_CHECK(card.name.size() <= 60 * 4);
  FUZZ_CHECK(card.set_name.size() <= 60 * 4);
  FUZZ_CHECK(card.number.size() <= 16 * 4);
  FUZZ_CHECK(card.language.size() <= 12 * 4);
  FUZZ_CHECK(one_of(card.finish, {"normal", "holo", "reverse holo", "first edition"}));
  FUZZ_CHECK(one_of(card.condition, {"mint", "near mint", "lightly played", "moderately played",
                                     "heavily played", "damaged"}));
  const auto& f = card.field_confidence;
  FUZZ_CHECK(in_unit_range(f.name) && in_unit_range(f.set_name) && in_unit_range(f.number) &&
             in_unit_range(f.finish) && in_unit_range(card.confidence));
  FUZZ_CHECK(card.confidence == std::min(f.name, f.number));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Generation generation = generation_of(text);

  const cardmint::Result<CardDescription> card = cardmint::vlm::parse_card_description(generation);
  if (card.ok()) {
    check_description(*card);
  } else {
    FUZZ_CHECK(card.status().code() == StatusCode::kUnprocessable);
  }

  const std::optional<std::string> name = cardmint::vlm::streamed_name(generation.text);
  if (card.ok()) FUZZ_CHECK(name && *name == card->name);
  // A dozen cuts rather than every prefix: streamed_name scans the whole prefix each time.
  constexpr std::size_t kCuts = 12;
  for (std::size_t k = 1; k < kCuts; ++k) {
    const std::optional<std::string> early =
        cardmint::vlm::streamed_name(generation.text.substr(0, size * k / kCuts));
    if (early) FUZZ_CHECK(name && *early == *name);
  }
  return 0;
}
