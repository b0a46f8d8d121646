#pragma once
// What a recognition reports while it runs, so a client can show each part of the answer as soon
// as it is known (the streaming /recognize and `cardmint scan --stream`).

#include <functional>
#include <string>
#include <string_view>

#include "recognize/recognition.h"

namespace cardmint::recognize {

enum class ProgressStage {
  kDetected,    // the card was found and rectified; the finish hint is known
  kQuick,       // the card's name, before the printing is settled
  kIdentified,  // snapped to a catalog printing; again whenever a later source changes the answer
};

std::string_view progress_stage_name(ProgressStage stage);  // "detected", "quick", "identified"

struct ProgressEvent {
  ProgressStage stage = ProgressStage::kDetected;
  double elapsed_ms = 0;  // since the request was accepted
  std::string source;     // who produced it: "ocr", "vlm-256m", "cache", ...
  std::string name;       // kQuick: the card's name as the catalog spells it
  // kDetected: the finish hint; kIdentified: the answer so far, with its confidence.
  Recognition recognition;
  // kIdentified: the source the cascade asks next, empty when this answer is final.
  std::string escalating_to;
};

// Called on the recognizer's threads (CPU pool or model thread), one event at a time per request.
// Must be quick: hand the event to another thread rather than write to a socket here.
using ProgressCallback = std::function<void(const ProgressEvent&)>;

}  // namespace cardmint::recognize
