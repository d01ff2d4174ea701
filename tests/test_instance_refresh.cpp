// Instance refresh (issue 5 "Must show 7"; aws-semantics.md ASG-15, CP-14). AWS's rules, from the
// Amazon EC2 Auto Scaling API reference (RefreshPreferences) and User Guide:
// - MinHealthyPercentage: "The amount of capacity in the Auto Scaling group that must remain healthy
//   during an instance refresh ... as a percentage of the desired capacity of the Auto Scaling group
//   (rounded up to the nearest integer). The default is 90."
// - Rolling strategy: it "terminates instances and launches new ones in batches"; with no instance
//   maintenance policy the refresh is terminate-and-launch (ASG-15): "new instances are provisioned at
//   the same time your existing instances are terminated".
// - InstanceWarmup: after a new instance is InService the refresh waits this long "before moving on
//   to replacing the next instance"; default DefaultInstanceWarmup, else HealthCheckGracePeriod.
// - MaxHealthyPercentage (100-200, default null = 100): "the maximum percentage of the group that can
//   be in service and healthy, or pending"; "A large range increases the number of instances that can
//   be replaced at the same time." Above 100 the refresh launches before it terminates.
// - ScaleInProtectedInstances: Refresh, Ignore, or Wait (the CLI/SDK default): "waits one hour for you
//   to remove scale-in protection. Otherwise, the instance refresh will fail."
// - CP-14: managed instance draining covers instance refreshes: ECS drains each instance first.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "tests/tools_test_support.hpp"
#include "tests/traffic_fixture.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;
using namespace spotsim::testing;

