// GET /metrics and GET /stats against the real cardmintd: the text passes the real
// `promtool check metrics`, and the counters, histograms and window move with real requests;
// /stats says "degraded" while a real redis-server is down; the slow-request alert fires and
// clears on real recognitions; and the shipped Prometheus rules and Grafana dashboard read only
// metrics that /metrics exposes.

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/service/cardmintd_process.h"
#include "tests/service/prometheus_text.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"
#include "tests/service/timing_threshold.h"
#include "tests/support/redis_server_process.h"

namespace cardmint::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// 0006 is a photo the OCR path reads surely (Baltoy ex13-59), so it is remembered and its
// repeat is a cache hit; 0001 and 0002 are other photos, read afresh.
constexpr const char* kSureCard = "0006.jpg";

std::string metrics_text(int port) {
  const httplib::Result res = get(port, "/metrics");
  if (!res || res->status != 200) {
    ADD_FAILURE() << "/metrics: " << (res ? res->body : httplib::to_string(res.error()));
    return "";
  }
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  return res->body;
}

json stats(int port) {
  const httplib::Result res = get(port, "/stats");
  if (!res || res->status != 200) {
    ADD_FAILURE() << "/stats: " << (res ? res->body : httplib::to_string(res.error()));
    return json::object();
  }
  return json::parse(res->body);
}

double sample(const std::map<std::string, double>& samples, const std::string& series) {
  const auto it = samples.find(series);
  return it == samples.end() ? NAN : it->second;
}

int recognize_status(int port, const std::string& bytes) {
  const httplib::Result res = post_raw(port, bytes, "image/jpeg");
  return res ? res->status : -1;
}

// Polls `done` every 50 ms until it holds or `timeout` passes.
template <typename Done>
bool eventually(Done done, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

TEST(MetricsServiceTest, MetricsPassPromtoolAndMoveWithRequests) {
  CardmintdProcess server({"--cache-file", "memory"});
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  const int port = server.port();

  const std::string before = metrics_text(port);
  ASSERT_TRUE(promtool_accepts_metrics(before));
  const std::map<std::string, double> start = metric_samples(before);
  EXPECT_TRUE(std::isnan(
      sample(start, R"(cardmint_http_requests_total{method="POST",route="/recognize",status="200"})")));
  EXPECT_EQ(sample(start, "cardmint_ready"), 1);

  const std::string sure = devset_photo(kSureCard);
  ASSERT_EQ(recognize_status(port, sure), 200);
  ASSERT_EQ(recognize_status(port, sure), 200);  // the same bytes: a cache hit
  ASSERT_TRUE(is_json_error(post_raw(port, "hello", "text/plain"), 415, "unsupported_media"));
  ASSERT_EQ(recognize_status(port, card_jpeg()), 200);  // OCR is unsure: the model is asked
  ASSERT_TRUE(is_json_error(get(port, "/nowhere"), 404, "not_found"));

  const std::string after = metrics_text(port);
  ASSERT_TRUE(promtool_accepts_metrics(after));
  const std::map<std::string, double> m = metric_samples(after);
  EXPECT_EQ(sample(m, R"(cardmint_http_requests_total{method="POST",route="/recognize",status="200"})"), 3)
      << after;
  EXPECT_EQ(sample(m, R"(cardmint_http_requests_total{method="POST",route="/recognize",status="415"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_http_requests_total{method="GET",route="unmatched",status="404"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_http_requests_total{method="GET",route="/metrics",status="200"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_http_request_duration_seconds_count{route="/recognize"})"), 4);
  EXPECT_EQ(sample(m, "cardmint_http_requests_in_flight"), 1);  // this scrape
  EXPECT_EQ(sample(m, R"(cardmint_cache_hits_total{kind="bytes"})"), 1);
  EXPECT_GE(sample(m, "cardmint_cache_misses_total"), 1);
  EXPECT_GE(sample(m, "cardmint_cache_entries"), 1);

  EXPECT_EQ(sample(m, R"(cardmint_recognitions_total{source="cache",result="card"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_recognitions_total{source="ocr",result="card"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_count{stage="total",source="ocr"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_count{stage="ocr",source="ocr"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_count{stage="decode",source="ocr"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_count{stage="rectify",source="ocr"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_count{stage="hash",source="ocr"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_count{stage="cache",source="cache"})"), 1);
  EXPECT_GT(sample(m, R"(cardmint_recognition_stage_seconds_sum{stage="total",source="ocr"})"), 0);
  // The cache answered without decoding: no decode observation for it.
  EXPECT_TRUE(std::isnan(
      sample(m, R"(cardmint_recognition_stage_seconds_count{stage="decode",source="cache"})")));
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_bucket{stage="total",source="ocr",le="+Inf"})"), 1);

  // The card picture OCR cannot read went on to the model.
  EXPECT_EQ(sample(m, R"(cardmint_model_switches_total{from="ocr",to="vlm-256m"})"), 1) << after;
  EXPECT_EQ(sample(m, R"(cardmint_recognition_stage_seconds_count{stage="vlm_generate",source="vlm-256m"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_vlm_jobs_total{model="vlm-256m"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_vlm_batches_total{model="vlm-256m"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_vlm_batched_jobs_total{model="vlm-256m"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_vlm_batch_size_max{model="vlm-256m"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_vlm_batch_efficiency{model="vlm-256m"})"), 1);
  EXPECT_EQ(sample(m, R"(cardmint_queue_depth{queue="cpu"})"), 0);
  EXPECT_EQ(sample(m, R"(cardmint_queue_depth{queue="vlm-256m"})"), 0);

  EXPECT_EQ(sample(m, "cardmint_alert_slow_requests_firing"), 0);
  EXPECT_EQ(sample(m, "cardmint_alert_slow_requests_threshold_seconds"), 10);
  EXPECT_EQ(sample(m, "cardmint_degraded"), 0);
  bool build_info = false;
  for (const auto& [series, value] : m) {
    if (series.rfind("cardmint_build_info{version=\"", 0) == 0) {
      build_info = value == 1 && series.find("commit=\"\"") == std::string::npos;
    }
  }
  EXPECT_TRUE(build_info) << after;
  EXPECT_TRUE(still_serving(port));
}

