#pragma once
// Private to image/: scoring card-shaped quads found on the detection copy, and picking the card
// among nested look-alikes (the border's inner edge, a sleeve, a shadow).
// Thread-compatible: free functions over values; an EdgeProbe only reads its image.

#include <optional>
#include <vector>

#include "image/quad_fit.h"

namespace cardmint::image {

inline constexpr double kCardAspect = 63.0 / 88.0;
// Colour steps are measured in 8-bit Lab units on the detection copy (about ΔE).
inline constexpr double kSupportStep = 8;  // a side sample counts as "on an edge" above this
inline constexpr double kRefineStep = 8;   // weaker steps are ignored when snapping sides
// Bands of this many pixels either side of a line: narrower than a card border at 640 px
// (~6-10 px), so a side's step compares border to desk, not desk to artwork.
inline constexpr double kDetectBand = 2;

struct Candidate {
  Quad quad{};             // clockwise, on the detection copy
  double score = 0;        // ranks candidates: shape_score, less for a changing rim colour
  double shape_score = 0;  // four supported sides, 63:88, right angles; decides "is a card"
  double edge = 0;         // edge support, 0..1
  double aspect = 0;       // short over long side
  double area = 0;         // fraction of the image
  double rim_spread = 0;   // largest colour difference between the insides of two sides
};

// Scores `q` on the probe's image: four supported sides, the card's 63:88 shape, right angles,
// and one colour just inside all four sides (the border). REQUIRES: q clockwise.
Candidate score_candidate(const Quad& q, const EdgeProbe& probe);

// The card among `ranked` (best score first; REQUIRES: not empty), corrected for nesting: out
// from the border's inner edge or a card-shaped part of the layout to the quad around it, and
// in from a sleeve to the card inside it.
const Candidate& choose_card(const std::vector<Candidate>& ranked, const EdgeProbe& probe,
                             double min_score);

// What "clearly larger" means below: `chosen` covers at most this share of the other's area. A
// border's inner edge encloses ~0.84 of the card and a sleeve ~0.92: such look-alikes are
// choose_card's business, not another card.
inline constexpr double kLargerOutlineAreaShare = 0.75;

// Card-shaped candidates (shape_score >= min_score) clearly larger than `chosen`, best first, at
// most `max`, no two nearly the same. When `chosen` is a card-shaped part of the layout (the art
// box with the name band, a text panel) or of the desk (a tile, a label) that out-scored the
// card's own fainter edge, the card is among them; a reading of the card tells which it was.
std::vector<Candidate> larger_alternatives(const std::vector<Candidate>& ranked,
                                           const Candidate& chosen, double min_score,
                                           std::size_t max);

// Moves sides of `chosen` that sit on the border's inner edge out to the card's edge, taking
// the lines from other candidates' sides just outside. A side moves only when the band it
// crosses is uniform, is not the desk (a sleeve) and has the colour of the border seen inside
// the sides that stay (not a shadow). Nullopt when no side moves.
std::optional<Quad> widen_to_card_edge(const Candidate& chosen,
                                       const std::vector<Candidate>& ranked,
                                       const EdgeProbe& probe);

}  // namespace cardmint::image