namespace {

constexpr SimTime kRefreshAt = minutes(30);

// 10 spot m5.large instances, 20 tasks of 50 rps behind a target group offered 500 rps (half
// their capacity), ECS_ENABLE_SPOT_INSTANCE_DRAINING on, a refresh at 30 min.
WorldConfig refresh_world(int min_healthy_percentage, bool managed_draining) {
  WorldConfig cfg = traffic_world(10, 20, 500, 50);
  cfg.duration = hours(3);
  cfg.groups[0].on_demand_percentage_above_base = 0;  // all spot
  cfg.groups[0].ecs_agent.spot_instance_draining = true;
  cfg.groups[0].managed_draining = managed_draining;
  InstanceRefresh refresh;
  refresh.group = "asg";
  refresh.at = kRefreshAt;
  refresh.min_healthy_percentage = min_healthy_percentage;
  cfg.instance_refreshes.push_back(refresh);
  return cfg;
}

// In service: booted (passes the EC2 status check) and not being terminated or drained.
int in_service(World& world) {
  int n = 0;
  for (std::uint32_t id : world.fleet().alive_ids()) {
    const Ec2Instance& i = world.fleet().at(InstanceId{id});
    n += i.booted && !i.terminating_at && !i.termination_held_since && !i.notice_at ? 1 : 0;
  }
  return n;
}

// "In service and healthy, or pending" (MaxHealthyPercentage's count): alive, not being terminated.
int in_service_or_pending(World& world) {
  int n = 0;
  for (std::uint32_t id : world.fleet().alive_ids()) {
    const Ec2Instance& i = world.fleet().at(InstanceId{id});
    n += !i.terminating_at && !i.termination_held_since && !i.notice_at ? 1 : 0;
  }
  return n;
}

std::vector<InstanceId> alive_instances(World& world) {
  std::vector<InstanceId> ids;
  for (std::uint32_t id : world.fleet().alive_ids()) ids.push_back(InstanceId{id});
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Runs the refresh second by second until it ends (at most an hour), keeping the fewest in service.
struct RefreshRun {
  World world;
  std::vector<InstanceId> originals;
  RequestCounts before;
  int fewest_in_service = 1 << 30;
  int most_in_service_or_pending = 0;

  explicit RefreshRun(const WorldConfig& cfg) : world(cfg) {
    world.run_until(kRefreshAt - seconds(1));
    originals = alive_instances(world);
    before = world.traffic().totals();
    for (SimTime t = kRefreshAt; t <= kRefreshAt + hours(1); t += seconds(1)) {
      world.run_until(t);
      fewest_in_service = std::min(fewest_in_service, in_service(world));
      most_in_service_or_pending = std::max(most_in_service_or_pending, in_service_or_pending(world));
      if (!world.group(0).refresh_in_progress()) break;
    }
  }
  const InstanceRefreshProgress& progress() { return world.group(0).refreshes().back(); }
  SimTime duration() { return *progress().ended - progress().started; }
};

void check_every_instance_replaced(RefreshRun& run) {
  World& world = run.world;
  REQUIRE(run.originals.size() == 10);
  const InstanceRefreshProgress& p = run.progress();
  CHECK(p.status == RefreshStatus::successful);
  CHECK(p.to_replace == 10);
  CHECK(p.terminated == 10);
  for (InstanceId id : run.originals) {
    const Ec2Instance& i = world.fleet().at(id);
    CHECK_FALSE(i.alive());
    CHECK(i.cause == TerminationCause::instance_refresh);
  }
  const std::vector<InstanceId> now = alive_instances(world);
  CHECK(now.size() == 10);
  for (InstanceId id : now) CHECK(world.fleet().at(id).launch_template_version == p.launch_template_version);
  CHECK(world.group(0).stats().refresh_terminations == 10);
  CHECK(world.group(0).stats().refresh_replacements == 10);
}

}  // namespace

TEST_CASE("instance_refresh: at MinHealthyPercentage 90 every instance is replaced, 9 of 10 always in service, no request dropped",
          "[instance_refresh][seed]") {
  // Issue 5 "Must show 7". ceil(10 × 90 / 100) = 9 must stay ready: batches of one instance, the
  // next once the replacement is InService (warmup: HealthCheckGracePeriod, API default 0).
  RefreshRun run(refresh_world(90, true));
  check_every_instance_replaced(run);
  const InstanceRefreshProgress& p = run.progress();
  CHECK(p.min_healthy == 9);
  CHECK(p.batches == 10);
  CHECK(run.fewest_in_service >= 9);
  CHECK(run.most_in_service_or_pending <= 10);  // terminate-and-launch: never above desired
  // Ten batches, each waiting for its replacement to boot (bootTime 25 s), then the last drain.
  CHECK(run.duration() >= 10 * run.world.config().ec2.boot_time);
  CHECK(run.duration() < minutes(15));
  // CP-14 + AG-5: each instance is drained by ECS before it goes, so its tasks are replaced
  // elsewhere and finish their requests first; none is killed with its instance.
  const RequestCounts during = difference(run.world.traffic().totals(), run.before);
  CHECK(during.offered > 0);
  CHECK(during.dropped_total() < 1.0);
  CHECK(run.world.service(0).stats().killed_by_termination == 0);
  run.world.run_until(run.world.config().duration);
  CHECK(tasks_in(run.world, TaskState::running, true) == 20);
  check_conservation(run.world.finish(), run.world);
}

TEST_CASE("instance_refresh: at MinHealthyPercentage 50 the batches are of five and the refresh ends sooner",
          "[instance_refresh]") {
  // ceil(10 × 50 / 100) = 5 must stay ready: two batches of five.
  RefreshRun slow(refresh_world(90, true));
  RefreshRun fast(refresh_world(50, true));
  check_every_instance_replaced(fast);
  CHECK(fast.progress().min_healthy == 5);
  CHECK(fast.progress().batches == 2);
  CHECK(fast.fewest_in_service >= 5);
  CHECK(fast.fewest_in_service < 9);
  CHECK(fast.duration() < slow.duration());
  check_conservation(fast.world.finish(), fast.world);
}

TEST_CASE("instance_refresh: without managed draining the refreshed instances' tasks die with them and requests are lost",
          "[instance_refresh][draining]") {
  // CP-14 is what drains the instances: without it a refresh terminates them at once (ASG-26's
  // point for every termination ECS is not told of), killing the tasks and their requests in flight.
  RefreshRun run(refresh_world(90, false));
  check_every_instance_replaced(run);
  CHECK(run.fewest_in_service >= 9);
  const RequestCounts during = difference(run.world.traffic().totals(), run.before);
  CHECK(run.world.service(0).stats().killed_by_termination > 0);
  CHECK(during.dropped_total() > 1.0);
  check_conservation(run.world.finish(), run.world);
}

TEST_CASE("instance_refresh: the instance warmup spaces the batches", "[instance_refresh]") {
  // InstanceWarmup (default: DefaultInstanceWarmup): the refresh waits this long after the new
  // instance is InService before it replaces the next.
  WorldConfig cfg = refresh_world(90, true);
  cfg.groups[0].default_instance_warmup = minutes(3);
  RefreshRun run(cfg);
  check_every_instance_replaced(run);
  const SimTime per_batch = run.world.config().ec2.boot_time + minutes(3);
  CHECK(run.duration() >= 10 * per_batch);
  CHECK(run.duration() < 10 * per_batch + minutes(5));
  // The batches' drains (managed draining holds each termination) start one warmed-up
  // replacement apart.
  std::vector<SimTime> decided;
  for (InstanceId id : run.originals) decided.push_back(*run.world.fleet().at(id).termination_held_since);
  std::sort(decided.begin(), decided.end());
  CHECK(decided.front() == kRefreshAt);
  for (std::size_t k = 1; k < decided.size(); ++k) CHECK(decided[k] - decided[k - 1] == per_batch);
  CHECK(run.fewest_in_service >= 9);
}

TEST_CASE("instance_refresh: MaxHealthyPercentage 110 launches before it terminates, keeping 10 of 10 in service",
          "[instance_refresh]") {
  // MinHealthyPercentage 100, MaxHealthyPercentage 110: no room to terminate first, floor(10 × 110 /
  // 100) − 10 = 1 to launch first: ten batches of one, each old instance terminated once its
  // replacement is ready.
  WorldConfig cfg = refresh_world(100, true);
  cfg.instance_refreshes[0].max_healthy_percentage = 110;
  RefreshRun run(cfg);
  check_every_instance_replaced(run);
  CHECK(run.progress().batches == 10);
  CHECK(run.progress().launched_first == 10);
  CHECK(run.fewest_in_service >= 10);
  CHECK(run.most_in_service_or_pending <= 11);
  const RequestCounts during = difference(run.world.traffic().totals(), run.before);
  CHECK(during.dropped_total() < 1.0);
  check_conservation(run.world.finish(), run.world);
}

namespace {

// The embedded default scenario (demo-api-prod: managed draining, managed termination protection,
// 2-10 instances, HealthCheckGracePeriod 300 s = the warmup) with a refresh on day 3, run second by
// second through it.
struct DefaultClusterRefresh {
  World world;
  std::vector<InstanceId> originals;
  RequestCounts before;
  int below_90 = 0, below_desired = 0;

