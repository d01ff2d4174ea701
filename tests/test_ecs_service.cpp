// The ECS service scheduler as whole simulations: placement on the fleet, the seed article's
// soft-limit example, draining on a spot notice within min/max percent, rolling deployments and the
// circuit breaker (aws-semantics.md §4.3, §5.1, §5.2).
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "tests/ecs_fixture.hpp"

using namespace spotsim;
using namespace spotsim::testing;

namespace {

// Instance -> number of the service's live tasks on it, and AZ -> tasks.
std::map<std::uint32_t, int> tasks_per_instance(World& world) {
  std::map<std::uint32_t, int> per;
  for (const EcsTask& t : world.service(0).tasks())
    if (t.live()) ++per[t.ec2.value];
  return per;
}
std::map<std::string, int> tasks_per_az(World& world) {
  std::map<std::string, int> per;
  for (const EcsTask& t : world.service(0).tasks())
    if (t.live()) ++per[world.cluster(0).attributes(t.container_instance).at("ecs.availability-zone")];
  return per;
}

}  // namespace

TEST_CASE("spread over AZs then binpack on cpu fills AZs evenly and packs within each", "[ecs][placement]") {
  // SCH-2: strategies in list order; AWS's example spreads on AZ then binpacks "within each AZ".
  World world(ecs_world(6, "m5.large", 6, one_container_task(512, 256), kSpreadAzThenBinpackCpu));
  world.run_until(minutes(3));
  CHECK(tasks_in(world, TaskState::running) == 6);
  CHECK(tasks_per_az(world) == std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  CHECK(tasks_per_instance(world).size() == 3);  // both tasks of an AZ on one instance
}

TEST_CASE("binpack alone packs onto the fewest instances", "[ecs][placement]") {
  // SCH-2: binpack places on the instance with the least remaining cpu that still fits.
  World world(ecs_world(6, "m5.large", 6, one_container_task(512, 256), kBinpackCpu));
  world.run_until(minutes(3));
  std::multiset<int> counts;
  for (const auto& [instance, n] : tasks_per_instance(world)) counts.insert(n);
  CHECK(counts == std::multiset<int>{2, 4});  // m5.large registers 2,048 cpu units: 4 tasks of 512
}

TEST_CASE("distinctInstance puts at most one task per instance", "[ecs][placement]") {
  // SCH-4: constraints are binding; the tasks beyond the instances are not placed.
  WorldConfig cfg = ecs_world(4, "m5.large", 6, one_container_task(256, 256), kBinpackCpu);
  cfg.services[0].placement_constraints.push_back({PlacementConstraintType::distinct_instance, ""});
  World world(cfg);
  world.run_until(minutes(3));
  CHECK(tasks_in(world, TaskState::running) == 4);
  for (const auto& [instance, n] : tasks_per_instance(world)) CHECK(n == 1);
  CHECK(world.service(0).stats().placement_failures_constraint > 0);
}

TEST_CASE("a static host port allows one task per instance", "[ecs][placement]") {
  // ALB-10 / SCH-1: port requirements are checked before constraints and strategies.
  World world(ecs_world(3, "m5.large", 5, one_container_task(256, 256, 8080), kBinpackCpu));
  world.run_until(minutes(3));
  CHECK(tasks_in(world, TaskState::running) == 3);
  CHECK(world.service(0).stats().placement_failures_ports > 0);
}

TEST_CASE("the seed article's soft limit: 2,048 MiB reservations fit once on 4 GiB, three times on 8 GiB", "[ecs][seed]") {
  // Registrable memory is a little below the physical memory, so a 4 GiB instance cannot hold two
  // 2,048 MiB memoryReservation tasks; an 8 GiB one holds three.
  World small(ecs_world(1, "c5.large", 2, one_container_task(256, 2048), kBinpackCpu, {"us-east-1a"}));
  small.run_until(minutes(3));
  CHECK(tasks_in(small, TaskState::running) == 1);
  CHECK(small.service(0).stats().placement_failures_memory > 0);

  World large(ecs_world(1, "m5.large", 4, one_container_task(256, 2048), kBinpackCpu, {"us-east-1a"}));
  large.run_until(minutes(3));
  CHECK(tasks_in(large, TaskState::running) == 3);
}

namespace {

// Four tasks binpacked onto one of two instances, then a spot notice for that instance at 10 min.
struct DrainRun {
  World world;
  InstanceId victim;
  SimTime notice = minutes(10);
  explicit DrainRun(WorldConfig cfg) : world(cfg) {
    world.run_until(notice - seconds(1));
    victim = world.service(0).tasks().front().ec2;
    world.schedule_interruption_notice(victim, notice);
  }
};

WorldConfig drain_config(int min_percent, int max_percent, bool spot_draining) {
  WorldConfig cfg = ecs_world(2, "m5.large", 4, one_container_task(512, 512), kBinpackCpu, {"us-east-1a", "us-east-1b"});
  cfg.groups[0].on_demand_percentage_above_base = 0;  // spot
  cfg.groups[0].ecs_agent.spot_instance_draining = spot_draining;
  cfg.services[0].deployment.minimum_healthy_percent = min_percent;
  cfg.services[0].deployment.maximum_percent = max_percent;
  return cfg;
}

}  // namespace

TEST_CASE("draining with min 50 % and max 200 % keeps 2 to 8 tasks at every instant", "[ecs][draining]") {
  // AG-5: "desiredCount is four tasks, a minimum of 50% allows the scheduler to stop two existing
  // tasks before starting two new tasks"; "a maximum of 200% starts four new tasks before stopping
  // the four tasks to be drained".
  DrainRun run(drain_config(50, 200, true));
  for (const EcsTask& t : run.world.service(0).tasks()) REQUIRE(t.ec2 == run.victim);
  int most_started = 0;
  for (SimTime t = run.notice; t <= run.notice + minutes(5); t += seconds(1)) {
    run.world.run_until(t);
    INFO("t = " << to_seconds(t - run.notice) << " s after the notice");
    CHECK(tasks_in(run.world, TaskState::running) >= 2);
    int live = 0;
    for (const EcsTask& task : run.world.service(0).tasks()) live += task.live() ? 1 : 0;
    CHECK(live <= 8);
    most_started = std::max(most_started, static_cast<int>(run.world.service(0).stats().started));
  }
  CHECK(most_started == 8);  // four replacements
  CHECK(run.world.service(0).stats().stopped_for_draining == 4);
  CHECK(tasks_in(run.world, TaskState::running, true) == 4);
}

TEST_CASE("draining with min 100 % and max 100 % replaces no task before the instance dies", "[ecs][draining]") {
  // AG-5: "If both minimumHealthyPercent and maximumPercent are 100%, then the service can't remove
  // existing tasks, and also cannot start replacement tasks."
  DrainRun run(drain_config(100, 100, true));
  run.world.run_until(run.notice + seconds(119));
  CHECK(run.world.service(0).stats().started == 4);
  CHECK(tasks_in(run.world, TaskState::running) == 4);
  run.world.run_until(run.notice + seconds(121));
  CHECK(run.world.service(0).stats().killed_by_termination == 4);
  CHECK(run.world.service(0).stats().started == 8);  // replacements only after the termination
}

TEST_CASE("with spot draining off the tasks die at termination and no replacement starts before it", "[ecs][draining]") {
  // §4.1: ECS_ENABLE_SPOT_INSTANCE_DRAINING defaults to false; without it the notice changes nothing.
  DrainRun run(drain_config(50, 200, false));
  run.world.run_until(run.notice + seconds(119));
  CHECK(run.world.service(0).stats().started == 4);
  CHECK(run.world.cluster(0).at(0).status == ContainerInstanceStatus::active);
  run.world.run_until(run.notice + seconds(120));
  CHECK(run.world.service(0).stats().killed_by_termination == 4);
  for (const EcsTask& t : run.world.service(0).tasks())
    if (t.stopped_at) CHECK(*t.stopped_at == run.notice + seconds(120));
}

TEST_CASE("the timeline of a spot notice with draining on", "[ecs][draining]") {
  // AG-1: DRAINING within a second of the notice; AG-5: replacements start elsewhere; AG-2: old
  // tasks get SIGTERM, then SIGKILL after the stop timeout; SP-1: the instance goes at notice + 120 s.
  DrainRun run(drain_config(50, 200, true));
  run.world.run_until(run.notice + seconds(1));
  const auto ci = run.world.container_instance_of(run.victim);
  REQUIRE(ci);
  const ContainerInstance& drained = run.world.cluster(ci->first).at(ci->second);
  CHECK(drained.status == ContainerInstanceStatus::draining);
  CHECK(*drained.draining_since - run.notice <= seconds(1));
  int replacements = 0;
  for (const EcsTask& t : run.world.service(0).tasks()) {
    if (t.ec2 == run.victim) continue;
    ++replacements;
    CHECK(t.created == *drained.draining_since);
    CHECK(t.state == TaskState::pending);
  }
  CHECK(replacements == 4);
  run.world.run_until(run.notice + minutes(5));
  for (const EcsTask& t : run.world.service(0).tasks()) {
    if (t.ec2 != run.victim || !t.stopped_at) continue;
    if (t.stop_reason == TaskStopReason::draining && *t.stopped_at < run.notice + seconds(120))
      CHECK(*t.stopped_at - *t.stop_requested_at == seconds(60) + seconds(1));  // stop timeout + deprovisioning
  }
  CHECK(run.world.fleet().at(run.victim).terminated_at == run.notice + seconds(120));
}

namespace {

WorldConfig deployment_config(bool fails, bool rollback) {
  WorldConfig cfg = ecs_world(6, "m5.large", 10, one_container_task(512, 512), kSpreadAzThenBinpackCpu);
  cfg.task_definitions.push_back(one_container_task(512, 512, 0, 2));
  cfg.services[0].deployment = {200, 100, true, rollback};
  cfg.deployments.push_back({minutes(10), 0, 1, fails});
  return cfg;
}

}  // namespace

TEST_CASE("a rolling deployment of 10 tasks at 100 %/200 % never drops below 10 running", "[ecs][deployment]") {
  // SCH-7, SCH-8: the new revision's tasks start first (up to 200 %), old ones stop only while 100 %
  // stay healthy.
  World world(deployment_config(false, false));
  world.run_until(minutes(10));
  REQUIRE(tasks_in(world, TaskState::running) == 10);
  for (SimTime t = minutes(10); t <= minutes(20); t += seconds(1)) {
    world.run_until(t);
    INFO("t = " << to_seconds(t) << " s");
    CHECK(tasks_in(world, TaskState::running) >= 10);
  }
  int new_revision = 0;
  for (const EcsTask& t : world.service(0).tasks()) new_revision += t.live() && t.task_definition == 1 ? 1 : 0;
  CHECK(new_revision == 10);
  CHECK(tasks_in(world, TaskState::running, true) == 10);
  CHECK(world.service(0).stats().deployments_completed == 1);
}

TEST_CASE("a revision whose tasks fail to start trips the circuit breaker and rolls back", "[ecs][deployment]") {
  // SCH-11: threshold = ceil(0.5 × 10) = 5 (within [3, 200]); rollback returns to the old revision.
  World world(deployment_config(true, true));
  world.run_until(minutes(40));
  CHECK(world.service(0).stats().deployments_failed == 1);
  CHECK(world.service(0).stats().rollbacks == 1);
  CHECK(world.service(0).task_definition() == 0);
  CHECK(world.service(0).stats().failed_to_start >= 5);
  int old_revision = 0;
  for (const EcsTask& t : world.service(0).tasks()) old_revision += t.live() && t.task_definition == 0 ? 1 : 0;
  CHECK(old_revision == 10);
  CHECK(tasks_in(world, TaskState::running, true) == 10);
}

TEST_CASE("without rollback a tripped circuit breaker stops launching the failed revision", "[ecs][deployment]") {
  World world(deployment_config(true, false));
  world.run_until(minutes(40));
  CHECK(world.service(0).rollout_state() == RolloutState::failed);
  const auto failed = world.service(0).stats().failed_to_start;
  world.run_until(minutes(59));
  CHECK(world.service(0).stats().failed_to_start == failed);
  CHECK(tasks_in(world, TaskState::running, true) == 10);  // the old tasks keep serving
}

TEST_CASE("an ASG scale-in with managed draining drains the instance before terminating it", "[ecs][draining]") {
  // CP-14: ECS drains the instance (AG-5 semantics) before the Auto Scaling group terminates it;
  // without managed draining the scale-in kills whatever runs there.
  for (const bool managed : {true, false}) {
    WorldConfig cfg = ecs_world(2, "m5.large", 4, one_container_task(512, 512), kBinpackCpu, {"us-east-1a", "us-east-1b"});
    cfg.groups[0].managed_draining = managed;
    cfg.services[0].deployment.minimum_healthy_percent = 50;
    World world(cfg);
    world.run_until(minutes(10));
    world.group(0).set_desired(world.engine(), 1);
    world.run_until(minutes(20));
    const Ec2Instance* victim = nullptr;
    for (const Ec2Instance& i : world.fleet().instances())
      if (i.cause == TerminationCause::scale_in) victim = &i;
    REQUIRE(victim != nullptr);
    REQUIRE(victim->terminated_at);
    INFO("managed draining " << managed);
    if (managed) {
      CHECK(world.service(0).stats().killed_by_termination == 0);
      for (const EcsTask& t : world.service(0).tasks())
        if (t.ec2 == victim->id) CHECK(*t.stopped_at <= *victim->terminated_at);
      CHECK(*victim->terminated_at > minutes(10));
    } else {
      CHECK(*victim->terminated_at == minutes(10));
    }
    CHECK(tasks_in(world, TaskState::running, true) == 4);
  }
}

TEST_CASE("several services share one cluster's container instances", "[ecs]") {
  // Each service places against the instances' remaining resources, which every service's tasks use.
  WorldConfig cfg = ecs_world(2, "m5.large", 3, one_container_task(1024, 512), kBinpackCpu, {"us-east-1a"});
  EcsServiceConfig second = cfg.services[0];
  second.name = "worker";
  second.desired_count = 3;
  cfg.services.push_back(second);
  World world(cfg);
  world.run_until(minutes(5));
  // 2 instances × 2,048 cpu = 4 tasks of 1,024 in all: 6 wanted, 4 fit.
  int running = 0;
  for (std::size_t s = 0; s < world.service_count(); ++s)
    for (const EcsTask& t : world.service(s).tasks()) running += t.state == TaskState::running;
  CHECK(running == 4);
  CHECK(world.service(0).stats().placement_failures_cpu + world.service(1).stats().placement_failures_cpu > 0);
  for (const ContainerInstance& ci : world.cluster(0).instances()) CHECK(ci.remaining_cpu() == 0);
}

TEST_CASE("a hung task is marked UNHEALTHY by its container health check and replaced", "[ecs][health]") {
  // AG-4: `retries` consecutive failed checks (each failing by its timeout) make the container
  // UNHEALTHY, and "a service task that reports UNHEALTHY is stopped and replaced"; SCH-9: the
  // replacement starts first when maximumPercent allows.
  TaskDefinition td = one_container_task(512, 512);
  td.containers[0].health_check = ContainerHealthCheck{seconds(10), seconds(3), 3, 0};
  WorldConfig cfg = ecs_world(2, "m5.large", 2, td, kBinpackCpu);
  cfg.duration = hours(12);
  cfg.services[0].workload.hang_rate_per_task_hour = 0.5;
  World world(cfg);
  world.run();
  const EcsService& service = world.service(0);
  REQUIRE(service.stats().unhealthy > 0);
  int checked = 0;
  for (const EcsTask& t : service.tasks()) {
    if (t.stop_reason != TaskStopReason::unhealthy) continue;
    ++checked;
    // A replacement was created at the moment the task went UNHEALTHY, before it was stopped.
    bool replaced = false;
    for (const EcsTask& r : service.tasks()) replaced = replaced || (r.id != t.id && r.created == *t.stop_requested_at);
    CHECK(replaced);
    // Detection lies on the check grid: running + k × 10 s + 3 s timeout.
    CHECK((*t.stop_requested_at - *t.running_at - seconds(3)) % seconds(10) == 0);
  }
  CHECK(checked == static_cast<int>(service.stats().unhealthy));
  CHECK(tasks_in(world, TaskState::running, true) == 2);

  // Without a container health check ECS never notices the hang.
  cfg.task_definitions[0].containers[0].health_check.reset();
  World blind(cfg);
  blind.run();
  CHECK(blind.service(0).stats().unhealthy == 0);
}

namespace {

WorldConfig behind_load_balancer(WorldConfig cfg, SimTime deregistration_delay) {
  TargetGroupConfig tg;
  tg.name = "api-tg";
  tg.deregistration_delay = deregistration_delay;
  cfg.target_groups.push_back(tg);
  cfg.services[0].target_groups.push_back(0);
  return cfg;
}

}  // namespace

TEST_CASE("behind a load balancer a task is healthy once its target passes the health checks", "[ecs][alb]") {
  // SCH-8: with a load balancer a task counts as healthy once the target group reports it healthy;
  // §10.5 default: HealthyThresholdCount × interval = 5 × 30 s after registration (at RUNNING).
  World world(behind_load_balancer(ecs_world(1, "m5.large", 1, one_container_task(512, 512), kBinpackCpu), seconds(300)));
  world.run_until(minutes(10));
  const EcsTask& t = world.service(0).tasks().front();
  REQUIRE(t.healthy_at);
  CHECK(*t.healthy_at - *t.running_at == seconds(150));
}

TEST_CASE("the seed's pitfall: a 300 s deregistration delay outlasts the spot notice", "[ecs][alb][draining]") {
  // AG-3: ECS waits the deregistration delay (DEACTIVATING) before SIGTERM; with 300 s the drained
  // tasks are still deregistering when the instance dies at notice + 120 s (SP-1), and are killed.
  // With a 30 s delay and a 60 s stop timeout they stop before the instance goes.
  for (const SimTime delay : {seconds(300), seconds(30)}) {
    WorldConfig cfg = behind_load_balancer(drain_config(50, 200, true), delay);
    DrainRun run(cfg);
    run.world.run_until(run.notice + minutes(5));
    INFO("deregistration delay " << to_seconds(delay) << " s");
    if (delay == seconds(300)) {
      CHECK(run.world.service(0).stats().killed_by_termination > 0);
      for (const EcsTask& t : run.world.service(0).tasks())
        if (t.ec2 == run.victim && t.stop_requested_at) CHECK(*t.stopped_at == run.notice + seconds(120));
    } else {
      for (const EcsTask& t : run.world.service(0).tasks())
        if (t.ec2 == run.victim && t.stop_reason == TaskStopReason::draining && *t.stop_requested_at < run.notice + seconds(20))
          CHECK(*t.stopped_at - *t.stop_requested_at == seconds(30) + seconds(60) + seconds(1));
    }
  }
}

TEST_CASE("a task's state at any instant of its life, ACTIVATING and STOPPING included", "[ecs][lifecycle]") {
  // §4.2: PENDING (the image pull) -> ACTIVATING -> RUNNING -> DEACTIVATING (AG-3: the deregistration
  // delay) -> STOPPING (AG-2: SIGTERM, SIGKILL after the stop timeout) -> DEPROVISIONING -> STOPPED.
  // ACTIVATING's and STOPPING's starts act on nothing, so no event marks them: task.state holds the
  // states a step enters, and state_of gives the state at an instant from the timestamps.
  const SimTime pull = seconds(20), activating = seconds(1), delay = seconds(30), stop_timeout = seconds(60),
                deprovisioning = seconds(1);
  WorldConfig cfg = behind_load_balancer(drain_config(50, 200, true), delay);
  REQUIRE(cfg.services[0].workload.image_pull == pull);
  REQUIRE(cfg.ecs.activating == activating);
  REQUIRE(cfg.ecs.deprovisioning == deprovisioning);
  DrainRun run(cfg);
  const auto expected = [&](const EcsTask& t, SimTime now) {
    if (t.stopped_at && now >= *t.stopped_at) return TaskState::stopped;
    if (t.stop_requested_at && now >= *t.stop_requested_at) {
      if (!t.running_at || *t.running_at > *t.stop_requested_at) return TaskState::deprovisioning;  // stopped while starting
      const SimTime since = now - *t.stop_requested_at;
      return since < delay ? TaskState::deactivating
             : since < delay + stop_timeout ? TaskState::stopping
                                            : TaskState::deprovisioning;
    }
    if (t.running_at && now >= *t.running_at) return TaskState::running;
    return now - t.created < pull ? TaskState::pending : TaskState::activating;
  };
  std::set<TaskState> seen;
  // Half a second past every whole second: no boundary falls there (every duration is whole seconds
  // and the notice is on one), so each state is unambiguous.
  for (SimTime now = run.world.engine().now() + 500; now < run.notice + minutes(4); now += seconds(1)) {
    run.world.run_until(now);
    for (const EcsTask& t : run.world.service(0).tasks()) {
      INFO("task " << t.id << " at " << to_seconds(now) << " s");
      const TaskState state = run.world.service(0).state_of(t, now);
      CHECK(state == expected(t, now));
      seen.insert(state);
      if (t.running_at) CHECK(*t.running_at - t.created == pull + activating);
      if (t.stopped_at && t.stop_reason == TaskStopReason::draining)
        CHECK(*t.stopped_at - *t.stop_requested_at == delay + stop_timeout + deprovisioning);
    }
  }
  // The replacements start and the drained tasks stop within the window: every state was seen.
  CHECK(seen == std::set<TaskState>{TaskState::pending, TaskState::activating, TaskState::running,
                                    TaskState::deactivating, TaskState::stopping, TaskState::deprovisioning,
                                    TaskState::stopped});
}

TEST_CASE("within the health check grace period an unhealthy task is not replaced", "[ecs][health]") {
  // SCH-10: "During the grace period after a task starts, ECS ignores unhealthy ELB, VPC Lattice and
  // container health checks"; detection waits for the end of the grace period.
  TaskDefinition td = one_container_task(512, 512);
  td.containers[0].health_check = ContainerHealthCheck{seconds(10), seconds(3), 3, 0};
  WorldConfig cfg = ecs_world(2, "m5.large", 2, td, kBinpackCpu);
  cfg.duration = hours(6);
  cfg.services[0].workload.hang_rate_per_task_hour = 30;  // hangs within minutes of RUNNING
  cfg.services[0].health_check_grace_period = minutes(30);
  World world(cfg);
  world.run();
  int checked = 0;
  for (const EcsTask& t : world.service(0).tasks()) {
    if (t.stop_reason != TaskStopReason::unhealthy) continue;
    ++checked;
    CHECK(*t.stop_requested_at - *t.running_at >= minutes(30));
  }
  CHECK(checked > 0);
}
