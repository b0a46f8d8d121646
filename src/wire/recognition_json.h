#pragma once
// The JSON shape of a recognition, shared by cardmintd's /recognize and `cardmint scan` so the two
// print the same thing. The only place that knows it.

#include <nlohmann/json.hpp>
#include <string>

#include "recognize/recognition.h"

namespace cardmint::wire {

// {"card": {...}|null, "unknown_reason"?, "confidence", "source", "raw", "timings_ms",
// "request_id"} "raw" is the model's JSON when it parses, else its text as a string.
// {"id", "name", "set_id", "set_name", "number", "printed_total", "finish", "condition",
// "condition_source"?}
nlohmann::json card_to_json(const recognize::CardMatch& card);

nlohmann::json recognition_to_json(const recognize::Recognition& recognition,
                                   const std::string& request_id);

}  // namespace cardmint::wire