TEST(MetricsServiceTest, StatsKeepTheirCountersAndAddTheWindow) {
  CardmintdProcess server({"--cache-file", "memory"}, {}, /*with_model=*/false);
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  const int port = server.port();
  const std::string sure = devset_photo(kSureCard);
  ASSERT_EQ(recognize_status(port, sure), 200);
  ASSERT_EQ(recognize_status(port, sure), 200);
  ASSERT_EQ(recognize_status(port, sure), 200);
  ASSERT_EQ(recognize_status(port, devset_photo("0001.jpg")), 200);

  const json s = stats(port);
  // What /stats had before stays.
  EXPECT_EQ(s["cache"]["hits"]["bytes"], 2) << s.dump();
  EXPECT_TRUE(s["model_switches"].is_object());
  EXPECT_EQ(s["answers_by_source"]["cache"], 2);
  EXPECT_TRUE(s["cpu_queue"].is_number());

  const json& latency = s["latency_ms"];
  EXPECT_EQ(latency["overall"]["count"], 4) << s.dump();
  EXPECT_EQ(latency["by_source"]["cache"]["count"], 2);
  EXPECT_EQ(latency["by_source"]["ocr"]["count"], 2);
  for (const json& summary : {latency["overall"], latency["by_source"]["ocr"],
                              latency["by_source"]["cache"]}) {
    EXPECT_GT(summary["p50"].get<double>(), 0);
    EXPECT_LE(summary["p50"].get<double>(), summary["p90"].get<double>());
    EXPECT_LE(summary["p90"].get<double>(), summary["p99"].get<double>());
  }
  // Two OCR reads, each slower than either repeat answered from memory.
  EXPECT_GT(latency["by_source"]["ocr"]["p50"].get<double>(),
            latency["by_source"]["cache"]["p99"].get<double>());
  EXPECT_EQ(latency["overall"]["p99"], latency["by_source"]["ocr"]["p99"]);
  EXPECT_DOUBLE_EQ(s["hit_rate"].get<double>(), 0.5);
  EXPECT_EQ(s["window"]["recognitions"], 4);
  EXPECT_EQ(s["window"]["max_recognitions"], 1000);
  const double span_s = s["window"]["seconds"].get<double>();
  ASSERT_GT(span_s, 0);
  // 0006 three times, sure each time; 0001 may or may not be a card.
  const double cards = s["cards_per_hour"].get<double>() * span_s / 3600;
  EXPECT_GE(std::lround(cards), 3);
  EXPECT_LE(std::lround(cards), 4);
  EXPECT_EQ(s["in_flight"], 1);  // this request
  EXPECT_EQ(s["alerts"]["slow_requests"]["firing"], false);
  EXPECT_EQ(s["alerts"]["slow_requests"]["observed"], 4);
  EXPECT_EQ(s["degraded"], false);
  EXPECT_EQ(s["degraded_reasons"], json::array());
}

