#pragma once
// Concurrent clients uploading card photos through nginx without pause, each answer recorded
// with the instance that gave it (nginx's X-Served-By), for the failover and Redis tests.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cardmint::testing {

// A development-set photo (data/devset) and the card its manifest says it shows.
struct TestPhoto {
  std::string file;
  std::string card_id;
  std::string bytes;
};

// The named development-set photos with their manifest's card ids. Throws when one is missing.
std::vector<TestPhoto> devset_cards(const std::vector<std::string>& files);

struct LoadReply {
  int index = 0;
  int status = 0;  // 0: no answer (see error)
  std::string error;
  std::vector<int> tried_ports;  // every instance nginx tried, in order; the last answered
  int served_port = 0;           // the last of tried_ports, 0 when none
  std::string photo;
  std::string expected_card;
  std::string card_id;  // empty: no card
  std::string source;   // "ocr", "cache", ...
  std::chrono::steady_clock::time_point sent, answered;
  std::string body;  // kept when the answer is not the expected one, for the failure message

  bool good() const { return status == 200 && card_id == expected_card; }
};

// Thread-safe. The clients stop and are joined by stop() or the destructor.
class SteadyLoad {
 public:
  // `clients` threads upload through nginx at 127.0.0.1:`nginx_port`. Upload i is photo
  // i % photos.size(): its very bytes in even rounds, the same picture in new bytes (a JPEG
  // comment) in odd rounds, so both the cache's digest and its perceptual hash answer repeats.
  SteadyLoad(int nginx_port, std::vector<TestPhoto> photos, int clients);
  ~SteadyLoad();
  SteadyLoad(const SteadyLoad&) = delete;
  SteadyLoad& operator=(const SteadyLoad&) = delete;

  int answered() const { return answered_.load(); }
  // Answers so far that instance `port` gave.
  int answered_by(int port) const;
  // Waits until `count` uploads have their answer; false after `timeout`.
  bool wait_answered(int count, std::chrono::seconds timeout) const;
  // Stops the clients once `at_least` uploads were sent (each finishes the upload it is in),
  // joins them and returns every reply, by index.
  std::vector<LoadReply> stop(int at_least = 0);

 private:
  void client();

  const int port_;
  const std::vector<TestPhoto> photos_;
  std::atomic<int> next_{0};
  std::atomic<int> answered_{0};
  std::atomic<int> stop_at_{-1};  // -1: keep going
  mutable std::mutex mu_;         // guards replies_
  std::vector<LoadReply> replies_;
  std::vector<std::jthread> threads_;
};

}  // namespace cardmint::testing
