// Three cardmintd behind nginx under a steady load of concurrent clients: one instance is killed
// (SIGKILL) mid-load. No client sees a failure: nginx sends what the dead instance had, and
// everything after, to the survivors, and the shared cache still answers repeats. Started again,
// the instance rejoins and gets traffic.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/cluster/cluster_expectations.h"
#include "tests/cluster/steady_load.h"
#include "tests/cluster/test_cluster.h"

namespace cardmint::testing {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kInstances = 3;
constexpr int kClients = 4;
constexpr int kUploads = 240;
constexpr int kKillAfter = 60;  // answers before the crash

// Development-set photos the OCR path reads surely and rightly (confidence >= 0.85, so each is
// remembered by the cache; `cardmint scan` on data/devset shows it).
const std::vector<std::string> kPhotos = {"0005.jpg", "0006.jpg", "0008.jpg", "0012.jpg",
                                          "0013.jpg", "0014.jpg", "0021.jpg", "0022.jpg",
                                          "0000.jpg", "0003.jpg", "0010.jpg", "0024.jpg"};

TEST(ClusterFailover, AnInstanceKilledMidLoadCostsNoRequestAndRejoinsOnceRestarted) {
  TestCluster cluster(kInstances);
  const std::vector<int> ports = cluster.instance_ports();
  ASSERT_EQ(ports.size(), static_cast<std::size_t>(kInstances));
  const int victim = ports[1];
  const std::vector<TestPhoto> photos = devset_cards(kPhotos);

  SteadyLoad load(cluster.nginx_port(), photos, kClients);
  ASSERT_TRUE(load.wait_answered(kKillAfter, seconds(120))) << cluster.logs();
  TestCluster::crash(cluster.instance_pid(1));
  const Clock::time_point killed_at = Clock::now();
  const std::vector<LoadReply> replies = load.stop(kUploads);

  ASSERT_GE(replies.size(), static_cast<std::size_t>(kUploads));
  EXPECT_TRUE(all_good(replies)) << cluster.logs();

  // Before the crash every instance answered; after it, only the survivors, each a share.
  const std::map<int, int> before = answers_by_port(replies);
  const std::map<int, int> after = answers_by_port(replies, killed_at);
  for (int port : ports) EXPECT_GT(before.count(port) ? before.at(port) : 0, 0) << port;
  EXPECT_EQ(after.count(victim), 0u) << "the dead instance answered " << after.at(victim);
  int after_total = 0;
  for (int port : ports) {
    if (port == victim) continue;
    EXPECT_GT(after.count(port) ? after.at(port) : 0, 0) << "survivor " << port;
    after_total += after.count(port) ? after.at(port) : 0;
  }
  int sent_after = 0;
  for (const LoadReply& r : replies) sent_after += r.sent >= killed_at;
  EXPECT_EQ(after_total, sent_after);  // every one of them, by a survivor
  EXPECT_GE(sent_after, kUploads / 2);

  // nginx did send uploads to the dead instance and, finding it gone, to another: the failover
  // was exercised, not avoided.
  int retried = 0;
  for (const LoadReply& r : replies) {
    if (r.sent >= killed_at && r.tried_ports.size() > 1 && r.tried_ports.front() == victim) {
      ++retried;
    }
  }
  EXPECT_GE(retried, 1);

  // The shared cache answered repeats, across instances: a photo answered from the cache by an
  // instance that never read it itself was read by another one.
  int cache_answers = 0, shared_answers = 0;
  std::set<std::pair<int, std::string>> read_by;  // (instance, photo) that instance recognised
  for (const LoadReply& r : replies) {
    if (r.source != "cache") {
      read_by.insert({r.served_port, r.photo});
      continue;
    }
    ++cache_answers;
    shared_answers += read_by.count({r.served_port, r.photo}) == 0;
  }
  // Even rounds after the first send the very bytes of the first (108 of 240 uploads), odd
  // rounds the same pictures in new bytes, which the perceptual hash answers unless a reprint
  // shares the picture.
  EXPECT_GT(cache_answers, kUploads / 3);
  EXPECT_GT(shared_answers, 0);

  // Started again on its port, the instance gets traffic once nginx's fail_timeout has passed.
  cluster.up_again();
  ASSERT_NE(cluster.instance_pid(1), 0);
  SteadyLoad rejoin(cluster.nginx_port(), photos, 2);
  const Clock::time_point deadline = Clock::now() + seconds(90);
  while (rejoin.answered_by(victim) < 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::vector<LoadReply> later = rejoin.stop();
  EXPECT_TRUE(all_good(later)) << cluster.logs();
  const std::map<int, int> shares = answers_by_port(later);
  EXPECT_GE(shares.count(victim) ? shares.at(victim) : 0, 3) << cluster.logs();
  RecordProperty("uploads", static_cast<int>(replies.size()));
  RecordProperty("retried_by_nginx", retried);
  RecordProperty("cache_answers", cache_answers);
  RecordProperty("shared_cache_answers", shared_answers);
}

}  // namespace
}  // namespace cardmint::testing
