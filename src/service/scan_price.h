#pragma once
// One scan's price, looked up beside the recognition instead of after it: the quote starts as
// soon as the cascade names a card (the `identified` event), so the price fetch overlaps the rest
// of the cascade; when the answer is complete the route waits for the price at most the price
// budget, and a price that comes later is sent as its own `price` event (streaming) or left for
// GET /prices/{card_id} (not streaming). A price provider that is down or slow therefore never
// delays a card by more than the budget.
// Thread-safe: ask() runs on recognizer threads while the route's HTTP thread waits.

#include <chrono>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "price/price_choice.h"
#include "recognize/recognition.h"

namespace cardmint::price {
class PriceService;
}

namespace cardmint::service {

struct ScanPriceOptions {
  price::PriceService* prices = nullptr;  // borrowed; null: prices are off
  // How long a complete answer waits for its price: a cached price is ready at once, a fetch
  // from a fast provider fits, a slow one comes in a later event.
  std::chrono::milliseconds budget{150};
  // How long a stream stays open after `complete` for a price that missed the budget.
  std::chrono::milliseconds late_wait{10'000};
};

// The price's part of an answer: {"price_status": "ok" | "pending" | "none" | "unavailable" |
// "off", "price": {...chosen price...} | null, "price_error"?: "..."}.
struct ScanPriceState {
  std::string status = "off";
  std::optional<price::ChosenPrice> price;
  std::string error;
  void write_to(nlohmann::json& body) const;
};

class ScanPrice {
 public:
  explicit ScanPrice(ScanPriceOptions options) : options_(options) {}

  // Starts (or joins) the quote for this card in its finish; a later call for another card
  // replaces it (a surer source changed the answer). No-op without prices.
  void ask(const recognize::CardMatch& card);

  // The price of `card` (asked now if it was not), waiting until `deadline` at most.
  ScanPriceState wait_until(const recognize::CardMatch& card,
                            std::chrono::steady_clock::time_point deadline);
  // The same, waiting the budget from now.
  ScanPriceState wait_budget(const recognize::CardMatch& card);

  const ScanPriceOptions& options() const { return options_; }

 private:
  const ScanPriceOptions options_;
  std::mutex mu_;  // guards the two below
  std::string asked_key_;  // "card id|finish"
  std::shared_future<Result<price::ChosenPrice>> quote_;
};

}  // namespace cardmint::service
