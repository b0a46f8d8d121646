#include "price/price_api_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>

namespace cardmint::price {
namespace {

// A card's JSON is a few kB; anything this size is not an answer to a card request.
constexpr std::size_t kMaxBodyBytes = 4 << 20;

Status bad_url(std::string_view api_name, std::string_view url, std::string_view why) {
  return Status::invalid_input(fmt::format("{} URL \"{}\": {}", api_name, url, why));
}

}  // namespace

std::string percent_encode_path_segment(std::string_view segment) {
  std::string out;
  for (char c : segment) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

Result<PriceApiClient> PriceApiClient::open(std::string api_name, std::string_view public_url,
                                            const PriceApiOptions& options) {
  const std::string url = options.base_url.empty() ? std::string(public_url) : options.base_url;
  std::string_view rest = url;
  std::string_view scheme;
  if (rest.starts_with("http://")) {
    scheme = "http";
  } else if (rest.starts_with("https://")) {
    scheme = "https";
  } else {
    return bad_url(api_name, url, "must start with http:// or https://");
  }
#ifndef CPPHTTPLIB_SSL_ENABLED
  if (scheme == "https") {
    return bad_url(api_name, url,
                   "https:// is not compiled into this build (cpp-httplib without TLS); use an "
                   "http:// URL, e.g. a local TLS-terminating proxy");
  }
#endif
  rest.remove_prefix(scheme.size() + 3);
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.empty()) return bad_url(api_name, url, "no host");
  if (authority.find_first_of("@?#") != std::string_view::npos) {
    return bad_url(api_name, url, "credentials, queries and fragments are not supported");
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return bad_url(api_name, url, "queries and fragments are not supported");
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  if (options.connect_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
    return Status::invalid_input(fmt::format("{}: timeouts must be positive", api_name));
  }

  PriceApiClient client;
  client.api_name_ = std::move(api_name);
  client.base_url_ = url;
  client.scheme_host_port_ = fmt::format("{}://{}", scheme, authority);
  client.path_prefix_ = std::string(path);
  client.connect_timeout_ = options.connect_timeout;
  client.request_timeout_ = options.request_timeout;
  return client;
}

Result<std::string> PriceApiClient::get(const std::string& path_under_base,
                                        const Headers& headers) const {
  httplib::Client http(scheme_host_port_);
  http.set_connection_timeout(connect_timeout_);
  http.set_read_timeout(request_timeout_);
  http.set_write_timeout(request_timeout_);
  http.set_max_timeout(connect_timeout_ + request_timeout_);
  http.set_keep_alive(false);
  http.set_follow_location(false);
  http.set_path_encode(false);  // the caller encodes (percent_encode_path_segment)

  httplib::Headers request_headers = {{"Accept", "application/json"}};
  for (const auto& [name, value] : headers) request_headers.emplace(name, value);

  const std::string path = path_prefix_ + path_under_base;
  std::string body;
  bool too_large = false;
  httplib::Result res = http.Get(path, request_headers, [&](const char* data, std::size_t length) {
    if (body.size() + length > kMaxBodyBytes) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (!res) {
    if (too_large) {
      return Status::unavailable(fmt::format("{} {}{}: the answer is over {} bytes", api_name_,
                                             scheme_host_port_, path, kMaxBodyBytes));
    }
    return Status::unavailable(fmt::format("{} {}{}: {}", api_name_, scheme_host_port_, path,
                                           httplib::to_string(res.error())));
  }
  if (res->status == 200) return body;
  if (res->status == 404) {
    return Status::not_found(fmt::format("{} has nothing at {}", api_name_, path));
  }
  return Status::unavailable(
      fmt::format("{} {}{}: HTTP {}", api_name_, scheme_host_port_, path, res->status));
}

}  // namespace cardmint::price
