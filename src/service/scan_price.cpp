#include "service/scan_price.h"

#include "catalog/card.h"
#include "price/card_prices_json.h"
#include "price/price_service.h"

namespace cardmint::service {

void ScanPriceState::write_to(nlohmann::json& body) const {
  body["price_status"] = status;
  body["price"] = price ? nlohmann::json::parse(price::chosen_price_to_json(*price))
                        : nlohmann::json(nullptr);
  if (!error.empty()) body["price_error"] = error;
}

void ScanPrice::ask(const recognize::CardMatch& card) {
  if (options_.prices == nullptr) return;
  const std::optional<catalog::Finish> finish = catalog::parse_finish(card.finish);
  if (!finish) return;
  const std::string key = card.id + "|" + card.finish;
  std::lock_guard lock(mu_);
  if (key == asked_key_) return;
  asked_key_ = key;
  quote_ = options_.prices->quote(card.id, *finish);
}

ScanPriceState ScanPrice::wait_until(const recognize::CardMatch& card,
                                     std::chrono::steady_clock::time_point deadline) {
  ScanPriceState state;
  if (options_.prices == nullptr) return state;
  ask(card);
  std::shared_future<Result<price::ChosenPrice>> quote;
  {
    std::lock_guard lock(mu_);
    quote = quote_;
  }
  if (!quote.valid()) {  // a finish the catalog does not name: nothing to price
    state.status = "none";
    return state;
  }
  if (quote.wait_until(deadline) != std::future_status::ready) {
    state.status = "pending";
    return state;
  }
  const Result<price::ChosenPrice>& chosen = quote.get();
  if (chosen.ok()) {
    state.status = "ok";
    state.price = *chosen;
  } else if (chosen.status().code() == StatusCode::kNotFound) {
    state.status = "none";  // the sources know no price for it: an answer, not a failure
    state.error = chosen.status().message();
  } else {
    state.status = "unavailable";
    state.error = chosen.status().message();
  }
  return state;
}

ScanPriceState ScanPrice::wait_budget(const recognize::CardMatch& card) {
  return wait_until(card, std::chrono::steady_clock::now() + options_.budget);
}

}  // namespace cardmint::service
