#pragma once
// The future-event set: a 4-ary min-heap of the near future over an unsorted array of the far future.
//
//   operation    cost                      notes
//   push         O(log4 n), O(1) typical   near: sift-up with a hole; far: append
//   pop          O(log4 n) + O(1) amort.   near: sift-down with a hole; a refill scans the far array
//   top          O(1)                      the earliest event is kept whole, outside both tiers
//   bytes/event  40                        near: 16-byte key + 24-byte payload; far: the Event
//
// Order: strict (time, phase, seq), exactly `event_before`. Each near event is compared as one
// unsigned 128-bit key: time with its sign bit flipped (so signed order becomes unsigned order), then
// `order`. Equal keys may come out in either order; the engine's sequence numbers make keys unique.
//
// Why this shape (bench/README.md has the hold-model figures against a bare std::priority_queue):
// - 4-ary: half the depth of a binary heap. Keys live apart from payloads, so the four children of a
//   node are 64 bytes, and the array is offset so every sibling group is one aligned cache line: a
//   sift-down reads one line per level and moves payloads only along its path. The four lines that
//   hold the grandchildren are prefetched while the children are compared.
// - Two tiers: on the benchmark machine memory beyond ~8 MB costs ~130 ns a touch, and a heap of a
//   million events keeps its bottom level there, so nearly every pop would pay that. When the heap
//   passes `near_limit` events it keeps about half of that many (those with keys <= `limit_`, a key
//   picked from a sample) and moves the rest to `far_`, which is only appended to and scanned in
//   order. Pushes later than `limit_` go straight to `far_`. When the heap runs dry, one sequential
//   pass brings the next half-limit's worth back (or a sixteenth of `far_`, if that is more). Below
//   `near_limit` pending events (the usual case) `far_` stays empty: a plain 4-ary heap.
//   Invariant: whenever `far_` is not empty, every near key <= limit_ < every far key.
// The sample only decides how many events move, never the order they come out in, and it is drawn
// from a fixed generator, so runs stay reproducible.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "sim/event.hpp"

namespace spotsim {

class EventQueue {
 public:
  // The near heap's size beyond which far events spill out: 2^17 events are 5 MiB of keys and
  // payloads, inside the benchmark machine's cache. Tests pass a small value to exercise spilling.
  static constexpr std::size_t kDefaultNearLimit = std::size_t{1} << 17;

  EventQueue() = default;
  explicit EventQueue(std::size_t near_limit)
      : near_limit_(std::max(near_limit, kMinNearLimit)), next_spill_(near_limit_) {}

  bool empty() const { return !has_top_; }
  std::size_t size() const { return static_cast<std::size_t>(has_top_) + n_ + far_.size(); }
  // The earliest event; the queue must not be empty.
  const Event& top() const { return top_; }

  void reserve(std::size_t n) { grow(std::min(n, near_limit_ + 1)); }

  void clear() {
    has_top_ = false;
    n_ = 0;
    far_.clear();
    next_spill_ = near_limit_;
  }

  void push(const Event& e) {
    if (!has_top_) {
      top_ = e;
      has_top_ = true;
    } else if (event_before(e, top_)) {
      insert(top_);
      top_ = e;
    } else {
      insert(e);
    }
  }

  // Removes and returns the earliest event; the queue must not be empty.
  Event pop() {
    const Event result = top_;
    if (n_ == 0 && !far_.empty()) [[unlikely]] refill();
    if (n_ == 0) {
      has_top_ = false;
      return result;
    }
    Key* k = keys();
    top_ = event_of(k[0], payload_[0]);
    --n_;
    if (n_ > 0) sift_down(0, k[n_], payload_[n_]);
    return result;
  }

