#include "service/price_route.h"

#include <fmt/format.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "catalog/card.h"
#include "service/error_response.h"
#include "service/json_exchange.h"
#include "service/request_params.h"

namespace cardmint::service {
namespace {

constexpr int kMaxWaitMs = 10'000;

}  // namespace

void handle_get_price(const httplib::Request& req, httplib::Response& res,
                      const ScanPriceOptions& pricing, std::string_view request_id) {
  if (pricing.prices == nullptr) {
    return write_error(res, Status::unavailable("no price provider is configured (PRICE_PROVIDER)"),
                       request_id);
  }
  recognize::CardMatch card;
  card.id = req.path_params.count("card_id") ? req.path_params.at("card_id") : "";
  card.finish = req.get_param_value("finish");
  if (card.id.empty()) return write_error(res, Status::invalid_input("no card id"), request_id);
  if (!catalog::parse_finish(card.finish)) {
    return write_error(
        res,
        Status::invalid_input(fmt::format(
            "finish '{}' is not one of normal, holo, reverse holo, first edition", card.finish)),
        request_id);
  }
  Result<int> wait_ms =
      int_param(req, "wait_ms", 0, kMaxWaitMs, static_cast<int>(pricing.budget.count()));
  if (!wait_ms.ok()) return write_error(res, wait_ms.status(), request_id);
  ScanPrice price(pricing);
  const ScanPriceState state = price.wait_until(
      card, std::chrono::steady_clock::now() + std::chrono::milliseconds(*wait_ms));
  nlohmann::json body = {{"card_id", card.id}, {"finish", card.finish}};
  state.write_to(body);
  write_json(res, 200, body);
}

}  // namespace cardmint::service
