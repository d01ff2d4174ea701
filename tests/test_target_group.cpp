// models/target_group.hpp: which slots of the target table a registration may reuse. A year of
// churn registers millions of targets while a few thousand live; a slot is reused only when
// nothing can name its old target again (aws-semantics.md §7.1 health checks and §7.2
// deregistration set the instants a target's `target_health` events fall on).
#include <catch2/catch.hpp>

#include <filesystem>

#include "models/event_kind.hpp"
#include "models/target_group.hpp"
#include "models/world.hpp"
#include "sim/engine.hpp"
#include "tests/tools_test_support.hpp"
#include "tools/scenario.hpp"

namespace spotsim {
namespace {

// A target group alone on an engine: its `target_health` events go back to it.
struct LoneTargetGroup {
  Engine engine;
  TargetGroup group{0, TargetGroupConfig{}};
  int boundaries = 0;

  void run_until(SimTime t) {
    engine.run_until(t, [&](const Event& e) {
      if (static_cast<EventKind>(e.kind) != EventKind::target_health) return false;
      ++boundaries;
      group.on_boundary(engine, static_cast<std::uint32_t>(e.arg));
      return true;
    });
  }
  // Task `task` of service 0 registers now, answers at once, deregisters at +1 min, dies at +2 min.
  void register_now(std::uint32_t task) { group.register_target(engine, 0, task, engine.now(), kNever); }
};

}  // namespace

TEST_CASE("memory - a target group reuses the slot of a dead target once its last boundary is past", "[mem]") {
  LoneTargetGroup lone;
  lone.register_now(0);
  lone.run_until(minutes(1));
  lone.group.deregister(lone.engine, 0, 0);  // §7.2: out of rotation after the propagation delay
  lone.run_until(minutes(2));
  lone.group.target_died(lone.engine, 0, 0);
  // Its boundaries: the death now, and when the health checks notice it (§7.1, ~1 min later).
  const SimTime noticed = lone.group.find(0, 0)->unhealthy_at;
  CHECK(noticed > minutes(2));
  lone.run_until(noticed);
  // At the instant of its last boundary the slot is still taken (an event there may be pending).
  lone.register_now(1);
  CHECK(lone.group.targets().size() == 2);
  REQUIRE(lone.group.find(0, 0) != nullptr);
  lone.run_until(noticed + minutes(10));
  lone.register_now(2);  // task 0's slot is free now
  CHECK(lone.group.targets().size() == 2);
  CHECK(lone.group.find(0, 0) == nullptr);
  REQUIRE(lone.group.find(0, 2) == &lone.group.targets()[0]);
  CHECK(lone.group.find(0, 2)->registered == noticed + minutes(10));
  CHECK(lone.group.find(0, 1) == &lone.group.targets()[1]);
  // The reused slot's old events were all handled: its new target is routed to once healthy.
  lone.run_until(noticed + minutes(20));
  CHECK(lone.group.healthy_count(lone.engine.now()) == 2);
}

TEST_CASE("memory - a target out of rotation keeps its slot while its task lives", "[mem]") {
  LoneTargetGroup lone;
  lone.group.register_target(lone.engine, 0, 0, 0, minutes(5));  // hangs at 5 min: noticed, out of rotation
  lone.run_until(hours(1));
  lone.register_now(1);
  CHECK(lone.group.targets().size() == 2);
  REQUIRE(lone.group.find(0, 0) != nullptr);
  CHECK(lone.group.find(0, 0)->unhealthy_at < hours(1));
  // ECS still stops the hung task later: the group hears of it, then frees the slot.
  lone.group.deregister(lone.engine, 0, 0);
  CHECK(lone.group.find(0, 0)->deregistered == hours(1));
  lone.run_until(hours(1) + minutes(5));
  lone.group.target_died(lone.engine, 0, 0);
  lone.run_until(hours(2));
  lone.register_now(2);
  CHECK(lone.group.targets().size() == 2);
  CHECK(lone.group.find(0, 0) == nullptr);
  CHECK(lone.group.find(0, 2) == &lone.group.targets()[0]);
}

// Four weeks of hung apps (each noticed by the target health checks, §7.1, and its task replaced)
// and spot interruptions replace the service's tasks again and again: the target table stays the
// size of what lives, and every running task's target is found.
TEST_CASE("memory - four churning weeks keep the target table the size of the live targets", "[mem]") {
  nlohmann::json json = test::small_alb_scenario();
  json["duration"] = "28d";
  json["workload"]["services"]["small-api"]["hangRatePerTaskHour"] = 0.05;  // a few hundred hung tasks
  const Scenario s = load_scenario_text(json.dump(), "small-alb.json", std::filesystem::current_path());
  REQUIRE(s.world.duration == days(28));
  World world(s.world);
  world.run();
  const auto& tasks = world.service(0).tasks();
  const TargetGroup& group = world.target_group(0);
  int running = 0;
  for (const EcsTask& t : tasks) {
    if (t.state != TaskState::running) continue;
    ++running;
    const Target* target = group.find(t.service, t.id);
    REQUIRE(target != nullptr);
    CHECK(target->task == t.id);
  }
  CHECK(running >= 3);
  CHECK(tasks.size() >= 300);  // the churn: tasks started (and registered) over the four weeks
  // The table's size is the most targets alive, draining or awaiting their last boundary at once
  // (26 here); without slot reuse it would be one per registration, over 300.
  CHECK(group.targets().size() <= 30);
}

}  // namespace spotsim


