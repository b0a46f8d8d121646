#include "service/collection_routes.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "collection/collection.h"
#include "collection/collection_formats.h"
#include "recognize/recognizer.h"
#include "service/catalog_routes.h"
#include "service/error_response.h"
#include "service/json_exchange.h"
#include "service/model_loader.h"
#include "service/request_params.h"
#include "session/scan_sessions.h"

namespace cardmint::service {
namespace {

using nlohmann::json;

constexpr int kMaxListed = 10'000;

Result<std::int64_t> entry_id_of(const httplib::Request& req) {
  const std::string text = req.path_params.count("id") ? req.path_params.at("id") : "";
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    return Status::invalid_input(fmt::format("'{}' is not an entry id", text));
  }
  return id;
}

// A JSON member of `type` as T, nullopt when absent or null; invalid_input for another type.
template <typename T>
Result<std::optional<T>> member(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<T>();
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return Status::invalid_input(fmt::format("\"{}\" must be text", name));
  } else if constexpr (std::is_same_v<T, int>) {
    if (!it->is_number_integer() || *it < INT32_MIN || *it > INT32_MAX) {
      return Status::invalid_input(fmt::format("\"{}\" must be a whole number", name));
    }
  } else {
    if (!it->is_number())
      return Status::invalid_input(fmt::format("\"{}\" must be a number", name));
  }
  return std::optional<T>(it->get<T>());
}

// The session a request names: ?session= or the body's "session_id"; "" for none.
Result<std::string> checked_session(std::string session_id) {
  if (session_id.empty()) return session_id;
  if (Status s = session::check_session_id(session_id); !s.ok()) return s;
  return session_id;
}

Result<json> summaries(const collection::Collection& c, const std::string& session_id) {
  Result<collection::CollectionSummary> all = c.summary();
  if (!all.ok()) return all.status();
  json out = {{"summary", collection::summary_json(*all)}, {"session_summary", nullptr}};
  if (!session_id.empty()) {
    Result<collection::CollectionSummary> session = c.summary(session_id);
    if (!session.ok()) return session.status();
    out["session_summary"] = collection::summary_json(*session);
  }
  return out;
}

json event_json(const collection::ScanEvent& e) {
  return {{"id", e.id},
          {"entry_id", e.entry_id},
          {"quantity", e.quantity},
          {"entry", collection::entry_json(e.entry)},
          {"added_utc", e.added_utc}};
}

}  // namespace

void handle_list_collection(const httplib::Request& req, httplib::Response& res,
                            const CollectionRoutes& routes, std::string_view request_id) {
  Result<std::string> session = checked_session(req.get_param_value("session"));
  if (!session.ok()) return write_error(res, session.status(), request_id);
  Result<int> limit = int_param(req, "limit", 1, kMaxListed, 1000);
  if (!limit.ok()) return write_error(res, limit.status(), request_id);
  Result<int> offset = int_param(req, "offset", 0, INT32_MAX, 0);
  if (!offset.ok()) return write_error(res, offset.status(), request_id);
  collection::ListOptions options;
  if (!session->empty()) options.session_id = *session;
  options.limit = *limit;
  options.offset = *offset;
  Result<std::vector<collection::CollectionEntry>> entries = routes.collection->list(options);
  if (!entries.ok()) return write_error(res, entries.status(), request_id);
  Result<collection::CollectionSummary> summary =
      session->empty() ? routes.collection->summary() : routes.collection->summary(*session);
  if (!summary.ok()) return write_error(res, summary.status(), request_id);
  json listed = json::array();
  for (const collection::CollectionEntry& e : *entries) listed.push_back(collection::entry_json(e));
  write_json(res, 200,
             {{"summary", collection::summary_json(*summary)}, {"entries", std::move(listed)}});
}

