#include "models/request_queue.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace spotsim {

namespace {

// Room reserved at construction. last_ never holds more than c entries; behind_ holds the queue,
// which the limit bounds when it is small, else a start of a few times c covers a task near its
// capacity. Both double when full and keep their room, so a long run reaches a steady state without
// allocating; capped so a task with a huge c or K does not reserve megabytes up front.
constexpr std::size_t kMaxInitialRoom = 4096;

std::size_t next_power_of_two(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

}  // namespace

RequestQueue::RequestQueue(int slots, double timeout_seconds, std::optional<int> limit)
    : slots_n_(slots > 0 ? static_cast<std::size_t>(slots) : 0),
      timeout_(timeout_seconds),
      limit_(limit && *limit > 0 ? static_cast<std::size_t>(*limit) : std::numeric_limits<std::size_t>::max()) {
  if (slots < 1) throw std::invalid_argument("RequestQueue: slots must be >= 1, not " + std::to_string(slots));
  if (!(timeout_seconds > 0))  // also refuses NaN
    throw std::invalid_argument("RequestQueue: timeout must be > 0 seconds, not " + std::to_string(timeout_seconds));
  if (limit && *limit < 1)
    throw std::invalid_argument("RequestQueue: concurrency limit must be >= 1, not " + std::to_string(*limit));
  last_.resize(std::min(slots_n_, kMaxInitialRoom) + kSentinels, kSentinel);
  behind_.resize(next_power_of_two(std::min({limit_, 4 * slots_n_ + 60, kMaxInitialRoom})));
  behind_mask_ = behind_.size() - 1;
}

std::optional<int> RequestQueue::limit() const {
  if (limit_ == std::numeric_limits<std::size_t>::max()) return std::nullopt;
  return static_cast<int>(limit_);
}

void RequestQueue::last_grow() {
  const std::size_t room = last_.size() - kSentinels;
  last_.resize(std::min(2 * room, slots_n_) + kSentinels, kSentinel);
}

void RequestQueue::behind_grow() {
  // Unwrap into a ring twice the size, oldest first.
  std::vector<Entry> bigger(behind_.size() * 2);
  for (std::size_t i = 0; i < behind_n_; ++i) bigger[i] = behind_[(behind_head_ + i) & behind_mask_];
  behind_.swap(bigger);
  behind_head_ = 0;
  behind_mask_ = behind_.size() - 1;
}

}  // namespace spotsim
