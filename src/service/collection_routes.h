#pragma once
// The operator's collection over HTTP (collection/collection.h), for the scan page's verify step:
//   GET    /collection?session=ID&limit=N&offset=N → {"summary", "entries": [ENTRY...]}
//   POST   /collection/items {card_id, finish?, condition?, language?, quantity?, price?,
//          session_id?} → 201 new / 200 merged: {"entry", "merged", "quantity_before",
//          "event_id", "summary", "session_summary"}
//   PATCH  /collection/items/{id} {quantity?, finish?, condition?, language?} → {"entry"|null}
//   DELETE /collection/items/{id} → {"removed": id}
//   POST   /collection/undo {session_id} → {"undone": EVENT, "summary", "session_summary"}; 404
//          when the session has nothing to undo
//   GET    /collection/sessions/{id}/events?limit=N → {"events": [EVENT...], "summary"}
//   GET    /collection/export?format=tcgplayer|dragonshield|csv|json[&session=ID] → the file
//   POST   /collection/import (text/csv) → {"format", "added", "skipped": [{line, error}]}
// A card the catalog does not know is refused (404), never stored. Thread-safe: Collection is.

#include <string_view>

#include "base/json_nesting.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace cardmint::collection {
class Collection;
}  // namespace cardmint::collection

namespace cardmint::service {

class ModelLoader;

// The routes' shared state: the collection (owned by run_service) and the catalog behind it.
struct CollectionRoutes {
  collection::Collection* collection = nullptr;
  const ModelLoader* models = nullptr;
  int max_json_depth = kDefaultMaxJsonDepth;  // MAX_JSON_DEPTH for the JSON bodies
};

void handle_list_collection(const httplib::Request& req, httplib::Response& res,
                            const CollectionRoutes& routes, std::string_view request_id);
void handle_add_to_collection(const httplib::Request& req, httplib::Response& res,
                              const CollectionRoutes& routes, std::string_view request_id);
void handle_update_entry(const httplib::Request& req, httplib::Response& res,
                         const CollectionRoutes& routes, std::string_view request_id);
void handle_remove_entry(const httplib::Request& req, httplib::Response& res,
                         const CollectionRoutes& routes, std::string_view request_id);
void handle_undo(const httplib::Request& req, httplib::Response& res,
                 const CollectionRoutes& routes, std::string_view request_id);
void handle_session_events(const httplib::Request& req, httplib::Response& res,
                           const CollectionRoutes& routes, std::string_view request_id);
void handle_export(const httplib::Request& req, httplib::Response& res,
                   const CollectionRoutes& routes, std::string_view request_id);
void handle_import(const httplib::Request& req, httplib::Response& res,
                   const CollectionRoutes& routes, std::string_view request_id);

}  // namespace cardmint::service
