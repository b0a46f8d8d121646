#include "wire/recognition_json.h"

namespace cardmint::wire {

nlohmann::json recognition_to_json(const recognize::Recognition& r, const std::string& request_id) {
  nlohmann::json out;
  if (r.card) {
    const recognize::CardMatch& c = *r.card;
    out["card"] = {{"id", c.id},         {"name", c.name},
                   {"set_id", c.set_id}, {"set_name", c.set_name},
                   {"number", c.number}, {"printed_total", c.printed_total},
                   {"finish", c.finish}, {"condition", c.condition}};
  } else {
    out["card"] = nullptr;
    out["unknown_reason"] = r.unknown_reason;
  }
  out["confidence"] = r.confidence;
  out["source"] = r.source;
  // Model output is untrusted: embedded as JSON only when it parses, never trusted beyond that.
  nlohmann::json raw = nlohmann::json::parse(r.raw_model_output, nullptr, false);
  out["raw"] = raw.is_discarded() ? nlohmann::json(r.raw_model_output) : raw;
  const recognize::RecognitionTimings& t = r.timings;
  out["timings_ms"] = {{"decode", t.decode_ms},   {"preprocess", t.preprocess_ms},
                       {"encode", t.encode_ms},   {"prefill", t.prefill_ms},
                       {"generate", t.generate_ms}, {"queue", t.queue_ms},
                       {"total", t.total_ms}};
  out["tokens"] = {{"image", r.tokens.image},
                   {"prompt", r.tokens.prompt},
                   {"generated", r.tokens.generated}};
  out["request_id"] = request_id;
  return out;
}

}  // namespace cardmint::wire
