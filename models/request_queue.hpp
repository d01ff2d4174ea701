#pragma once
// One task's requests in the per-request traffic mode (design.md "Traffic and dropped requests"): the
// validation reference for FluidQueue. c slots serve requests one at a time each, first come first
// served; a request needs `service` seconds of one slot, drawn by the caller.
//
// Because the discipline is FIFO and a request's service time is known when it arrives, its start is
// known then too (the Kiefer–Wolfowitz workload vector): it takes the slot that frees first, so
//   start = max(now, earliest slot free-at),   completion = start + service,
// and that slot is then free at `completion`. A request needs no event for its start; only its
// completion matters, and completions are settled lazily: every call first completes the requests
// whose completion is <= now. The caller never schedules anything for this queue.
//
// Drops mirror FluidQueue's cap = min(K, μ × timeout), one request at a time:
//   rejected  the task already holds K requests (waiting or in service): its hard concurrency limit.
//             Checked first, since the task refuses at once, whatever the wait would have been.
//   timeout   the computed wait, start − now, exceeds the request timeout (ALB-8's 504). The request
//             is dropped at arrival and takes no slot: the fluid cap treats it the same way.
// A request in the task when it dies (SIGKILL, instance termination) is lost: `target_lost`.
//
//   operation            cost (n requests in the task, c slots)   notes
//   arrive               O(log c + log n); c = 1: O(1)             plus the completions it settles
//   each completion      O(log n); c = 1: O(1)
//   bytes/request        24                                        completion, latency, tag
// Storage is vectors reserved at construction (and never shrunk), so the steady state allocates
// nothing. Both heaps are binary, hand-written with a hole instead of swaps; with c = 1 completions
// come in arrival order, so a ring buffer replaces the completion heap and the slot heap disappears.
//
// Callbacks: on_complete(tag) or on_complete(tag, latency) — latency in seconds, the value arrive()
// returned — and on_lost(tag). They are called after the request has left the queue and must not
// call back into the same queue. Completions come in order of completion time (ties in a fixed order
// that depends only on the calls made); losses in no particular but equally fixed order.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace spotsim {

enum class Admission { admitted, timeout, rejected };

struct Arrival {
  Admission admission = Admission::admitted;
  double latency = 0;  // seconds from arrival to completion if admitted; 0 for a dropped request
};

class RequestQueue {
 public:
  // slots >= 1; timeout > 0 seconds (infinity allowed); limit: the hard concurrency limit K >= 1, if
  // any. Throws std::invalid_argument otherwise.
  RequestQueue(int slots, double timeout_seconds, std::optional<int> limit);

  // A request arrives at `now` (non-decreasing across all calls) needing `service` >= 0 seconds of a
  // slot. Settles the completions up to `now` first, so a request finishing exactly at `now` frees
  // its place for this one.
  template <class OnComplete>
  Arrival arrive(double now, double service, std::uint32_t tag, OnComplete&& on_complete) {
    assert(service >= 0);
    complete_until(now, on_complete);
    if (count_ >= limit_) return {Admission::rejected, 0.0};
    if (slots_ == 1) {
      // The slot is free when the last request in the ring completes (all completed ones are gone).
      const double start = count_ == 0 ? now : ring_[(head_ + count_ - 1) & mask_].completion;
      if (start - now > timeout_) return {Admission::timeout, 0.0};
      const double completion = start + service;
      const double latency = completion - now;
      ring_push({completion, latency, tag});
      return {Admission::admitted, latency};
    }
    const double free_at = free_[0];
    const double start = free_at > now ? free_at : now;
    if (start - now > timeout_) return {Admission::timeout, 0.0};
    const double completion = start + service;
    const double latency = completion - now;
    free_replace_top(completion);
    heap_push({completion, latency, tag});
    return {Admission::admitted, latency};
  }

  // Completes every request whose completion is <= now.
  template <class OnComplete>
  void complete_until(double now, OnComplete&& on_complete) {
    assert(now >= last_now_ && "RequestQueue: time must not go backwards");
#ifndef NDEBUG
    last_now_ = now;
#endif
    settle(now, on_complete);
  }

