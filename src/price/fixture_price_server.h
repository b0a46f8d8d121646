#pragma once
// Test-only: the two price APIs on a free 127.0.0.1 port, answering card requests from the
// recorded-shape answers in testdata/ (pokemontcg.io: /v2/cards/{id}; TCGdex: /v2/en/cards/{id};
// both also under an /api prefix, as behind a proxy). A card without a file is a 404 in the API's
// own error shape. Tests make it slow or failing and count what reached it.
// Thread-safe: the server's threads and the test read and set it at once.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace cardmint::price::testing {

class FixturePriceServer {
 public:
  FixturePriceServer();  // listening when it returns
  // Wakes handlers still delaying, stops the server, joins its thread.
  ~FixturePriceServer();
  FixturePriceServer(const FixturePriceServer&) = delete;
  FixturePriceServer& operator=(const FixturePriceServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:PORT

  // Requests that reached a card route (each counted when it arrives, before any delay).
  int hits() const { return hits_.load(); }
  // Every answer from now on waits this long first.
  void set_delay(std::chrono::milliseconds delay);
  // Every answer from now on is this status with an empty JSON body; 0: the normal answers.
  void set_forced_status(int status) { forced_status_.store(status); }
  // The X-Api-Key of the last card request ("" when it had none).
  std::string last_api_key() const;

 private:
  void answer_after_delay();

  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> hits_{0};
  std::atomic<int> forced_status_{0};

  mutable std::mutex mu_;  // guards below
  std::condition_variable wake_;
  std::chrono::milliseconds delay_{0};
  bool stopping_ = false;
  std::string last_api_key_;
};

}  // namespace cardmint::price::testing
