// Lazy integration (models/traffic.hpp, advance_to): when services share nothing, each integrates
// only when something of its own changes or is read, in pieces split where its own routing changes
// (ALB-3: the healthy targets, ALB-6: slow start's steps, target_group.hpp). The answer must be the
// eager one's — every service at every event of the world — to rounding: the same requests, the
// same drops by reason, the same per-service ledgers, at every minute of a run with interruptions,
// task churn and scaling. (Latency percentiles average a backlog over a piece, so longer pieces move
// them slightly; they are compared to 1e-3.)
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "bench/large_fleet_scenario.hpp"
#include "models/world.hpp"
#include "models/event_log.hpp"
#include "tests/scenario_test_support.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;

namespace {

bool lazy_close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1.0});
}

WorldConfig lazy_fleet_config(bool eager) {
  const std::string text = bench::large_fleet_scenario({2, 300, 6}).dump();
  WorldConfig c = load_scenario_text(text, "fleet.json", std::filesystem::current_path()).world;
  c.traffic_eager = eager;
  return c;
}

// Requests routed to each task ever, lazy against eager: a past view must not have lost a target
// (TargetGroup::set_before_change) nor a task joined or left late.
int lazy_routed_mismatches(World& lazy, World& eager) {
  int bad = 0;
  for (std::size_t v = 0; v < lazy.config().services.size(); ++v) {
    const auto tasks = static_cast<std::uint32_t>(eager.service(v).tasks().size());
    if (lazy.service(v).tasks().size() != tasks) ++bad;
    for (std::uint32_t t = 0; t < tasks; ++t) {
      const double a = lazy.traffic().requests_routed_to(static_cast<std::uint32_t>(v), t);
      const double b = eager.traffic().requests_routed_to(static_cast<std::uint32_t>(v), t);
      if (!lazy_close(a, b, 1e-9)) ++bad;
    }
  }
  return bad;
}

void lazy_check_counts(const RequestCounts& a, const RequestCounts& b) {
  CHECK(lazy_close(a.offered, b.offered, 1e-9));
  CHECK(lazy_close(a.served, b.served, 1e-9));
  for (std::size_t r = 0; r < kDropReasons; ++r) CHECK(lazy_close(a.dropped[r], b.dropped[r], 1e-9));
}

}  // namespace

TEST_CASE("traffic lazy: services integrated on their own agree with every service at every event") {
  World lazy(lazy_fleet_config(false));
  World eager(lazy_fleet_config(true));
  REQUIRE(lazy.traffic().lazy());
  REQUIRE_FALSE(eager.traffic().lazy());
  bool dropped_some = false;
  for (SimTime t = minutes(7); t <= hours(48); t += minutes(7)) {
    lazy.run_until(t);
    eager.run_until(t);
    const RequestCounts a = lazy.traffic().totals(), b = eager.traffic().totals();
    lazy_check_counts(a, b);
    dropped_some = dropped_some || b.dropped_total() > 0;
    const auto& la = lazy.traffic().ledgers();
    const auto& lb = eager.traffic().ledgers();
    REQUIRE(la.size() == lb.size());
    for (std::size_t v = 0; v < la.size(); ++v) {
      CHECK(lazy_close(la[v].arrived, lb[v].arrived, 1e-9));
      CHECK(lazy_close(la[v].completed, lb[v].completed, 1e-9));
      CHECK(lazy_close(la[v].dropped, lb[v].dropped, 1e-9));
    }
    if (t % hours(4) == 0) CHECK(lazy_routed_mismatches(lazy, eager) == 0);
  }
  CHECK(dropped_some);  // the run loses requests (interruptions, scaling): the drops are compared too
  const RunResult ra = lazy.finish(), rb = eager.finish();
  REQUIRE(ra.requests);
  REQUIRE(rb.requests);
  lazy_check_counts(*ra.requests, *rb.requests);
  REQUIRE(ra.requests->p99);
  CHECK(lazy_close(*ra.requests->p99, *rb.requests->p99, 1e-3));
  CHECK(ra.engine.events == rb.engine.events);  // the same decisions all along
}