TEST(MetricsServiceTest, DegradedWhileRedisIsDown) {
  RedisServerProcess redis;
  CardmintdProcess server({"--cache-file", "memory", "--redis-url", redis.url()}, {},
                          /*with_model=*/false);
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  const int port = server.port();
  const std::string photo = devset_photo(kSureCard);
  // Before its first use the shared tier is not connected, and that is not "degraded".
  EXPECT_EQ(stats(port)["degraded"], false);
  ASSERT_EQ(recognize_status(port, photo), 200);  // connects the request connection
  ASSERT_TRUE(eventually([&] { return stats(port)["cache"]["shared"]["connected"] == true; },
                         std::chrono::seconds(30)))
      << server.log();
  EXPECT_EQ(stats(port)["degraded"], false);

  redis.stop();
  // Requests find the dead connection; the stream reader finds it by itself too.
  ASSERT_TRUE(eventually(
      [&] {
        EXPECT_EQ(recognize_status(port, photo), 200);
        return stats(port)["degraded"] == true;
      },
      std::chrono::seconds(30)))
      << server.log();
  const json s = stats(port);
  EXPECT_EQ(s["degraded_reasons"], json::array({"redis unreachable"}));
  const std::string text = metrics_text(port);
  ASSERT_TRUE(promtool_accepts_metrics(text));
  const std::map<std::string, double> m = metric_samples(text);
  EXPECT_EQ(sample(m, "cardmint_degraded"), 1);
  EXPECT_EQ(sample(m, "cardmint_redis_connected"), 0);
  EXPECT_GT(sample(m, "cardmint_redis_errors_total"), 0);

  redis.restart();
  // The request connection tries again after its backoff (at most 2 s), when a request needs it.
  EXPECT_TRUE(eventually(
      [&] {
        EXPECT_EQ(recognize_status(port, photo), 200);
        return stats(port)["degraded"] == false;
      },
      std::chrono::seconds(30)))
      << server.log();
  EXPECT_EQ(sample(metric_samples(metrics_text(port)), "cardmint_redis_connected"), 1);
}

bool log_has(const CardmintdProcess& server, const std::string& text) {
  return server.log().find(text) != std::string::npos;
}

