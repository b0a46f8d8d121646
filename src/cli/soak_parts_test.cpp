// The pure parts of `cardmint bench soak`: the bodies it sends, the figures it makes of what came
// back, and its reading of a sanitizer's report.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "cli/sanitizer_findings.h"
#include "cli/soak_figures.h"
#include "cli/soak_uploads.h"
#include "image/image_decoder.h"

namespace cardmint::cli {
namespace {

using nlohmann::json;

std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(SoakUploads, PngBombIsAPngWhoseHeaderClaimsTheGivenSize) {
  const Result<image::ImageHeader> header = image::read_header(as_bytes(png_bomb(60000, 50000)));
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->format, image::ImageFormat::kPng);
  EXPECT_EQ(header->width, 60000);
  EXPECT_EQ(header->height, 50000);
}

TEST(SoakUploads, RecroppedJpegLosesTheCropOffTwoEdgesAndIsOtherBytes) {
  cv::Mat picture(80, 100, CV_8UC3);
  cv::randu(picture, cv::Scalar::all(0), cv::Scalar::all(255));
  std::vector<std::uint8_t> encoded;
  ASSERT_TRUE(cv::imencode(".jpg", picture, encoded));
  const std::string jpeg(encoded.begin(), encoded.end());

  const std::string cropped = recropped_jpeg(jpeg, 3, 90);
  const Result<image::ImageHeader> header = image::read_header(as_bytes(cropped));
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->format, image::ImageFormat::kJpeg);
  EXPECT_EQ(header->width, 97);
  EXPECT_EQ(header->height, 77);
  EXPECT_NE(recropped_jpeg(jpeg, 0, 80), jpeg);
  EXPECT_TRUE(recropped_jpeg(truncated(jpeg).substr(0, 20), 0, 90).empty());
  std::mt19937 rng(7);
  EXPECT_TRUE(recropped_jpeg(random_bytes(rng, 1000), 0, 90).empty());
}

TEST(SoakKindSequence, SendsEveryKindFirstThenRepeatsForTheSameSeed) {
  SoakKindSequence a(42);
  SoakKindSequence b(42);
  std::set<SoakKind> first_round;
  for (std::size_t i = 0; i < kSoakKindCount; ++i) {
    const SoakKind kind = a.next();
    EXPECT_EQ(kind, b.next());
    first_round.insert(kind);
  }
  EXPECT_EQ(first_round.size(), kSoakKindCount);
  std::map<SoakKind, int> later;
  for (int i = 0; i < 10000; ++i) {
    const SoakKind kind = a.next();
    EXPECT_EQ(kind, b.next());
    ++later[kind];
  }
  // Hits are a fifth of the load, each refusal a twenty-fifth.
  EXPECT_NEAR(later[SoakKind::kHit], 2000, 200);
  EXPECT_NEAR(later[SoakKind::kGarbage], 400, 100);
}

SoakOutcome outcome(SoakKind kind, double started_s, double ms, bool expected,
                    std::string detail = "") {
  SoakOutcome o;
  o.kind = kind;
  o.started_s = started_s;
  o.ms = ms;
  o.expected = expected;
  o.status = expected ? 200 : 500;
  o.detail = std::move(detail);
  return o;
}

TEST(SoakFigures, WindowsSplitTheSpanAfterTheWarmUpAndDriftIsLastOverFirstP99) {
  // 2 s warm-up, then 10 windows of 1 s each.
  const SoakSpan span{2, 12};
  std::vector<SoakOutcome> outcomes = {
      outcome(SoakKind::kMiss, 1.0, 999, true, "ocr"),  // warm-up: left out of the windows
      outcome(SoakKind::kHit, 2.1, 10, true, "cache/bytes"),
      outcome(SoakKind::kHit, 2.5, 20, true, "cache/bytes"),
      outcome(SoakKind::kStream, 5.0, 700, true, "ocr"),  // not a plain recognition
      outcome(SoakKind::kMiss, 11.5, 50, true, "ocr"),
      outcome(SoakKind::kMiss, 12.4, 60, true, "ocr"),  // sent in the last moment: last window
  };
  const json figures = soak_load_figures(outcomes, span);
  const json& latency = figures["latency_ms"];
  EXPECT_DOUBLE_EQ(latency["window_s"].get<double>(), 1.0);
  ASSERT_EQ(latency["windows"].size(), 10u);
  EXPECT_EQ(latency["windows"][0]["count"], 2);
  EXPECT_EQ(latency["windows"][0]["p99"], 20.0);
  EXPECT_EQ(latency["windows"][9]["count"], 2);
  EXPECT_EQ(latency["windows"][9]["p99"], 60.0);
  EXPECT_DOUBLE_EQ(latency["p99_drift"].get<double>(), 3.0);
  EXPECT_EQ(figures["counts"]["miss"], 3);
  EXPECT_EQ(figures["counts"]["garbage"], 0);
  EXPECT_EQ(figures["answered_by"]["hit"]["cache/bytes"], 2);
  EXPECT_EQ(figures["errors"]["total"], 0);
}

