#include "service/price_route.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "catalog/card.h"
#include "service/error_response.h"

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
  int wait_ms = static_cast<int>(pricing.budget.count());
  if (req.has_param("wait_ms")) {
    const std::string text = req.get_param_value("wait_ms");
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), wait_ms);
    if (error != std::errc() || end != text.data() + text.size() || wait_ms < 0 ||
        wait_ms > kMaxWaitMs) {
      return write_error(
          res, Status::invalid_input(fmt::format("wait_ms '{}' is not 0..{}", text, kMaxWaitMs)),
          request_id);
    }
  }
  ScanPrice price(pricing);
  const ScanPriceState state =
      price.wait_until(card, std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms));
  nlohmann::json body = {{"card_id", card.id}, {"finish", card.finish}};
  state.write_to(body);
  res.status = 200;
  res.set_content(body.dump(), "application/json");
}

}  // namespace cardmint::service
