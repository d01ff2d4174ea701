// The traffic model's contract benchmarks (contract.md § Benchmarks):
//   BM_PerRequest  per-request mode, 50 tasks, 10,000 rps — judged by simulated requests per second
//                  (counter `requests_per_second`, target >= 5 M/s);
//   BM_SeedMonth   the embedded default scenario over 30 days, fluid mode — judged by wall time per
//                  run (target <= 20 ms) and reported as simulated days per wall second.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "models/world.hpp"
#include "tools/default_scenario.hpp"
#include "tools/scenario.hpp"

namespace {

using namespace spotsim;

// 50 tasks of 250 rps capacity (c = 10 slots at 40 ms) over 13 m5.large, offered 10,000 rps (80 %),
// for `duration` of simulated time after the tasks are up.
WorldConfig per_request_world(SimTime duration) {
  WorldConfig cfg;
  cfg.name = "bench-per-request";
  cfg.region = "us-east-1";
  cfg.duration = duration;
  cfg.seed = 1;
  cfg.market.spot_price_by_type["m5.large"] = StepFunction(0.03);
  cfg.market.on_demand_price["m5.large"] = 0.096;
  AutoScalingGroupConfig group;
  group.name = "asg";
  group.max_size = 100;
  group.desired_capacity = 13;
  group.availability_zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
  group.instance_types = {"m5.large"};
  group.on_demand_percentage_above_base = 100;
  group.termination_policies = {TerminationPolicy::Default};
  group.ecs_agent.cluster = "bench";
  cfg.groups.push_back(group);
  cfg.clusters.push_back({"bench", {}});
  TaskDefinition td;
  td.family = "app";
  td.revision = 1;
  ContainerDefinition c;
  c.name = "app";
  c.cpu = 512;
  c.memory_reservation = 512;
  c.port_mappings.push_back({3000, 0});
  td.containers.push_back(c);
  cfg.task_definitions.push_back(td);
  EcsServiceConfig service;
  service.name = "api";
  service.cluster = "bench";
  service.desired_count = 50;
  service.target_groups = {0};
  service.has_load_balancer = true;
  service.workload.traffic.requests_per_second_per_task = 250;
  service.workload.traffic.mean_latency = milliseconds(40);
  cfg.services.push_back(service);
  TargetGroupConfig tg;
  tg.name = "bench-tg";
  cfg.target_groups.push_back(tg);
  TrafficSource source;
  source.target_group = 0;
  source.rps = StepFunction(10'000);
  cfg.traffic.push_back(source);
  cfg.traffic_mode = TrafficMode::per_request;
  return cfg;
}

void BM_PerRequest(benchmark::State& state) {
  const SimTime warm = minutes(10), measured = minutes(10);
  double requests = 0;
  for (auto _ : state) {
    state.PauseTiming();
    World world(per_request_world(warm + measured));
    world.run_until(warm);  // tasks placed, registered and healthy
    const double before = world.traffic().totals().offered;
    state.ResumeTiming();
    world.run_until(warm + measured);
    state.PauseTiming();
    requests += world.traffic().totals().offered - before;
    state.ResumeTiming();
  }
  state.counters["requests_per_second"] = benchmark::Counter(requests, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PerRequest)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SeedMonth(benchmark::State& state) {
  ScenarioOptions options;
  options.duration = "30d";
  const Scenario scenario =
      load_scenario_text(default_scenario_json(), "default", std::filesystem::current_path(), options);
  double days = 0;
  for (auto _ : state) {
    World world(scenario.world);
    benchmark::DoNotOptimize(world.run());
    days += 30;
  }
  state.counters["simulated_days_per_second"] = benchmark::Counter(days, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SeedMonth)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
