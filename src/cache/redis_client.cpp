#include "cache/redis_client.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <mutex>

#include "base/elapsed.h"
#include "base/log.h"

namespace cardmint::cache {
namespace {

using std::chrono::milliseconds;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

// hiredis write()s to its socket, and a write to a connection Redis has closed raises SIGPIPE,
// whose default action kills the whole service. Blocking it on this thread for the call turns that
// into EPIPE; a SIGPIPE the call raised is then swallowed before unblocking (libpq does the same).
// One already pending before the call is left alone: signals do not queue, so it cannot be told
// apart from ours.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigpipe_, &previous_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~ScopedSigpipeBlock() {
    const int saved_errno = errno;
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec no_wait{0, 0};
        sigtimedwait(&sigpipe_, nullptr, &no_wait);
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    errno = saved_errno;
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t sigpipe_;
  sigset_t previous_;
  bool was_pending_ = false;
};

// A zero timeval means "no timeout" to SO_RCVTIMEO, so a 0 ms setting is raised to 1 ms.
timeval to_timeval(milliseconds ms) {
  const long long total = std::max<long long>(ms.count(), 1);
  return timeval{static_cast<time_t>(total / 1000), static_cast<suseconds_t>(total % 1000 * 1000)};
}

std::string reply_text(const redisReply& reply) { return std::string(reply.str, reply.len); }

const char* reply_type_name(int type) {
  switch (type) {
    case REDIS_REPLY_STRING:
      return "string";
    case REDIS_REPLY_ARRAY:
      return "array";
    case REDIS_REPLY_INTEGER:
      return "integer";
    case REDIS_REPLY_NIL:
      return "nil";
    case REDIS_REPLY_STATUS:
      return "status";
    case REDIS_REPLY_ERROR:
      return "error";
    default:
      return "unknown";
  }
}

std::optional<int> parse_int(std::string_view text, int min, int max) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Status bad_url(const std::string& why) { return Status::invalid_input("redis URL: " + why); }

// "[user]:password" before the '@'. Both parts are percent-decoded.
Status parse_userinfo(std::string_view userinfo, RedisAddress& address) {
  const std::size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return bad_url(
        "credentials need a ':' before the password (redis://:password@host or "
        "redis://user:password@host)");
  }
  std::optional<std::string> username = percent_decode(userinfo.substr(0, colon));
  if (!username) return bad_url("bad percent-escape in the username");
  std::optional<std::string> password = percent_decode(userinfo.substr(colon + 1));
  if (!password) return bad_url("bad percent-escape in the password");
  if (password->empty()) return bad_url("the password after ':' is empty");
  address.username = std::move(*username);
  address.password = std::move(*password);
  return Status::ok_status();
}

Status parse_host_port(std::string_view host_port, RedisAddress& address) {
  std::string_view host = host_port;
  std::optional<std::string_view> port;
  if (host_port.starts_with('[')) {
    const std::size_t close = host_port.find(']');
    if (close == std::string_view::npos) return bad_url("'[' of an IPv6 host has no ']'");
    host = host_port.substr(1, close - 1);
    const std::string_view after = host_port.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad_url("unexpected text after the IPv6 host's ']'");
      port = after.substr(1);
    }
  } else if (const std::size_t colon = host_port.find(':'); colon != std::string_view::npos) {
    if (host_port.find(':', colon + 1) != std::string_view::npos) {
      return bad_url("an IPv6 host needs brackets (redis://[::1]:6379)");
    }
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
  }
  if (host.empty()) return bad_url("no host (redis://host[:port][/database])");
  address.host = std::string(host);
  if (port) {
    std::optional<int> number = parse_int(*port, 1, 65535);
    if (!number) {
      return bad_url("port '" + std::string(*port) + "' is not a number from 1 to 65535");
    }
    address.port = *number;
  }
  return Status::ok_status();
}

Status parse_database(std::string_view text, RedisAddress& address) {
  std::optional<int> number = parse_int(text, 0, INT_MAX);
  if (!number) {
    return bad_url("database '" + std::string(text) + "' is not a non-negative number");
  }
  address.database = *number;
  return Status::ok_status();
}

}  // namespace

