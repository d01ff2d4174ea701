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
// Storage: a slot's free-at is the completion of the last request given to it, so the requests in
// the task split in two, and neither part needs the slots' free-at times kept apart:
//   last_    the last request of each busy slot: a min-heap by completion, at most c entries. A slot
//            not in it is idle (its free-at is <= now), so start = now while last_ has < c entries,
//            else start = the heap's minimum.
//   behind_  requests whose slot has since been given another one. A request moves here when its
//            completion becomes the start of the next request on its slot, and starts never decrease,
//            so these complete in the order they arrive here: a FIFO ring, no heap.
// With c = 1 the heap has one entry and the ring holds the queue.
//
//   operation            cost (n requests in the task, c slots)   notes
//   arrive, no wait      O(log min(n, c))                          push onto last_
//   arrive, waiting      O(log c)                                  top of last_ to behind_, sift down
//   each completion      O(1) from behind_, O(log c) from last_
//   bytes/request        24                                        completion, latency, tag
// Both vectors are reserved at construction and never shrink: the steady state allocates nothing.
//
// Measured ns per arrive() (a throwaway program, not a test: 4 M pre-drawn Poisson arrivals and
// exponential 40 ms services, thread CPU time, best of 5; g++ 12 -O3 -DNDEBUG; a shared 2-vCPU AMD
// EPYC VM at 2.6 GHz; timeout 30 s, no limit, so utilisation 1.1 is overload with timeouts):
//   utilisation     0.125   0.7   1.1
//   c = 1              8     16    19
//   c = 4             15     28    28
//   c = 16            28     40    36
//   c = 64            39     50    47
// The first layout tried, a binary heap of the c slots' free-at times beside a binary heap of all
// completions, took 72 / 89 / 143 ns at c = 64: the free-at heap cost log c on every arrival, and in
// overload the completion heap held the whole queue.
//
// Callbacks: on_complete(tag) or on_complete(tag, latency) — latency in seconds, the value arrive()
// returned — and on_lost(tag). They are called after the request has left the queue and must not
// call back into the same queue. The requests completing in one call come out in a fixed order that
// depends only on the calls made, but not sorted by completion time (behind_ first, then last_).
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

namespace spotsim {

enum class Admission { admitted, timeout, rejected };

struct Arrival {
  Admission admission = Admission::admitted;
  // Seconds from arrival to completion, wait + service (so exactly the service time when the request
  // does not wait); 0 for a dropped request.
  double latency = 0;
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
    if (last_n_ + behind_n_ >= limit_) return {Admission::rejected, 0.0};
    if (last_n_ < slots_n_) {
      // An idle slot: no wait. latency = wait + service, so it is exactly `service` here.
      last_push({now + service, service, tag});
      return {Admission::admitted, service};
    }
    const Entry first_free = last_[0];  // every slot busy: the earliest one to free up
    const double wait = first_free.completion - now;
    if (wait > timeout_) return {Admission::timeout, 0.0};
    behind_push(first_free);
    const double latency = wait + service;
    last_replace_top({first_free.completion + service, latency, tag});
    return {Admission::admitted, latency};
  }

  // What arrive() would decide for a request arriving at `now`, without admitting it (settles the
  // completions up to `now` first). The traffic model asks before a request makes its calls: a
  // request the task refuses makes none (call_graph.hpp).
  template <class OnComplete>
  Admission admission(double now, OnComplete&& on_complete) {
    complete_until(now, on_complete);
    if (last_n_ + behind_n_ >= limit_) return Admission::rejected;
    if (last_n_ < slots_n_) return Admission::admitted;
    return last_[0].completion - now > timeout_ ? Admission::timeout : Admission::admitted;
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
    while (behind_n_ != 0) on_lost(behind_pop().tag);
    while (last_n_ != 0) {
      const std::uint32_t tag = last_[--last_n_].tag;
      last_[last_n_] = kSentinel;
      on_lost(tag);
    }
  }

