#include "recognize/cascade_policy.h"

#include <fmt/format.h>

#include <algorithm>

namespace cardmint::recognize {
namespace {

bool asked(std::span<const SourceAnswer> answers, const ModelSource& model) {
  return std::any_of(answers.begin(), answers.end(),
                     [&](const SourceAnswer& a) { return a.source == model.name; });
}

// The first model not asked yet that `wanted` accepts, in cascade order.
template <typename Wanted>
std::optional<std::size_t> first_unasked(std::span<const SourceAnswer> answers,
                                         std::span<const ModelSource> models, Wanted wanted) {
  for (std::size_t i = 0; i < models.size(); ++i) {
    if (!asked(answers, models[i]) && wanted(models[i])) return i;
  }
  return std::nullopt;
}

}  // namespace

std::string_view scan_mode_name(ScanMode mode) {
  switch (mode) {
    case ScanMode::kBulkInventory:
      return "bulk_inventory";
    case ScanMode::kHighValue:
      return "high_value";
    case ScanMode::kStandard:
      break;
  }
  return "standard";
}

std::optional<ScanMode> parse_scan_mode(std::string_view text) {
  for (ScanMode mode : {ScanMode::kBulkInventory, ScanMode::kStandard, ScanMode::kHighValue}) {
    if (text == scan_mode_name(mode)) return mode;
  }
  return std::nullopt;
}

std::optional<Decision> decide(std::span<const SourceAnswer> answers) {
  std::optional<Decision> best;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    // Ties go to the later source: it was asked because the earlier ones were not enough.
    if (!answers[i].card_id.empty() && (!best || answers[i].confidence >= best->confidence)) {
      best = Decision{i, answers[i].confidence};
    }
  }
  if (!best) return best;
  double opponent = 0;
  for (const SourceAnswer& a : answers) {
    if (!a.card_id.empty() && a.card_id != answers[best->answer].card_id) {
      opponent = std::max(opponent, a.confidence);
    }
  }
  if (opponent > 0) {
    const double mine = best->confidence * (1 - opponent);
    const double theirs = opponent * (1 - best->confidence);
    best->confidence = mine + theirs > 0 ? mine / (mine + theirs) : 0.5;
  }
  return best;
}

std::optional<Escalation> next_escalation(ScanMode mode, const EscalationPolicy& policy,
                                          std::span<const SourceAnswer> answers,
                                          std::span<const ModelSource> models, double holo_hint) {
  const std::optional<Decision> decision = decide(answers);
  const auto any = [](const ModelSource&) { return true; };
  const auto accurate = [](const ModelSource& m) { return m.accurate; };
  const auto fast = [](const ModelSource& m) { return !m.accurate; };

  std::string unsure;  // why the answer so far is not enough on its own
  if (!decision) {
    unsure = "no card";
  } else if (decision->confidence < policy.escalate_below) {
    unsure = fmt::format("confidence {:.2f} < {:.2f}", decision->confidence, policy.escalate_below);
  }
  int agreeing = 0;
  bool disagree = false;
  if (decision) {
    for (const SourceAnswer& a : answers) {
      if (a.card_id.empty()) continue;
      if (a.card_id == answers[decision->answer].card_id) {
        ++agreeing;
      } else {
        disagree = true;
      }
    }
  }

  std::optional<std::size_t> next;
  std::string reason;
  switch (mode) {
    case ScanMode::kBulkInventory: {
      // One model at most, and the fast one when there is one.
      const bool model_asked = std::any_of(models.begin(), models.end(),
                                           [&](const ModelSource& m) { return asked(answers, m); });
      if (unsure.empty() || model_asked) return std::nullopt;
      next = first_unasked(answers, models, fast);
      if (!next) next = first_unasked(answers, models, any);
      reason = unsure;
      break;
    }
    case ScanMode::kStandard: {
      if (!unsure.empty()) {
        reason = unsure;
        next = first_unasked(answers, models, any);
      } else if (disagree) {
        // The accurate model settles a disagreement; the fast one only when it is all there is.
        reason = "sources disagree";
        next = first_unasked(answers, models, accurate);
        if (!next) next = first_unasked(answers, models, any);
      } else if (holo_hint >= policy.holo_hint_at_least && agreeing < 2) {
        reason = fmt::format("holo ({:.2f}): a second source confirms", holo_hint);
        next = first_unasked(answers, models, any);
      }
      break;
    }
    case ScanMode::kHighValue: {
      reason = "high value: the accurate model confirms";
      next = first_unasked(answers, models, accurate);
      const bool accurate_exists = std::any_of(models.begin(), models.end(), accurate);
      // Without an accurate model, every source there is must agree.
      if (!next && !accurate_exists && (!unsure.empty() || disagree || agreeing < 2)) {
        reason = unsure.empty() ? (disagree ? "sources disagree" : "high value: a second source")
                                : unsure;
        next = first_unasked(answers, models, any);
      }
      break;
    }
  }
  if (!next) return std::nullopt;
  return Escalation{*next, reason};
}

}  // namespace cardmint::recognize
