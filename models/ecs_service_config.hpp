#pragma once
// What a scenario says about ECS: clusters, services (`aws ecs describe-services`), the scheduled
// deployments, the application's timings (workload.services.<name>), and the scheduler's tunables.
// The runtime models are ecs_cluster, ecs_task and ecs_service.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/capacity_provider_config.hpp"
#include "models/placement.hpp"
#include "models/target_group_config.hpp"
#include "models/task_definition.hpp"
#include "sim/sim_time.hpp"

namespace spotsim {

struct EcsClusterConfig {
  std::string name;  // clusterName; instances join when their ECS_CLUSTER names it
  CapacityProviderStrategy default_strategy;  // defaultCapacityProviderStrategy (CP-7 step 1)
};

// deploymentConfiguration (SCH-7, SCH-8, SCH-11).
struct DeploymentConfiguration {
  int maximum_percent = 200;          // REPLICA default
  int minimum_healthy_percent = 100;  // REPLICA default
  bool circuit_breaker = false;
  bool rollback = false;
};

// The application as ECS sees it start and stop (workload.services.<name>; what AWS does not describe).
struct ServiceWorkload {
  SimTime image_pull = seconds(20);  // PENDING: pull and container creation
  SimTime app_start = seconds(10);   // RUNNING -> the app answers health checks
  // Time the app takes to exit after SIGTERM; nullopt: it does not exit on SIGTERM and is killed
  // at the stop timeout (the seed's `npm start` as PID 1 does not forward SIGTERM).
  std::optional<SimTime> shutdown;
  // The app stops answering (hangs) at this rate per task-hour of RUNNING; the container health
  // check then marks the task UNHEALTHY and the scheduler replaces it (AG-4, SCH-9). Without a
  // container health check (and before target groups exist) ECS never notices a hung task.
  double hang_rate_per_task_hour = 0;
  ServiceTraffic traffic;  // how its tasks serve requests (issue 4)
};

struct EcsServiceConfig {
  std::string name;                    // serviceName
  std::string cluster;                 // cluster name (from clusterArn)
  std::size_t task_definition = 0;     // index into WorldConfig::task_definitions
  int desired_count = 0;
  DeploymentConfiguration deployment;
  std::vector<PlacementStrategy> placement_strategy;   // SCH-3: services default to spread by AZ
  std::vector<PlacementConstraint> placement_constraints;
  SimTime health_check_grace_period = 0;  // healthCheckGracePeriodSeconds (SCH-10)
  bool has_load_balancer = false;         // loadBalancers non-empty (health then comes from the ALB)
  std::vector<std::string> capacity_provider_strategy;  // names, as loaded (issue 5: `strategy`)
  // capacityProviderStrategy resolved (empty: the cluster's default strategy; a service with a
  // launchType and no strategy uses none: its tasks never trigger managed scaling, CP-7).
  CapacityProviderStrategy strategy;
  bool launch_type_ec2 = false;  // launchType EC2 given (then no strategy applies)
  // loadBalancers[]: the target groups (indexes into WorldConfig::target_groups) its tasks register
  // with, on containerName:containerPort.
  std::vector<std::size_t> target_groups;
  ServiceWorkload workload;
};

// A scheduled UpdateService of the task definition ("deployments" in the scenario).
struct ServiceDeployment {
  SimTime at = 0;
  std::size_t service = 0;          // index into WorldConfig::services
  std::size_t task_definition = 0;  // index into WorldConfig::task_definitions
  bool fails_to_start = false;      // spotsim: this revision's tasks stop before RUNNING
};

struct EcsConfig {
  // AG-1: the agent polls the spot instance-action metadata once a second, so an instance is
  // DRAINING at most this long after its notice.
  SimTime spot_drain_poll = seconds(1);
  // How often the service scheduler retries tasks it could not place (SCH-12 reports ~5 min for
  // unplaceable tasks; a new container instance triggers a retry at once anyway).
  SimTime placement_retry = seconds(60);
  SimTime deprovisioning = seconds(1);    // DEPROVISIONING -> STOPPED
  SimTime activating = seconds(1);        // ACTIVATING -> RUNNING
  // SCH-8: without a load balancer or container health check a task counts as healthy this long
  // after RUNNING.
  SimTime healthy_after_running = seconds(40);
  // SCH-11: the circuit breaker's minimum threshold: 3 (current API) or 10 (2023 guide).
  int circuit_breaker_min_threshold = 3;
};

}  // namespace spotsim
