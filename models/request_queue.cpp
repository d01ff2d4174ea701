#include "models/request_queue.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace spotsim {

namespace {

// Room reserved at construction: the limit when it is small, else a start that covers a task near
// its capacity (a few times c); growth past it doubles once and is kept, so a long run reaches a
// steady state without allocating. Capped so a task with a huge K does not reserve megabytes.
std::size_t initial_room(int slots, std::size_t limit) {
  const std::size_t guess = 4 * static_cast<std::size_t>(slots) + 60;
  return std::clamp<std::size_t>(std::min(limit, guess), 1, 4096);
}

std::size_t next_power_of_two(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

}  // namespace

RequestQueue::RequestQueue(int slots, double timeout_seconds, std::optional<int> limit)
    : slots_(slots),
      timeout_(timeout_seconds),
      limit_(limit ? static_cast<std::size_t>(*limit) : std::numeric_limits<std::size_t>::max()) {
  if (slots < 1) throw std::invalid_argument("RequestQueue: slots must be >= 1, not " + std::to_string(slots));
  if (!(timeout_seconds > 0))  // also refuses NaN
    throw std::invalid_argument("RequestQueue: timeout must be > 0 seconds, not " + std::to_string(timeout_seconds));
  if (limit && *limit < 1)
    throw std::invalid_argument("RequestQueue: concurrency limit must be >= 1, not " + std::to_string(*limit));
  const std::size_t room = initial_room(slots, limit_);
  if (slots_ == 1) {
    ring_.resize(next_power_of_two(room));
    mask_ = ring_.size() - 1;
  } else {
    heap_.resize(room);
    free_.resize(static_cast<std::size_t>(slots));
  }
  reset_slots();
}

std::optional<int> RequestQueue::limit() const {
  if (limit_ == std::numeric_limits<std::size_t>::max()) return std::nullopt;
  return static_cast<int>(limit_);
}

void RequestQueue::reset_slots() {
  count_ = 0;
  head_ = 0;
  // Free since forever: start = max(now, free-at) = now for the next arrivals.
  std::fill(free_.begin(), free_.end(), -std::numeric_limits<double>::infinity());
}

void RequestQueue::ring_grow() {
  // Unwrap into a buffer twice the size, oldest first.
  std::vector<Entry> bigger(ring_.size() * 2);
  for (std::size_t i = 0; i < count_; ++i) bigger[i] = ring_[(head_ + i) & mask_];
  ring_.swap(bigger);
  head_ = 0;
  mask_ = ring_.size() - 1;
}

}  // namespace spotsim