std::string RedisAddress::endpoint() const {
  if (!unix_socket.empty()) return "unix:" + unix_socket;
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<RedisAddress> parse_redis_url(std::string_view url) {
  constexpr std::string_view kTcp = "redis://";
  constexpr std::string_view kUnix = "unix://";
  const bool is_unix = url.starts_with(kUnix);
  if (!url.starts_with(kTcp) && !is_unix) {
    if (url.starts_with("rediss://")) return bad_url("TLS (rediss://) is not supported");
    return bad_url("must start with redis:// or unix://");
  }
  // Credentials with these characters must be percent-encoded, as in any URL; saying so beats
  // guessing where the password ends.
  if (url.find('#') != std::string_view::npos) {
    return bad_url("'#' is not allowed (percent-encode it as %23 in a password)");
  }
  std::string_view rest = url.substr(is_unix ? kUnix.size() : kTcp.size());
  RedisAddress address;

  std::string_view query;
  if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);

  std::string_view host_port = authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (Status s = parse_userinfo(authority.substr(0, at), address); !s.ok()) return s;
    host_port = authority.substr(at + 1);
  }

  if (is_unix) {
    if (!host_port.empty()) return bad_url("a unix:// URL has no host (unix:///path/to/socket)");
    if (path.size() < 2) return bad_url("no socket path (unix:///path/to/socket)");
    address.unix_socket = std::string(path);
    if (!query.empty()) {
      if (!query.starts_with("db=")) return bad_url("the only query parameter is db=N");
      if (Status s = parse_database(query.substr(3), address); !s.ok()) return s;
    }
    return address;
  }

  if (!query.empty()) return bad_url("query parameters are not supported");
  if (Status s = parse_host_port(host_port, address); !s.ok()) return s;
  if (path.size() > 1) {
    if (Status s = parse_database(path.substr(1), address); !s.ok()) return s;
  }
  return address;
}

class RedisClient::Impl {
 public:
  Impl(RedisAddress address, RedisClientOptions options)
      : address_(std::move(address)),
        options_(options),
        endpoint_(address_.endpoint()),
        backoff_(options.reconnect_backoff) {}

  // Sends one command and waits for its reply, connecting first when needed. The reply, which
  // is never an error reply; otherwise unavailable. `extra_wait` lengthens the read timeout for a
  // command that blocks in Redis on purpose.
  Result<ReplyPtr> command(const std::vector<std::string_view>& args,
                           milliseconds extra_wait = milliseconds(0)) {
    std::lock_guard lock(mu_);
    if (!context_) {
      const SteadyClock::time_point now = SteadyClock::now();
      if (now < retry_at_) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        const auto left = std::chrono::ceil<milliseconds>(retry_at_ - now).count();
        return Status::unavailable("redis " + endpoint_ + " unavailable (" + last_failure_ +
                                   "); next connection attempt in " + std::to_string(left) + " ms");
      }
    }
    ScopedSigpipeBlock no_sigpipe;
    if (!context_) {
      if (Status s = connect_locked(); !s.ok()) return s;
    }
    const std::string name(args.front());

    const bool extended = extra_wait.count() > 0;
    if (extended && redisSetTimeout(context_.get(), to_timeval(options_.command_timeout +
                                                               extra_wait)) != REDIS_OK) {
      return connection_failed_locked(name + ": " + context_error(0));
    }

    int call_errno = 0;
    ReplyPtr reply = send_locked(args, call_errno);
    if (!reply) return connection_failed_locked(name + ": " + context_error(call_errno));
    answered_locked();

