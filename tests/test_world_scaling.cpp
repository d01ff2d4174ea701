// The two control loops in a running world (issue 5 "Must show" 1 and 3): a capacity provider's
// managed scaling of its Auto Scaling group (aws-semantics.md §1) and a service's Application Auto
// Scaling (§6), driven by the world's one-minute datapoints.
#include <catch2/catch.hpp>

#include "tests/traffic_fixture.hpp"

using namespace spotsim;
using namespace spotsim::testing;

namespace {

// One m5.large group in one AZ behind capacity provider 0 (managed scaling, target `target`), and a
// service of `tasks` tasks of `cpu` units that uses it. The group starts at `instances`.
WorldConfig managed_world(int instances, int tasks, int cpu, int target = 100) {
  WorldConfig cfg = ecs_world(instances, "m5.large", tasks, one_container_task(cpu, 512), kBinpackCpu, {"us-east-1a"});
  cfg.duration = hours(1);
  cfg.groups[0].max_size = 20;
  CapacityProviderConfig cp;
  cp.name = "cp";
  cp.group = 0;
  cp.scaling.enabled = true;
  cp.scaling.target_capacity = target;
  cfg.capacity_providers.push_back(cp);
  cfg.services[0].strategy = {{0, 0, 1}};
  return cfg;
}

}  // namespace

TEST_CASE("managed scaling from zero: 3 tasks to place, reservation 200, the group goes to 2 first", "[scaling][capacity_provider]") {
  // CP-6: M > 0 and N = 0 gives CapacityProviderReservation = 200; CP-11a sizes desired =
  // ceil(max(N, 1) × 200 / 100) = 2 — "always scales-out to 200% (two instances)".
  World world(managed_world(0, 3, 512));
  world.run_until(seconds(59));
  CHECK(world.group(0).desired() == 0);
  CHECK(world.service(0).provisioning() == 3);  // CP-15: waiting for capacity
  world.run_until(minutes(1));
  CHECK(*world.capacity_provider_reservation() == Approx(200));
  CHECK(world.group(0).desired() == 2);
  world.run_until(minutes(10));
  CHECK(world.service(0).count_running() == 3);
  CHECK(world.group(0).desired() == 2);  // M = N = 2 once placed (spread over both): no further change
  CHECK(world.scaling().asg_scale_out == 1);
}

TEST_CASE("managed scaling scales in after 15 minutes below target, and only the empty instance goes", "[scaling][capacity_provider]") {
  // CP-11: the low alarm needs 15 one-minute datapoints below target; CP-12: with managed
  // termination protection only instances without tasks can be scaled in.
  WorldConfig cfg = managed_world(3, 2, 2048);  // one task fills an m5.large: 2 busy, 1 empty
  cfg.groups[0].new_instances_protected_from_scale_in = true;
  cfg.capacity_providers[0].managed_termination_protection = true;
  World world(cfg);
  world.run_until(minutes(14) + seconds(30));
  CHECK(*world.capacity_provider_reservation() == Approx(200.0 / 3));
  CHECK(world.group(0).desired() == 3);
  world.run_until(minutes(15) + seconds(30));
  CHECK(world.group(0).desired() == 2);
  world.run_until(minutes(20));
  CHECK(world.service(0).stats().killed_by_termination == 0);
  CHECK(world.service(0).count_running() == 2);
  int terminated = 0;
  for (std::uint32_t id = 0; id < 3; ++id)
    if (!world.fleet().at(InstanceId{id}).alive()) ++terminated;
  CHECK(terminated == 1);
  CHECK(world.scaling().asg_scale_in == 1);
}

TEST_CASE("managed scaling keeps targetCapacity's spare room: 9 needed at 90 % gives 10", "[scaling][capacity_provider]") {
  // CP-11a: desired = ceil(M × 100 / targetCapacity) = ceil(9 × 100 / 90) = 10; then CPR = 90 = target.
  World world(managed_world(9, 9, 2048, 90));
  world.run_until(minutes(30));
  CHECK(world.group(0).desired() == 10);
  CHECK(*world.capacity_provider_reservation() == Approx(90));
}

TEST_CASE("managed scaling's minimum step: 2 instances needed, 5 added", "[scaling][capacity_provider]") {
  // CP-7 step 5: add = minimumScalingStepSize when the calculated count is below it.
  WorldConfig cfg = managed_world(1, 3, 2048);
  cfg.capacity_providers[0].scaling.minimum_scaling_step = 5;
  World world(cfg);
  world.run_until(minutes(4) + seconds(30));
  CHECK(world.group(0).desired() == 1);  // §1.3: the first instance warms up for 300 s
  world.run_until(minutes(5) + seconds(30));
  CHECK(world.group(0).desired() == 6);
}

