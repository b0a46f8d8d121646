#pragma once
// The connection to the Redis server every instance shares (the shared cache tier, REDIS_URL).
// The shared tier is an optimization: when Redis is down, slow or hung, callers get an error value
// within about the timeouts and carry on without it. After a failure the client stops talking to
// Redis for a backoff (RedisClientOptions) and fails fast in between, so a dead Redis costs a
// mutex and a clock read per call, not a connection attempt.
//
// Thread-safe: one connection behind a mutex, so calls from several threads run one at a time.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cardmint::cache {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;  // when set, host and port are unused
  int database = 0;
  std::string username;  // empty: AUTH with the password alone (the "default" user)
  std::string password;  // empty: no AUTH

  // "host:port" or "unix:/path", for messages; never the credentials.
  std::string endpoint() const;
};

// redis://[[username]:password@]host[:port][/database] (host may be a bracketed IPv6 literal) or
// unix://[[username]:password@]/path/to/socket[?db=N]; username and password are percent-decoded.
// invalid_input says what is wrong; it never repeats the password.
Result<RedisAddress> parse_redis_url(std::string_view url);

struct RedisClientOptions {
  std::chrono::milliseconds connect_timeout{100};
  std::chrono::milliseconds command_timeout{100};
  std::chrono::milliseconds reconnect_backoff{250};       // the first wait after a failure
  std::chrono::milliseconds max_reconnect_backoff{2000};  // doubling stops here
};

// Never throws. Connects lazily on first use, then AUTHs and SELECTs on every (re)connect.
//
// Failures are Status::unavailable naming the endpoint and the cause. A failure of the connection
// (refused, closed by Redis, timed out, AUTH or SELECT rejected) drops it and starts the backoff;
// calls before the backoff has passed fail fast without touching the network. An error reply to
// a command (WRONGTYPE, OOM, NOAUTH...) comes back the same way but keeps the connection: the
// socket is fine and the next command may well succeed, so it does not start a backoff.
//
// Writing to a socket Redis has closed raises SIGPIPE; the client blocks it on the calling thread
// for the duration of each call (and swallows the one it caused), so it never kills the process.
class RedisClient {
 public:
  explicit RedisClient(RedisAddress address, RedisClientOptions options = {});
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // nullopt: the key is absent (or expired).
  Result<std::optional<std::string>> get(const std::string& key);
  // SET key value [PX ttl]; ttl 0 = no expiry. Binary-safe.
  Status set(const std::string& key, std::string_view value, std::chrono::milliseconds ttl);
  Status del(const std::string& key);

  // XADD stream [MAXLEN ~ approx_max_length] * p <payload>; 0 = never trim. The new entry's id.
  Result<std::string> stream_append(const std::string& stream, std::string_view payload,
                                    std::size_t approx_max_length);

  struct StreamEntry {
    std::string id;
    std::string payload;  // field "p"; empty for an entry written without it
  };
  // XREAD [BLOCK block] COUNT count STREAMS stream after_id: at most `count` (>= 1) entries after
  // `after_id` ("0": from the start, "$": only entries added during this call); empty when none
  // came. With block > 0 the call waits up to `block` and holds the connection meanwhile (the
  // command timeout is extended by it), so blocking readers want a RedisClient of their own.
  Result<std::vector<StreamEntry>> stream_read(const std::string& stream,
                                               const std::string& after_id, std::size_t count,
                                               std::chrono::milliseconds block);

  Status ping();

  struct Stats {
    std::uint64_t errors = 0;      // calls that returned unavailable, failed-fast ones included
    std::uint64_t reconnects = 0;  // times Redis answered again after a failure
    bool connected = false;
  };
  // Lock-free: never waits behind a call in progress.
  Stats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cardmint::cache
