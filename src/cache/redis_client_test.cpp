#include "cache/redis_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/redis_server_process.h"

namespace cardmint::cache {
namespace {

using cardmint::testing::RedisServerProcess;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// Only "it did not hang": every timeout in these tests is 100 ms, so 2 s is generous.
constexpr auto kNoHang = seconds(2);

RedisAddress parsed(std::string_view url) {
  Result<RedisAddress> address = parse_redis_url(url);
  EXPECT_TRUE(address.ok()) << url << ": " << address.status().to_string();
  return address.ok() ? *address : RedisAddress{};
}

// The parse error of a URL that must not parse; "" when it parsed.
std::string parse_error(std::string_view url) {
  Result<RedisAddress> address = parse_redis_url(url);
  if (address.ok()) return "";
  EXPECT_EQ(address.status().code(), StatusCode::kInvalidInput) << url;
  return address.status().message();
}

TEST(ParseRedisUrlTest, HostPortAndDatabase) {
  RedisAddress a = parsed("redis://cache.internal:6380/2");
  EXPECT_EQ(a.host, "cache.internal");
  EXPECT_EQ(a.port, 6380);
  EXPECT_EQ(a.database, 2);
  EXPECT_TRUE(a.username.empty());
  EXPECT_TRUE(a.password.empty());
  EXPECT_TRUE(a.unix_socket.empty());
  EXPECT_EQ(a.endpoint(), "cache.internal:6380");
}

TEST(ParseRedisUrlTest, Defaults) {
  RedisAddress a = parsed("redis://localhost");
  EXPECT_EQ(a.host, "localhost");
  EXPECT_EQ(a.port, 6379);
  EXPECT_EQ(a.database, 0);
  EXPECT_EQ(parsed("redis://localhost/").database, 0);
}

TEST(ParseRedisUrlTest, Credentials) {
  RedisAddress a = parsed("redis://:s3cret@10.0.0.5:7000");
  EXPECT_EQ(a.username, "");
  EXPECT_EQ(a.password, "s3cret");
  EXPECT_EQ(a.host, "10.0.0.5");
  EXPECT_EQ(a.port, 7000);
  EXPECT_EQ(a.endpoint(), "10.0.0.5:7000");  // no credentials in messages

  // Percent-escapes, and an '@' inside the password found by taking the last one.
  RedisAddress b = parsed("redis://cardmint:p%40ss%3Aw0rd@redis/1");
  EXPECT_EQ(b.username, "cardmint");
  EXPECT_EQ(b.password, "p@ss:w0rd");
  EXPECT_EQ(b.host, "redis");
  EXPECT_EQ(b.database, 1);
  EXPECT_EQ(parsed("redis://:a@b@redis").password, "a@b");
}

TEST(ParseRedisUrlTest, Ipv6Host) {
  RedisAddress a = parsed("redis://[::1]:6390");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 6390);
  EXPECT_EQ(a.endpoint(), "[::1]:6390");
  EXPECT_EQ(parsed("redis://[::1]").port, 6379);
}

TEST(ParseRedisUrlTest, UnixSocket) {
  RedisAddress a = parsed("unix:///run/redis/redis.sock");
  EXPECT_EQ(a.unix_socket, "/run/redis/redis.sock");
  EXPECT_EQ(a.database, 0);
  EXPECT_EQ(a.endpoint(), "unix:/run/redis/redis.sock");

  RedisAddress b = parsed("unix://:pw@/tmp/r.sock?db=3");
  EXPECT_EQ(b.unix_socket, "/tmp/r.sock");
  EXPECT_EQ(b.password, "pw");
  EXPECT_EQ(b.database, 3);
}

TEST(ParseRedisUrlTest, BadUrlsSayWhatIsWrong) {
  const struct {
    std::string_view url;
    std::string_view reason;
  } cases[] = {
      {"", "must start with redis:// or unix://"},
      {"localhost:6379", "must start with redis:// or unix://"},
      {"http://localhost", "must start with redis:// or unix://"},
      {"rediss://localhost", "TLS"},
      {"redis://", "no host"},
      {"redis://:6379", "no host"},
      {"redis://localhost:", "port '' is not a number"},
      {"redis://localhost:abc", "port 'abc' is not a number"},
      {"redis://localhost:0", "port '0' is not a number from 1 to 65535"},
      {"redis://localhost:65536", "port '65536'"},
      {"redis://localhost/x", "database 'x' is not a non-negative number"},
      {"redis://localhost/-1", "database '-1'"},
      {"redis://localhost/1/2", "database '1/2'"},
      {"redis://localhost?db=1", "query parameters are not supported"},
      {"redis://secret@localhost", "credentials need a ':'"},
      {"redis://user:@localhost", "password after ':' is empty"},
      {"redis://:p%zz@localhost", "bad percent-escape in the password"},
      {"redis://us%4@localhost", "credentials need a ':'"},
      {"redis://u%4:pw@localhost", "bad percent-escape in the username"},
      {"redis://:pa#ss@localhost", "'#' is not allowed"},
      {"redis://::1:6379", "IPv6 host needs brackets"},
      {"redis://[::1:6379", "no ']'"},
      {"redis://[::1]6379", "after the IPv6 host's ']'"},
      {"unix://host/tmp/r.sock", "a unix:// URL has no host"},
      {"unix://", "no socket path"},
      {"unix:///tmp/r.sock?database=1", "the only query parameter is db=N"},
      {"unix:///tmp/r.sock?db=x", "database 'x'"},
  };
  for (const auto& c : cases) {
    const std::string error = parse_error(c.url);
    EXPECT_NE(error.find(c.reason), std::string::npos)
        << "'" << c.url << "' gave '" << error << "', expected it to mention '" << c.reason << "'";
  }
}

TEST(ParseRedisUrlTest, ErrorsNeverRepeatThePassword) {
  EXPECT_EQ(parse_error("redis://:topsecret@localhost:port").find("topsecret"), std::string::npos);
  EXPECT_EQ(parse_error("redis://u:topsecret@/0").find("topsecret"), std::string::npos);
}

RedisAddress address_of(const RedisServerProcess& server) { return parsed(server.url()); }

RedisClientOptions fast_options() {
  RedisClientOptions options;
  options.connect_timeout = milliseconds(100);
  options.command_timeout = milliseconds(100);
  options.reconnect_backoff = milliseconds(200);
  options.max_reconnect_backoff = milliseconds(400);
  return options;
}

// GET as one string for EXPECT_EQ: the value, "<absent>" or "<error: ...>".
std::string lookup(RedisClient& client, const std::string& key) {
  Result<std::optional<std::string>> r = client.get(key);
  if (!r.ok()) return "<error: " + r.status().to_string() + ">";
  return r->value_or("<absent>");
}

// XREAD without blocking; the entries' payloads, or one "<error: ...>".
std::vector<std::string> payloads(RedisClient& client, const std::string& stream,
                                  const std::string& after_id, std::size_t count = 10000) {
  Result<std::vector<RedisClient::StreamEntry>> r =
      client.stream_read(stream, after_id, count, milliseconds(0));
  if (!r.ok()) return {"<error: " + r.status().to_string() + ">"};
  std::vector<std::string> out;
  for (const RedisClient::StreamEntry& e : *r) out.push_back(e.payload);
  return out;
}

// Calls ping() until it succeeds; false after `timeout`.
bool ping_until_ok(RedisClient& client, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (client.ping().ok()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

class RedisClientTest : public ::testing::Test {
 protected:
  RedisServerProcess server_;
};

TEST_F(RedisClientTest, SetGetDel) {
  RedisClient client(address_of(server_), fast_options());
  EXPECT_FALSE(client.stats().connected);  // lazy: nothing happens before the first call

  Result<std::optional<std::string>> absent = client.get("card:1");
  ASSERT_TRUE(absent.ok()) << absent.status().to_string();
  EXPECT_FALSE(absent->has_value());

  ASSERT_TRUE(client.set("card:1", "sv3-125", milliseconds(0)).ok());
  Result<std::optional<std::string>> present = client.get("card:1");
  ASSERT_TRUE(present.ok()) << present.status().to_string();
  EXPECT_EQ(present->value_or("<absent>"), "sv3-125");

  ASSERT_TRUE(client.set("card:1", "sv3-126", milliseconds(0)).ok());  // overwrites
  EXPECT_EQ(lookup(client, "card:1"), "sv3-126");

  ASSERT_TRUE(client.del("card:1").ok());
  EXPECT_EQ(lookup(client, "card:1"), "<absent>");
  EXPECT_TRUE(client.del("card:1").ok());  // deleting an absent key is fine

  RedisClient::Stats stats = client.stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(stats.reconnects, 0u);
}

TEST_F(RedisClientTest, BinaryKeysAndValues) {
  RedisClient client(address_of(server_), fast_options());
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  value += std::string("\0\r\n$-1\r\n", 8);  // NULs and protocol look-alikes
  const std::string key("k\0ey\r\n", 6);
  ASSERT_TRUE(client.set(key, value, milliseconds(0)).ok());
  Result<std::optional<std::string>> back = client.get(key);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, value);
  EXPECT_EQ(lookup(client, std::string("k", 1)), "<absent>");  // not truncated at the NUL
}

TEST_F(RedisClientTest, TtlExpires) {
  RedisClient client(address_of(server_), fast_options());
  ASSERT_TRUE(client.set("short", "v", milliseconds(1000)).ok());
  ASSERT_TRUE(client.set("forever", "v", milliseconds(0)).ok());
  EXPECT_NE(lookup(client, "short"), "<absent>");

  const auto deadline = Clock::now() + seconds(10);
  bool expired = false;
  while (!expired && Clock::now() < deadline) {
    Result<std::optional<std::string>> r = client.get("short");
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    expired = !r->has_value();
    if (!expired) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(expired) << "a 1 s TTL did not expire within 10 s";
  EXPECT_NE(lookup(client, "forever"), "<absent>");

  Status negative = client.set("k", "v", milliseconds(-1));
  EXPECT_EQ(negative.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(client.stats().errors, 0u);  // the caller's mistake, not Redis failing
}

TEST_F(RedisClientTest, DatabaseIsSelected) {
  RedisAddress one = address_of(server_);
  one.database = 1;
  RedisClient in_one(one, fast_options());
  RedisClient in_zero(address_of(server_), fast_options());
  ASSERT_TRUE(in_one.set("k", "in db 1", milliseconds(0)).ok());
  EXPECT_EQ(lookup(in_one, "k"), "in db 1");
  EXPECT_EQ(lookup(in_zero, "k"), "<absent>");

  RedisAddress out_of_range = address_of(server_);
  out_of_range.database = 99;  // redis-server has 16
  RedisClient bad(out_of_range, fast_options());
  Status s = bad.ping();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("SELECT rejected"), std::string::npos) << s.message();
  EXPECT_FALSE(bad.stats().connected);
}

TEST_F(RedisClientTest, UnixSocket) {
  RedisAddress address = parsed("unix://" + server_.unix_socket().string());
  RedisClient client(address, fast_options());
  ASSERT_TRUE(client.set("via", "unix", milliseconds(0)).ok());
  RedisClient tcp(address_of(server_), fast_options());
  EXPECT_EQ(lookup(tcp, "via"), "unix");
}

TEST_F(RedisClientTest, StreamAppendAndRead) {
  RedisClient client(address_of(server_), fast_options());
  const std::string binary("a\0b", 3);
  std::vector<std::string> ids;
  for (const std::string& payload : {std::string("first"), binary, std::string("third")}) {
    Result<std::string> id = client.stream_append("events", payload, 0);
    ASSERT_TRUE(id.ok()) << id.status().to_string();
    ids.push_back(*id);
  }
  EXPECT_NE(ids[0], ids[1]);

  Result<std::vector<RedisClient::StreamEntry>> all =
      client.stream_read("events", "0", 10, milliseconds(0));
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, ids[0]);
  EXPECT_EQ((*all)[0].payload, "first");
  EXPECT_EQ((*all)[1].payload, binary);
  EXPECT_EQ((*all)[2].id, ids[2]);
  EXPECT_EQ((*all)[2].payload, "third");

  Result<std::vector<RedisClient::StreamEntry>> after_first =
      client.stream_read("events", ids[0], 10, milliseconds(0));
  ASSERT_TRUE(after_first.ok());
  ASSERT_EQ(after_first->size(), 2u);
  EXPECT_EQ((*after_first)[0].id, ids[1]);
  EXPECT_EQ((*after_first)[1].id, ids[2]);

  Result<std::vector<RedisClient::StreamEntry>> limited =
      client.stream_read("events", "0", 2, milliseconds(0));
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 2u);

  EXPECT_TRUE(payloads(client, "events", ids[2]).empty());
  EXPECT_TRUE(payloads(client, "events", "$").empty());
  EXPECT_TRUE(payloads(client, "no-such-stream", "0").empty());

  EXPECT_EQ(client.stream_read("events", "0", 0, milliseconds(0)).status().code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(client.stats().errors, 0u);
}

TEST_F(RedisClientTest, StreamTrimsApproximately) {
  RedisClient client(address_of(server_), fast_options());
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(client.stream_append("trimmed", std::to_string(i), 10).ok());
    ASSERT_TRUE(client.stream_append("kept", std::to_string(i), 0).ok());
  }
  Result<std::vector<RedisClient::StreamEntry>> trimmed =
      client.stream_read("trimmed", "0", 5000, milliseconds(0));
  ASSERT_TRUE(trimmed.ok()) << trimmed.status().to_string();
  // "~" trims whole radix-tree nodes (100 entries each by default), so somewhere in [10, 200).
  EXPECT_GE(trimmed->size(), 10u);
  EXPECT_LT(trimmed->size(), 200u);
  EXPECT_EQ(trimmed->back().payload, "999");  // the newest survive
  EXPECT_EQ(payloads(client, "kept", "0").size(), 1000u);
}

TEST_F(RedisClientTest, BlockingReadOutlastsTheCommandTimeout) {
  RedisClient reader(address_of(server_), fast_options());  // 100 ms command timeout
  RedisClient writer(address_of(server_), fast_options());
  Result<std::string> last = writer.stream_append("feed", "old", 0);
  ASSERT_TRUE(last.ok());

  // Nothing arrives: an empty answer after the block, not a timeout error at 100 ms.
  Result<std::vector<RedisClient::StreamEntry>> none =
      reader.stream_read("feed", *last, 10, milliseconds(300));
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_TRUE(none->empty());

  // An entry appended while the reader waits; reading after `last` cannot miss it.
  std::thread append([&] {
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_TRUE(writer.stream_append("feed", "new", 0).ok());
  });
  Result<std::vector<RedisClient::StreamEntry>> got =
      reader.stream_read("feed", *last, 10, milliseconds(5000));
  append.join();
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].payload, "new");
  EXPECT_EQ(reader.stats().errors, 0u);
}

