#include "wire/progress_json.h"

#include <algorithm>

#include "wire/recognition_json.h"

namespace cardmint::wire {
namespace {

// Enough for an operator to pick another printing; the complete event carries them all.
constexpr std::size_t kIdentifiedCandidates = 3;

nlohmann::json finish_hint_json(const recognize::Recognition& r) {
  return {{"finish", r.finish_hint}, {"confidence", r.finish_hint_confidence}};
}

}  // namespace

nlohmann::json progress_event_to_json(const recognize::ProgressEvent& e) {
  nlohmann::json out = {{"source", e.source}, {"elapsed_ms", e.elapsed_ms}};
  const recognize::Recognition& r = e.recognition;
  switch (e.stage) {
    case recognize::ProgressStage::kDetected:
      if (!r.finish_hint.empty()) out["finish_hint"] = finish_hint_json(r);
      break;
    case recognize::ProgressStage::kQuick:
      out["name"] = e.name;
      break;
    case recognize::ProgressStage::kIdentified: {
      out["card"] = r.card ? card_to_json(*r.card) : nlohmann::json(nullptr);
      out["confidence"] = r.confidence;
      out["finish_confidence"] = r.finish_confidence;
      out["candidates"] = nlohmann::json::array();
      for (std::size_t i = 0; i < std::min(r.candidates.size(), kIdentifiedCandidates); ++i) {
        nlohmann::json c = card_to_json(r.candidates[i].card);
        c["score"] = r.candidates[i].score;
        out["candidates"].push_back(std::move(c));
      }
      out["escalating_to"] =
          e.escalating_to.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.escalating_to);
      if (!r.finish_hint.empty()) out["finish_hint"] = finish_hint_json(r);
      break;
    }
  }
  return out;
}

std::string server_sent_event(std::string_view name, const nlohmann::json& data) {
  std::string frame = "event: ";
  frame += name;
  frame += "\ndata: ";
  // dump() without indentation never emits a newline, so one data line carries the whole event.
  frame += data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  frame += "\n\n";
  return frame;
}

}  // namespace cardmint::wire
