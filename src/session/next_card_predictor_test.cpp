#include "session/next_card_predictor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/test_catalog.h"

namespace cardmint::session {
namespace {

std::vector<ScannedCard> scans(const std::vector<std::string>& ids) {
  std::vector<ScannedCard> out;
  for (const std::string& id : ids) {
    Result<catalog::Card> card = catalog::testing::real_catalog().get_card(id);
    EXPECT_TRUE(card.ok()) << id;
    if (card.ok()) out.push_back({card->id, card->set_id, card->number, catalog::Finish::kNormal});
  }
  return out;
}

std::vector<Prediction> predict(const std::vector<std::string>& ids) {
  return predict_next(scans(ids), catalog::testing::real_catalog());
}

double probability_of(const std::vector<Prediction>& predictions, const std::string& id) {
  for (const Prediction& p : predictions) {
    if (p.card_id == id) return p.probability;
  }
  return 0.0;
}

double total(const std::vector<Prediction>& predictions) {
  double sum = 0.0;
  for (const Prediction& p : predictions) sum += p.probability;
  return sum;
}

TEST(PredictNext, FiveConsecutiveNumbersPredictTheNextStrongly) {
  const std::vector<Prediction> next =
      predict({"base1-1", "base1-2", "base1-3", "base1-4", "base1-5"});
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next[0].card_id, "base1-6");
  EXPECT_EQ(next[0].reason, PredictionReason::kSequence);
  EXPECT_GT(next[0].probability, 0.6);    // 4 steps: 0.8 of a run, 0.8 of that for the next card
  EXPECT_EQ(next[1].card_id, "base1-7");  // when the collector lacks base1-6
  EXPECT_LT(next[1].probability, 0.2);
  EXPECT_LE(total(next), 1.0);
  EXPECT_EQ(probability_of(next, "base1-3"), 0.0);  // scanned already
}

TEST(PredictNext, FewerScansPredictLess) {
  const double one = probability_of(predict({"base1-4"}), "base1-5");
  const double two = probability_of(predict({"base1-3", "base1-4"}), "base1-5");
  const double four =
      probability_of(predict({"base1-1", "base1-2", "base1-3", "base1-4"}), "base1-5");
  EXPECT_GT(one, 0.1);
  EXPECT_LT(one, 0.2);  // one scan is a hunch
  EXPECT_GT(two, one);
  EXPECT_GT(four, two);
  EXPECT_LT(four, 0.8);  // a run ends somewhere; and the collector may lack base1-5
}

TEST(PredictNext, StepsOfTwoAndDescendingRuns) {
  const std::vector<Prediction> every_other = predict({"base1-10", "base1-8", "base1-6"});
  ASSERT_FALSE(every_other.empty());
  EXPECT_EQ(every_other[0].card_id, "base1-4");
  EXPECT_EQ(every_other[0].reason, PredictionReason::kSequence);
  // A jump of 20 is no run: only the number after the last.
  const std::vector<Prediction> jump = predict({"base1-10", "base1-30"});
  ASSERT_FALSE(jump.empty());
  EXPECT_EQ(jump[0].card_id, "base1-31");
  EXPECT_EQ(jump[0].reason, PredictionReason::kNextNumber);
}

TEST(PredictNext, ARunTheLastScanBrokeKeepsSomeWeight) {
  const std::vector<Prediction> next =
      predict({"base1-1", "base1-2", "base1-3", "base1-4", "base1-17"});
  const double resumed = probability_of(next, "base1-5");
  const double after_last = probability_of(next, "base1-18");
  EXPECT_GT(resumed, 0.1);
  EXPECT_LT(resumed, 0.3);
  EXPECT_GT(after_last, 0.1);
  EXPECT_LT(after_last, 0.2);
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next[0].card_id, "base1-5");
  EXPECT_EQ(next[0].reason, PredictionReason::kResumedSequence);
  EXPECT_LE(total(next), 1.0);
}

TEST(PredictNext, PrefixedRunsStayInTheirPrefix) {
  const std::vector<Prediction> next = predict({"g1-RC1", "g1-RC2", "g1-RC3"});
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next[0].card_id, "g1-RC4");
  EXPECT_EQ(probability_of(next, "g1-4"), probability_of(next, "g1-5"));  // completion only
}

TEST(PredictNext, NothingPastTheEndOfTheSet) {
  const std::vector<Prediction> next = predict({"base1-100", "base1-101", "base1-102"});
  for (const Prediction& p : next) EXPECT_EQ(p.reason, PredictionReason::kSetCompletion);
  EXPECT_LE(total(next), 0.1 + 1e-9);
}

TEST(PredictNext, SetCompletionSpreadsThinOverTheCardsNotScanned) {
  const std::vector<Prediction> next = predict({"base1-4", "base1-40", "base1-70"});
  const double a = probability_of(next, "base1-20");
  const double b = probability_of(next, "base1-90");
  EXPECT_GT(a, 0.0);
  EXPECT_DOUBLE_EQ(a, b);
  EXPECT_LT(a, 0.01);
  EXPECT_EQ(probability_of(next, "base1-40"), 0.0);
  EXPECT_EQ(probability_of(next, "base2-1"), 0.0);
  EXPECT_GT(probability_of(next, "base1-71"), 10 * a);  // the number after the last still leads
  EXPECT_LE(total(next), 1.0);
}

TEST(PredictNext, NoHistoryNoPrediction) {
  EXPECT_TRUE(predict_next({}, catalog::testing::real_catalog()).empty());
}

TEST(PredictNext, PriorAndIdsKeepTheOrder) {
  const std::vector<Prediction> next = predict({"base1-1", "base1-2"});
  const std::vector<catalog::CardPrior> prior = match_prior(next);
  ASSERT_EQ(prior.size(), next.size());
  EXPECT_EQ(prior[0].card_id, "base1-3");
  EXPECT_DOUBLE_EQ(prior[0].probability, next[0].probability);
  EXPECT_EQ(predicted_ids(next, 2), (std::vector<std::string>{"base1-3", "base1-4"}));
  EXPECT_EQ(reason_name(PredictionReason::kSetCompletion), "set completion");
}

}  // namespace
}  // namespace cardmint::session
