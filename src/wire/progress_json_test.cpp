#include "wire/progress_json.h"

#include <gtest/gtest.h>

#include "wire/server_sent_events.h"

namespace cardmint::wire {
namespace {

TEST(ProgressJsonTest, EachStageCarriesWhatIsKnownThen) {
  recognize::ProgressEvent detected;
  detected.stage = recognize::ProgressStage::kDetected;
  detected.source = "ocr";
  detected.elapsed_ms = 12.5;
  detected.recognition.finish_hint = "holo";
  detected.recognition.finish_hint_confidence = 0.7;
  nlohmann::json j = progress_event_to_json(detected);
  EXPECT_EQ(j["finish_hint"]["finish"], "holo");
  EXPECT_DOUBLE_EQ(j["elapsed_ms"].get<double>(), 12.5);
  EXPECT_FALSE(j.contains("card"));

  recognize::ProgressEvent identified;
  identified.stage = recognize::ProgressStage::kIdentified;
  identified.source = "ocr";
  recognize::CardMatch card;
  card.id = "base1-58";
  card.name = "Pikachu";
  identified.recognition.card = card;
  identified.recognition.confidence = 0.6;
  for (int i = 0; i < 5; ++i) identified.recognition.candidates.push_back({card, 0.6});
  identified.escalating_to = "vlm-256m";
  j = progress_event_to_json(identified);
  EXPECT_EQ(j["card"]["id"], "base1-58");
  EXPECT_EQ(j["escalating_to"], "vlm-256m");
  EXPECT_EQ(j["candidates"].size(), 3u);
  identified.escalating_to.clear();
  EXPECT_TRUE(progress_event_to_json(identified)["escalating_to"].is_null());
}

TEST(ProgressJsonTest, AFrameIsOneEventEvenWithModelTextInIt) {
  recognize::ProgressEvent quick;
  quick.stage = recognize::ProgressStage::kQuick;
  quick.name = "line\nbreak \xff";  // a newline and invalid UTF-8 must not break the framing
  const std::string frame = server_sent_event("quick", progress_event_to_json(quick));
  ServerSentEventReader reader;
  const std::vector<ServerSentEvent> events = reader.feed(frame);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "quick");
  const nlohmann::json parsed = nlohmann::json::parse(events[0].data);
  EXPECT_EQ(parsed["name"].get<std::string>().substr(0, 10), "line\nbreak");
}

}  // namespace
}  // namespace cardmint::wire
