#include "price/fixture_price_server.h"

#include <httplib.h>

#include <filesystem>
#include <stdexcept>

#include "tests/support/file_contents.h"

namespace cardmint::price::testing {
namespace {

const std::filesystem::path kTestdata = CARDMINT_PRICE_TESTDATA_DIR;

// A card id as a file name: only what the fixtures use, so a path can never climb out.
bool is_fixture_name(const std::string& id) {
  if (id.empty() || id.find("..") != std::string::npos) return false;
  for (char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_';
    if (!plain) return false;
  }
  return true;
}

}  // namespace

FixturePriceServer::FixturePriceServer() : server_(std::make_unique<httplib::Server>()) {
  const auto serve = [this](const std::string& api, const std::string& not_found_body) {
    return [this, api, not_found_body](const httplib::Request& req, httplib::Response& res) {
      hits_.fetch_add(1);
      {
        std::lock_guard lock(mu_);
        last_api_key_ = req.get_header_value("X-Api-Key");
      }
      answer_after_delay();
      if (const int forced = forced_status_.load(); forced != 0) {
        res.status = forced;
        res.set_content("{}", "application/json");
        return;
      }
      const std::string id = req.matches[1];
      const std::filesystem::path file = kTestdata / api / (id + ".json");
      if (!is_fixture_name(id) || !std::filesystem::exists(file)) {
        res.status = 404;
        res.set_content(not_found_body, "application/json");
        return;
      }
      res.set_content(cardmint::testing::file_contents(file), "application/json");
    };
  };
  server_->Get(R"((?:/api)?/v2/cards/([^/]+))",
               serve("pokemontcg", R"({"error": {"message": "Not Found", "code": 404}})"));
  server_->Get(
      R"((?:/api)?/v2/en/cards/([^/]+))",
      serve("tcgdex", R"({"type": "https://tcgdex.dev/errors/not-found", "title": "The resource )"
                      R"(you are trying to reach does not exists", "status": 404})"));
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fixture price server: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  server_->wait_until_ready();
}

FixturePriceServer::~FixturePriceServer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  server_->stop();
  thread_.join();
}

std::string FixturePriceServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FixturePriceServer::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

std::string FixturePriceServer::last_api_key() const {
  std::lock_guard lock(mu_);
  return last_api_key_;
}

void FixturePriceServer::answer_after_delay() {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, delay_, [this] { return stopping_; });
}

}  // namespace cardmint::price::testing
