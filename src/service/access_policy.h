#pragma once
// Who may call what (API_KEYS, API_KEYS_FILE, OPEN_READ): which routes need an API key, the keys
// themselves, and the check of a presented key. Without keys every route is open, as before.
// With keys, anything that is not a GET, HEAD or OPTIONS changes state and needs one; reads need
// one too unless OPEN_READ; /health and /ready never do (probes carry no secrets), nor OPTIONS
// (a CORS preflight carries no credentials, and no route answers OPTIONS otherwise).
// Thread-safe: immutable after construction.

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cardmint::service {

// Shorter keys are refused at start: 16 characters of a random key is ~96 bits and up.
inline constexpr std::size_t kMinApiKeyLength = 16;
// Longer keys are refused too: the check compares fixed 256-byte buffers (see key_index).
inline constexpr std::size_t kMaxApiKeyLength = 256;

// OK when every key is fit to use; invalid_input when there is none, or one is shorter than
// kMinApiKeyLength, longer than kMaxApiKeyLength, or holds a space or control character. Messages
// name a key by its position, never by its text (configuration errors are logged).
[[nodiscard]] Status check_api_keys(const std::vector<std::string>& keys);

// The keys in a file, one per line (API_KEYS_FILE); blank lines and lines starting with '#' are
// skipped. invalid_input when the file is missing or unreadable, or check_api_keys refuses what
// it holds.
[[nodiscard]] Result<std::vector<std::string>> api_keys_from_file(
    const std::filesystem::path& file);

enum class Access {
  kOpen,   // never needs a key: /health, /ready, OPTIONS
  kRead,   // GET/HEAD: needs a key unless OPEN_READ
  kWrite,  // anything else (POST /recognize, /collection changes, /sessions, admin): needs a key
};

// What `method` on `path` needs. Unknown routes fall in by method, so a route added later is
// guarded without being listed here.
Access access_for(std::string_view method, std::string_view path);

// The key a request presents: the token of "Authorization: Bearer KEY" (scheme case-insensitive),
// else X-API-Key; empty when neither.
std::string_view presented_key(std::string_view authorization, std::string_view x_api_key);

// The client a rate limit counts against when no key names it: the peer's address, or with
// `trust_forwarded_for` the last address of X-Forwarded-For. The last one, not the first: nginx's
// $proxy_add_x_forwarded_for (deploy/nginx/nginx.conf) appends the peer it saw to whatever the
// client sent, so only the last entry is nginx's word; the first is the client's own claim.
std::string client_address(std::string_view remote_addr, std::string_view x_forwarded_for,
                           bool trust_forwarded_for);

class AccessPolicy {
 public:
  AccessPolicy() = default;  // no keys: everything open
  AccessPolicy(std::vector<std::string> keys, bool open_read);

  bool enabled() const { return !keys_.empty(); }

  // Whether a request of this kind must present a key.
  bool needs_key(Access access) const;

  // The position of `presented` among the keys, or nullopt. Timing does not depend on the keys'
  // text nor on where a wrong key differs from a right one: every key is compared in full, with
  // no early exit, as a fixed kMaxApiKeyLength buffer zero-padded at construction, its length
  // compared alongside. (Fixed buffers do what hashing both sides to one length would, without a
  // crypto library, which cardmintd does not link.)
  std::optional<std::size_t> key_index(std::string_view presented) const;

 private:
  struct PaddedKey {
    std::array<unsigned char, kMaxApiKeyLength> bytes{};
    std::size_t length = 0;
  };

  std::vector<PaddedKey> keys_;
  bool open_read_ = false;
};

}  // namespace cardmint::service