TEST_F(RedisClientTest, ErrorReplyKeepsTheConnection) {
  RedisClientOptions options = fast_options();
  options.reconnect_backoff = seconds(60);  // a dropped connection would fail the next call
  RedisClient client(address_of(server_), options);
  ASSERT_TRUE(client.set("plain", "v", milliseconds(0)).ok());
  Result<std::string> wrong = client.stream_append("plain", "p", 0);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(wrong.status().message().find("WRONGTYPE"), std::string::npos)
      << wrong.status().message();
  EXPECT_EQ(client.stats().errors, 1u);
  EXPECT_TRUE(client.stats().connected);
  EXPECT_TRUE(client.get("plain").ok());
}

TEST_F(RedisClientTest, DeadAddressFailsWithoutThrowing) {
  const int port = server_.port();
  server_.stop();
  RedisClient client(parsed("redis://127.0.0.1:" + std::to_string(port)), fast_options());
  Status s = client.ping();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("refused"), std::string::npos) << s.message();
  EXPECT_EQ(client.stats().errors, 1u);
  EXPECT_FALSE(client.stats().connected);
}

TEST(RedisClientAuthTest, Password) {
  RedisServerProcess server("s3cret");
  const std::string base = "127.0.0.1:" + std::to_string(server.port());

  RedisClient right(parsed("redis://:s3cret@" + base), fast_options());
  EXPECT_TRUE(right.ping().ok());
  ASSERT_TRUE(right.set("k", "v", milliseconds(0)).ok());
  RedisClient with_user(parsed("redis://default:s3cret@" + base), fast_options());
  EXPECT_EQ(lookup(with_user, "k"), "v");

  RedisClient wrong(parsed("redis://:not-the-password@" + base), fast_options());
  Status s = wrong.ping();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("AUTH rejected"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(base), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("not-the-password"), std::string::npos);
  EXPECT_EQ(wrong.stats().errors, 1u);
  EXPECT_FALSE(wrong.stats().connected);

  RedisClient wrong_user(parsed("redis://nobody:s3cret@" + base), fast_options());
  EXPECT_EQ(wrong_user.ping().code(), StatusCode::kUnavailable);

  RedisClient none(parsed("redis://" + base), fast_options());
  Result<std::optional<std::string>> r = none.get("k");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("NOAUTH"), std::string::npos) << r.status().message();
}

