#pragma once
// A route's query parameters as checked values. Thread-safe: pure functions.

#include <string>
#include <string_view>

#include "base/status.h"

namespace httplib {
struct Request;
}  // namespace httplib

namespace cardmint::service {

// ?name=N as an integer in [min, max], or `fallback` when absent. invalid_input naming the
// parameter and the range otherwise ("limit 'x' is not 1..50").
[[nodiscard]] Result<int> int_param(const httplib::Request& req, const std::string& name, int min,
                                    int max, int fallback);

}  // namespace cardmint::service
