// MatchHints::prior (a scan session's prediction of the next card) against the real catalog: it
// settles what the reading leaves open and nothing else.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/test_catalog.h"

namespace cardmint::catalog {
namespace {

MatchResult must_match(std::string_view name, std::string_view number,
                       std::vector<CardPrior> prior = {}) {
  MatchHints hints;
  hints.prior = std::move(prior);
  Result<MatchResult> m = testing::real_catalog().match(name, number, hints);
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  return m.ok() ? *m : MatchResult{};
}

std::vector<std::string> candidate_ids(const MatchResult& m) {
  std::vector<std::string> out;
  for (const MatchCandidate& c : m.candidates)
    out.push_back(c.card.id + " " + finish_name(c.finish).data());
  return out;
}

// Burning Shadows' Pikachu: one of the 122 cards printed "Pikachu", far down their tie.
constexpr char kPredictedPikachu[] = "sm3-40";

TEST(MatchPrior, ANameReadAlonePicksThePredictedPrinting) {
  const MatchResult plain = must_match("Pikachu", "");
  ASSERT_FALSE(plain.candidates.empty());
  ASSERT_NE(plain.candidates[0].card.id, kPredictedPikachu);

  const MatchResult strong = must_match("Pikachu", "", {{kPredictedPikachu, 0.9}});
  ASSERT_FALSE(strong.candidates.empty());
  EXPECT_EQ(strong.candidates[0].card.id, kPredictedPikachu);
  EXPECT_DOUBLE_EQ(strong.candidates[0].prior, 0.9);
  EXPECT_DOUBLE_EQ(strong.candidates[0].score, 1.0);  // the score stays the reading's
  // The predicted card's posterior: 0.9 plus its share of the 0.1 not predicted.
  EXPECT_GT(strong.confidence, 0.85);
  EXPECT_LT(strong.confidence, 0.95);
}

TEST(MatchPrior, AWeakPriorBreaksTheTieWithoutClaimingConfidence) {
  // One scan before it, or a set being completed: the prediction is a hunch.
  const MatchResult weak = must_match("Pikachu", "", {{kPredictedPikachu, 0.02}});
  ASSERT_FALSE(weak.candidates.empty());
  EXPECT_EQ(weak.candidates[0].card.id, kPredictedPikachu);
  EXPECT_LT(weak.confidence, 0.1);
  EXPECT_GT(weak.confidence, 0.02);
}

TEST(MatchPrior, AClearDifferentReadingStillWins) {
  const MatchResult plain = must_match("Charizard", "4/102");
  // Blastoise was predicted: the scan before was Venusaur 15/102, say.
  const MatchResult with_prior = must_match("Charizard", "4/102", {{"base1-2", 0.95}});
  ASSERT_FALSE(with_prior.candidates.empty());
  EXPECT_EQ(with_prior.candidates[0].card.id, "base1-4");
  EXPECT_EQ(candidate_ids(with_prior), candidate_ids(plain));
  EXPECT_DOUBLE_EQ(with_prior.confidence, plain.confidence);
  // "5/102" is base1-5's (Clefairy's) number, but the name read is Charizard's.
  const MatchResult misread = must_match("Charizard", "5/102", {{"base1-5", 0.95}});
  ASSERT_FALSE(misread.candidates.empty());
  EXPECT_EQ(misread.candidates[0].card.name, "Charizard");
}

TEST(MatchPrior, APriorSettlesAReprintItsPrintedNumberCannot) {
  // cel25cc-CC002 prints base1-4's "4/102": a collector going through Celebrations' Classic
  // Collection gets the reprint, and the confidence says how sure the prediction was.
  const MatchResult plain = must_match("Charizarcl", "4/1O2");
  ASSERT_FALSE(plain.candidates.empty());
  EXPECT_EQ(plain.candidates[0].card.id, "base1-4");
  const MatchResult predicted = must_match("Charizarcl", "4/1O2", {{"cel25cc-CC002", 0.7}});
  ASSERT_FALSE(predicted.candidates.empty());
  EXPECT_EQ(predicted.candidates[0].card.id, "cel25cc-CC002");
  EXPECT_GT(predicted.confidence, plain.confidence);
  EXPECT_LT(predicted.confidence, 0.85);
}

TEST(MatchPrior, APriorOnCardsNotInTheTieChangesNothing) {
  const MatchResult plain = must_match("Pikachu", "");
  const MatchResult other = must_match("Pikachu", "", {{"base1-4", 0.8}, {"nope-1", 0.1}});
  EXPECT_EQ(candidate_ids(other), candidate_ids(plain));
  EXPECT_DOUBLE_EQ(other.confidence, plain.confidence);
}

TEST(MatchPrior, PriorMustBeProbabilities) {
  MatchHints hints;
  hints.prior = {{"base1-4", 1.5}};
  EXPECT_EQ(testing::real_catalog().match("Charizard", "4/102", hints).status().code(),
            StatusCode::kInvalidInput);
  hints.prior = {{"base1-4", 0.6}, {"base1-5", 0.6}};
  EXPECT_EQ(testing::real_catalog().match("Charizard", "4/102", hints).status().code(),
            StatusCode::kInvalidInput);
  hints.prior = {{"base1-4", -0.1}};
  EXPECT_EQ(testing::real_catalog()
                .match_printed_text("Charizard", {{"4/102"}, {}, {}}, hints)
                .status()
                .code(),
            StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace cardmint::catalog
