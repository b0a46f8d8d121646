#pragma once
// What the cluster tests say about a load's replies: none failed, who answered, when.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <vector>

#include "tests/cluster/steady_load.h"

namespace cardmint::testing {

// Every reply is a 200 with the card its photo shows; the failure lists the first few that
// are not.
::testing::AssertionResult all_good(const std::vector<LoadReply>& replies);

// Replies per answering instance (port), of those sent at or after `from`.
std::map<int, int> answers_by_port(const std::vector<LoadReply>& replies,
                                   std::chrono::steady_clock::time_point from = {});

}  // namespace cardmint::testing