void handle_add_to_collection(const httplib::Request& req, httplib::Response& res,
                              const CollectionRoutes& routes, std::string_view request_id) {
  Result<json> body = json_object_body(req, "the card to add", routes.max_json_depth);
  if (!body.ok()) return write_error(res, body.status(), request_id);
  collection::AddRequest add;
  Result<std::optional<std::string>> card_id = member<std::string>(*body, "card_id");
  Result<std::optional<std::string>> finish = member<std::string>(*body, "finish");
  Result<std::optional<std::string>> condition = member<std::string>(*body, "condition");
  Result<std::optional<std::string>> language = member<std::string>(*body, "language");
  Result<std::optional<int>> quantity = member<int>(*body, "quantity");
  Result<std::optional<double>> price = member<double>(*body, "price");
  Result<std::optional<std::string>> session_id = member<std::string>(*body, "session_id");
  for (const Status* s :
       {&card_id.status(), &finish.status(), &condition.status(), &language.status(),
        &quantity.status(), &price.status(), &session_id.status()}) {
    if (!s->ok()) return write_error(res, *s, request_id);
  }
  if (!card_id->has_value() || (*card_id)->empty()) {
    return write_error(res, Status::invalid_input("give the catalog's \"card_id\""), request_id);
  }
  add.card_id = **card_id;
  add.finish = finish->value_or("");
  add.condition = condition->value_or(add.condition);
  add.language = language->value_or(add.language);
  add.quantity = quantity->value_or(add.quantity);
  add.price = *price;
  Result<std::string> session = checked_session(session_id->value_or(""));
  if (!session.ok()) return write_error(res, session.status(), request_id);
  add.session_id = *session;

  Result<const catalog::Catalog*> catalog = catalog_of(*routes.models);
  if (!catalog.ok()) return write_error(res, catalog.status(), request_id);
  Result<collection::AddOutcome> added = routes.collection->add(**catalog, add);
  if (!added.ok()) return write_error(res, added.status(), request_id);
  Result<json> out = summaries(*routes.collection, add.session_id);
  if (!out.ok()) return write_error(res, out.status(), request_id);
  (*out)["entry"] = collection::entry_json(added->entry);
  (*out)["merged"] = added->merged;
  (*out)["quantity_before"] = added->quantity_before;
  (*out)["event_id"] = added->event_id;
  write_json(res, added->merged ? 200 : 201, *out);
}

void handle_update_entry(const httplib::Request& req, httplib::Response& res,
                         const CollectionRoutes& routes, std::string_view request_id) {
  Result<std::int64_t> id = entry_id_of(req);
  if (!id.ok()) return write_error(res, id.status(), request_id);
  Result<json> body = json_object_body(req, "the entry's changes", routes.max_json_depth);
  if (!body.ok()) return write_error(res, body.status(), request_id);
  Result<std::optional<int>> quantity = member<int>(*body, "quantity");
  Result<std::optional<std::string>> finish = member<std::string>(*body, "finish");
  Result<std::optional<std::string>> condition = member<std::string>(*body, "condition");
  Result<std::optional<std::string>> language = member<std::string>(*body, "language");
  for (const Status* s :
       {&quantity.status(), &finish.status(), &condition.status(), &language.status()}) {
    if (!s->ok()) return write_error(res, *s, request_id);
  }
  collection::EntryUpdate update{*quantity, *finish, *condition, *language};
  Result<std::optional<collection::CollectionEntry>> updated =
      routes.collection->update(*id, update);
  if (!updated.ok()) return write_error(res, updated.status(), request_id);
  write_json(res, 200, {{"entry", *updated ? collection::entry_json(**updated) : json(nullptr)}});
}

void handle_remove_entry(const httplib::Request& req, httplib::Response& res,
                         const CollectionRoutes& routes, std::string_view request_id) {
  Result<std::int64_t> id = entry_id_of(req);
  if (!id.ok()) return write_error(res, id.status(), request_id);
  if (Status s = routes.collection->remove(*id); !s.ok()) return write_error(res, s, request_id);
  write_json(res, 200, {{"removed", *id}});
}

void handle_undo(const httplib::Request& req, httplib::Response& res,
                 const CollectionRoutes& routes, std::string_view request_id) {
  Result<json> body = json_object_body(req, "the session to undo in", routes.max_json_depth);
  if (!body.ok()) return write_error(res, body.status(), request_id);
  Result<std::optional<std::string>> session_id = member<std::string>(*body, "session_id");
  if (!session_id.ok()) return write_error(res, session_id.status(), request_id);
  Result<std::string> session = checked_session(session_id->value_or(""));
  if (!session.ok()) return write_error(res, session.status(), request_id);
  if (session->empty()) {
    return write_error(res, Status::invalid_input("give the \"session_id\" to undo in"),
                       request_id);
  }
  Result<collection::ScanEvent> undone = routes.collection->undo_last(*session);
  if (!undone.ok()) return write_error(res, undone.status(), request_id);
  Result<json> out = summaries(*routes.collection, *session);
  if (!out.ok()) return write_error(res, out.status(), request_id);
  (*out)["undone"] = event_json(*undone);
  write_json(res, 200, *out);
}

