#include "metrics/text_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace cardmint::metrics {
namespace {

TEST(TextWriterTest, EscapesLabelValuesAsTheFormatRequires) {
  EXPECT_EQ(escape_label_value(R"(a"b\c)"), R"(a\"b\\c)");
  EXPECT_EQ(escape_label_value("line\nnext"), R"(line\nnext)");
  EXPECT_EQ(escape_label_value("ocr→vlm-256m"), "ocr→vlm-256m");  // UTF-8 passes as is
}

TEST(TextWriterTest, EscapesHelpButLeavesItsQuotes) {
  EXPECT_EQ(escape_help("say \"hi\"\\\nbye"), "say \"hi\"\\\\\\nbye");
}

TEST(TextWriterTest, SpellsNumbersTheWayPrometheusReadsThem) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(12), "12");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(0.0025), "0.0025");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(TextWriterTest, WritesHelpTypeAndSamples) {
  TextWriter out;
  out.family("cardmint_requests_total", "Requests.\nBy status.", MetricType::kCounter);
  out.sample("cardmint_requests_total", {{"route", "/recognize"}, {"status", "200"}}, 3);
  out.family("cardmint_up", "Up.", MetricType::kGauge);
  out.sample("cardmint_up", {}, 1);
  EXPECT_EQ(out.text(),
            "# HELP cardmint_requests_total Requests.\\nBy status.\n"
            "# TYPE cardmint_requests_total counter\n"
            "cardmint_requests_total{route=\"/recognize\",status=\"200\"} 3\n"
            "# HELP cardmint_up Up.\n"
            "# TYPE cardmint_up gauge\n"
            "cardmint_up 1\n");
}

}  // namespace
}  // namespace cardmint::metrics