 private:
  __extension__ typedef unsigned __int128 Key;  // GCC/Clang; -Wpedantic is told it is deliberate
  struct Payload {
    std::int64_t arg;
    std::uint32_t target;
    std::uint32_t generation;
    std::uint8_t kind;
  };
  // std::allocator aligned to a cache line, so no sibling group of keys straddles two lines.
  template <class T>
  struct CacheAligned {
    using value_type = T;
    static constexpr std::align_val_t kAlign{64};
    CacheAligned() = default;
    template <class U>
    CacheAligned(const CacheAligned<U>&) {}  // NOLINT: allocators convert implicitly
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
    void deallocate(T* p, std::size_t) { ::operator delete(p, kAlign); }
    friend bool operator==(const CacheAligned&, const CacheAligned&) { return true; }
  };

  static constexpr std::size_t kArity = 4;  // 4 keys x 16 bytes = one 64-byte line
  // Node i sits at keys_[i + kPad], so the children 4i+1..4i+4 start at a multiple of 4: one line.
  static constexpr std::size_t kPad = kArity - 1;
  static constexpr std::size_t kSlack = kArity * kArity;  // keys past the last node, for prefetch
  static constexpr std::size_t kMinNearLimit = 16;
  static constexpr std::size_t kSample = 127;
  static constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;

  static Key key_of(const Event& e) {
    return (Key{static_cast<std::uint64_t>(e.time) ^ kSignBit} << 64) | e.order;
  }
  static Payload payload_of(const Event& e) { return {e.arg, e.target, e.generation, e.kind}; }
  static Event event_of(Key key, const Payload& p) {
    Event e;
    e.time = static_cast<SimTime>(static_cast<std::uint64_t>(key >> 64) ^ kSignBit);
    e.order = static_cast<std::uint64_t>(key);
    e.target = p.target;
    e.generation = p.generation;
    e.arg = p.arg;
    e.kind = p.kind;
    return e;
  }

  Key* keys() { return keys_.data() + kPad; }

  void grow(std::size_t capacity) {
    if (capacity <= payload_.size()) return;
    keys_.resize(kPad + capacity + kSlack);
    payload_.resize(capacity);
  }

  // Adds an event that is not before top_.
  void insert(const Event& e) {
    const Key key = key_of(e);
    if (!far_.empty() && key > limit_) {
      far_.push_back(e);
      return;
    }
    if (n_ == payload_.size()) [[unlikely]] grow(std::max<std::size_t>(64, 2 * n_));
    Key* k = keys();
    Payload* v = payload_.data();
    std::size_t hole = n_++;
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / kArity;
      if (!(key < k[parent])) break;
      k[hole] = k[parent];
      v[hole] = v[parent];
      hole = parent;
    }
    k[hole] = key;
    v[hole] = payload_of(e);
    if (n_ > next_spill_) [[unlikely]] spill();
  }

  // Moves the hole at `hole` down to where (key, p) belongs among the first n_ nodes and puts it
  // there. key and p are taken by value: they may be copies of a node this overwrites.
  void sift_down(std::size_t hole, Key key, Payload p) {
    Key* k = keys();
    Payload* v = payload_.data();
    const std::size_t n = n_;
    for (;;) {
      const std::size_t first = hole * kArity + 1;
      if (first >= n) break;
      // The next level's sibling group is one of the four lines starting here: fetch them while
      // this level is compared, so the chain of dependent cache misses is half as long.
      const std::size_t grand = first * kArity + 1;
      if (grand < n)  // keys_ has kSlack spare keys past the capacity, so these stay inside it
        for (std::size_t g = 0; g < kArity * kArity; g += kArity) __builtin_prefetch(k + grand + g);
      std::size_t best = first;
      if (first + kArity <= n) {
        best = k[first + 1] < k[best] ? first + 1 : best;
        best = k[first + 2] < k[best] ? first + 2 : best;
        best = k[first + 3] < k[best] ? first + 3 : best;
      } else {
        for (std::size_t c = first + 1; c < n; ++c) best = k[c] < k[best] ? c : best;
      }
      if (!(k[best] < key)) break;
      k[hole] = k[best];
      v[hole] = v[best];
      hole = best;
    }
    k[hole] = key;
    v[hole] = p;
  }