TEST_F(RedisClientTest, KilledThenRestartedOnTheSamePort) {
  RedisClientOptions options = fast_options();
  options.reconnect_backoff = seconds(3);  // long enough to restart Redis inside it
  options.max_reconnect_backoff = seconds(3);
  RedisClient client(address_of(server_), options);
  ASSERT_TRUE(client.set("before", "crash", milliseconds(0)).ok());

  server_.stop();
  const auto call = Clock::now();
  Result<std::optional<std::string>> during = client.get("before");
  const auto failed = Clock::now();
  EXPECT_LT(failed - call, kNoHang);
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(during.status().message().find(server_.url().substr(8)), std::string::npos)
      << during.status().message();
  EXPECT_EQ(client.stats().errors, 1u);
  EXPECT_FALSE(client.stats().connected);

  // Redis is back at once, but inside the backoff the client does not even try to connect.
  server_.restart();
  ASSERT_LT(Clock::now() - failed, options.reconnect_backoff)
      << "restarting redis-server took longer than the backoff; this check needs it inside";
  Status fast = client.ping();
  EXPECT_EQ(fast.code(), StatusCode::kUnavailable);
  EXPECT_NE(fast.message().find("next connection attempt in"), std::string::npos) << fast.message();
  EXPECT_EQ(client.stats().errors, 2u);
  EXPECT_EQ(client.stats().reconnects, 0u);

  // After the backoff it reconnects by itself; the restarted Redis is empty.
  ASSERT_TRUE(ping_until_ok(client, seconds(10)));
  EXPECT_GE(Clock::now() - failed, options.reconnect_backoff);
  EXPECT_EQ(client.stats().reconnects, 1u);
  EXPECT_TRUE(client.stats().connected);
  EXPECT_EQ(lookup(client, "before"), "<absent>");
  ASSERT_TRUE(client.set("after", "restart", milliseconds(0)).ok());
  EXPECT_EQ(lookup(client, "after"), "restart");
}

