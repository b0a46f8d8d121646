#include "wire/recognition_json.h"

#include "base/json_nesting.h"

namespace cardmint::wire {
namespace {

// The card answer is one flat object; a little room for a model that wraps it.
constexpr int kMaxEmbeddedRawDepth = 4;

}  // namespace

nlohmann::json card_to_json(const recognize::CardMatch& c) {
  nlohmann::json out = {{"id", c.id},         {"name", c.name},
                        {"set_id", c.set_id}, {"set_name", c.set_name},
                        {"number", c.number}, {"printed_total", c.printed_total},
                        {"finish", c.finish}, {"condition", c.condition}};
  if (!c.condition_source.empty()) out["condition_source"] = c.condition_source;
  return out;
}

nlohmann::json recognition_to_json(const recognize::Recognition& r, const std::string& request_id) {
  nlohmann::json out;
  if (r.card) {
    out["card"] = card_to_json(*r.card);
  } else {
    out["card"] = nullptr;
    out["unknown_reason"] = r.unknown_reason;
  }
  out["confidence"] = r.confidence;
  if (r.card) out["finish_confidence"] = r.finish_confidence;
  out["source"] = r.source;
  if (r.cache) {
    out["cache"] = {
        {"hit", r.cache->hit}, {"distance", r.cache->distance}, {"shared", r.cache->shared}};
  }
  out["candidates"] = nlohmann::json::array();
  for (const recognize::Candidate& c : r.candidates) {
    nlohmann::json entry = card_to_json(c.card);
    entry["score"] = c.score;
    out["candidates"].push_back(std::move(entry));
  }
  if (r.ocr) {
    out["ocr"] = {{"name", r.ocr->name},
                  {"number_line", r.ocr->number_line},
                  {"name_confidence", r.ocr->name_confidence},
                  {"number_confidence", r.ocr->number_confidence}};
  }
  if (!r.finish_hint.empty()) {
    out["finish_hint"] = {{"finish", r.finish_hint}, {"confidence", r.finish_hint_confidence}};
  }
  // Model output is untrusted: embedded as JSON only when it parses and is no deeper than a card
  // answer could be (the answer's dump() recurses per level), else as the text it is.
  if (r.raw_model_output.empty()) {
    out["raw"] = nullptr;
  } else if (json_nesting_depth(r.raw_model_output) > kMaxEmbeddedRawDepth) {
    out["raw"] = r.raw_model_output;
  } else {
    nlohmann::json raw = nlohmann::json::parse(r.raw_model_output, nullptr, false);
    out["raw"] = raw.is_discarded() ? nlohmann::json(r.raw_model_output) : raw;
  }
  const recognize::RecognitionTimings& t = r.timings;
  out["timings_ms"] = {{"decode", t.decode_ms},   {"preprocess", t.preprocess_ms},
                       {"ocr", t.ocr_ms},         {"encode", t.encode_ms},
                       {"prefill", t.prefill_ms}, {"generate", t.generate_ms},
                       {"queue", t.queue_ms},     {"hash", t.hash_ms},
                       {"cache", t.cache_ms},     {"total", t.total_ms}};
  out["mode"] = r.mode;
  out["cascade"] = nlohmann::json::array();
  for (const recognize::CascadeStep& step : r.cascade) {
    nlohmann::json entry = {
        {"source", step.source},
        {"card_id", step.card_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(step.card_id)},
        {"confidence", step.confidence},
        {"ms", step.ms}};
    if (!step.reason.empty()) entry["reason"] = step.reason;
    out["cascade"].push_back(std::move(entry));
  }
  out["tokens"] = {
      {"image", r.tokens.image}, {"prompt", r.tokens.prompt}, {"generated", r.tokens.generated}};
  out["request_id"] = request_id;
  return out;
}

}  // namespace cardmint::wire
