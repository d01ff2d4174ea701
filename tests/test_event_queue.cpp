// sim/event_queue.hpp: the future-event set hands events out in (time, phase, seq) order, exactly
// as `event_before` sorts them, however they were pushed. Each case also runs with a tiny near
// limit, so that the far tier (spill on push, refill on pop) is exercised thousands of times.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace spotsim {
namespace {

Event make_event(SimTime time, std::uint8_t phase, std::uint64_t seq) {
  Event e;
  e.time = time;
  e.order = (std::uint64_t{phase} << 56) | seq;
  // The payload is derived from seq so a test can tell that it travelled with its key.
  e.target = static_cast<std::uint32_t>(seq * 7 + 1);
  e.generation = static_cast<std::uint32_t>(seq % 13);
  e.arg = -static_cast<std::int64_t>(seq);
  e.kind = static_cast<std::uint8_t>(seq % 251);
  return e;
}

bool same_event(const Event& a, const Event& b) {
  return a.time == b.time && a.order == b.order && a.target == b.target &&
         a.generation == b.generation && a.arg == b.arg && a.kind == b.kind;
}

// 0 = the default (plain heap below 2^17 events); 16 and 1000 force the two-tier paths.
EventQueue queue_with_near_limit(std::size_t near_limit) {
  return near_limit == 0 ? EventQueue() : EventQueue(near_limit);
}

using Key = std::tuple<SimTime, std::uint64_t>;

}  // namespace

