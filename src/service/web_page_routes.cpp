#include "service/web_page_routes.h"

#include <fmt/format.h>
#include <httplib.h>

#include <fstream>
#include <iterator>

namespace cardmint::service {
namespace {

namespace fs = std::filesystem;

// Reads the page at each request: a few kilobytes, and an edited page shows without a restart.
httplib::Server::Handler page(fs::path file) {
  return [file = std::move(file)](const httplib::Request&, httplib::Response& res) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      // The error handler gives it the JSON body every failure has.
      res.status = 404;
      return;
    }
    res.status = 200;
    // The page changes with the service; a cached old page would call routes that moved.
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(std::istreambuf_iterator<char>(in), {}),
                    "text/html; charset=utf-8");
  };
}

}  // namespace

Status register_web_page_routes(httplib::Server& server, const fs::path& web_root) {
  std::error_code ec;
  if (!fs::is_regular_file(web_root / "index.html", ec)) {
    return Status::unavailable(
        fmt::format("WEB_ROOT {} has no index.html: point WEB_ROOT at CardMint's web/ folder",
                    web_root.string()));
  }
  server.Get("/", page(web_root / "index.html"));
  server.Get("/dashboard", page(web_root / "dashboard.html"));
  if (!server.set_mount_point("/static", (web_root / "static").string(),
                              {{"Cache-Control", "no-cache"}})) {
    return Status::unavailable(fmt::format("WEB_ROOT {} has no static/ folder", web_root.string()));
  }
  return Status::ok_status();
}

}  // namespace cardmint::service