  // The task dies at `now`: requests completed by then complete, every other one is lost; the slots
  // are freed. The queue is then empty and may be used again.
  template <class OnComplete, class OnLost>
  void lose_all(double now, OnComplete&& on_complete, OnLost&& on_lost) {
    complete_until(now, on_complete);
    if (slots_ == 1) {
      while (count_ != 0) {
        const std::uint32_t tag = ring_[head_].tag;
        head_ = (head_ + 1) & mask_;
        --count_;
        on_lost(tag);
      }
    } else {
      while (count_ != 0) on_lost(heap_[--count_].tag);  // heap order: fixed, not by completion
    }
    reset_slots();
  }

  // End of the run: every request in the task completes (it is served, not dropped). The queue is
  // then empty, its slots free.
  template <class OnComplete>
  void drain_all(OnComplete&& on_complete) {
    settle(std::numeric_limits<double>::infinity(), on_complete);
    reset_slots();
  }

  std::size_t in_system() const { return count_; }
  int slots() const { return slots_; }
  double timeout() const { return timeout_; }
  std::optional<int> limit() const;

 private:
  struct Entry {
    double completion;
    double latency;
    std::uint32_t tag;
  };

  // complete_until without the clock check (drain_all settles at infinity but time has not moved).
  template <class OnComplete>
  void settle(double now, OnComplete& on_complete) {
    if (slots_ == 1) {
      while (count_ != 0 && ring_[head_].completion <= now) {
        const Entry e = ring_[head_];
        head_ = (head_ + 1) & mask_;
        --count_;
        notify(on_complete, e);
      }
    } else {
      while (count_ != 0 && heap_[0].completion <= now) notify(on_complete, heap_pop());
    }
  }

  template <class OnComplete>
  static void notify(OnComplete& on_complete, const Entry& e) {
    if constexpr (std::is_invocable_v<OnComplete&, std::uint32_t, double>)
      on_complete(e.tag, e.latency);
    else
      on_complete(e.tag);
  }

  void reset_slots();
  void ring_grow();

  void ring_push(const Entry& e) {
    if (count_ == ring_.size()) [[unlikely]] ring_grow();
    ring_[(head_ + count_) & mask_] = e;
    ++count_;
  }

  // Completion min-heap in heap_[0, count_): sift-up with a hole.
  void heap_push(const Entry& e) {
    if (count_ == heap_.size()) [[unlikely]] heap_.resize(heap_.size() * 2);
    std::size_t hole = count_++;
    while (hole != 0) {
      const std::size_t parent = (hole - 1) / 2;
      if (!(e.completion < heap_[parent].completion)) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = e;
  }

  // Removes and returns the earliest completion: the last entry sifts down from the root's hole.
  Entry heap_pop() {
    const Entry top = heap_[0];
    const Entry last = heap_[--count_];
    const std::size_t n = count_;
    std::size_t hole = 0;
    for (;;) {
      std::size_t child = 2 * hole + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].completion < heap_[child].completion) ++child;
      if (!(heap_[child].completion < last.completion)) break;
      heap_[hole] = heap_[child];
      hole = child;
    }
    if (n != 0) heap_[hole] = last;
    return top;
  }

  // Slot free-at min-heap of exactly c entries: the earliest slot takes a request and is next free
  // at `t` >= its old value, so only a sift-down from the root is needed.
  void free_replace_top(double t) {
    const std::size_t n = free_.size();
    std::size_t hole = 0;
    for (;;) {
      std::size_t child = 2 * hole + 1;
      if (child >= n) break;
      if (child + 1 < n && free_[child + 1] < free_[child]) ++child;
      if (!(free_[child] < t)) break;
      free_[hole] = free_[child];
      hole = child;
    }
    free_[hole] = t;
  }

  int slots_;
  double timeout_;
  std::size_t limit_;  // K, or the largest size_t when there is none
  std::size_t count_ = 0;  // requests in the task

  // slots_ == 1: ring buffer of requests in arrival (= completion) order; size a power of two.
  std::vector<Entry> ring_;
  std::size_t head_ = 0;
  std::size_t mask_ = 0;

  // slots_ > 1: completion heap (size() is capacity, count_ entries used) and slot free-at heap.
  std::vector<Entry> heap_;
  std::vector<double> free_;

#ifndef NDEBUG
  double last_now_ = -std::numeric_limits<double>::infinity();
#endif
};

}  // namespace spotsim
