#pragma once
// Small ECS worlds: one Auto Scaling group joining cluster "demo", one service of a one-container
// task definition, fixed prices and no interruptions unless a test sets them.
#include <string>
#include <vector>

#include "tests/world_fixture.hpp"

namespace spotsim::testing {

inline TaskDefinition one_container_task(int cpu, int memory_reservation, int host_port = 0, int revision = 1) {
  TaskDefinition td;
  td.family = "app";
  td.revision = revision;
  td.arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/app:" + std::to_string(revision);
  ContainerDefinition c;
  c.name = "app";
  c.cpu = cpu;
  c.memory_reservation = memory_reservation;
  c.port_mappings.push_back({3000, host_port});
  td.containers.push_back(c);
  return td;
}

// `instances` instances of `type` (On-Demand unless `spot_percentage` says otherwise) over `azs`.
inline WorldConfig ecs_world(int instances, const std::string& type, int tasks, TaskDefinition td,
                             std::vector<PlacementStrategy> strategy,
                             std::vector<std::string> azs = {"us-east-1a", "us-east-1b", "us-east-1c"}) {
  WorldConfig cfg = fleet_world(instances, 0, 100, std::move(azs), {type});
  cfg.duration = hours(1);
  cfg.groups[0].ecs_agent.cluster = "demo";
  cfg.groups[0].ecs_agent.container_stop_timeout = seconds(60);
  cfg.clusters.push_back({"demo", {}});
  cfg.task_definitions.push_back(std::move(td));
  EcsServiceConfig service;
  service.name = "api";
  service.cluster = "demo";
  service.task_definition = 0;
  service.desired_count = tasks;
  service.placement_strategy = std::move(strategy);
  cfg.services.push_back(service);
  return cfg;
}

inline const std::vector<PlacementStrategy> kSpreadAzThenBinpackCpu{
    {PlacementStrategyType::spread, "attribute:ecs.availability-zone"}, {PlacementStrategyType::binpack, "cpu"}};
inline const std::vector<PlacementStrategy> kBinpackCpu{{PlacementStrategyType::binpack, "cpu"}};

// Tasks of service 0 in a state, optionally counting only live ones (not asked to stop).
inline int tasks_in(World& world, TaskState state, bool live_only = false) {
  int n = 0;
  for (const EcsTask& t : world.service(0).tasks()) n += t.state == state && (!live_only || t.live()) ? 1 : 0;
  return n;
}

}  // namespace spotsim::testing
