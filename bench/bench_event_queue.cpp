// The hold model (Jones 1986; ns-3's utils/bench-scheduler.cc): keep N events pending; each step
// pops the earliest and pushes one at (popped time + exponential increment). It measures the
// future-event set alone at a fixed population, which is what the engine's main loop does once a
// run has reached steady state. spotsim::EventQueue runs beside a bare std::priority_queue of the
// same events, fed the same increments, so the ratio is the figure the contract judges
// (bench/README.md has the numbers, the machine and the method).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace {

using spotsim::Event;
using spotsim::SimTime;

constexpr double kMeanIncrementMs = 1000.0;  // mean 1 time unit, in ms-scaled integer time

SimTime draw_increment(spotsim::RandomStream& rng) {
  return std::llround(rng.exponential(1.0 / kMeanIncrementMs));
}

// The timed loop's increments are drawn once, before timing, so both queues pay the same (zero)
// RNG cost. 1<<16 draws repeat every 65,536 steps; a power of two makes the index a mask.
constexpr std::size_t kRing = std::size_t{1} << 16;

const std::vector<SimTime>& increments() {
  static const std::vector<SimTime> ring = [] {
    spotsim::RandomStream rng(42, "bench.event_queue.hold", 0);
    std::vector<SimTime> r(kRing);
    for (SimTime& x : r) x = draw_increment(rng);
    return r;
  }();
  return ring;
}

struct Later {  // std::priority_queue keeps the *largest* on top: reverse event_before
  bool operator()(const Event& a, const Event& b) const { return spotsim::event_before(b, a); }
};
using StdQueue = std::priority_queue<Event, std::vector<Event>, Later>;

// The same N initial events for both queues (setup, not timed): independent exponential times from
// 0, sequence numbers in push order, a phase that varies so ties in time go to (phase, seq) as in a
// real run (N pending events over a few thousand distinct milliseconds share many instants).
Event make_event(SimTime time, std::uint64_t seq) {
  Event e;
  e.time = time;
  e.order = (std::uint64_t{seq % 7} << 56) | seq;
  e.target = static_cast<std::uint32_t>(seq);
  e.arg = static_cast<std::int64_t>(seq);
  e.kind = static_cast<std::uint8_t>(seq);
  return e;
}

// The engine reads top() and then takes the event with pop(); std::priority_queue's pop() is void.
Event pop_min(spotsim::EventQueue& q) { return q.pop(); }
Event pop_min(StdQueue& q) {
  Event e = q.top();
  q.pop();
  return e;
}

template <class Queue>
void hold(benchmark::State& state, Queue& q) {
  const auto n = static_cast<std::size_t>(state.range(0));
  spotsim::RandomStream fill(42, "bench.event_queue.fill", 0);
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < n; ++i) q.push(make_event(draw_increment(fill), seq++));
  const std::vector<SimTime>& inc = increments();
  std::size_t k = 0;
  for (auto _ : state) {
    Event e = pop_min(q);
    e.time += inc[k++ & (kRing - 1)];
    e.order = (e.order & ~((std::uint64_t{1} << 56) - 1)) | seq++;
    q.push(e);
  }
  benchmark::DoNotOptimize(q.top());
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["pending"] = static_cast<double>(q.size());
}

void BM_EventQueueHold(benchmark::State& state) {
  spotsim::EventQueue q;
  q.reserve(static_cast<std::size_t>(state.range(0)) + 1);
  hold(state, q);
}

void BM_StdPriorityQueueHold(benchmark::State& state) {
  std::vector<Event> storage;
  storage.reserve(static_cast<std::size_t>(state.range(0)) + 1);
  StdQueue q(Later{}, std::move(storage));
  hold(state, q);
}

}  // namespace

BENCHMARK(BM_EventQueueHold)->RangeMultiplier(10)->Range(1000, 1000000);
BENCHMARK(BM_StdPriorityQueueHold)->RangeMultiplier(10)->Range(1000, 1000000);