TEST_CASE("managed scaling's maximum step: 10 needed, 3 added, then wait for warm-up", "[scaling][capacity_provider]") {
  // CP-7 step 5: add = min(maximumScalingStepSize, calculated); §1.3: scale-out is blocked while an
  // instance is within instanceWarmupPeriod (300 s) of its launch.
  WorldConfig cfg = managed_world(1, 11, 2048);
  cfg.capacity_providers[0].scaling.maximum_scaling_step = 3;
  World world(cfg);
  world.run_until(minutes(5) + seconds(30));
  CHECK(world.group(0).desired() == 4);
  world.run_until(minutes(9) + seconds(30));
  CHECK(world.group(0).desired() == 4);
  world.run_until(minutes(10) + seconds(30));
  CHECK(world.group(0).desired() == 7);
}

TEST_CASE("service auto scaling tracks ALBRequestCountPerTarget through a step in load", "[scaling][service_autoscaling]") {
  // SAS-3/SAS-5: target tracking on ALBRequestCountPerTarget (per target per minute), AlarmHigh 3 of
  // 3 datapoints; scale-out proportional: ceil(4 × 12,000 / 4,000) = 12 tasks; then the requests per
  // target come back to the target.
  WorldConfig cfg = traffic_world(4, 4, 16'000.0 / 60, 400);
  cfg.traffic[0].rps = StepFunction();
  cfg.traffic[0].rps.add(0, 16'000.0 / 60);
  cfg.traffic[0].rps.add(minutes(20), 48'000.0 / 60);
  cfg.scalable_targets.push_back({0, 1, 20});
  ScalingPolicyConfig policy;
  policy.name = "rcpt";
  policy.target = 0;
  TargetTrackingPolicy tt;
  tt.metric = ScalingMetric::alb_request_count_per_target;
  tt.target_group = 0;
  tt.target_value = 4000;
  policy.target_tracking = tt;
  cfg.scaling_policies.push_back(policy);
  World world(cfg);
  world.run_until(minutes(20));
  CHECK(world.service(0).desired() == 4);  // at the target: no action
  world.run_until(minutes(23) + seconds(30));
  CHECK(world.service(0).desired() == 12);
  world.run_until(minutes(40));
  const auto& rcpt = world.traffic().metrics().request_count_per_target[0];
  CHECK(rcpt.back() == Approx(4000).epsilon(0.01));
  CHECK(world.scaling().service_scale_out == 1);
  check_conservation(world.finish(), world);
}

TEST_CASE("a scalable target's MinCapacity is applied first", "[scaling][service_autoscaling]") {
  // SAS-7 / RegisterScalableTarget: a service at desired 1 registered with MinCapacity 2 goes to 2.
  WorldConfig cfg = traffic_world(2, 1, 50, 100);
  cfg.scalable_targets.push_back({0, 2, 10});
  World world(cfg);
  world.run_until(minutes(5));
  CHECK(world.service(0).desired() == 2);
  CHECK(world.service(0).count_running() == 2);
}

TEST_CASE("a strategy over two capacity providers places tasks by base, then weight", "[scaling][capacity_provider]") {
  // CP-16/CP-17 and the AWS example: an On-Demand provider with base 2 weight 1 and a spot provider
  // with weight 3: 10 tasks → 4 On-Demand, 6 spot; 22 tasks → 7 and 15.
  WorldConfig cfg = managed_world(6, 10, 256);
  cfg.groups[0].name = "on-demand";
  AutoScalingGroupConfig spot = cfg.groups[0];
  spot.name = "spot";
  spot.on_demand_percentage_above_base = 0;
  cfg.groups.push_back(spot);
  cfg.capacity_providers[0].name = "od-cp";
  CapacityProviderConfig spot_cp = cfg.capacity_providers[0];
  spot_cp.name = "spot-cp";
  spot_cp.group = 1;
  cfg.capacity_providers.push_back(spot_cp);
  cfg.services[0].strategy = {{0, 2, 1}, {1, 0, 3}};
  World world(cfg);
  auto per_group = [&] {
    std::vector<int> n(2, 0);
    for (const EcsTask& t : world.service(0).tasks())
      if (t.live()) ++n[world.fleet().at(t.ec2).group];
    return n;
  };
  world.run_until(minutes(10));
  CHECK(per_group() == std::vector<int>{4, 6});
  world.service(0).set_desired(world.engine(), 22);
  world.run_until(minutes(30));
  CHECK(world.service(0).count_running() == 22);
  CHECK(per_group() == std::vector<int>{7, 15});
}
