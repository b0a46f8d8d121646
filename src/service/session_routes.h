#pragma once
// /sessions/{id}: a scan session as the operator sees it (the cards it identified, what it
// expects next) and the settings the operator gives it (the default condition of its cards).
// Sessions start with the first /recognize?session={id}, or with a PUT here. Thread-safe: no
// state of its own; the sessions are the Recognizer's.

#include <string_view>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace cardmint::service {

class ModelLoader;

// GET /sessions/{id}: 200 {"session_id", "cards": [{"card_id", "set_id", "number", "finish"}],
// "expected_next": [{"card_id", "probability"}], "default_condition": "..."|null}; 404 for a
// session that never started or expired.
void handle_get_session(const httplib::Request& req, httplib::Response& res,
                        const ModelLoader& models, std::string_view request_id);

// PUT (or POST) /sessions/{id} with {"default_condition": "near mint"}: starts the session if
// new; 200 with the session as GET gives it. 400 for a bad id, body or condition; 415 when the
// body is not JSON. `max_json_depth`: MAX_JSON_DEPTH.
void handle_put_session(const httplib::Request& req, httplib::Response& res,
                        const ModelLoader& models, int max_json_depth, std::string_view request_id);

}  // namespace cardmint::service
