#pragma once
// GET /prices/{card_id}?finish=holo[&wait_ms=N]: a card's price in one printing, from the same
// cached price service the scans use. What a client asks after an answer said
// "price_status": "pending". Thread-safe: no state of its own.

#include <string_view>

#include "service/scan_price.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace cardmint::service {

// 200 {"card_id", "finish", "price_status", "price", "price_error"?} as in a /recognize answer
// ("none" when the sources know no price for it, "pending" when the fetch outlasted the wait),
// waiting for a fetch at most wait_ms (default: the budget; at most 10 s); 400 for a missing or
// unknown finish or a bad wait; 503 when no price provider is configured.
void handle_get_price(const httplib::Request& req, httplib::Response& res,
                      const ScanPriceOptions& pricing, std::string_view request_id);

}  // namespace cardmint::service
