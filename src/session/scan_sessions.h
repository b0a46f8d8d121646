#pragma once
// Scan sessions: a client names its session (a binder being scanned, a box being sorted) with an
// id of its own, and the session keeps the cards identified in it, what they predict of the next
// card, and the operator's settings for it.
//
// Thread-safe: one mutex guards every session; nothing slow runs under it (predicting and
// warming the catalog run outside). Bounded: the least recently active sessions go past
// max_sessions, idle ones after idle_expiry, and each keeps only its latest cards.
//
// The recognizer's part, for a scan with a session id:
//   hints.prior = sessions.prior(session_id);                       // before catalog.match
//   Result<std::vector<Prediction>> next = sessions.record(session_id, card, finish);
//   if (next.ok()) prices.prefetch(predicted_ids(*next, kPrefetchCards));   // after it
// record() predicts the next cards and warms their catalog rows; prior() hands that prediction
// to the next scan's match.

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/elapsed.h"
#include "base/status.h"
#include "catalog/card.h"
#include "catalog/catalog.h"
#include "session/next_card_predictor.h"

namespace cardmint::session {

// The grades a session's default condition may take, as the trade prints them.
inline constexpr std::string_view kCardConditions[] = {
    "mint", "near mint", "lightly played", "moderately played", "heavily played", "damaged"};

// invalid_input for a session id that is empty, longer than 128 bytes or holds control
// characters: ids come from clients, so they are bounded and printable in a log line.
[[nodiscard]] Status check_session_id(std::string_view session_id);

struct ScanSessionOptions {
  int max_sessions = 1000;
  // Cards kept per session: enough for any run or set being completed, and a bound on memory.
  int history_per_session = 50;
  // A session nobody scanned in or set for this long is gone; its id starts a new one.
  std::chrono::seconds idle_expiry = std::chrono::hours(1);
  // Predicted cards whose catalog rows record() warms, likeliest first: a sequence names three,
  // set completion the rest, each of which is rarely the next.
  size_t warm_cards = 8;
  // The clock; tests pass one they move, to expire sessions without waiting.
  std::function<SteadyClock::time_point()> now = [] { return SteadyClock::now(); };
};

class ScanSessions {
 public:
  // `catalog` must outlive the sessions.
  explicit ScanSessions(const catalog::Catalog& catalog, ScanSessionOptions options = {});
  ~ScanSessions();
  ScanSessions(const ScanSessions&) = delete;
  ScanSessions& operator=(const ScanSessions&) = delete;

  // Adds an identified card to the session (starting it), predicts the next cards from the
  // session's history and warms the catalog rows of the likeliest. Returns the predictions,
  // likeliest first. invalid_input for a session id that is empty, longer than 128 bytes or
  // holds control characters; a catalog error when warming fails (the card is recorded).
  [[nodiscard]] Result<std::vector<Prediction>> record(std::string_view session_id,
                                                       const catalog::Card& card,
                                                       catalog::Finish finish);
  // The session's cards, oldest first; empty for an unknown or expired session.
  std::vector<ScannedCard> history(std::string_view session_id) const;
  // The last record()'s predictions as a match prior; empty for an unknown or expired session.
  std::vector<catalog::CardPrior> prior(std::string_view session_id) const;

  // The condition the session's cards are taken to be in unless told otherwise (one of
  // kCardConditions); starts the session. invalid_input for another condition or a bad id.
  [[nodiscard]] Status set_default_condition(std::string_view session_id,
                                             std::string_view condition);
  // nullopt when never set, or for an unknown or expired session.
  std::optional<std::string> default_condition(std::string_view session_id) const;

  int session_count() const;  // live sessions, expired ones included until they are dropped

 private:
  struct Session;
  using Lru = std::list<Session>;  // most recently active first

  // The session, made most recently active (created when new). REQUIRES: mu_ held.
  Session& touch_locked(std::string_view session_id);
  // The session if it is live. REQUIRES: mu_ held.
  const Session* find_locked(std::string_view session_id) const;
  // Drops expired sessions and those past max_sessions. REQUIRES: mu_ held.
  void evict_locked();

  const catalog::Catalog& catalog_;   // constant after construction
  const ScanSessionOptions options_;  // constant after construction
  mutable std::mutex mu_;             // guards everything below
  Lru lru_;
  // Keys view the ids inside lru_'s sessions, which a list never moves.
  std::unordered_map<std::string_view, Lru::iterator> by_id_;
};

}  // namespace cardmint::session