  // Restores the heap order of the first n_ nodes, bottom-up (Floyd): O(n).
  void heapify() {
    if (n_ < 2) return;
    Key* k = keys();
    for (std::size_t i = (n_ - 2) / kArity + 1; i-- > 0;) sift_down(i, k[i], payload_[i]);
  }

  // A key with about `want` of the `count` keys at or below it, from a sample; never fewer than one
  // (it is one of the keys). Only performance depends on how close it is.
  template <class KeyAt>
  Key estimate_rank(std::size_t count, std::size_t want, KeyAt key_at) {
    std::array<Key, kSample> sample{};
    const std::size_t size = std::min(count, kSample);
    const std::size_t stride = count / size;
    for (std::size_t s = 0; s < size; ++s) {  // one key from each of `size` equal strata
      sample_state_ = sample_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      sample[s] = key_at(s * stride + static_cast<std::size_t>((sample_state_ >> 33) % stride));
    }
    const std::size_t rank = std::min(want * size / count, size - 1);
    const auto nth = sample.begin() + static_cast<std::ptrdiff_t>(rank);
    std::nth_element(sample.begin(), nth, sample.begin() + static_cast<std::ptrdiff_t>(size));
    return *nth;
  }

  std::size_t near_target() const { return near_limit_ / 2; }

  // The near heap has grown past next_spill_: keep about near_target() of its earliest events and
  // move the others to far_.
  [[gnu::noinline, gnu::cold]] void spill() {
    Key* k = keys();
    Payload* v = payload_.data();
    const Key pivot = estimate_rank(n_, near_target(), [k](std::size_t i) { return k[i]; });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      if (k[i] <= pivot) {
        k[kept] = k[i];
        v[kept] = v[i];
        ++kept;
      } else {
        far_.push_back(event_of(k[i], v[i]));
      }
    }
    n_ = kept;
    heapify();
    if (!far_.empty()) limit_ = pivot;  // pivot <= old limit_: every far key is still above it
    // With many equal keys little may move; waiting for the heap to double keeps spills amortised
    // O(1).
    next_spill_ = std::max(near_limit_, 2 * n_);
  }

  // The near heap is empty and far_ is not: bring the earliest events back, near_target() of them
  // or a sixteenth of far_ if that is more. Every event brought back is popped before the next
  // refill, so each pop pays for at most ~16 far events scanned, whatever the size of far_.
  [[gnu::noinline, gnu::cold]] void refill() {
    const std::size_t m = far_.size();
    const std::size_t want = std::max(near_target(), m / 16);
    const bool all = m <= 2 * want;
    if (!all) limit_ = estimate_rank(m, want, [this](std::size_t i) { return key_of(far_[i]); });
    grow(all ? m : std::min(m, 2 * want));
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const Key key = key_of(far_[i]);
      if (all || key <= limit_) {
        if (n_ == payload_.size()) grow(2 * n_);
        keys()[n_] = key;
        payload_[n_] = payload_of(far_[i]);
        ++n_;
      } else {
        far_[kept++] = far_[i];
      }
    }
    far_.resize(kept);
    heapify();
    next_spill_ = std::max(near_limit_, 2 * n_);
  }

  Event top_{};  // the earliest event, kept whole so top() can hand out a reference
  bool has_top_ = false;
  std::size_t n_ = 0;  // events in the near heap
  std::vector<Key, CacheAligned<Key>> keys_ = std::vector<Key, CacheAligned<Key>>(kPad);
  std::vector<Payload> payload_;  // payload_[i] belongs to keys()[i]; size() is the capacity
  std::vector<Event> far_;        // unsorted; every key > limit_
  Key limit_ = 0;
  std::size_t near_limit_ = kDefaultNearLimit;
  std::size_t next_spill_ = kDefaultNearLimit;
  std::uint64_t sample_state_ = 0x853c49e6748fea9bULL;  // LCG picking sample positions
};

}  // namespace spotsim
