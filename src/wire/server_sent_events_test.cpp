#include "wire/server_sent_events.h"

#include <gtest/gtest.h>

namespace cardmint::wire {
namespace {

TEST(ServerSentEventReaderTest, ReadsFramesSplitAnywhereAcrossReads) {
  const std::string stream =
      "event: quick\ndata: {\"name\":\"Pikachu\"}\n\n"
      ": keep-alive\n\n"
      "data: line one\ndata: line two\n\n"
      "event: complete\r\ndata: {}\r\n\n";
  // Every split point gives the same events.
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    ServerSentEventReader reader;
    std::vector<ServerSentEvent> events = reader.feed(stream.substr(0, split));
    for (ServerSentEvent& e : reader.feed(stream.substr(split))) events.push_back(std::move(e));
    ASSERT_EQ(events.size(), 3u) << "split at " << split;
    EXPECT_EQ(events[0].name, "quick");
    EXPECT_EQ(events[0].data, "{\"name\":\"Pikachu\"}");
    EXPECT_EQ(events[1].name, "message");
    EXPECT_EQ(events[1].data, "line one\nline two");
    EXPECT_EQ(events[2].name, "complete");
    EXPECT_EQ(events[2].data, "{}");
  }
}

TEST(ServerSentEventReaderTest, AnUnfinishedFrameWaitsForItsBlankLine) {
  ServerSentEventReader reader;
  EXPECT_TRUE(reader.feed("event: detected\ndata: {}\n").empty());
  EXPECT_EQ(reader.feed("\n").size(), 1u);
}

}  // namespace
}  // namespace cardmint::wire
