#pragma once
// The HTTP side shared by the price APIs (pokemontcg.io, TCGdex): where the API is, how long a
// request may take, and what its status codes mean for a price. A request never outlives its
// timeouts, so a provider that is down or hung costs PriceService's I/O thread at most
// connect_timeout + request_timeout, and the caller nothing (it waits on a future with its own
// budget). One exception: this cpp-httplib resolves host names with a plain getaddrinfo (no
// CPPHTTPLIB_USE_NON_BLOCKING_GETADDRINFO), so a hung DNS server costs the resolver's own timeouts
// on top; still the I/O thread's time, never a caller's.
// Thread-safe: immutable after open(); every get() uses a connection of its own.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cardmint::price {

struct PriceApiOptions {
  // "http://host[:port][/path prefix]"; empty: the API's public URL. https:// works only when
  // cpp-httplib was built with TLS, which the llama.cpp bundle CardMint links is not
  // (LLAMA_OPENSSL=OFF); behind such a build, point this at a local TLS-terminating proxy.
  std::string base_url;
  std::chrono::milliseconds connect_timeout{1000};
  // The whole request, first byte to last: per-read timeouts alone let a server that trickles
  // bytes hold the thread for ever.
  std::chrono::milliseconds request_timeout{3000};
  // pokemontcg.io only: sent as X-Api-Key (a higher rate limit); empty: no header.
  std::string api_key;
};

class PriceApiClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // `api_name` names the API in errors ("pokemontcg.io"); `public_url` is used when
  // options.base_url is empty. invalid_input when the URL is not http(s)://host[:port][/path],
  // or is https:// in a build without TLS.
  [[nodiscard]] static Result<PriceApiClient> open(std::string api_name,
                                                   std::string_view public_url,
                                                   const PriceApiOptions& options);

  // GET <base path><path_under_base>. The body of a 200; not_found for a 404 (the API does not
  // know what was asked for); unavailable for anything else: no connection, a timeout, another
  // status, a redirect, an answer over 4 MiB.
  [[nodiscard]] Result<std::string> get(const std::string& path_under_base,
                                        const Headers& headers) const;

  // base URL as given, for messages.
  const std::string& base_url() const { return base_url_; }

 private:
  PriceApiClient() = default;

  std::string api_name_;
  std::string base_url_;
  std::string scheme_host_port_;  // "http://127.0.0.1:8080"
  std::string path_prefix_;       // "" or "/prefix" (no trailing slash)
  std::chrono::milliseconds connect_timeout_{0};
  std::chrono::milliseconds request_timeout_{0};
};

// `segment` percent-encoded for a URL path: everything but A-Z a-z 0-9 - . _ ~ as %XX. Catalog ids
// are plain ("base1-4", "sv03.5-001"), but a few TCGdex local ids are punctuation ("?", "!").
std::string percent_encode_path_segment(std::string_view segment);

}  // namespace cardmint::price
