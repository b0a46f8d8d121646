#pragma once
// Which card a scan session will photograph next, from the cards it identified so far. People
// scan binders and boxes in order (base1-1, base1-2, ...) and fill in sets, so a run of numbers
// in one set predicts the next numbers, and a set being scanned predicts its missing cards.
// Pure functions of the history and the catalog; thread-safe as the catalog is.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/card.h"
#include "catalog/catalog.h"

namespace cardmint::session {

// One identified card of a session.
struct ScannedCard {
  std::string card_id;
  std::string set_id;
  std::string number;  // normalized, as catalog::Card::number ("58", "TG5")
  catalog::Finish finish = catalog::Finish::kNormal;
};

enum class PredictionReason {
  kSequence,         // continues the run of numbers the last scans made
  kResumedSequence,  // continues a run that the last scan broke (a card out of place)
  kNextNumber,       // follows the last scan's number, with no run to go by
  kSetCompletion,    // a card of a set being scanned that this session has not scanned yet
};
std::string_view reason_name(PredictionReason reason);  // "sequence", "set completion", ...

struct Prediction {
  std::string card_id;
  double probability = 0.0;  // of being the next scan; a session's predictions sum to at most 1
  PredictionReason reason = PredictionReason::kSequence;  // the one that gave most of it
};

// The likeliest next cards, likeliest first; empty for an empty history. A run of k steps of
// the same size (±1, or up to ±3 for a binder of every other card) in one set and one number
// prefix predicts the next number with k/(k+1), at most 0.9, of which 80% goes to the next
// number and the rest to the two after it (cards the collector lacks); a single scan predicts
// the number after it with 0.15. Cards past the set's end get nothing: the mass is left out.
// Set completion adds at most 0.1, spread over each scanned set's cards not yet scanned.
std::vector<Prediction> predict_next(std::span<const ScannedCard> history,
                                     const catalog::Catalog& catalog);

// The predictions as catalog::MatchHints::prior.
std::vector<catalog::CardPrior> match_prior(std::span<const Prediction> predictions);
// The predicted cards' ids, likeliest first, at most `limit`: what to warm and price ahead.
std::vector<std::string> predicted_ids(std::span<const Prediction> predictions, size_t limit);

}  // namespace cardmint::session
