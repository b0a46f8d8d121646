#include "catalog/row_cache.h"

#include <utility>

namespace cardmint::catalog {

std::optional<Card> RowCache::find(std::string_view card_id) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(card_id);
  if (it == by_id_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return *it->second;
}

bool RowCache::contains(std::string_view card_id) const {
  std::lock_guard lock(mu_);
  return by_id_.count(card_id) > 0;
}

void RowCache::put(Card card) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  if (auto it = by_id_.find(card.id); it != by_id_.end()) {
    // The key views the old card's id: drop the entry before the card goes.
    Lru::iterator old = it->second;
    by_id_.erase(it);
    lru_.erase(old);
  }
  lru_.push_front(std::move(card));
  by_id_.emplace(lru_.front().id, lru_.begin());
  while (lru_.size() > capacity_) {
    by_id_.erase(lru_.back().id);
    lru_.pop_back();
  }
}

RowCacheStats RowCache::stats() const {
  RowCacheStats out;
  out.hits = hits_.load(std::memory_order_relaxed);
  out.misses = misses_.load(std::memory_order_relaxed);
  out.warmed = warmed_.load(std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    out.rows = static_cast<int>(lru_.size());
  }
  return out;
}

}  // namespace cardmint::catalog
