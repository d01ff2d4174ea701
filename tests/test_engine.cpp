// sim/engine.hpp: the clock, the ordering rule (time, phase, seq), run_until's horizon, lazy
// cancellation (stale events are counted, not run) and the clamp of past times to now.
#include <catch2/catch.hpp>

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/engine.hpp"

namespace spotsim {
namespace {

// What a dispatcher saw: (time, phase, kind, target) of each event it was handed.
struct Seen {
  SimTime time;
  std::uint8_t phase;
  std::uint8_t kind;
  std::uint32_t target;
  bool operator==(const Seen&) const = default;
};

Seen seen(const Event& e) { return {e.time, e.phase(), e.kind, e.target}; }

}  // namespace

TEST_CASE("events at the same instant run in phase order, then in the order they were scheduled") {
  Engine engine;
  engine.schedule(seconds(10), 4, 0, 1);
  engine.schedule(seconds(10), 0, 0, 2);
  engine.schedule(seconds(10), 4, 0, 3);
  engine.schedule(seconds(5), 6, 0, 4);
  engine.schedule(seconds(10), 0, 0, 5);
  engine.schedule(seconds(10), 2, 0, 6);
  std::vector<std::uint32_t> order;
  engine.run_until(minutes(1), [&](const Event& e) {
    order.push_back(e.target);
    return true;
  });
  CHECK(order == std::vector<std::uint32_t>{4, 2, 5, 6, 1, 3});
}

TEST_CASE("run_until runs events at exactly the horizon and leaves later ones pending") {
  Engine engine;
  engine.schedule(seconds(30), 0, 0, 1);
  engine.schedule(seconds(60), 6, 0, 2);  // at the horizon, last phase: still runs
  engine.schedule(seconds(60) + 1, 0, 0, 3);
  engine.schedule(hours(1), 0, 0, 4);
  std::vector<Seen> log;
  const auto record = [&](const Event& e) {
    log.push_back(seen(e));
    return true;
  };
  const RunStats first = engine.run_until(seconds(60), record);
  CHECK(log == std::vector<Seen>{{seconds(30), 0, 0, 1}, {seconds(60), 6, 0, 2}});
  CHECK(first.events == 2);
  CHECK(engine.pending() == 2);
  CHECK(engine.now() == seconds(60));

  engine.run_until(hours(1), record);
  CHECK(log.size() == 4);
  CHECK(log[2] == Seen{seconds(60) + 1, 0, 0, 3});
  CHECK(log[3] == Seen{hours(1), 0, 0, 4});
  CHECK(engine.pending() == 0);
}

TEST_CASE("the clock ends at the horizon, even when the last event is earlier or there is none") {
  Engine engine;
  const auto accept = [](const Event&) { return true; };
  engine.schedule(seconds(5), 0, 0, 0);
  engine.run_until(minutes(2), accept);
  CHECK(engine.now() == minutes(2));
  engine.run_until(hours(3), accept);  // nothing pending
  CHECK(engine.now() == hours(3));
  engine.run_until(hours(1), accept);  // a horizon in the past does not move the clock back
  CHECK(engine.now() == hours(3));
}

TEST_CASE("the clock reads each event's time while it is dispatched") {
  Engine engine;
  engine.schedule(seconds(7), 0, 0, 0);
  engine.schedule(seconds(9), 0, 0, 0);
  std::vector<SimTime> clock;
  engine.run_until(seconds(10), [&](const Event&) {
    clock.push_back(engine.now());
    return true;
  });
  CHECK(clock == std::vector<SimTime>{seconds(7), seconds(9)});
}

// Lazy cancellation: an object bumps its generation instead of removing its pending events; the
// dispatcher recognises an event scheduled for an older generation and returns false.
TEST_CASE("stale events are skipped and counted in RunStats::stale_events") {
  Engine engine;
  std::vector<std::uint32_t> generation{0, 0};
  engine.schedule(seconds(1), 0, 0, 0, generation[0]);
  engine.schedule(seconds(2), 0, 0, 1, generation[1]);
  generation[0] = 1;  // object 0 moved on: its pending event is now stale
  engine.schedule(seconds(3), 0, 0, 0, generation[0]);
  std::vector<SimTime> acted;
  const auto dispatch = [&](const Event& e) {
    if (e.generation != generation[e.target]) return false;
    acted.push_back(e.time);
    return true;
  };
  const RunStats run = engine.run_until(seconds(10), dispatch);
  CHECK(acted == std::vector<SimTime>{seconds(2), seconds(3)});
  CHECK(run.events == 2);
  CHECK(run.stale_events == 1);

  engine.schedule(seconds(20), 0, 0, 1, 0);
  generation[1] = 5;
  const RunStats second = engine.run_until(seconds(30), dispatch);
  CHECK(second.events == 0);
  CHECK(second.stale_events == 1);
  // stats() accumulates over calls.
  CHECK(engine.stats().events == 2);
  CHECK(engine.stats().stale_events == 2);
  CHECK(engine.stats().wall_seconds >= 0);
}

TEST_CASE("events scheduled from inside dispatch run in order within the same call") {
  Engine engine;
  engine.schedule(seconds(10), 3, 1, 0);
  std::vector<Seen> log;
  engine.run_until(minutes(1), [&](const Event& e) {
    log.push_back(seen(e));
    if (e.kind == 1) {
      engine.schedule(engine.now(), 3, 2, 1);         // same instant, same phase: after this one
      engine.schedule(engine.now(), 5, 2, 2);         // same instant, later phase
      engine.schedule(engine.now() + 1, 0, 2, 3);     // next millisecond
      engine.schedule(engine.now(), 3, 2, 4);         // same instant and phase, scheduled later
      engine.schedule(minutes(1) + 1, 0, 2, 5);       // beyond the horizon: stays pending
    }
    return true;
  });
  CHECK(log == std::vector<Seen>{{seconds(10), 3, 1, 0},
                                 {seconds(10), 3, 2, 1},
                                 {seconds(10), 3, 2, 4},
                                 {seconds(10), 5, 2, 2},
                                 {seconds(10) + 1, 0, 2, 3}});
  CHECK(engine.pending() == 1);
}

TEST_CASE("scheduling in the past is clamped to now") {
  Engine engine;
  engine.run_until(minutes(5), [](const Event&) { return true; });
  engine.schedule(minutes(1), 2, 7, 9);  // a model bug: four minutes ago
  std::vector<Seen> log;
  engine.run_until(minutes(5), [&](const Event& e) {
    log.push_back(seen(e));
    return true;
  });
  CHECK(log == std::vector<Seen>{{minutes(5), 2, 7, 9}});
}

TEST_CASE("events carry their target, generation, argument and kind to the dispatcher") {
  Engine engine;
  engine.schedule(seconds(1), 2, 42, 123'456, 77, -5);
  Event got;
  engine.run_until(seconds(1), [&](const Event& e) {
    got = e;
    return true;
  });
  CHECK(got.time == seconds(1));
  CHECK(got.phase() == 2);
  CHECK(got.kind == 42);
  CHECK(got.target == 123'456);
  CHECK(got.generation == 77);
  CHECK(got.arg == -5);
}

TEST_CASE("two engines side by side do not share a clock or events") {
  Engine a;
  Engine b;
  a.schedule(seconds(1), 0, 0, 1);
  int ran_b = 0;
  b.run_until(seconds(10), [&](const Event&) { return ++ran_b > 0; });
  CHECK(ran_b == 0);
  CHECK(a.pending() == 1);
  CHECK(a.now() == 0);
  CHECK(b.now() == seconds(10));
}

}  // namespace spotsim
