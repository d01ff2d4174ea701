#pragma once
// Internal to the scenario loader: the state shared by its parts (scenario.cpp: top level and
// entry points; scenario_groups.cpp: Auto Scaling groups, launch templates, scheduled actions;
// scenario_market.cpp: market and ec2; scenario_task_definitions.cpp: taskDefinitions;
// scenario_ecs.cpp: the ecs block, clusters, workload.services, deployments and what the ECS
// blocks resolve to; scenario_capacity_providers.cpp: capacityProviders, the capacityProviderScaling
// block and capacity provider strategies; scenario_services.cpp: services; scenario_scaling.cpp:
// ScalableTargets, ScalingPolicies and the serviceAutoScaling block; scenario_ecs_warnings.cpp: ECS
// pitfalls;
// scenario_target_groups.cpp: TargetGroups, TargetGroupAttributes, the `alb` block and services'
// loadBalancers; scenario_traffic.cpp: workload.traffic, workload.callGraph and the traffic fields
// of workload.services).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/world.hpp"
#include "tools/json_reader.hpp"

namespace spotsim {

// Where a group's settings came from, for messages about it after it is mapped.
struct GroupSource {
  std::string pointer;                     // "/AutoScalingGroups/0"
  std::vector<std::string> type_pointers;  // where each of config.instance_types was named
  std::string zones_pointer;               // its AvailabilityZones
  std::string user_data_pointer;           // its launch template's UserData, if it has one
  bool can_run_spot = false;               // OnDemandPercentageAboveBaseCapacity < 100
  bool uses_mixed_policy = false;
};

// What the ECS blocks say beyond their WorldConfig entries (lists parallel to WorldConfig's).
struct EcsSources {
  std::vector<std::string> capacity_providers;  // capacityProviders[].name (FARGATE entries included)
  // Parallel to world.capacity_providers: where each was described ("/capacityProviders/0").
  std::vector<std::string> capacity_provider_pointers;
  // Per cluster: its capacityProviders (FARGATE and FARGATE_SPOT included) and the names of its
  // defaultCapacityProviderStrategy.
  std::vector<std::vector<std::string>> cluster_capacity_providers;
  std::vector<std::vector<std::string>> cluster_default_strategy;
  std::vector<bool> task_definition_ec2_compatible;  // requiresCompatibilities absent or has "EC2"
  // Per service: its loadBalancers[] entries that resolved, for the checks that need the container
  // and port (a deployment's task definition must have them too).
  struct LoadBalancerLink {
    std::size_t target_group = 0;
    std::string container_name;
    int container_port = 0;
    std::string pointer;  // "/services/0/loadBalancers/0"
  };
  std::vector<std::vector<LoadBalancerLink>> service_load_balancers;  // parallel to world.services
  std::vector<std::string> target_group_types;  // TargetType per target group ("instance" by default)
  bool load_balancer_problem = false;  // a services[].loadBalancers entry had an error
};

struct LoadContext {
  Diagnostics& diag;
  std::filesystem::path base_dir;
  WorldConfig& world;
  std::vector<GroupSource> groups = {};  // parallel to world.groups
  EcsSources ecs = {};

