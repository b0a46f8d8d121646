#include "session/scan_sessions.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <utility>

namespace cardmint::session {
namespace {

// Client-given ids are untrusted: bounded, and printable in a log line.
constexpr size_t kMaxSessionIdBytes = 128;

}  // namespace

Status check_session_id(std::string_view id) {
  if (id.empty()) return Status::invalid_input("session id is empty");
  if (id.size() > kMaxSessionIdBytes)
    return Status::invalid_input(fmt::format("session id is over {} bytes", kMaxSessionIdBytes));
  const bool control = std::any_of(id.begin(), id.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control) return Status::invalid_input("session id holds control characters");
  return Status::ok_status();
}

struct ScanSessions::Session {
  std::string id;
  SteadyClock::time_point last_active;
  std::deque<ScannedCard> history;  // oldest first
  std::vector<Prediction> next;     // from the last record()
  std::optional<std::string> default_condition;
};

ScanSessions::ScanSessions(const catalog::Catalog& catalog, ScanSessionOptions options)
    : catalog_(catalog), options_(std::move(options)) {}

ScanSessions::~ScanSessions() = default;

Result<std::vector<Prediction>> ScanSessions::record(std::string_view session_id,
                                                     const catalog::Card& card,
                                                     catalog::Finish finish) {
  if (Status s = check_session_id(session_id); !s.ok()) return s;
  std::vector<ScannedCard> history;
  {
    std::lock_guard lock(mu_);
    Session& session = touch_locked(session_id);
    session.history.push_back({card.id, card.set_id, card.number, finish});
    while (session.history.size() > static_cast<size_t>(std::max(1, options_.history_per_session)))
      session.history.pop_front();
    history.assign(session.history.begin(), session.history.end());
    evict_locked();
  }
  std::vector<Prediction> next = predict_next(history, catalog_);
  {
    std::lock_guard lock(mu_);
    // Gone already when many other sessions started meanwhile; then nobody asks for its prior.
    if (auto it = by_id_.find(session_id); it != by_id_.end()) it->second->next = next;
  }
  const std::vector<std::string> ids = predicted_ids(next, options_.warm_cards);
  if (Result<int> warmed = catalog_.warm(ids); !warmed.ok()) return warmed.status();
  return next;
}

std::vector<ScannedCard> ScanSessions::history(std::string_view session_id) const {
  std::lock_guard lock(mu_);
  const Session* session = find_locked(session_id);
  if (!session) return {};
  return {session->history.begin(), session->history.end()};
}

std::vector<catalog::CardPrior> ScanSessions::prior(std::string_view session_id) const {
  std::lock_guard lock(mu_);
  const Session* session = find_locked(session_id);
  if (!session) return {};
  return match_prior(session->next);
}

Status ScanSessions::set_default_condition(std::string_view session_id,
                                           std::string_view condition) {
  if (Status s = check_session_id(session_id); !s.ok()) return s;
  if (std::find(std::begin(kCardConditions), std::end(kCardConditions), condition) ==
      std::end(kCardConditions))
    return Status::invalid_input(fmt::format("unknown card condition '{}'", condition));
  std::lock_guard lock(mu_);
  touch_locked(session_id).default_condition = std::string(condition);
  evict_locked();
  return Status::ok_status();
}

std::optional<std::string> ScanSessions::default_condition(std::string_view session_id) const {
  std::lock_guard lock(mu_);
  const Session* session = find_locked(session_id);
  if (!session) return std::nullopt;
  return session->default_condition;
}

int ScanSessions::session_count() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(lru_.size());
}

ScanSessions::Session& ScanSessions::touch_locked(std::string_view session_id) {
  const SteadyClock::time_point now = options_.now();
  auto it = by_id_.find(session_id);
  if (it != by_id_.end() && now - it->second->last_active > options_.idle_expiry) {
    // Expired: the id starts afresh. The key views the session's id: it goes first.
    const Lru::iterator expired = it->second;
    by_id_.erase(it);
    lru_.erase(expired);
    it = by_id_.end();
  }
  if (it == by_id_.end()) {
    lru_.emplace_front();
    lru_.front().id = std::string(session_id);
    it = by_id_.emplace(lru_.front().id, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  it->second->last_active = now;
  return *it->second;
}

const ScanSessions::Session* ScanSessions::find_locked(std::string_view session_id) const {
  auto it = by_id_.find(session_id);
  if (it == by_id_.end()) return nullptr;
  if (options_.now() - it->second->last_active > options_.idle_expiry) return nullptr;
  return &*it->second;
}

void ScanSessions::evict_locked() {
  const SteadyClock::time_point now = options_.now();
  const size_t max_sessions = static_cast<size_t>(std::max(1, options_.max_sessions));
  while (!lru_.empty() &&
         (lru_.size() > max_sessions || now - lru_.back().last_active > options_.idle_expiry)) {
    by_id_.erase(lru_.back().id);
    lru_.pop_back();
  }
}

}  // namespace cardmint::session