// hiredis write()s; a second write to a connection the dead Redis reset raises SIGPIPE, which
// would kill this test binary (and the service) if the client let it through.
TEST_F(RedisClientTest, LargeWriteToAKilledRedisDoesNotKillTheProcess) {
  RedisClient client(address_of(server_), fast_options());
  ASSERT_TRUE(client.ping().ok());
  server_.stop();
  const std::string big(32 << 20, 'x');
  for (int i = 0; i < 3; ++i) {
    Status s = client.set("big", big, milliseconds(0));
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    std::this_thread::sleep_for(milliseconds(250));
  }
  server_.restart();
  EXPECT_TRUE(ping_until_ok(client, seconds(10)));
}

TEST_F(RedisClientTest, PausedRedisTimesOutThenRecovers) {
  RedisClient client(address_of(server_), fast_options());
  ASSERT_TRUE(client.set("k", "v", milliseconds(0)).ok());

  server_.pause();
  const auto call = Clock::now();
  Result<std::optional<std::string>> hung = client.get("k");
  EXPECT_LT(Clock::now() - call, kNoHang);
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(hung.status().message().find("no reply within the timeout"), std::string::npos)
      << hung.status().message();

  // After the backoff it connects again (the kernel still accepts) and times out again.
  std::this_thread::sleep_for(milliseconds(250));
  const auto again = Clock::now();
  EXPECT_FALSE(client.ping().ok());
  EXPECT_LT(Clock::now() - again, kNoHang);
  EXPECT_EQ(client.stats().errors, 2u);

  server_.resume();
  ASSERT_TRUE(ping_until_ok(client, seconds(10)));
  EXPECT_EQ(lookup(client, "k"), "v");
  EXPECT_EQ(client.stats().reconnects, 1u);
}