TEST_CASE("pops come out in (time, phase, seq) order, as std::sort puts them") {
  const std::size_t near_limit = GENERATE(as<std::size_t>{}, 0, 16, 1000);
  CAPTURE(near_limit);
  RandomStream rng(7, "test.event_queue.sort", 0);
  std::vector<Event> events;
  for (std::uint64_t seq = 0; seq < 100'000; ++seq) {
    // 500 distinct times for 100k events: ~200 share each instant, so phase and seq decide.
    const SimTime time = rng.below(500);
    events.push_back(make_event(time, static_cast<std::uint8_t>(rng.below(7)), seq));
  }
  EventQueue queue = queue_with_near_limit(near_limit);
  for (const Event& e : events) queue.push(e);
  REQUIRE(queue.size() == events.size());

  std::sort(events.begin(), events.end(), event_before);
  std::size_t mismatches = 0;
  for (const Event& expected : events) {
    REQUIRE_FALSE(queue.empty());
    if (!same_event(queue.top(), expected)) ++mismatches;
    if (!same_event(queue.pop(), expected)) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(queue.empty());
  CHECK(queue.size() == 0);
}

TEST_CASE("interleaved pushes and pops keep coming out in order") {
  const std::size_t near_limit = GENERATE(as<std::size_t>{}, 0, 16, 1000);
  CAPTURE(near_limit);
  RandomStream rng(11, "test.event_queue.interleaved", 0);
  EventQueue queue = queue_with_near_limit(near_limit);
  std::map<Key, Event> reference;  // keys are unique: seq never repeats
  std::uint64_t seq = 0;
  SimTime now = 0;
  std::size_t mismatches = 0;
  for (int step = 0; step < 200'000; ++step) {
    // Alternate growing and shrinking phases so the queue size sweeps up and down.
    const bool growing = (step / 20'000) % 2 == 0;
    const bool push = reference.empty() || rng.below(100) < (growing ? 70u : 30u);
    if (push) {
      // Mostly the engine's pattern (now + delay), sometimes anywhere, even before now.
      const SimTime time = rng.below(10) == 0 ? static_cast<SimTime>(rng.below(1'000'000)) - 500'000
                                              : now + static_cast<SimTime>(rng.below(5'000));
      const Event e = make_event(time, static_cast<std::uint8_t>(rng.below(7)), seq++);
      queue.push(e);
      reference.emplace(Key{e.time, e.order}, e);
    } else {
      const Event expected = reference.begin()->second;
      reference.erase(reference.begin());
      if (!same_event(queue.top(), expected)) ++mismatches;
      const Event got = queue.pop();
      if (!same_event(got, expected)) ++mismatches;
      now = got.time;
    }
    if (queue.size() != reference.size()) ++mismatches;
  }
  CHECK(mismatches == 0);
  for (const auto& [key, expected] : reference) {
    REQUIRE_FALSE(queue.empty());
    CHECK(same_event(queue.pop(), expected));
  }
  CHECK(queue.empty());
}

TEST_CASE("times and orders at the ends of their ranges sort as event_before does") {
  constexpr SimTime kMin = std::numeric_limits<SimTime>::min();
  constexpr std::uint64_t kMaxOrder = std::numeric_limits<std::uint64_t>::max();
  std::vector<Event> events;
  std::uint64_t payload = 0;
  for (const SimTime time : {kMin, kMin + 1, SimTime{-1}, SimTime{0}, SimTime{1}, kNever - 1,
                             kNever}) {
    for (const std::uint64_t order : {std::uint64_t{0}, std::uint64_t{1} << 56, kMaxOrder}) {
      Event e = make_event(time, 0, payload++);
      e.order = order;
      events.push_back(e);
    }
  }
  EventQueue queue;
  for (auto it = events.rbegin(); it != events.rend(); ++it) queue.push(*it);
  std::sort(events.begin(), events.end(), event_before);
  for (const Event& expected : events) CHECK(same_event(queue.pop(), expected));
}

TEST_CASE("events with equal keys all come out, next to each other") {
  const std::size_t near_limit = GENERATE(as<std::size_t>{}, 0, 16);
  EventQueue queue = queue_with_near_limit(near_limit);
  for (std::uint64_t i = 0; i < 500; ++i) {
    queue.push(make_event(static_cast<SimTime>(i % 5), 0, 0));  // five keys, a hundred times each
  }
  SimTime last = -1;
  std::map<SimTime, int> count;
  while (!queue.empty()) {
    const Event e = queue.pop();
    CHECK(e.time >= last);
    last = e.time;
    ++count[e.time];
  }
  CHECK(count == std::map<SimTime, int>{{0, 100}, {1, 100}, {2, 100}, {3, 100}, {4, 100}});
}

TEST_CASE("size, empty, top and clear describe the pending events") {
  EventQueue queue;
  CHECK(queue.empty());
  CHECK(queue.size() == 0);
  queue.reserve(100);
  CHECK(queue.empty());
  queue.push(make_event(seconds(5), 0, 0));
  queue.push(make_event(seconds(2), 3, 1));
  queue.push(make_event(seconds(2), 1, 2));
  CHECK(queue.size() == 3);
  CHECK(queue.top().time == seconds(2));
  CHECK(queue.top().phase() == 1);
  CHECK(queue.pop().order == ((std::uint64_t{1} << 56) | 2));
  CHECK(queue.size() == 2);
  queue.clear();
  CHECK(queue.empty());
  CHECK(queue.size() == 0);
  queue.push(make_event(seconds(9), 0, 3));
  CHECK(queue.top().time == seconds(9));
  CHECK(queue.size() == 1);
}

TEST_CASE("a cleared queue that had spilled works as a fresh one") {
  EventQueue queue(16);
  for (std::uint64_t seq = 0; seq < 1000; ++seq) {
    queue.push(make_event(1000 - static_cast<SimTime>(seq), 0, seq));  // decreasing: spills often
  }
  queue.clear();
  CHECK(queue.empty());
  for (std::uint64_t seq = 0; seq < 100; ++seq) {
    queue.push(make_event(static_cast<SimTime>(seq % 10), 0, seq));
  }
  CHECK(queue.size() == 100);
  Event previous = queue.pop();
  while (!queue.empty()) {
    const Event e = queue.pop();
    CHECK(event_before(previous, e));
    previous = e;
  }
}

}  // namespace spotsim
