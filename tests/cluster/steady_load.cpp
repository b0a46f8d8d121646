#include "tests/cluster/steady_load.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "image/jpeg_comment.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// "127.0.0.1:A, 127.0.0.1:B" → {A, B}.
std::vector<int> ports_of(const std::string& served_by) {
  std::vector<int> ports;
  for (std::size_t at = served_by.find(':'); at != std::string::npos;
       at = served_by.find(':', at + 1)) {
    ports.push_back(std::atoi(served_by.c_str() + at + 1));
  }
  return ports;
}

}  // namespace

std::vector<TestPhoto> devset_cards(const std::vector<std::string>& files) {
  std::map<std::string, std::string> card_of;
  std::ifstream manifest(devset_dir() / "manifest.jsonl");
  for (std::string line; std::getline(manifest, line);) {
    const json row = json::parse(line);
    if (row["card_id"].is_string()) card_of[row["file"]] = row["card_id"];
  }
  std::vector<TestPhoto> photos;
  for (const std::string& file : files) {
    if (!card_of.count(file)) throw std::runtime_error("no card for " + file + " in the manifest");
    photos.push_back({file, card_of[file], devset_photo(file)});
  }
  return photos;
}

SteadyLoad::SteadyLoad(int nginx_port, std::vector<TestPhoto> photos, int clients)
    : port_(nginx_port), photos_(std::move(photos)) {
  for (int c = 0; c < clients; ++c) threads_.emplace_back([this] { client(); });
}

SteadyLoad::~SteadyLoad() { stop(); }

void SteadyLoad::client() {
  httplib::Client http("127.0.0.1", port_);
  http.set_keep_alive(true);
  http.set_connection_timeout(std::chrono::seconds(5));
  // nginx's own read timeout (120 s) and one retry fit in this.
  http.set_read_timeout(std::chrono::seconds(280));
  for (;;) {
    const int i = next_++;
    const int stop_at = stop_at_.load();
    if (stop_at >= 0 && i >= stop_at) return;
    const TestPhoto& photo = photos_[i % photos_.size()];
    const bool new_bytes = (i / photos_.size()) % 2 == 1;
    std::string body = photo.bytes;
    if (new_bytes) {
      auto renamed = image::with_jpeg_comment(photo.bytes, "upload " + std::to_string(i));
      if (renamed.ok()) body = *renamed;
    }
    LoadReply r;
    r.index = i;
    r.photo = photo.file;
    r.expected_card = photo.card_id;
    r.sent = Clock::now();
    httplib::Result res = http.Post("/recognize", body, "image/jpeg");
    r.answered = Clock::now();
    if (!res) {
      r.error = httplib::to_string(res.error());
    } else {
      r.status = res->status;
      r.tried_ports = ports_of(res->get_header_value("X-Served-By"));
      if (!r.tried_ports.empty()) r.served_port = r.tried_ports.back();
      const json answer = json::parse(res->body, nullptr, false);
      if (answer.is_object()) {
        if (answer.contains("card") && answer["card"].is_object()) {
          r.card_id = answer["card"].value("id", "");
        }
        r.source = answer.value("source", "");
      }
      if (!r.good()) r.body = res->body.substr(0, 2000);
    }
    {
      std::lock_guard lock(mu_);
      replies_.push_back(std::move(r));
    }
    ++answered_;
  }
}

int SteadyLoad::answered_by(int port) const {
  std::lock_guard lock(mu_);
  return static_cast<int>(
      std::count_if(replies_.begin(), replies_.end(),
                    [port](const LoadReply& r) { return r.served_port == port; }));
}

bool SteadyLoad::wait_answered(int count, std::chrono::seconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  while (answered_.load() < count) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::vector<LoadReply> SteadyLoad::stop(int at_least) {
  int expected = -1;
  stop_at_.compare_exchange_strong(expected, std::max(at_least, next_.load()));
  threads_.clear();  // joins
  std::lock_guard lock(mu_);
  std::vector<LoadReply> out = replies_;
  std::sort(out.begin(), out.end(),
            [](const LoadReply& a, const LoadReply& b) { return a.index < b.index; });
  return out;
}

}  // namespace cardmint::testing
