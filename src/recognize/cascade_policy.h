#pragma once
// When the recognition cascade asks a slower, surer source, and which answer it keeps. Pure
// decisions over the answers so far, so every rule is testable without a model.
//
// The sources run cheapest first: cache → reference hash → OCR + catalog → the fast model
// (SmolVLM-256M) → the accurate model (SmolVLM-500M). A later source is asked when the answer so
// far is unsure, when the sources that answered disagree, or when the foil hint says the card is
// a holo (the printings people pay for). The mode sets how far a request may go.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cardmint::recognize {

enum class ScanMode {
  kBulkInventory,  // fastest acceptable: at most one model, only when nothing sure was read
  kStandard,       // escalate on low confidence, disagreement, or a holo
  kHighValue,      // always confirm with the accurate model
};

std::string_view scan_mode_name(ScanMode mode);  // "bulk_inventory", "standard", "high_value"
std::optional<ScanMode> parse_scan_mode(std::string_view text);

struct EscalationPolicy {
  double escalate_below = 0.85;  // an answer less sure than this asks the next source
  // A foil hint at least this sure that the card is a holo (not reverse) asks for confirmation.
  double holo_hint_at_least = 0.6;
};

// One source's answer, as the policy sees it.
struct SourceAnswer {
  std::string source;   // "ocr", "vlm-256m", ...
  std::string card_id;  // empty: no card
  double confidence = 0;
};

// A model source the cascade may still ask, in cascade order (fast first).
struct ModelSource {
  std::string name;
  bool accurate = false;  // the confirm-with model (500M)
};

struct Escalation {
  std::size_t model = 0;  // index into the model sources
  std::string reason;     // for the operator and the switch counters: "confidence 0.62 < 0.85"
};

// The model to ask next, or nullopt to stop. `answers` are in the order they came (models asked
// already are among them, by name); `holo_hint` is the finish hint's confidence that the card is a
// holo (0 when none).
std::optional<Escalation> next_escalation(ScanMode mode, const EscalationPolicy& policy,
                                          std::span<const SourceAnswer> answers,
                                          std::span<const ModelSource> models, double holo_hint);

// The answer to return: the surest card; when another source named a different card, its
// confidence is what both readings leave for it (a two-way Bayes split, the sources taken as
// independent), so disagreement never reports a sure card. Index into `answers`, or nullopt when
// none has a card.
struct Decision {
  std::size_t answer = 0;
  double confidence = 0;
};
std::optional<Decision> decide(std::span<const SourceAnswer> answers);

}  // namespace cardmint::recognize