TEST_CASE("traffic lazy: a call graph or a target group of two services integrates them together") {
  WorldConfig c = lazy_fleet_config(false);
  REQUIRE(c.services.size() >= 2);
  c.call_graph.push_back({0, 1, 1.0});
  CHECK_FALSE(World(c).traffic().lazy());
  WorldConfig shared = lazy_fleet_config(false);
  shared.services[1].target_groups = shared.services[0].target_groups;
  CHECK_FALSE(World(shared).traffic().lazy());
  CHECK(World(lazy_fleet_config(false)).traffic().lazy());
}

namespace {

struct BoundaryRun {
  RunResult result;
  std::string log;
};

// The demo's first 3 hours in per-request mode (whose random draws follow the pieces it integrates in:
// any extra split would show), with or without an event log.
BoundaryRun boundary_run(bool with_log, SimTime slow_start) {
  Scenario s = test::demo_scenario();
  s.world.duration = hours(3);
  s.world.traffic_mode = TrafficMode::per_request;
  for (TargetGroupConfig& g : s.world.target_groups) g.slow_start = slow_start;
  std::ostringstream text;
  EventLog log(text, s.world.start_epoch_ms);
  World world(s.world);
  if (with_log) world.set_event_log(&log);
  BoundaryRun run{world.run(), ""};
  log.flush();
  run.log = text.str();
  return run;
}

void boundary_same(const BoundaryRun& a, const BoundaryRun& b) {
  REQUIRE(a.result.requests);
  REQUIRE(b.result.requests);
  CHECK(a.result.requests->offered == b.result.requests->offered);
  CHECK(a.result.requests->served == b.result.requests->served);
  CHECK(a.result.requests->dropped == b.result.requests->dropped);
  CHECK(a.result.requests->p99 == b.result.requests->p99);
  CHECK(a.result.engine.events == b.result.engine.events);
  CHECK(a.result.engine.stale_events == b.result.engine.stale_events);
}

}  // namespace

TEST_CASE("traffic lazy: target health boundaries are events only for the log, and change nothing") {
  // ALB-2/ALB-1: the log still shows each target turning healthy; the requests, the drops and the
  // model's event count are the same with and without it.
  const BoundaryRun plain = boundary_run(false, 0), logged = boundary_run(true, 0);
  CHECK(plain.log.empty());
  CHECK(test::contains(logged.log, R"("entity":"target")"));
  CHECK(test::contains(logged.log, R"("event":"healthy")"));
  boundary_same(plain, logged);
  // ALB-6: with slow start the boundaries act (slow start begins at one), with or without the log.
  const BoundaryRun slow = boundary_run(false, seconds(60)), slow_logged = boundary_run(true, seconds(60));
  boundary_same(slow, slow_logged);
  CHECK(slow.result.engine.events > plain.result.engine.events);
}

TEST_CASE("traffic lazy: a target group's kept view is the view computed afresh, all through a churning run") {
  // Registrations, deregistrations and deaths keep the cached view when the routes now stay the same
  // (TargetGroup::keep_view): ALB-2 (a new target is not routed before it passes), ALB-5 (a
  // deregistered one until the change propagates), ALB-1 (a dead one until the checks notice). The
  // kept view must be what a fresh computation gives at every instant: routes, mode and its end.
  World world(lazy_fleet_config(false));
  int mismatches = 0, checks = 0;
  std::string first;
  for (SimTime t = seconds(10); t <= hours(30); t += seconds(10)) {
    world.run_until(t);
    for (std::size_t g = 0; g < world.config().target_groups.size(); ++g) {
      const std::string m = world.target_group(g).view_mismatch(t);
      ++checks;
      if (!m.empty() && ++mismatches == 1) first = "group " + std::to_string(g) + " at " + std::to_string(t) + ": " + m;
    }
  }
  INFO(first);
  CHECK(mismatches == 0);
  CHECK(checks > 60'000);
}
