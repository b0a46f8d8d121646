#pragma once
// The catalog as the scan page's correction box sees it:
//   GET /catalog/search?q=TEXT&limit=N → {"cards": [CARD...]}, best first (Catalog::search_cards:
//     "pikac", "pikachu 58", "58/102"); limit 1..50, default 10.
//   GET /catalog/cards/{id} → CARD; 404 for an unknown id.
// CARD = {"card_id", "name", "set_id", "set_name", "set_code", "number", "printed_total",
// "rarity", "printings": ["normal", ...]}. 503 while the catalog is still loading.
// Thread-safe: the catalog is the Recognizer's.

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"
#include "catalog/card.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace cardmint::catalog {
class Catalog;
}  // namespace cardmint::catalog

namespace cardmint::service {

class ModelLoader;

// The Recognizer's catalog; unavailable while the models are still loading.
[[nodiscard]] Result<const catalog::Catalog*> catalog_of(const ModelLoader& models);

// CARD for `card`, with its set's code and printed total. Errors: the set's lookup.
[[nodiscard]] Result<nlohmann::json> catalog_card_json(const catalog::Catalog& catalog,
                                                       const catalog::Card& card);

void handle_catalog_search(const httplib::Request& req, httplib::Response& res,
                           const ModelLoader& models, std::string_view request_id);
void handle_catalog_card(const httplib::Request& req, httplib::Response& res,
                         const ModelLoader& models, std::string_view request_id);

}  // namespace cardmint::service
