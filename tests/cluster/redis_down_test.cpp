// Three cardmintd behind nginx sharing one Redis, under a steady load: Redis is killed. No client
// sees a failure; every instance says in /stats that it is degraded, and why, until Redis is
// started again on its port, when they reconnect by themselves.

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/cluster_expectations.h"
#include "tests/cluster/steady_load.h"
#include "tests/cluster/test_cluster.h"

namespace cardmint::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kInstances = 3;
constexpr int kClients = 3;
constexpr int kMinUploads = 200;

// Development-set photos the OCR path reads surely and rightly (see failover_test.cpp).
const std::vector<std::string> kPhotos = {"0005.jpg", "0006.jpg", "0008.jpg", "0012.jpg",
                                          "0013.jpg", "0014.jpg", "0021.jpg", "0022.jpg"};

// One instance's own /stats (straight to it, not through nginx).
json stats_of(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(seconds(5));
  httplib::Result res = client.Get("/stats");
  if (!res || res->status != 200) return json();
  return json::parse(res->body, nullptr, false);
}

bool says_redis_unreachable(const json& stats) {
  if (!stats.is_object() || stats.value("degraded", false) != true) return false;
  const json reasons = stats.value("degraded_reasons", json::array());
  return std::any_of(reasons.begin(), reasons.end(), [](const json& r) {
    return r.is_string() && r.get<std::string>().find("redis unreachable") != std::string::npos;
  });
}

bool says_healthy(const json& stats) {
  return stats.is_object() && stats.contains("degraded") && stats["degraded"] == false &&
         stats.value("degraded_reasons", json::array()).empty();
}

// Polls every instance's /stats until `holds` is true of each; the last /stats seen otherwise.
template <typename Holds>
::testing::AssertionResult all_eventually(const std::vector<int>& ports, Holds holds,
                                          seconds limit) {
  const Clock::time_point deadline = Clock::now() + limit;
  std::map<int, json> last;
  for (;;) {
    bool all = true;
    for (int port : ports) {
      last[port] = stats_of(port);
      all = all && holds(last[port]);
    }
    if (all) return ::testing::AssertionSuccess();
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  for (const auto& [port, stats] : last) {
    failure << "\n  " << port << ": degraded " << stats.value("degraded", json()).dump()
            << ", reasons " << stats.value("degraded_reasons", json()).dump() << ", cache.shared "
            << (stats.contains("cache") && stats["cache"].is_object()
                    ? stats["cache"].value("shared", json()).dump()
                    : "-");
  }
  return failure;
}

TEST(ClusterRedisDown, RedisKilledUnderLoadCostsNoRequestAndIsReportedUntilItIsBack) {
  TestCluster cluster(kInstances);
  const std::vector<int> ports = cluster.instance_ports();
  SteadyLoad load(cluster.nginx_port(), devset_cards(kPhotos), kClients);
  ASSERT_TRUE(load.wait_answered(40, seconds(120))) << cluster.logs();
  ASSERT_TRUE(all_eventually(ports, says_healthy, seconds(10)));

  TestCluster::crash(cluster.redis_pid());
  const Clock::time_point crashed_at = Clock::now();
  EXPECT_TRUE(all_eventually(ports, says_redis_unreachable, seconds(30)));
  // Uploads go on without Redis: each instance answers from its own tiers.
  const int at_crash = load.answered();
  ASSERT_TRUE(load.wait_answered(at_crash + 40, seconds(120))) << cluster.logs();

  cluster.up_again();  // Redis again, empty, on its port
  const Clock::time_point restarted_at = Clock::now();
  EXPECT_TRUE(all_eventually(ports, says_healthy, seconds(30)));
  const std::vector<LoadReply> replies = load.stop(std::max(kMinUploads, load.answered() + 20));

  ASSERT_GE(replies.size(), static_cast<std::size_t>(kMinUploads));
  EXPECT_TRUE(all_good(replies)) << cluster.logs();
  int during_outage = 0;
  for (const LoadReply& r : replies)
    during_outage += r.sent >= crashed_at && r.answered < restarted_at;
  EXPECT_GE(during_outage, 40);
  // Every instance took its share throughout.
  const std::map<int, int> shares = answers_by_port(replies);
  for (int port : ports) EXPECT_GT(shares.count(port) ? shares.at(port) : 0, 0) << port;
  RecordProperty("uploads", static_cast<int>(replies.size()));
  RecordProperty("during_outage", during_outage);
}

}  // namespace
}  // namespace cardmint::testing