    if (extended &&
        redisSetTimeout(context_.get(), to_timeval(options_.command_timeout)) != REDIS_OK) {
      return connection_failed_locked(name + ": " + context_error(0));
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      return unavailable(name + " failed: " + reply_text(*reply));
    }
    return reply;
  }

  // A reply of a shape the command never gives; counted like any other failure.
  Status unexpected(const std::string& command, const redisReply& reply) {
    return unavailable(command + ": unexpected " + reply_type_name(reply.type) + " reply");
  }

  // Counts a failure that leaves the connection as it is.
  Status unavailable(const std::string& cause) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return Status::unavailable("redis " + endpoint_ + ": " + cause);
  }

  Stats stats() const {
    return Stats{errors_.load(std::memory_order_relaxed),
                 reconnects_.load(std::memory_order_relaxed),
                 connected_.load(std::memory_order_relaxed)};
  }

 private:
  // Why the context failed, in words. `call_errno` is errno right after the failed call: a read
  // that hit SO_RCVTIMEO reports EAGAIN, which hiredis renders as "Resource temporarily
  // unavailable".
  std::string context_error(int call_errno) const {
    if (context_ == nullptr) return "no connection";
    if (context_->err == REDIS_ERR_IO && (call_errno == EAGAIN || call_errno == EWOULDBLOCK)) {
      return "no reply within the timeout";
    }
    if (context_->err == REDIS_ERR_EOF) return "connection closed by the server";
    if (context_->err == 0) return "unknown error";
    return context_->errstr;
  }

  Status connect_locked() {
    const timeval connect_timeout = to_timeval(options_.connect_timeout);
    context_.reset(
        address_.unix_socket.empty()
            ? redisConnectWithTimeout(address_.host.c_str(), address_.port, connect_timeout)
            : redisConnectUnixWithTimeout(address_.unix_socket.c_str(), connect_timeout));
    if (context_ == nullptr) return connection_failed_locked("connect: out of memory");
    if (context_->err != 0) {
      return connection_failed_locked("connect: " + context_error(errno));
    }
    if (redisSetTimeout(context_.get(), to_timeval(options_.command_timeout)) != REDIS_OK) {
      return connection_failed_locked("setting the timeout: " + context_error(0));
    }
    if (!address_.password.empty()) {
      std::vector<std::string_view> auth = {"AUTH"};
      if (!address_.username.empty()) auth.push_back(address_.username);
      auth.push_back(address_.password);
      if (Status s = handshake_locked(auth); !s.ok()) return s;
    }
    if (address_.database != 0) {
      const std::string database = std::to_string(address_.database);
      if (Status s = handshake_locked({"SELECT", database}); !s.ok()) return s;
    }
    connected_.store(true, std::memory_order_relaxed);
    return Status::ok_status();
  }

  // Redis answered a command: an outage is over only now, since a hung Redis still accepts
  // connections (the kernel completes the handshake) and must keep lengthening the backoff.
  void answered_locked() {
    if (!in_outage_) return;
    in_outage_ = false;
    backoff_ = options_.reconnect_backoff;
    reconnects_.fetch_add(1, std::memory_order_relaxed);
    logger("cache")->info("redis {}: answering again", endpoint_);
  }

  // Sends one command, binary-safe, and waits for its reply: null when the connection failed
  // (`call_errno` then holds errno as the failure left it).
  ReplyPtr send_locked(const std::vector<std::string_view>& args, int& call_errno) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (std::string_view arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    void* raw = redisCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                                 lengths.data());
    call_errno = errno;
    return ReplyPtr(static_cast<redisReply*>(raw));
  }

  // AUTH or SELECT on a fresh connection; a rejection makes the connection useless.
  Status handshake_locked(const std::vector<std::string_view>& args) {
    int call_errno = 0;
    ReplyPtr reply = send_locked(args, call_errno);
    const std::string name(args.front());
    if (!reply) return connection_failed_locked(name + ": " + context_error(call_errno));
    if (reply->type == REDIS_REPLY_ERROR) {
      // The reply never echoes the password.
      return connection_failed_locked(name + " rejected: " + reply_text(*reply));
    }
    return Status::ok_status();
  }

  // Drops the connection and starts (or lengthens) the backoff.
  Status connection_failed_locked(const std::string& cause) {
    context_.reset();
    connected_.store(false, std::memory_order_relaxed);
    errors_.fetch_add(1, std::memory_order_relaxed);
    retry_at_ = SteadyClock::now() + backoff_;
    const milliseconds waited = backoff_;
    backoff_ = std::min(backoff_ * 2,
                        std::max(options_.max_reconnect_backoff, options_.reconnect_backoff));
    // Once per outage, not once per attempt: a dead Redis must not flood the log.
    if (!in_outage_) {
      logger("cache")->warn("redis {}: {}; the shared cache is off, retrying in {} ms", endpoint_,
                            cause, waited.count());
    }
    in_outage_ = true;
    last_failure_ = cause;
    return Status::unavailable("redis " + endpoint_ + ": " + cause);
  }

  const RedisAddress address_;
  const RedisClientOptions options_;
  const std::string endpoint_;

  std::mutex mu_;
  ContextPtr context_;                // guarded by mu_; null while disconnected
  SteadyClock::time_point retry_at_;  // guarded by mu_; no connection attempt before it
  milliseconds backoff_;              // guarded by mu_; the wait after the next failure
  bool in_outage_ = false;            // guarded by mu_; failed and not answered since
  std::string last_failure_;          // guarded by mu_

  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<bool> connected_{false};
};

