#include "tests/cluster/cluster_expectations.h"

namespace cardmint::testing {

::testing::AssertionResult all_good(const std::vector<LoadReply>& replies) {
  int bad = 0;
  std::string examples;
  for (const LoadReply& r : replies) {
    if (r.good()) continue;
    if (++bad <= 3) {
      examples += "\n  upload " + std::to_string(r.index) + " of " + r.photo + " (expected " +
                  r.expected_card + "): status " + std::to_string(r.status) +
                  (r.error.empty() ? "" : " (" + r.error + ")") + ", card '" + r.card_id +
                  "', body " + r.body;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " of " << replies.size() << " uploads failed; the first:" << examples;
}

std::map<int, int> answers_by_port(const std::vector<LoadReply>& replies,
                                   std::chrono::steady_clock::time_point from) {
  std::map<int, int> out;
  for (const LoadReply& r : replies) {
    if (r.status != 0 && r.sent >= from) ++out[r.served_port];
  }
  return out;
}

}  // namespace cardmint::testing
