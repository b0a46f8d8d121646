#include "service/catalog_routes.h"

#include <fmt/format.h>
#include <httplib.h>

#include "catalog/catalog.h"
#include "recognize/recognizer.h"
#include "service/error_response.h"
#include "service/json_exchange.h"
#include "service/model_loader.h"
#include "service/request_params.h"

namespace cardmint::service {
namespace {

constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 50;
constexpr std::size_t kMaxQueryBytes = 200;

}  // namespace

Result<const catalog::Catalog*> catalog_of(const ModelLoader& models) {
  Result<recognize::Recognizer*> recognizer = models.recognizer();
  if (!recognizer.ok()) return recognizer.status();
  return &(*recognizer)->catalog();
}

Result<nlohmann::json> catalog_card_json(const catalog::Catalog& catalog,
                                         const catalog::Card& card) {
  Result<catalog::CardSet> set = catalog.get_set(card.set_id);
  if (!set.ok()) return set.status();
  nlohmann::json printings = nlohmann::json::array();
  for (catalog::Finish finish : card.printings) printings.push_back(catalog::finish_name(finish));
  return nlohmann::json{{"card_id", card.id},
                        {"name", card.name},
                        {"set_id", card.set_id},
                        {"set_name", card.set_name},
                        {"set_code", set->abbreviation.value_or("")},
                        {"number", card.local_id},
                        {"printed_total", set->prints_total ? set->official_count : 0},
                        {"rarity", card.rarity.value_or("")},
                        {"printings", std::move(printings)}};
}

void handle_catalog_search(const httplib::Request& req, httplib::Response& res,
                           const ModelLoader& models, std::string_view request_id) {
  const std::string text = req.get_param_value("q");
  if (text.empty()) {
    return write_error(res, Status::invalid_input("give the text to search as ?q="), request_id);
  }
  if (text.size() > kMaxQueryBytes) {
    return write_error(
        res, Status::invalid_input(fmt::format("q is longer than {} bytes", kMaxQueryBytes)),
        request_id);
  }
  Result<int> limit = int_param(req, "limit", 1, kMaxLimit, kDefaultLimit);
  if (!limit.ok()) return write_error(res, limit.status(), request_id);
  Result<const catalog::Catalog*> catalog = catalog_of(models);
  if (!catalog.ok()) return write_error(res, catalog.status(), request_id);
  Result<std::vector<catalog::Card>> cards = (*catalog)->search_cards(text, *limit);
  if (!cards.ok()) return write_error(res, cards.status(), request_id);
  nlohmann::json found = nlohmann::json::array();
  for (const catalog::Card& card : *cards) {
    Result<nlohmann::json> j = catalog_card_json(**catalog, card);
    if (!j.ok()) return write_error(res, j.status(), request_id);
    found.push_back(std::move(*j));
  }
  write_json(res, 200, {{"query", text}, {"cards", std::move(found)}});
}

void handle_catalog_card(const httplib::Request& req, httplib::Response& res,
                         const ModelLoader& models, std::string_view request_id) {
  const std::string id = req.path_params.count("id") ? req.path_params.at("id") : "";
  Result<const catalog::Catalog*> catalog = catalog_of(models);
  if (!catalog.ok()) return write_error(res, catalog.status(), request_id);
  Result<catalog::Card> card = (*catalog)->get_card(id);
  if (!card.ok()) return write_error(res, card.status(), request_id);
  Result<nlohmann::json> j = catalog_card_json(**catalog, *card);
  if (!j.ok()) return write_error(res, j.status(), request_id);
  write_json(res, 200, *j);
}

}  // namespace cardmint::service
