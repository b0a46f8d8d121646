#pragma once
// The scan page and the dashboard, served as files from one fixed folder (WEB_ROOT): "/" is its
// index.html, "/dashboard" its dashboard.html, "/static/..." its static/ folder. Nothing outside
// that folder is ever read: httplib's mount point refuses paths that climb out ("..", also
// percent-encoded, which httplib decodes before it checks). No HTML is built in C++.

#include <filesystem>
#include <string>

#include "base/status.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace cardmint::service {

// Registers the routes. unavailable when `web_root` has no index.html (a deployment that forgot
// the web/ folder should fail at start, not with a 404 later).
[[nodiscard]] Status register_web_page_routes(httplib::Server& server,
                                              const std::filesystem::path& web_root);

}  // namespace cardmint::service
