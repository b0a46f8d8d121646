#include "service/session_routes.h"

#include <fmt/format.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "recognize/recognizer.h"
#include "service/error_response.h"
#include "service/json_exchange.h"
#include "service/model_loader.h"
#include "session/scan_sessions.h"

namespace cardmint::service {
namespace {

using nlohmann::json;

Result<session::ScanSessions*> sessions_of(const ModelLoader& models) {
  Result<recognize::Recognizer*> recognizer = models.recognizer();
  if (!recognizer.ok()) return recognizer.status();
  return &(*recognizer)->sessions();
}

Result<std::string> session_id_of(const httplib::Request& req) {
  auto id = req.path_params.find("id");
  if (id == req.path_params.end()) return Status::invalid_input("no session id in the path");
  if (Status valid = session::check_session_id(id->second); !valid.ok()) return valid;
  return id->second;
}

// nullopt for a session that never started or expired.
std::optional<json> session_json(const session::ScanSessions& sessions, const std::string& id) {
  const std::vector<session::ScannedCard> cards = sessions.history(id);
  const std::optional<std::string> condition = sessions.default_condition(id);
  if (cards.empty() && !condition) return std::nullopt;
  json body = {{"session_id", id}, {"cards", json::array()}, {"expected_next", json::array()}};
  for (const session::ScannedCard& card : cards) {
    body["cards"].push_back({{"card_id", card.card_id},
                             {"set_id", card.set_id},
                             {"number", card.number},
                             {"finish", catalog::finish_name(card.finish)}});
  }
  for (const catalog::CardPrior& next : sessions.prior(id)) {
    body["expected_next"].push_back({{"card_id", next.card_id}, {"probability", next.probability}});
  }
  body["default_condition"] = condition ? json(*condition) : json(nullptr);
  return body;
}

void write_session(httplib::Response& res, const session::ScanSessions& sessions,
                   const std::string& id, std::string_view request_id) {
  std::optional<json> body = session_json(sessions, id);
  if (!body) {
    write_error(res, Status::not_found(fmt::format("no scan session '{}'", id)), request_id);
    return;
  }
  write_json(res, 200, *body);
}

}  // namespace

void handle_get_session(const httplib::Request& req, httplib::Response& res,
                        const ModelLoader& models, std::string_view request_id) {
  Result<std::string> id = session_id_of(req);
  if (!id.ok()) return write_error(res, id.status(), request_id);
  Result<session::ScanSessions*> sessions = sessions_of(models);
  if (!sessions.ok()) return write_error(res, sessions.status(), request_id);
  write_session(res, **sessions, *id, request_id);
}

void handle_put_session(const httplib::Request& req, httplib::Response& res,
                        const ModelLoader& models, int max_json_depth,
                        std::string_view request_id) {
  Result<std::string> id = session_id_of(req);
  if (!id.ok()) return write_error(res, id.status(), request_id);
  Result<json> settings = json_object_body(req, "the session's settings", max_json_depth);
  if (!settings.ok()) return write_error(res, settings.status(), request_id);
  auto condition = settings->find("default_condition");
  if (condition == settings->end() || !condition->is_string()) {
    return write_error(
        res,
        Status::invalid_input("give \"default_condition\": one of mint, near mint, lightly "
                              "played, moderately played, heavily played, damaged"),
        request_id);
  }
  Result<session::ScanSessions*> sessions = sessions_of(models);
  if (!sessions.ok()) return write_error(res, sessions.status(), request_id);
  if (Status set = (*sessions)->set_default_condition(*id, condition->get<std::string>());
      !set.ok()) {
    return write_error(res, set, request_id);
  }
  write_session(res, **sessions, *id, request_id);
}

}  // namespace cardmint::service