TEST(AlertServiceTest, SlowRequestAlertFiresAboveTheShareAndClears) {
  const double slow_ms = ms_between_cache_hit_and_ocr_read();
  ASSERT_GT(slow_ms, 0);
  // Fresh OCR reads are slow, repeats from the cache fast; the alert looks at the last 10.
  CardmintdProcess server({"--cache-file", "memory"},
                          {{"ALERT_SLOW_MS", std::to_string(std::lround(slow_ms))},
                           {"ALERT_WINDOW", "10"},
                           {"ALERT_SLOW_SHARE", "0.1"}},
                          /*with_model=*/false);
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  const int port = server.port();
  const std::string sure = devset_photo(kSureCard);
  auto alert = [&] { return stats(port)["alerts"]["slow_requests"]; };

  ASSERT_EQ(recognize_status(port, sure), 200);                     // slow: 1 of 10
  for (int i = 0; i < 9; ++i) ASSERT_EQ(recognize_status(port, sure), 200);  // fast
  json a = alert();
  EXPECT_EQ(a["observed"], 10) << a.dump();
  EXPECT_EQ(a["slow"], 1) << a.dump();
  EXPECT_EQ(a["firing"], false) << "10% is not more than 10%: " << a.dump();
  EXPECT_EQ(a["slow_ms"], std::lround(slow_ms));

  ASSERT_EQ(recognize_status(port, devset_photo("0001.jpg")), 200);  // slow; the first leaves
  a = alert();
  EXPECT_EQ(a["slow"], 1) << a.dump();
  EXPECT_EQ(a["firing"], false) << a.dump();
  EXPECT_FALSE(log_has(server, "state=firing"));

  ASSERT_EQ(recognize_status(port, devset_photo("0002.jpg")), 200);  // slow: 2 of the last 10
  a = alert();
  EXPECT_EQ(a["slow"], 2) << a.dump();
  EXPECT_EQ(a["firing"], true) << a.dump();
  EXPECT_DOUBLE_EQ(a["share"].get<double>(), 0.2);
  std::map<std::string, double> m = metric_samples(metrics_text(port));
  EXPECT_EQ(sample(m, "cardmint_alert_slow_requests_firing"), 1);
  EXPECT_DOUBLE_EQ(sample(m, "cardmint_alert_slow_requests_share"), 0.2);
  EXPECT_TRUE(eventually([&] { return log_has(server, "alert=slow_requests state=firing"); },
                         std::chrono::seconds(10)))
      << server.log();

  for (int i = 0; i < 8; ++i) ASSERT_EQ(recognize_status(port, sure), 200);
  EXPECT_EQ(alert()["firing"], true) << "0001 and 0002 are still among the last 10";
  ASSERT_EQ(recognize_status(port, sure), 200);  // 0001 leaves: 1 of 10
  a = alert();
  EXPECT_EQ(a["firing"], false) << a.dump();
  m = metric_samples(metrics_text(port));
  EXPECT_EQ(sample(m, "cardmint_alert_slow_requests_firing"), 0);
  EXPECT_TRUE(eventually([&] { return log_has(server, "alert=slow_requests state=cleared"); },
                         std::chrono::seconds(10)))
      << server.log();
  // One line each way, not one per request.
  const std::string log = server.log();
  EXPECT_EQ(log.find("state=firing"), log.rfind("state=firing"));
  EXPECT_TRUE(log.find("warn") != std::string::npos);
}

// The text after the first `key: ` on each line of a YAML file that holds `key:`, unquoted.
std::vector<std::string> yaml_values(const std::filesystem::path& file, const std::string& key) {
  std::vector<std::string> values;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const std::size_t at = line.find(key + ": ");
    if (at == std::string::npos) continue;
    std::string value = line.substr(at + key.size() + 2);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"')) {
      value = value.substr(1, value.size() - 2);
    }
    values.push_back(value);
  }
  return values;
}

void collect_exprs(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "expr" && value.is_string()) {
        out.push_back(value.get<std::string>());
      } else {
        collect_exprs(value, out);
      }
    }
  } else if (node.is_array()) {
    for (const json& item : node) collect_exprs(item, out);
  }
}

TEST(MonitoringFilesTest, RulesAndDashboardReadOnlyMetricsTheServiceExposes) {
  const std::filesystem::path deploy = std::filesystem::path(CARDMINT_SOURCE_DIR) / "deploy";
  const std::filesystem::path rules = deploy / "prometheus" / "cardmint-alerts.yml";
  EXPECT_TRUE(promtool_succeeds("check rules " + rules.string()));
  // The rule's own unit test: the alert fires on a series where 2 of 10 requests were slow,
  // and stays quiet at 1 of 10.
  EXPECT_TRUE(promtool_succeeds("test rules " +
                                (deploy / "prometheus" / "cardmint-alerts.test.yml").string()));

  CardmintdProcess server({"--cache-file", "memory"});
  ASSERT_TRUE(server.wait_ready(std::chrono::seconds(60))) << server.log();
  const std::set<std::string> exposed = metric_families(metrics_text(server.port()));
  ASSERT_FALSE(exposed.empty());

  std::vector<std::string> exprs = yaml_values(rules, "expr");
  ASSERT_GE(exprs.size(), 2u);
  std::ifstream dashboard_file(deploy / "grafana" / "cardmint-dashboard.json");
  const json dashboard = json::parse(dashboard_file);
  std::vector<std::string> panels;
  collect_exprs(dashboard, panels);
  ASSERT_GE(panels.size(), 7u);
  exprs.insert(exprs.end(), panels.begin(), panels.end());
  for (const std::string& expr : exprs) {
    const std::set<std::string> names = metric_names_in_promql(expr);
    EXPECT_FALSE(names.empty()) << "reads no cardmint metric: " << expr;
    for (const std::string& name : names) {
      EXPECT_TRUE(exposed.count(name)) << name << " (in " << expr << ") is not on /metrics";
    }
  }
}

}  // namespace
}  // namespace cardmint::testing
