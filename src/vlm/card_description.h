#pragma once
// The model's description of a card, parsed from its JSON answer. Model output is untrusted input:
// parse_card_description() validates every field and never throws.

#include <optional>
#include <string>
#include <string_view>

#include "base/json_nesting.h"
#include "base/status.h"
#include "vlm/generation.h"

namespace cardmint::vlm {

struct FieldConfidence {
  double name = 0;
  double set_name = 0;
  double number = 0;
  double finish = 0;
};

struct CardDescription {
  std::string name;
  std::string set_name;
  std::string number;     // as the model read it, e.g. "58/102"
  std::string finish;     // normal | holo | reverse holo | first edition
  std::string condition;  // near mint, ...
  std::string language;
  FieldConfidence field_confidence;
  // How sure the model is of the card's identity: the weaker of name and number, each the geometric
  // mean of its value tokens' probabilities under the unconstrained model.
  double confidence = 0;
};

// The JSON schema of the answer (data/card_schema.json, compiled in). Field order is the order the
// model writes them: name first, so a streaming client sees the name soonest.
const std::string& card_json_schema();

// GBNF compiled from card_json_schema() by llama.cpp's json_schema_to_grammar.
const std::string& card_grammar();

// The instruction the model gets with each image (data/vlm_prompt.txt, compiled in).
const std::string& card_prompt();

// The name field of an answer still being generated, once its closing quote has arrived; nullopt
// before that. Lets a streaming client see the name while the model writes the rest.
std::optional<std::string> streamed_name(const std::string& partial_text);

// The schema's answer is one flat object; an unconstrained model may write anything up to its
// token limit, so the nesting is checked before the text is parsed (MAX_JSON_DEPTH).
// Errors: unprocessable when the text nests deeper than `max_depth`, or is not a JSON object with
// the schema's fields and values.
[[nodiscard]] Result<CardDescription> parse_card_description(const Generation& generation,
                                                             int max_depth = kDefaultMaxJsonDepth);

}  // namespace cardmint::vlm