namespace spotsim {

TEST_CASE("a target group's view, moved on in time or asked for out of order, is the view computed afresh",
          "[target_group]") {
  // ALB-2: a target is routed from the check that makes it healthy; ALB-5: a deregistered one until
  // the change propagates; ALB-1: a dead one until the checks notice. The group keeps its last view
  // while it holds (TargetGroup::view_until), and a view asked for at an earlier instant (the traffic
  // model catches a service up behind the clock) must not be the later one: at every probe, in
  // either order, routes and mode must be a fresh computation's, and the end no later.
  LoneTargetGroup lone;
  std::uint32_t next_task = 0;
  int probes = 0, mismatches = 0;
  std::string first;
  const auto probe = [&](SimTime at) {
    const std::string m = lone.group.view_mismatch(at);
    ++probes;
    if (!m.empty() && ++mismatches == 1) first = "at " + std::to_string(at) + ": " + m;
  };
  for (int round = 0; round < 40; ++round) {
    // A batch of targets registers (they turn healthy together, ~150 s on), an older one leaves.
    for (int k = 0; k < 1 + round % 3; ++k) lone.register_now(next_task++);
    if (round >= 4) {
      const auto old = static_cast<std::uint32_t>(round - 4);
      lone.group.deregister(lone.engine, 0, old);
      if (round % 2 == 0) lone.group.target_died(lone.engine, 0, old);
    }
    const SimTime start = lone.engine.now();
    lone.run_until(start + seconds(97));
    // Ahead to now, back to the middle, then forward in steps: each a fresh computation's view.
    probe(lone.engine.now());
    probe(start + seconds(40));
    for (SimTime t = start + seconds(41); t <= lone.engine.now(); t += seconds(7)) probe(t);
  }
  INFO(first);
  CHECK(mismatches == 0);
  CHECK(probes > 400);
  CHECK(lone.group.healthy_count(lone.engine.now()) > 0);
}

TEST_CASE("routing the healthy targets, a view holds past the instants of targets it does not route", "[target_group]") {
  // ALB-2: with any target healthy only the healthy ones are routed; a target registered but not yet
  // healthy that is deregistered (ALB-5: out after the propagation delay) leaves without changing what
  // is routed, so the view does not end there. Failing open (none healthy), every target in
  // rotation is routed and its leaving does end the view. (Ends that change nothing cost a view
  // rebuild and a split of the traffic integration each.)
  LoneTargetGroup lone;
  const SimTime propagation = lone.group.config().deregistration_propagation;
  REQUIRE(propagation > 0);

  SECTION("healthy mode") {
    lone.register_now(0);
    lone.run_until(minutes(5));
    REQUIRE(lone.group.healthy_count(lone.engine.now()) == 1);
    CHECK(lone.group.view_until(lone.engine.now()) == kNever);
    lone.register_now(1);
    const SimTime turns_healthy = lone.group.find(0, 1)->healthy_at;
    REQUIRE(turns_healthy > lone.engine.now() + seconds(20));
    CHECK(lone.group.view_until(lone.engine.now()) == turns_healthy);  // it will be routed then
    lone.run_until(lone.engine.now() + seconds(10));
    lone.group.deregister(lone.engine, 0, 1);
    const SimTime now = lone.engine.now();
    // Its leaving at now + propagation changes nothing routed: not an end. (The cached end stays
    // where it was, when it would have turned healthy; computed afresh there, the view holds on.)
    CHECK(lone.group.view_until(now) > now + propagation);
    CHECK(lone.group.view_mismatch(now).empty());
    lone.run_until(now + propagation + seconds(1));
    CHECK(lone.group.healthy_count(lone.engine.now()) == 1);
    CHECK(lone.group.view_mismatch(lone.engine.now()).empty());
    lone.run_until(turns_healthy);
    CHECK(lone.group.view_until(turns_healthy) == kNever);
  }
  SECTION("fail-open mode") {
    lone.register_now(0);
    lone.run_until(seconds(10));
    REQUIRE(lone.group.healthy_count(lone.engine.now()) == 0);
    REQUIRE(lone.group.view(lone.engine.now()).mode == RoutingMode::fail_open);
    lone.group.deregister(lone.engine, 0, 0);
    CHECK(lone.group.view_until(lone.engine.now()) == lone.engine.now() + propagation);
  }
}

}  // namespace spotsim
