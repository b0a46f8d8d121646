#pragma once
// The events of a streamed recognition as JSON and as server-sent-event frames, shared by
// /recognize?stream=1 and `cardmint scan --stream` so both show the same thing.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "recognize/progress.h"

namespace cardmint::wire {

// detected: {"finish_hint"?, "source", "elapsed_ms"}
// quick: {"name", "source", "elapsed_ms"}
// identified: {"card", "confidence", "finish_confidence", "source", "candidates" (best 3),
//              "escalating_to" (null when final), "finish_hint"?, "elapsed_ms"}
nlohmann::json progress_event_to_json(const recognize::ProgressEvent& event);

// "event: <name>\ndata: <one line of JSON>\n\n". Invalid UTF-8 (model text) is replaced, never
// thrown on.
std::string server_sent_event(std::string_view name, const nlohmann::json& data);

}  // namespace cardmint::wire