  // End of the run: every request in the task completes (it is served, not dropped). The queue is
  // then empty, its slots free.
  template <class OnComplete>
  void drain_all(OnComplete&& on_complete) {
    settle(std::numeric_limits<double>::infinity(), on_complete);
  }

  std::size_t in_system() const { return last_n_ + behind_n_; }
  int slots() const { return static_cast<int>(slots_n_); }
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
    while (behind_n_ != 0 && behind_[behind_head_].completion <= now) notify(on_complete, behind_pop());
    while (last_n_ != 0 && last_[0].completion <= now) notify(on_complete, last_pop());
  }

  template <class OnComplete>
  static void notify(OnComplete& on_complete, const Entry& e) {
    if constexpr (std::is_invocable_v<OnComplete&, std::uint32_t, double>)
      on_complete(e.tag, e.latency);
    else
      on_complete(e.tag);
  }

  void behind_grow();
  void last_grow();

  void behind_push(const Entry& e) {
    if (behind_n_ == behind_.size()) [[unlikely]] behind_grow();
    behind_[(behind_head_ + behind_n_) & behind_mask_] = e;
    ++behind_n_;
  }
  Entry behind_pop() {
    const Entry e = behind_[behind_head_];
    behind_head_ = (behind_head_ + 1) & behind_mask_;
    --behind_n_;
    return e;
  }

  // last_ is a 4-ary min-heap by completion in last_[0, last_n_), sifted with a hole, not swaps.
  // Every entry from last_n_ on is a +infinity sentinel and there are always at least 4 of them, so
  // a sift-down picks the least of 4 children with no bounds checks, in compares the compiler can do
  // without branches: what costs here is mispredicted branches, not memory (c entries stay in L1).
  // 4-ary also halves the depth of a binary heap.
  static constexpr std::size_t kSentinels = 4;

  void last_push(const Entry& e) {
    if (last_n_ + 1 + kSentinels > last_.size()) [[unlikely]] last_grow();
    std::size_t hole = last_n_++;
    while (hole != 0) {
      const std::size_t parent = (hole - 1) / 4;
      if (!(e.completion < last_[parent].completion)) break;
      last_[hole] = last_[parent];
      hole = parent;
    }
    last_[hole] = e;
  }
  // Puts `e` at the root's place and sifts it down through last_[0, last_n_).
  void last_sift_down(const Entry& e) {
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = 4 * hole + 1;
      if (first >= last_n_) break;
      const Entry* k = &last_[first];
      const std::size_t a = k[1].completion < k[0].completion ? 1 : 0;
      const std::size_t b = k[3].completion < k[2].completion ? 3 : 2;
      const std::size_t best = first + (k[b].completion < k[a].completion ? b : a);
      if (!(last_[best].completion < e.completion)) break;
      last_[hole] = last_[best];
      hole = best;
    }
    last_[hole] = e;
  }
  // The root's completion is <= e's (a slot's next request ends after its previous one).
  void last_replace_top(const Entry& e) { last_sift_down(e); }
  Entry last_pop() {
    const Entry top = last_[0];
    const Entry tail = last_[--last_n_];
    last_[last_n_] = kSentinel;
    if (last_n_ != 0) last_sift_down(tail);
    return top;
  }
  static constexpr Entry kSentinel{std::numeric_limits<double>::infinity(), 0.0, 0};

  std::size_t slots_n_;
  double timeout_;
  std::size_t limit_;  // K, or the largest size_t when there is none

  std::vector<Entry> last_;  // last_n_ entries, then sentinels
  std::size_t last_n_ = 0;
  std::vector<Entry> behind_;  // ring; size() a power of two
  std::size_t behind_head_ = 0;
  std::size_t behind_n_ = 0;
  std::size_t behind_mask_ = 0;

#ifndef NDEBUG
  double last_now_ = -std::numeric_limits<double>::infinity();
#endif
};

}  // namespace spotsim