RedisClient::RedisClient(RedisAddress address, RedisClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(address), options)) {}

RedisClient::~RedisClient() = default;

RedisClient::Stats RedisClient::stats() const { return impl_->stats(); }

Result<std::optional<std::string>> RedisClient::get(const std::string& key) {
  Result<ReplyPtr> reply = impl_->command({"GET", key});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (r.type != REDIS_REPLY_STRING) return impl_->unexpected("GET", r);
  return std::optional<std::string>(reply_text(r));
}

Status RedisClient::set(const std::string& key, std::string_view value, milliseconds ttl) {
  if (ttl.count() < 0) return Status::invalid_input("redis SET: negative ttl");
  Result<ReplyPtr> reply =
      ttl.count() == 0 ? impl_->command({"SET", key, value})
                       : impl_->command({"SET", key, value, "PX", std::to_string(ttl.count())});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_STATUS) return impl_->unexpected("SET", **reply);
  return Status::ok_status();
}

Status RedisClient::del(const std::string& key) {
  Result<ReplyPtr> reply = impl_->command({"DEL", key});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) return impl_->unexpected("DEL", **reply);
  return Status::ok_status();
}

Result<std::string> RedisClient::stream_append(const std::string& stream, std::string_view payload,
                                               std::size_t approx_max_length) {
  const std::string max_length = std::to_string(approx_max_length);
  Result<ReplyPtr> reply =
      approx_max_length == 0
          ? impl_->command({"XADD", stream, "*", "p", payload})
          : impl_->command({"XADD", stream, "MAXLEN", "~", max_length, "*", "p", payload});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_STRING) return impl_->unexpected("XADD", **reply);
  return reply_text(**reply);
}

Result<std::vector<RedisClient::StreamEntry>> RedisClient::stream_read(const std::string& stream,
                                                                       const std::string& after_id,
                                                                       std::size_t count,
                                                                       milliseconds block) {
  if (count == 0) return Status::invalid_input("redis XREAD: count must be at least 1");
  if (block.count() < 0) return Status::invalid_input("redis XREAD: negative block");
  const std::string count_text = std::to_string(count);
  const std::string block_text = std::to_string(block.count());
  // BLOCK 0 would wait forever, so no BLOCK at all is the non-blocking read.
  Result<ReplyPtr> reply =
      block.count() == 0
          ? impl_->command({"XREAD", "COUNT", count_text, "STREAMS", stream, after_id})
          : impl_->command(
                {"XREAD", "BLOCK", block_text, "COUNT", count_text, "STREAMS", stream, after_id},
                block);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  std::vector<StreamEntry> entries;
  if (r.type == REDIS_REPLY_NIL) return entries;  // nothing new (or the block ran out)
  // [[stream, [[id, [field, value, ...]], ...]]]
  if (r.type != REDIS_REPLY_ARRAY || r.elements != 1) return impl_->unexpected("XREAD", r);
  const redisReply& per_stream = *r.element[0];
  if (per_stream.type != REDIS_REPLY_ARRAY || per_stream.elements != 2 ||
      per_stream.element[1]->type != REDIS_REPLY_ARRAY) {
    return impl_->unexpected("XREAD", per_stream);
  }
  const redisReply& items = *per_stream.element[1];
  entries.reserve(items.elements);
  for (std::size_t i = 0; i < items.elements; ++i) {
    const redisReply& item = *items.element[i];
    if (item.type != REDIS_REPLY_ARRAY || item.elements != 2 ||
        item.element[0]->type != REDIS_REPLY_STRING) {
      return impl_->unexpected("XREAD", item);
    }
    StreamEntry entry{reply_text(*item.element[0]), {}};
    const redisReply& fields = *item.element[1];
    if (fields.type == REDIS_REPLY_ARRAY) {
      for (std::size_t f = 0; f + 1 < fields.elements; f += 2) {
        const redisReply& field = *fields.element[f];
        const redisReply& value = *fields.element[f + 1];
        if (field.type == REDIS_REPLY_STRING && value.type == REDIS_REPLY_STRING &&
            std::string_view(field.str, field.len) == "p") {
          entry.payload = reply_text(value);
          break;
        }
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

Status RedisClient::ping() {
  Result<ReplyPtr> reply = impl_->command({"PING"});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_STATUS) return impl_->unexpected("PING", **reply);
  return Status::ok_status();
}

}  // namespace cardmint::cache
