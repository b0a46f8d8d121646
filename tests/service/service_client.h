#pragma once
// One-shot HTTP calls to a cardmintd on 127.0.0.1, each on a fresh httplib::Client (so calls from
// different threads share nothing), and assertions on cardmintd's JSON error bodies.

#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

namespace cardmint::testing {

httplib::Result get(int port, const std::string& path);

// multipart/form-data with one file part named `field` (the service wants "image").
httplib::Result post_multipart(int port, const std::string& bytes,
                               const std::string& field = "image",
                               const std::string& part_type = "image/jpeg",
                               const httplib::Headers& headers = {});

// The bytes as the whole body, with `content_type`.
httplib::Result post_raw(int port, const std::string& body, const std::string& content_type,
                         const httplib::Headers& headers = {});

// `res` is `status` with a JSON body {"error":{"code": code, "message": non-empty},
// "request_id": the X-Request-Id header}.
::testing::AssertionResult is_json_error(const httplib::Result& res, int status,
                                         const std::string& code);

// /health answers 200 and a valid JPEG is still recognized with 200.
::testing::AssertionResult still_serving(int port);

}  // namespace cardmint::testing
