#include "vlm/card_description.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/json_nesting.h"
#include "json-schema-to-grammar.h"
#include "json.h"
#include "vlm/embedded_data.h"

namespace cardmint::vlm {
namespace {

using ordered_json = nlohmann::ordered_json;

struct CharSpan {
  size_t begin = 0;
  size_t end = 0;
};

bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Where the string value of "key" sits in the model's text. The grammar allows whitespace between
// tokens, so this scans rather than pattern-matching a fixed layout.
std::optional<CharSpan> find_string_value(const std::string& text, std::string_view key) {
  const std::string quoted_key = fmt::format("\"{}\"", key);
  size_t pos = text.find(quoted_key);
  if (pos == std::string::npos) return std::nullopt;
  pos += quoted_key.size();
  while (pos < text.size() && is_json_space(text[pos])) ++pos;
  if (pos >= text.size() || text[pos] != ':') return std::nullopt;
  ++pos;
  while (pos < text.size() && is_json_space(text[pos])) ++pos;
  if (pos >= text.size() || text[pos] != '"') return std::nullopt;
  const size_t begin = ++pos;
  while (pos < text.size() && text[pos] != '"') pos += text[pos] == '\\' ? 2 : 1;
  if (pos >= text.size()) return std::nullopt;
  return CharSpan{begin, pos};
}

// Geometric mean probability of the tokens that overlap `span` (each token's text is located by
// accumulating pieces; the generation's text is exactly their concatenation).
double span_confidence(const Generation& generation, CharSpan span) {
  double sum_logprob = 0;
  int count = 0;
  size_t offset = 0;
  for (const GeneratedToken& token : generation.tokens) {
    const size_t token_begin = offset;
    const size_t token_end = offset + token.piece.size();
    offset = token_end;
    const bool overlaps =
        token_end > span.begin && token_begin < std::max(span.end, span.begin + 1);
    if (overlaps) {
      sum_logprob += token.logprob;
      ++count;
    }
  }
  return count == 0 ? 0.0 : std::exp(sum_logprob / count);
}

}  // namespace

std::optional<std::string> streamed_name(const std::string& partial_text) {
  const std::optional<CharSpan> span = find_string_value(partial_text, "name");
  if (!span) return std::nullopt;
  // The value as a JSON string literal, escapes and all; a malformed escape is no name.
  const std::string literal = partial_text.substr(span->begin - 1, span->end - span->begin + 2);
  nlohmann::json value = nlohmann::json::parse(literal, nullptr, false);
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

const std::string& card_json_schema() {
  static const std::string schema(embedded::kCardSchemaJson);
  return schema;
}

const std::string& card_prompt() {
  static const std::string prompt = [] {
    std::string text(embedded::kVlmPromptText);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }();
  return prompt;
}

const std::string& card_grammar() {
  static const std::string grammar = json_schema_to_grammar(common_json::parse(card_json_schema()));
  return grammar;
}

Result<CardDescription> parse_card_description(const Generation& generation, int max_depth) {
  if (const int depth = json_nesting_depth(generation.text); depth > max_depth) {
    return Status::unprocessable(fmt::format(
        "model output nests {} deep, over the MAX_JSON_DEPTH limit of {}", depth, max_depth));
  }
  // The top-level keys as written: of a key given twice the parsed object keeps one value, so the
  // repeat shows only while parsing.
  std::vector<std::string> keys;
  const ordered_json doc = ordered_json::parse(
      generation.text,
      [&keys](int depth, ordered_json::parse_event_t event, ordered_json& parsed) {
        if (depth == 1 && event == ordered_json::parse_event_t::key) {
          keys.push_back(parsed.get<std::string>());
        }
        return true;
      },
      /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::unprocessable("model output is not a JSON object");
  }
  // Parsed once: this runs on every model answer.
  static const ordered_json schema = ordered_json::parse(card_json_schema());
  // The schema has additionalProperties false, and an unconstrained model (CONSTRAIN_OUTPUT=0)
  // may still write another field or one twice; either could hold a second "name", so the name
  // streamed early (the first "name" in the text) and the one answered would differ.
  for (auto key = keys.begin(); key != keys.end(); ++key) {
    if (!schema["properties"].contains(*key)) {
      return Status::unprocessable(
          fmt::format("model output has a field \"{}\" the schema does not allow", *key));
    }
    if (std::find(keys.begin(), key, *key) != key) {
      return Status::unprocessable(fmt::format("model output gives \"{}\" twice", *key));
    }
  }
  CardDescription card;
  auto read = [&](const char* key, std::string& into) -> Status {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) {
      return Status::unprocessable(fmt::format("model output has no string \"{}\"", key));
    }
    into = it->get<std::string>();
    const ordered_json& rule = schema["properties"][key];
    if (rule.contains("enum")) {
      const auto& allowed = rule["enum"];
      if (std::find(allowed.begin(), allowed.end(), into) == allowed.end()) {
        return Status::unprocessable(
            fmt::format("model output \"{}\" is not allowed: {}", key, into));
      }
    }
    if (rule.contains("maxLength") && into.size() > rule["maxLength"].get<size_t>() * 4) {
      return Status::unprocessable(fmt::format("model output \"{}\" is too long", key));
    }
    return {};
  };
  for (auto [key, field] : {std::pair{"name", &card.name},
                            {"set_name", &card.set_name},
                            {"number", &card.number},
                            {"finish", &card.finish},
                            {"condition", &card.condition},
                            {"language", &card.language}}) {
    if (Status s = read(key, *field); !s.ok()) return s;
  }
  auto confidence_of = [&](std::string_view key) {
    std::optional<CharSpan> span = find_string_value(generation.text, key);
    return span ? span_confidence(generation, *span) : 0.0;
  };
  card.field_confidence.name = confidence_of("name");
  card.field_confidence.set_name = confidence_of("set_name");
  card.field_confidence.number = confidence_of("number");
  card.field_confidence.finish = confidence_of("finish");
  card.confidence = std::min(card.field_confidence.name, card.field_confidence.number);
  return card;
}

}  // namespace cardmint::vlm
