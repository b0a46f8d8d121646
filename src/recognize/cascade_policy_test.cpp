// The escalation rules, on answers whose confidence the test sets.

#include "recognize/cascade_policy.h"

#include <gtest/gtest.h>

#include <vector>

namespace cardmint::recognize {
namespace {

const std::vector<ModelSource> kBothModels = {{"vlm-256m", false}, {"vlm-500m", true}};
const std::vector<ModelSource> kFastOnly = {{"vlm-256m", false}};
const std::vector<ModelSource> kAccurateOnly = {{"vlm-500m", true}};

std::optional<std::string> next_model(ScanMode mode, const std::vector<SourceAnswer>& answers,
                                      const std::vector<ModelSource>& models = kBothModels,
                                      double holo_hint = 0) {
  std::optional<Escalation> e = next_escalation(mode, {}, answers, models, holo_hint);
  if (!e) return std::nullopt;
  EXPECT_FALSE(e->reason.empty());
  return models[e->model].name;
}

TEST(CascadePolicyTest, ModesHaveNamesThatParseBack) {
  for (ScanMode mode : {ScanMode::kBulkInventory, ScanMode::kStandard, ScanMode::kHighValue}) {
    EXPECT_EQ(parse_scan_mode(scan_mode_name(mode)), mode);
  }
  EXPECT_EQ(parse_scan_mode("bulk_inventory"), ScanMode::kBulkInventory);
  EXPECT_FALSE(parse_scan_mode("fast").has_value());
  EXPECT_FALSE(parse_scan_mode("").has_value());
}

TEST(CascadePolicyTest, StandardStopsAtASureAnswerAndEscalatesBelowTheThreshold) {
  EXPECT_EQ(next_model(ScanMode::kStandard, {{"ocr", "base1-58", 0.92}}), std::nullopt);
  EXPECT_EQ(next_model(ScanMode::kStandard, {{"ocr", "base1-58", 0.85}}), std::nullopt);
  EXPECT_EQ(next_model(ScanMode::kStandard, {{"ocr", "base1-58", 0.84}}), "vlm-256m");
  EXPECT_EQ(next_model(ScanMode::kStandard, {{"ocr", "", 0}}), "vlm-256m");
  // Still unsure after the fast model: the accurate one is next, then nothing is left.
  EXPECT_EQ(next_model(ScanMode::kStandard, {{"ocr", "", 0}, {"vlm-256m", "base1-58", 0.6}}),
            "vlm-500m");
  EXPECT_EQ(next_model(ScanMode::kStandard,
                       {{"ocr", "", 0}, {"vlm-256m", "", 0}, {"vlm-500m", "base1-58", 0.5}}),
            std::nullopt);
  // The fast model's sure answer ends it.
  EXPECT_EQ(next_model(ScanMode::kStandard, {{"ocr", "", 0}, {"vlm-256m", "base1-58", 0.9}}),
            std::nullopt);
}

TEST(CascadePolicyTest, TheThresholdIsConfigurable) {
  EscalationPolicy strict;
  strict.escalate_below = 0.95;
  const std::vector<SourceAnswer> answers = {{"ocr", "base1-58", 0.9}};
  EXPECT_TRUE(next_escalation(ScanMode::kStandard, strict, answers, kBothModels, 0).has_value());
  EXPECT_FALSE(next_escalation(ScanMode::kStandard, {}, answers, kBothModels, 0).has_value());
}

TEST(CascadePolicyTest, StandardSendsADisagreementToTheAccurateModel) {
  // Both sure, but of different cards: neither is sure any more, and the accurate model settles it.
  const std::vector<SourceAnswer> answers = {{"ocr", "base1-58", 0.95},
                                             {"vlm-256m", "base2-60", 0.9}};
  std::optional<Escalation> e = next_escalation(ScanMode::kStandard, {}, answers, kBothModels, 0);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(kBothModels[e->model].name, "vlm-500m");
}

TEST(CascadePolicyTest, StandardConfirmsAHoloWithASecondSource) {
  const std::vector<SourceAnswer> ocr_only = {{"ocr", "base1-4", 0.95}};
  std::optional<Escalation> e =
      next_escalation(ScanMode::kStandard, {}, ocr_only, kBothModels, 0.8);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(kBothModels[e->model].name, "vlm-256m");
  EXPECT_NE(e->reason.find("holo"), std::string::npos) << e->reason;
  // A faint hint is not a holo.
  EXPECT_EQ(next_model(ScanMode::kStandard, ocr_only, kBothModels, 0.3), std::nullopt);
  // Once a second source agrees, it is confirmed.
  EXPECT_EQ(next_model(ScanMode::kStandard,
                       {{"ocr", "base1-4", 0.95}, {"vlm-256m", "base1-4", 0.7}}, kBothModels, 0.8),
            std::nullopt);
}

TEST(CascadePolicyTest, BulkInventoryAsksAtMostTheFastModel) {
  EXPECT_EQ(next_model(ScanMode::kBulkInventory, {{"ocr", "base1-58", 0.9}}), std::nullopt);
  EXPECT_EQ(next_model(ScanMode::kBulkInventory, {{"ocr", "", 0}}), "vlm-256m");
  EXPECT_EQ(next_model(ScanMode::kBulkInventory, {{"ocr", "", 0}, {"vlm-256m", "", 0}}),
            std::nullopt);
  // Neither a disagreement nor a holo is worth a second model in bulk.
  EXPECT_EQ(next_model(ScanMode::kBulkInventory, {{"ocr", "base1-4", 0.95}}, kBothModels, 0.9),
            std::nullopt);
  // The accurate model is used when it is the only one.
  EXPECT_EQ(next_model(ScanMode::kBulkInventory, {{"ocr", "", 0}}, kAccurateOnly), "vlm-500m");
}

TEST(CascadePolicyTest, HighValueAlwaysConfirmsWithTheAccurateModel) {
  EXPECT_EQ(next_model(ScanMode::kHighValue, {{"ocr", "base1-58", 0.99}}), "vlm-500m");
  EXPECT_EQ(next_model(ScanMode::kHighValue, {{"ocr", "base1-58", 0.99}, {"vlm-500m", "", 0}}),
            std::nullopt);
  // Without an accurate model, the fast one must agree.
  EXPECT_EQ(next_model(ScanMode::kHighValue, {{"ocr", "base1-58", 0.99}}, kFastOnly), "vlm-256m");
  EXPECT_EQ(next_model(ScanMode::kHighValue,
                       {{"ocr", "base1-58", 0.99}, {"vlm-256m", "base1-58", 0.9}}, kFastOnly),
            std::nullopt);
}

TEST(CascadePolicyTest, NoModelsMeansNoEscalation) {
  EXPECT_EQ(next_model(ScanMode::kStandard, {{"ocr", "", 0}}, {}), std::nullopt);
  EXPECT_EQ(next_model(ScanMode::kHighValue, {{"ocr", "base1-58", 0.9}}, {}), std::nullopt);
}

TEST(CascadePolicyTest, DecideKeepsTheSurestCardAndDiscountsADisagreement) {
  EXPECT_FALSE(decide(std::vector<SourceAnswer>{{"ocr", "", 0}}).has_value());
  std::optional<Decision> d =
      decide(std::vector<SourceAnswer>{{"ocr", "base1-58", 0.6}, {"vlm-256m", "base1-58", 0.9}});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->answer, 1u);
  EXPECT_DOUBLE_EQ(d->confidence, 0.9);
  // 0.9 against 0.88 leaves 0.9·0.12 / (0.9·0.12 + 0.88·0.1) ≈ 0.55: below any sane threshold.
  d = decide(std::vector<SourceAnswer>{{"ocr", "base1-58", 0.9}, {"vlm-500m", "base2-60", 0.88}});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->answer, 0u);
  EXPECT_NEAR(d->confidence, 0.551, 0.001);
  // An unknown from one source does not count against another's card.
  d = decide(std::vector<SourceAnswer>{{"ocr", "base1-58", 0.9}, {"vlm-256m", "", 0}});
  ASSERT_TRUE(d.has_value());
  EXPECT_DOUBLE_EQ(d->confidence, 0.9);
}

}  // namespace
}  // namespace cardmint::recognize
