#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace cardmint::metrics {
namespace {

std::string render(const Registry& r) {
  TextWriter out;
  r.write(out);
  return out.take();
}

TEST(RegistryTest, WritesFamiliesInRegistrationOrderWithTheirChildren) {
  Registry r;
  CounterFamily& requests = r.counter("x_requests_total", "Requests.", {"route", "status"});
  GaugeFamily& depth = r.gauge("x_queue_depth", "Waiting.", {});
  requests.with({"/b", "200"}).inc();
  requests.with({"/a", "404"}).inc(2);
  requests.with({"/b", "200"}).inc();
  depth.with({}).set(7);
  EXPECT_EQ(render(r),
            "# HELP x_requests_total Requests.\n"
            "# TYPE x_requests_total counter\n"
            "x_requests_total{route=\"/a\",status=\"404\"} 2\n"
            "x_requests_total{route=\"/b\",status=\"200\"} 2\n"
            "# HELP x_queue_depth Waiting.\n"
            "# TYPE x_queue_depth gauge\n"
            "x_queue_depth 7\n");
}

TEST(RegistryTest, AFamilyWithoutLabelsIsScrapedAsZeroBeforeItsFirstUse) {
  Registry r;
  r.counter("x_errors_total", "Errors.", {});
  EXPECT_NE(render(r).find("\nx_errors_total 0\n"), std::string::npos) << render(r);
}

TEST(RegistryTest, HistogramHasCumulativeBucketsSumAndCount) {
  Registry r;
  HistogramFamily& h = r.histogram("x_seconds", "Time.", {"stage"}, {0.5, 1});
  h.with({"ocr"}).observe(0.25);
  h.with({"ocr"}).observe(0.75);
  h.with({"ocr"}).observe(3);
  EXPECT_EQ(render(r),
            "# HELP x_seconds Time.\n"
            "# TYPE x_seconds histogram\n"
            "x_seconds_bucket{stage=\"ocr\",le=\"0.5\"} 1\n"
            "x_seconds_bucket{stage=\"ocr\",le=\"1\"} 2\n"
            "x_seconds_bucket{stage=\"ocr\",le=\"+Inf\"} 3\n"
            "x_seconds_sum{stage=\"ocr\"} 4\n"
            "x_seconds_count{stage=\"ocr\"} 3\n");
}

TEST(RegistryTest, LabelValuesAreEscaped) {
  Registry r;
  r.counter("x_total", "X.", {"path"}).with({"a\"b\\c\nd"}).inc();
  EXPECT_NE(render(r).find(R"(x_total{path="a\"b\\c\nd"} 1)"), std::string::npos) << render(r);
}

TEST(RegistryTest, ChildrenMayBeCreatedWhileAnotherThreadScrapes) {
  Registry r;
  CounterFamily& c = r.counter("x_total", "X.", {"n"});
  std::jthread writer([&c] {
    for (int i = 0; i < 2000; ++i) c.with({std::to_string(i % 50)}).inc();
  });
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(render(r).empty());
  writer.join();
  double total = 0;
  c.for_each(
      [&](const std::vector<std::string>&, const Counter& child) { total += child.value(); });
  EXPECT_EQ(total, 2000);
}

}  // namespace
}  // namespace cardmint::metrics