TEST(SoakFigures, ErrorsAreCountedByKindWithAFewExamples) {
  std::vector<SoakOutcome> outcomes;
  for (int i = 0; i < 5; ++i) {
    outcomes.push_back(outcome(SoakKind::kPngBomb, 3, 1, false, "HTTP 500: " + std::to_string(i)));
  }
  outcomes.push_back(outcome(SoakKind::kHealth, 3, 1, true));
  const json figures = soak_load_figures(outcomes, SoakSpan{2, 12});
  EXPECT_EQ(figures["errors"]["total"], 5);
  EXPECT_EQ(figures["errors"]["by_kind"]["png_bomb"]["count"], 5);
  EXPECT_EQ(figures["errors"]["by_kind"]["png_bomb"]["examples"].size(), 3u);
  EXPECT_FALSE(figures["errors"]["by_kind"].contains("health"));
  EXPECT_TRUE(figures["latency_ms"]["p99_drift"].is_null()) << "no recognition, no drift";
}

TEST(SoakFigures, RssStartsAfterTheWarmUp) {
  const std::vector<RssSample> samples = {{0, 100}, {2.5, 300}, {5, 500}, {7, 400}};
  const json rss = soak_rss_figures(samples, SoakSpan{2, 7}, 550);
  EXPECT_EQ(rss["start"], 300);
  EXPECT_EQ(rss["end"], 400);
  EXPECT_EQ(rss["peak"], 500);
  EXPECT_EQ(rss["growth"], 100);
  EXPECT_EQ(rss["high_water"], 550);
  EXPECT_EQ(rss["samples"], 4);
  EXPECT_TRUE(soak_rss_figures({}, SoakSpan{2, 7}, 0)["start"].is_null());
}

TEST(SanitizerFindings, CountsLeaksAddressErrorsAndUndefinedBehaviour) {
  const std::filesystem::path log = std::filesystem::temp_directory_path() /
                                    ("soak-sanitizer-" + std::to_string(::getpid()) + ".log");
  std::ofstream(log) << "[info] cardmintd listening on 127.0.0.1:1234\n"
                        "src/x.cpp:12:5: runtime error: signed integer overflow\n"
                        "==77==ERROR: LeakSanitizer: detected memory leaks\n"
                        "Direct leak of 64 byte(s) in 1 object(s) allocated from:\n"
                        "-----------------------------------------------------\n"
                        "Suppressions used:\n"
                        "  count      bytes template\n"
                        "     20       1968 tesseract::make_single_row\n"
                        "\n"
                        "-----------------------------------------------------\n"
                        "SUMMARY: AddressSanitizer: 64 byte(s) leaked in 1 allocation(s).\n";
  const SanitizerFindings findings = read_sanitizer_findings(log);
  std::filesystem::remove(log);
  EXPECT_EQ(findings.leak_reports, 1);
  EXPECT_EQ(findings.address_errors, 0);
  EXPECT_EQ(findings.undefined_behaviour, 1);
  ASSERT_EQ(findings.summaries.size(), 1u);
  ASSERT_EQ(findings.suppressed.size(), 1u);
  EXPECT_EQ(findings.suppressed[0], "20       1968 tesseract::make_single_row");
  EXPECT_FALSE(findings.clean());
  EXPECT_TRUE(read_sanitizer_findings("/nonexistent/cardmintd.log").clean());
}

TEST(SanitizerFindings, ThisTestProcessHasTheLeakCheckerExactlyWhenBuiltWithIt) {
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_TRUE(has_leak_checker(::getpid()));
#else
  EXPECT_FALSE(has_leak_checker(::getpid()));
#endif
}

}  // namespace
}  // namespace cardmint::cli