  // Every "type/az" pool of every group, in group order.
  std::vector<std::string> pool_keys() const;
  bool has_pool(const std::string& key) const;
};

void load_groups(const Node& root, LoadContext& ctx);  // AutoScalingGroups + LaunchTemplateVersions
void load_scheduled_actions(const Node& root, LoadContext& ctx);
void load_market(const Node& root, LoadContext& ctx);
void load_ec2(const Node& root, LoadContext& ctx);
// The ECS blocks, after the groups, market and ec2 (placement checks need the instance types, and
// warnings the notice). load_ecs reads the ecs block, capacity provider names, clusters, then calls
// load_task_definitions and load_services, then workload.services and deployments.
void load_ecs(const Node& root, LoadContext& ctx);
void load_task_definitions(const Node& root, LoadContext& ctx);
void load_services(const Node& root, LoadContext& ctx);
// capacityProviders (describe-capacity-providers) into world.capacity_providers, with the
// capacityProviderScaling switches (§10.1, §10.2); after the groups, before the clusters.
void load_capacity_providers(const Node& root, LoadContext& ctx);
// A capacityProviderStrategy (a cluster's default or a service's): base 0-100,000 and weight 0-1000
// of each item (absent: 0), at most 20 items, at most one with a base, no provider twice, a weight
// above 0 when there are several (CP-16, CP-17). Each item's capacityProvider is required; the
// caller checks the name: `resolve(node, name)` gives its index in world.capacity_providers, or
// nullopt (an error it reported, or a Fargate provider left out of the EC2 strategy).
using ResolveStrategyItem = std::function<std::optional<std::size_t>(const Node&, const std::string&)>;
CapacityProviderStrategy load_strategy(const Node& strategy, const ResolveStrategyItem& resolve);
// The index in world.capacity_providers of the capacity provider named `name` (nullopt for the
// Fargate built-ins and for entries that had an error).
std::optional<std::size_t> find_capacity_provider(const std::string& name, const WorldConfig& world);
// ScalableTargets and ScalingPolicies (describe-scalable-targets, describe-scaling-policies) and the
// serviceAutoScaling block (§10.4), after the services and target groups.
void load_service_autoscaling(const Node& root, LoadContext& ctx);
// TargetGroups, TargetGroupAttributes and the `alb` block (aws-semantics.md §7), before the services
// that name them.
void load_target_groups(const Node& root, LoadContext& ctx);
// A service's loadBalancers[] into s.target_groups (and ctx.ecs.service_load_balancers, pushed for
// every service); `td` is its task definition when it was found.
void load_service_load_balancers(const Node& service, std::optional<std::size_t> td, EcsServiceConfig& s,
                                 LoadContext& ctx);
// A deployment of `task_definition` to `service` behind load balancers: the new revision must have
// each loadBalancers container and port (UpdateService refuses it otherwise). Errors at `at`.
void check_load_balancer_containers(const Node& at, std::size_t service, std::size_t task_definition,
                                    const LoadContext& ctx);
// The traffic fields of a workload.services entry (`n`, an object) into `traffic`.
void load_service_traffic(const Node& n, ServiceTraffic& traffic, LoadContext& ctx);
// workload.traffic and workload.callGraph, after workload.services and deployments; then the checks
// that need every block: each target group used by a service, each service that gets requests
// able to serve them.
void load_traffic(const Node& root, LoadContext& ctx);

// ECS's built-in capacity providers: a cluster may list them without the scenario describing them.
inline bool is_fargate_capacity_provider(const std::string& name) {
  return name == "FARGATE" || name == "FARGATE_SPOT";
}
// `"a", "b"` for messages; "none" for an empty list.
inline std::string quoted_names(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "\"" : ", \"") + n + "\"";
  return s.empty() ? "none" : s;
}
// Lookups shared by services and deployments.
// The task definition a service or deployment names: a full ARN, "family:revision", or "family"
// (its latest revision, as UpdateService takes it).
std::optional<std::size_t> find_task_definition(const std::string& reference, const WorldConfig& world);
// "demo-api:1, demo-api:2" for messages.
std::string task_definition_list(const WorldConfig& world);
// The groups whose launch template's ECS_CLUSTER (agent default "default", §4.1) names `cluster`.
std::vector<std::size_t> groups_joining(const std::string& cluster, const WorldConfig& world);
// An error at `at` when no instance type of the groups joining `cluster` has the cpu and memory the
// task definition reserves (a task that can never be placed, SCH-1).
void check_task_fits_cluster(const Node& at, std::size_t task_definition, const std::string& cluster,
                             const LoadContext& ctx);

// contract.md `validate`: warnings for known spot pitfalls, each naming the setting and AWS guidance.
void add_spot_pitfall_warnings(LoadContext& ctx);
void add_ecs_warnings(const Node& root, LoadContext& ctx);

// Writes the defaults the ECS blocks took into the resolved scenario (`resolved` is the input).
void resolve_ecs(nlohmann::json& resolved, const WorldConfig& world);
// Same for TargetGroups, TargetGroupAttributes, `alb`, workload.traffic and workload.callGraph.
void resolve_traffic(nlohmann::json& resolved, const WorldConfig& world);
// Same for capacityProviders, capacityProviderScaling and the strategies of clusters and services.
void resolve_capacity_providers(nlohmann::json& resolved, const WorldConfig& world);
// Same for ScalableTargets, ScalingPolicies (and their alarms) and serviceAutoScaling.
void resolve_service_autoscaling(nlohmann::json& resolved, const WorldConfig& world);

// A trace file named at `node`, resolved against the scenario's folder. Records an error at the
// node's pointer and returns nullopt if it is not a readable file.
std::optional<std::filesystem::path> trace_file(const Node& node, const LoadContext& ctx);

}  // namespace spotsim
