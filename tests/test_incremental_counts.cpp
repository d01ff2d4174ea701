// The counts the Auto Scaling group and the ECS services keep as their members and tasks change
// (instead of a pass over them per launch, look or drain) equal a recount at every step of a run
// that churns through every path that changes them: interruptions with notices, rebalance
// recommendations and Capacity Rebalancing (ASG-22..25), managed scaling with managed termination
// protection (CP-12) and managed draining (CP-14), an instance refresh launching before it
// terminates (ASG-15), drains replacing tasks (AG-5), tasks turning unhealthy (SCH-9), a rolling
// deployment (SCH-7, SCH-8).
#include <catch2/catch.hpp>

#include "models/world.hpp"
#include "tests/scenario_test_support.hpp"

using namespace spotsim;

namespace {

// demo-api-prod.json made to churn: spot reclaims every few hours per pool, recommendations before
// most, the group replacing early and draining what it condemns, spare instances, a refresh and a
// deployment.
WorldConfig churning_demo_world() {
  WorldConfig cfg = test::demo_scenario().world;
  cfg.duration = days(2);
  cfg.market.model = InterruptionModel::hazard;
  cfg.market.rate_per_instance_hour = 0.04;
  cfg.market.pool_reclaims_per_day = 3;
  cfg.market.rebalance = RebalanceConfig{minutes(10), 0.7};
  AutoScalingGroupConfig& group = cfg.groups.at(0);
  group.capacity_rebalance = true;
  group.managed_draining = true;
  // Spare instances (no tasks, so not protected, CP-12) for Capacity Rebalancing to replace (ASG-24).
  cfg.capacity_providers.at(0).scaling.target_capacity = 60;
  InstanceRefresh refresh;
  refresh.group = group.name;
  refresh.at = hours(20);
  refresh.min_healthy_percentage = 50;
  refresh.max_healthy_percentage = 150;
  refresh.scale_in_protected_instances = ScaleInProtectedInstances::Refresh;
  cfg.instance_refreshes.push_back(refresh);
  for (EcsServiceConfig& service : cfg.services) service.workload.hang_rate_per_task_hour = 0.05;
  ServiceDeployment deployment;
  deployment.at = hours(30);
  deployment.service = 0;
  cfg.task_definitions.push_back(cfg.task_definitions.at(cfg.services.at(0).task_definition));  // a new revision
  deployment.task_definition = cfg.task_definitions.size() - 1;
  cfg.deployments.push_back(deployment);
  return cfg;
}

}  // namespace

TEST_CASE("asg_incremental: kept group and service counts equal a recount through a churning run", "[asg-incremental]") {
  World world(churning_demo_world());
  int looks = 0;
  for (SimTime t = 0; t <= world.config().duration; t += minutes(5)) {
    world.run_until(t);
    ++looks;
    for (std::size_t g = 0; g < world.group_count(); ++g) {
      INFO("group " << g << " at minute " << t / minutes(1));
      REQUIRE(world.group(g).bookkeeping_mismatch().empty());
    }
    int running = 0;
    for (std::size_t s = 0; s < world.service_count(); ++s) {
      INFO("service " << s << " at minute " << t / minutes(1));
      REQUIRE(world.service(s).bookkeeping_mismatch().empty());
      running += world.service(s).count_running();
    }
    // The world's running count (its peak_running) is kept as tasks change state, not summed.
    REQUIRE(world.running_tasks() == running);
  }
  CHECK(looks == 577);
  // The run went through the paths the counts follow (else the comparison above proves little).
  const AutoScalingGroupStats& stats = world.group(0).stats();
  CHECK(world.interruption_notices() > 0);
  CHECK(world.rebalance_recommendations() > 0);
  CHECK(stats.rebalance_terminations > 0);
  CHECK(stats.scale_in_terminations > 0);
  CHECK(stats.refresh_terminations > 0);
  REQUIRE_FALSE(world.group(0).refreshes().empty());
  CHECK(world.group(0).refreshes().back().launched_first > 0);
  ServiceStats tasks;
  for (std::size_t s = 0; s < world.service_count(); ++s) tasks += world.service(s).stats();
  CHECK(tasks.stopped_for_draining > 0);
  CHECK(tasks.unhealthy > 0);
  CHECK(tasks.killed_by_termination + tasks.stopped_for_draining > 0);
  CHECK(tasks.deployments_completed > 0);
}