// Threads share one client while Redis dies and comes back: no call hangs, none crashes, and
// every thread is served again afterwards.
TEST_F(RedisClientTest, ThreadsShareOneClientThroughACrash) {
  RedisClient client(address_of(server_), fast_options());
  std::atomic<bool> stop{false};
  std::atomic<bool> restarted{false};
  std::atomic<long long> slowest_ms{0};
  std::vector<std::atomic<int>> ok_after_restart(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string key = "thread:" + std::to_string(t);
      while (!stop) {
        const bool after = restarted;
        const auto start = Clock::now();
        const bool ok = client.set(key, "v", milliseconds(0)).ok() && client.get(key).ok();
        const long long ms = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
        long long seen = slowest_ms;
        while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) {
        }
        if (ok && after) ++ok_after_restart[t];
        std::this_thread::sleep_for(milliseconds(5));
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(300));
  server_.stop();
  std::this_thread::sleep_for(milliseconds(500));
  server_.restart();
  restarted = true;
  const auto deadline = Clock::now() + seconds(10);
  auto all_served = [&] {
    for (const auto& n : ok_after_restart) {
      if (n == 0) return false;
    }
    return true;
  };
  while (!all_served() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(20));
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(all_served());
  EXPECT_LT(slowest_ms.load(), 2 * std::chrono::duration_cast<milliseconds>(kNoHang).count());
  EXPECT_GE(client.stats().errors, 1u);
  EXPECT_GE(client.stats().reconnects, 1u);
}

}  // namespace
}  // namespace cardmint::cache