void handle_session_events(const httplib::Request& req, httplib::Response& res,
                           const CollectionRoutes& routes, std::string_view request_id) {
  Result<std::string> session =
      checked_session(req.path_params.count("id") ? req.path_params.at("id") : "");
  if (!session.ok()) return write_error(res, session.status(), request_id);
  Result<int> limit = int_param(req, "limit", 1, kMaxListed, 100);
  if (!limit.ok()) return write_error(res, limit.status(), request_id);
  Result<std::vector<collection::ScanEvent>> events =
      routes.collection->session_events(*session, *limit);
  if (!events.ok()) return write_error(res, events.status(), request_id);
  Result<collection::CollectionSummary> summary = routes.collection->summary(*session);
  if (!summary.ok()) return write_error(res, summary.status(), request_id);
  json listed = json::array();
  for (const collection::ScanEvent& e : *events) listed.push_back(event_json(e));
  write_json(res, 200,
             {{"session_id", *session},
              {"events", std::move(listed)},
              {"summary", collection::summary_json(*summary)}});
}

void handle_export(const httplib::Request& req, httplib::Response& res,
                   const CollectionRoutes& routes, std::string_view request_id) {
  const std::string name = req.has_param("format") ? req.get_param_value("format") : "csv";
  std::optional<collection::ExportFormat> format = collection::parse_export_format(name);
  if (!format) {
    return write_error(res,
                       Status::invalid_input(fmt::format(
                           "format '{}' is not one of tcgplayer, dragonshield, csv, json", name)),
                       request_id);
  }
  Result<std::string> session = checked_session(req.get_param_value("session"));
  if (!session.ok()) return write_error(res, session.status(), request_id);
  collection::ListOptions options;
  if (!session->empty()) options.session_id = *session;
  options.limit = INT32_MAX;
  Result<std::vector<collection::CollectionEntry>> entries = routes.collection->list(options);
  if (!entries.ok()) return write_error(res, entries.status(), request_id);
  res.status = 200;
  res.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"cardmint-collection-{}.{}\"",
                             collection::export_format_name(*format),
                             collection::export_file_extension(*format)));
  res.set_content(collection::write_export(*format, *entries),
                  std::string(collection::export_content_type(*format)));
}

void handle_import(const httplib::Request& req, httplib::Response& res,
                   const CollectionRoutes& routes, std::string_view request_id) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.find("text/csv") == std::string::npos && type.find("text/plain") == std::string::npos) {
    return write_error(res, Status::unsupported_media("send the collection as text/csv"),
                       request_id);
  }
  Result<std::string> session = checked_session(req.get_param_value("session"));
  if (!session.ok()) return write_error(res, session.status(), request_id);
  Result<const catalog::Catalog*> catalog = catalog_of(*routes.models);
  if (!catalog.ok()) return write_error(res, catalog.status(), request_id);
  Result<collection::ImportFile> file = collection::read_import(req.body, **catalog);
  if (!file.ok()) return write_error(res, file.status(), request_id);
  int added = 0;
  json skipped = json::array();
  for (collection::ImportRow& row : file->rows) {
    if (!row.request) {
      skipped.push_back({{"line", row.line}, {"error", row.error}});
      continue;
    }
    if (!session->empty()) row.request->session_id = *session;
    Result<collection::AddOutcome> outcome = routes.collection->add(**catalog, *row.request);
    if (!outcome.ok()) {
      skipped.push_back({{"line", row.line}, {"error", outcome.status().message()}});
      continue;
    }
    ++added;
  }
  write_json(res, 200,
             {{"format", collection::export_format_name(file->format)},
              {"added", added},
              {"skipped", std::move(skipped)}});
}

}  // namespace cardmint::service