  explicit DefaultClusterRefresh(const InstanceRefresh& preferences) : world(with_refresh(preferences)) {
    world.run_until(days(3) - seconds(1));
    originals = alive_instances(world);
    before = world.traffic().totals();
    for (SimTime t = days(3); t <= days(3) + hours(2); t += seconds(1)) {
      world.run_until(t);
      const int n = in_service(world), desired = world.group(0).desired();
      below_90 += 10 * n < 9 * desired ? 1 : 0;
      below_desired += n < desired ? 1 : 0;
      if (!world.group(0).refresh_in_progress()) break;
    }
  }
  static WorldConfig with_refresh(InstanceRefresh refresh) {
    Scenario s = load_scenario_file(std::filesystem::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json");
    refresh.group = s.world.groups[0].name;
    refresh.at = days(3);
    s.world.instance_refreshes.push_back(refresh);
    return s.world;
  }
  const InstanceRefreshProgress& progress() { return world.group(0).refreshes().back(); }
};

}  // namespace

TEST_CASE("instance_refresh: the default cluster at MinHealthyPercentage 90 replaces every instance, keeps 90 % in service, drops nothing",
          "[instance_refresh][seed]") {
  // Issue 5 "Must show 7" on the embedded default scenario. Its group is small (2-3 instances on day
  // 3), so ceil(desired × 0.9) = desired: no room to terminate first. AWS then launches first, one at
  // a time ("Launch the new instances first before terminating the old ones if the minimum healthy
  // percentage is set to 100 percent. This ensures that your desired capacity is maintained at all
  // times", User Guide "How an instance refresh works"), at MaxHealthyPercentage 100 (AWS's default)
  // as at 190 (the most AWS accepts above a minimum of 90, which launches whole batches first).
  // ScaleInProtectedInstances Refresh, as the ECS Developer Guide asks of a cluster with managed
  // termination protection ("Make sure you select Replace for Scale-in protection when calling
  // StartInstanceRefresh if you're using managed termination protection", managed instance draining).
  // Managed draining (CP-14) drains each instance before it goes: no request is dropped.
  for (const int max_healthy : {100, 190}) {
    InstanceRefresh refresh;
    refresh.min_healthy_percentage = 90;
    refresh.max_healthy_percentage = max_healthy;
    refresh.scale_in_protected_instances = ScaleInProtectedInstances::Refresh;
    DefaultClusterRefresh run(refresh);
    World& world = run.world;
    INFO("MaxHealthyPercentage " << max_healthy);
    REQUIRE(world.group(0).refreshes().size() == 1);
    const InstanceRefreshProgress& p = run.progress();
    REQUIRE(p.ended);
    CHECK(p.status == RefreshStatus::successful);
    CHECK(run.originals.size() >= 2);
    CHECK(p.to_replace == static_cast<int>(run.originals.size()));
    for (InstanceId id : run.originals) CHECK(world.fleet().at(id).cause == TerminationCause::instance_refresh);
    CHECK(world.group(0).active_count() == world.group(0).desired());
    CHECK(run.below_90 == 0);
    CHECK(run.below_desired == 0);
    CHECK(p.launched_first == p.terminated);
    if (max_healthy == 100) CHECK(p.batches == p.to_replace);  // one at a time
    const RequestCounts during = difference(world.traffic().totals(), run.before);
    CHECK(during.offered > 0);
    CHECK(during.dropped_total() < 1.0);
    CHECK(world.service(0).stats().killed_by_termination == 0);
    check_conservation(world.finish(), world);
  }
}

TEST_CASE("instance_refresh: the default cluster's refresh with AWS's default Wait fails after an hour on protected instances",
          "[instance_refresh][seed]") {
  // The same refresh as contract.md writes it (MinHealthyPercentage 90 only): ScaleInProtectedInstances
  // defaults to Wait, which "waits one hour for you to remove scale-in protection. Otherwise, the
  // instance refresh will fail" [API-ASG RefreshPreferences]. Managed termination protection (CP-12)
  // keeps every instance with a task protected, so nothing is replaced and the refresh fails;
  // `spotsim validate` warns about exactly this (tests/test_scenario_scaling.cpp).
  InstanceRefresh refresh;
  refresh.min_healthy_percentage = 90;
  DefaultClusterRefresh run(refresh);
  const InstanceRefreshProgress& p = run.progress();
  REQUIRE(p.ended);
  CHECK(p.status == RefreshStatus::failed);
  CHECK(*p.ended - p.started >= hours(1));
  // Only an instance that had no task (unprotected) may have been replaced; the busy ones remain.
  CHECK(p.terminated < p.to_replace);
  int protected_left = 0;
  for (InstanceId id : run.originals) {
    const Ec2Instance& i = run.world.fleet().at(id);
    protected_left += i.alive() && i.protected_from_scale_in ? 1 : 0;
  }
  CHECK(protected_left == p.to_replace - p.terminated);
  CHECK(difference(run.world.traffic().totals(), run.before).dropped_total() < 1.0);
}

TEST_CASE("instance_refresh: scale-in protected instances: Wait fails after an hour, Ignore skips them, Refresh replaces them",
          "[instance_refresh][protection]") {
  // ScaleInProtectedInstances [API-ASG RefreshPreferences]; Wait is the CLI/SDK default.
  for (const auto mode : {ScaleInProtectedInstances::Wait, ScaleInProtectedInstances::Ignore,
                          ScaleInProtectedInstances::Refresh}) {
    WorldConfig cfg = refresh_world(90, true);
    cfg.instance_refreshes[0].scale_in_protected_instances = mode;
    World world(cfg);
    world.run_until(kRefreshAt - seconds(1));
    const std::vector<InstanceId> originals = alive_instances(world);
    REQUIRE(originals.size() == 10);
    for (std::size_t k = 0; k < 3; ++k) world.group(0).set_protection(world.engine(), originals[k], true);
    world.run_until(kRefreshAt + hours(2));
    const InstanceRefreshProgress& p = world.group(0).refreshes().back();
    int protected_alive = 0;
    for (std::size_t k = 0; k < 3; ++k) protected_alive += world.fleet().at(originals[k]).alive() ? 1 : 0;
    for (std::size_t k = 3; k < 10; ++k) CHECK_FALSE(world.fleet().at(originals[k]).alive());
    INFO("mode " << static_cast<int>(mode));
    REQUIRE(p.ended);
    switch (mode) {
      case ScaleInProtectedInstances::Wait:
        // Seven replaced, then an hour of waiting for the protection to go: Failed.
        CHECK(p.status == RefreshStatus::failed);
        CHECK(protected_alive == 3);
        CHECK(p.terminated == 7);
        CHECK(*p.ended - p.started > hours(1));
        CHECK(*p.ended - p.started < hours(1) + minutes(15));
        break;
      case ScaleInProtectedInstances::Ignore:
        CHECK(p.status == RefreshStatus::successful);
        CHECK(protected_alive == 3);
        CHECK(p.terminated == 7);
        CHECK(p.ignored == 3);
        break;
      case ScaleInProtectedInstances::Refresh:
        CHECK(p.status == RefreshStatus::successful);
        CHECK(protected_alive == 0);
        CHECK(p.terminated == 10);
        break;
    }
    CHECK(world.fleet().alive_count() == 10);
  }
}

TEST_CASE("instance_refresh: removing the protection lets a waiting refresh finish", "[instance_refresh][protection]") {
  // Wait: the refresh goes on as soon as the protection is removed within the hour.
  WorldConfig cfg = refresh_world(90, true);
  World world(cfg);
  world.run_until(kRefreshAt - seconds(1));
  const std::vector<InstanceId> originals = alive_instances(world);
  world.group(0).set_protection(world.engine(), originals[0], true);
  world.run_until(kRefreshAt + minutes(30));
  CHECK(world.group(0).refresh_in_progress());
  CHECK(world.fleet().at(originals[0]).alive());
  world.group(0).set_protection(world.engine(), originals[0], false);
  world.run_until(kRefreshAt + minutes(40));
  const InstanceRefreshProgress& p = world.group(0).refreshes().back();
  CHECK(p.status == RefreshStatus::successful);
  CHECK(p.terminated == 10);
  CHECK_FALSE(world.fleet().at(originals[0]).alive());
}

TEST_CASE("instance_refresh: a second refresh while one is in progress is refused", "[instance_refresh]") {
  // StartInstanceRefresh fails with InstanceRefreshInProgress [API-ASG].
  WorldConfig cfg = refresh_world(90, true);
  cfg.instance_refreshes.push_back(cfg.instance_refreshes[0]);
  cfg.instance_refreshes[1].at = kRefreshAt + seconds(30);
  World world(cfg);
  world.run_until(kRefreshAt + hours(1));
  CHECK(world.group(0).refreshes().size() == 1);
  CHECK(world.group(0).refreshes()[0].status == RefreshStatus::successful);
  CHECK(world.group(0).stats().refresh_terminations == 10);
}
