// The ECS blocks of a scenario (contract.md "Scenario file"; aws-semantics.md §4, §5): spotsim's
// `ecs` tunables, the capacity providers (scenario_capacity_providers.cpp), `clusters`
// (describe-clusters), then task definitions and services (their own files), `workload.services`
// (what the application does when ECS starts and stops it), the scheduled `deployments`, and service
// auto scaling (scenario_scaling.cpp). Also the defaults these blocks resolve to.
#include <algorithm>

#include "models/instance_catalog.hpp"
#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

const char* strategy_name(PlacementStrategyType type) {
  switch (type) {
    case PlacementStrategyType::spread: return "spread";
    case PlacementStrategyType::binpack: return "binpack";
    case PlacementStrategyType::random: return "random";
  }
  return "spread";
}

void load_ecs_block(const Node& root, LoadContext& ctx) {
  const Node e = root["ecs"];
  if (!e.is_object()) return;
  e.reject_unknown_keys({"spotDrainPoll", "placementRetry", "healthyAfterRunning", "activating", "deprovisioning",
                         "circuitBreakerMinThreshold"});
  EcsConfig& c = ctx.world.ecs;
  if (auto v = e["spotDrainPoll"].duration(0)) c.spot_drain_poll = *v;
  // A retry period of zero would retry an unplaceable task forever at one instant.
  if (auto v = e["placementRetry"].duration(seconds(1))) c.placement_retry = *v;
  if (auto v = e["healthyAfterRunning"].duration(0)) c.healthy_after_running = *v;
  if (auto v = e["activating"].duration(0)) c.activating = *v;
  if (auto v = e["deprovisioning"].duration(0)) c.deprovisioning = *v;
  // §10.7: the current API docs say 3, the 2023 guide 10; a switch, not a tunable.
  const Node threshold = e["circuitBreakerMinThreshold"];
  if (auto v = threshold.int32(INT32_MIN, INT32_MAX)) {
    if (*v == 3 || *v == 10)
      c.circuit_breaker_min_threshold = *v;
    else
      threshold.error("expected 3 (current API reference) or 10 (2023 developer guide), found " +
                      describe_json(*threshold.json()));
  }
}

// A capacity provider named by a cluster: a capacityProviders[] entry or a Fargate built-in.
bool check_capacity_provider(const Node& n, const std::string& name, const LoadContext& ctx) {
  if (is_fargate_capacity_provider(name) || contains(ctx.ecs.capacity_providers, name)) return true;
  n.error("no capacity provider named \"" + name + "\" in capacityProviders (expected " +
          quoted_names(ctx.ecs.capacity_providers) + ", or FARGATE or FARGATE_SPOT)");
  return false;
}

void load_cluster(const Node& n, LoadContext& ctx) {
  EcsClusterConfig cluster;
  std::vector<std::string> providers, defaults;
  if (n.is_object()) {
    if (n["clusterName"].require()) cluster.name = n["clusterName"].nonempty_string().value_or("");
    for (const auto& other : ctx.world.clusters)
      if (!cluster.name.empty() && other.name == cluster.name)
        n["clusterName"].error("two clusters are named \"" + cluster.name + "\"");
    if (auto arn = n["clusterArn"].nonempty_string(); arn && !cluster.name.empty() && !arn->ends_with("/" + cluster.name))
      n["clusterArn"].error("expected an ARN ending in cluster/" + cluster.name + ", found \"" + *arn + "\"");
    for (const Node& p : n["capacityProviders"].elements()) {
      const auto name = p.nonempty_string();
      if (!name || !check_capacity_provider(p, *name, ctx)) continue;
      if (contains(providers, *name)) {
        p.error("capacity provider \"" + *name + "\" is listed twice");
        continue;
      }
      // CP-4: "With managed scaling on, a capacity provider can be attached to only one cluster."
      const auto index = find_capacity_provider(*name, ctx.world);
      if (index && ctx.world.capacity_providers[*index].scaling.enabled)
        for (std::size_t c = 0; c < ctx.ecs.cluster_capacity_providers.size(); ++c)
          if (contains(ctx.ecs.cluster_capacity_providers[c], *name))
            p.error("capacity provider \"" + *name + "\" has managed scaling and is already attached to cluster \"" +
                    ctx.world.clusters[c].name + "\": AWS attaches it to one cluster only (aws-semantics.md CP-4)");
      providers.push_back(*name);
    }
    // PutClusterCapacityProviders: the default strategy may only use the cluster's providers.
    cluster.default_strategy =
        load_strategy(n["defaultCapacityProviderStrategy"], [&](const Node& name_node, const std::string& name) {
          std::optional<std::size_t> index;
          if (!check_capacity_provider(name_node, name, ctx)) return index;
          if (!contains(providers, name)) {
            name_node.error("capacity provider \"" + name + "\" is not among this cluster's capacityProviders");
            return index;
          }
          defaults.push_back(name);
          return find_capacity_provider(name, ctx.world);  // nullopt for Fargate
        });
  }
  ctx.world.clusters.push_back(std::move(cluster));
  ctx.ecs.cluster_capacity_providers.push_back(std::move(providers));
  ctx.ecs.cluster_default_strategy.push_back(std::move(defaults));
}

void load_service_workload(const std::string& name, const Node& n, LoadContext& ctx) {
  auto& services = ctx.world.services;
  const auto it = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.name == name; });
  if (it == services.end()) n.error("no service named \"" + name + "\" in services");
  if (!n.is_object()) return;
  n.reject_unknown_keys({"requestsPerSecondPerTask", "cpuSecondsPerRequest", "concurrencyPerTask", "meanLatency",
                         "requestTimeout", "startup", "shutdown", "hangRatePerTaskHour"});
  ServiceWorkload w;
  const Node startup = n["startup"];
  if (startup.is_object()) {
    startup.reject_unknown_keys({"imagePull", "appStart"});
    if (auto v = startup["imagePull"].duration(0)) w.image_pull = *v;
    if (auto v = startup["appStart"].duration(0)) w.app_start = *v;
  }
  // Absent: the application ignores SIGTERM and is killed at the stop timeout.
  if (auto v = n["shutdown"].duration(0)) w.shutdown = *v;
  // The app hangs at this rate; its container health check then makes it UNHEALTHY (AG-4).
  if (auto v = n["hangRatePerTaskHour"].number(0, 1e6)) w.hang_rate_per_task_hour = *v;

  // Traffic fields: how the tasks serve requests (scenario_traffic.cpp).
  load_service_traffic(n, w.traffic, ctx);
  if (it != services.end()) it->workload = w;
}

// An instance refresh: StartInstanceRefresh of a group at `at`, with RefreshPreferences' names and
// defaults (MinHealthyPercentage 90; MaxHealthyPercentage 100, i.e. terminate-and-launch; InstanceWarmup: the group's DefaultInstanceWarmup, else its
// HealthCheckGracePeriod; ScaleInProtectedInstances Wait, the CLI/SDK default) [API-ASG].
void load_instance_refresh(const Node& d, LoadContext& ctx) {
  d.reject_unknown_keys({"at", "instanceRefresh", "MinHealthyPercentage", "MaxHealthyPercentage", "InstanceWarmup",
                         "ScaleInProtectedInstances"});
  InstanceRefresh refresh;
  bool complete = true;
  if (d["at"].require()) {
    const auto at = d["at"].duration(0);
    complete = at.has_value();
    refresh.at = at.value_or(0);
    if (at && *at >= ctx.world.duration)
      d["at"].warning("the instance refresh is after the simulated period ends: it never runs");
  } else {
    complete = false;
  }
  if (d["instanceRefresh"].require()) {
    if (auto group = d["instanceRefresh"].nonempty_string()) {
      const auto& groups = ctx.world.groups;
      if (std::none_of(groups.begin(), groups.end(), [&](const auto& g) { return g.name == *group; })) {
        d["instanceRefresh"].error("no Auto Scaling group is named \"" + *group + "\"");
        complete = false;
      }
      refresh.group = *group;
    } else {
      complete = false;
    }
  } else {
    complete = false;
  }
  if (d["MinHealthyPercentage"].present()) {
    const auto pct = d["MinHealthyPercentage"].int32(0, 100);
    complete = complete && pct.has_value();
    refresh.min_healthy_percentage = pct.value_or(90);
  }
  if (d["MaxHealthyPercentage"].present()) {
    const auto pct = d["MaxHealthyPercentage"].int32(100, 200);
    complete = complete && pct.has_value();
    refresh.max_healthy_percentage = pct.value_or(100);
    if (pct && *pct - refresh.min_healthy_percentage > 100) {
      d["MaxHealthyPercentage"].error("MaxHealthyPercentage may be at most 100 above MinHealthyPercentage (" +
                                      std::to_string(refresh.min_healthy_percentage) + ")");
      complete = false;
    }
  }
  if (d["InstanceWarmup"].present()) refresh.instance_warmup = d["InstanceWarmup"].duration(0);
  if (auto mode = d["ScaleInProtectedInstances"].one_of({"Refresh", "Ignore", "Wait"}))
    refresh.scale_in_protected_instances = *mode == "Refresh"  ? ScaleInProtectedInstances::Refresh
                                           : *mode == "Ignore" ? ScaleInProtectedInstances::Ignore
                                                               : ScaleInProtectedInstances::Wait;
  if (complete) ctx.world.instance_refreshes.push_back(refresh);
}

// A scheduled UpdateService to another task definition revision.
void load_deployment(const Node& d, LoadContext& ctx) {
  d.reject_unknown_keys({"at", "service", "taskDefinition", "failsToStart"});
  ServiceDeployment dep;
  bool complete = true;
  if (d["at"].require()) {
    const auto at = d["at"].duration(0);
    complete = at.has_value();
    dep.at = at.value_or(0);
    if (at && *at >= ctx.world.duration) d["at"].warning("the deployment is after the simulated period ends: it never runs");
  }
  std::optional<std::size_t> service;
  if (d["service"].require())
    if (auto name = d["service"].nonempty_string()) {
      const auto& services = ctx.world.services;
      const auto it = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.name == *name; });
      if (it == services.end())
        d["service"].error("no service named \"" + *name + "\" in services");
      else
        service = static_cast<std::size_t>(it - services.begin());
    }
  std::optional<std::size_t> td;
  const Node td_node = d["taskDefinition"];
  if (td_node.require())
    if (auto ref = td_node.nonempty_string()) {
      td = find_task_definition(*ref, ctx.world);
      if (!td)
        td_node.error("no task definition \"" + *ref + "\" in taskDefinitions (expected one of " +
                      task_definition_list(ctx.world) + ")");
      else if (!ctx.ecs.task_definition_ec2_compatible[*td])
        td_node.error("task definition " + ctx.world.task_definitions[*td].family_revision() +
                      " does not list EC2 in requiresCompatibilities: AWS will not run it on EC2 instances");
      else if (service && !ctx.world.services[*service].cluster.empty())
        check_task_fits_cluster(td_node, *td, ctx.world.services[*service].cluster, ctx);
      if (td && service) check_load_balancer_containers(td_node, *service, *td, ctx);
    }
  if (auto v = d["failsToStart"].boolean()) dep.fails_to_start = *v;
  if (!complete || !service || !td) return;  // reported
  dep.service = *service;
  dep.task_definition = *td;
  ctx.world.deployments.push_back(dep);
}

}  // namespace

void check_ecs_instance_types(const Node& root, const LoadContext& ctx);

void load_ecs(const Node& root, LoadContext& ctx) {
  load_ecs_block(root, ctx);
  load_capacity_providers(root, ctx);
  for (const Node& c : root["clusters"].elements()) load_cluster(c, ctx);
  load_task_definitions(root, ctx);
  load_target_groups(root, ctx);  // services name them in loadBalancers
  load_services(root, ctx);
  const Node workload = root["workload"];
  if (workload.is_object())
    for (const auto& [name, n] : workload["services"].members()) load_service_workload(name, n, ctx);
  for (const Node& d : root["deployments"].elements()) {
    if (!d.is_object()) continue;
    if (d["instanceRefresh"].present())
      load_instance_refresh(d, ctx);
    else
      load_deployment(d, ctx);
  }
  load_traffic(root, ctx);  // workload.traffic and callGraph: after services, workload.services, deployments
  load_service_autoscaling(root, ctx);  // ScalableTargets and ScalingPolicies name services and target groups
  check_ecs_instance_types(root, ctx);
}

// A container instance registers with its type's vCPUs and memory, which only the built-in catalog
// knows (models/instance_catalog.cpp). A type it lacks may still be priced (market.prices.onDemand)
// and would launch and bill, but never register and never run a task: every request dropped, with
// no word why. Refused instead, at the group, naming the type.
void check_ecs_instance_types(const Node& root, const LoadContext& ctx) {
  for (std::size_t g = 0; g < ctx.world.groups.size(); ++g) {
    const AutoScalingGroupConfig& group = ctx.world.groups[g];
    const std::string cluster = group.ecs_agent.cluster.value_or("default");
    const bool joins = std::any_of(ctx.world.clusters.begin(), ctx.world.clusters.end(),
                                   [&](const EcsClusterConfig& c) { return c.name == cluster; });
    if (!joins) continue;
    for (const std::string& type : group.instance_types) {
      if (find_instance_type(type)) continue;
      root["AutoScalingGroups"].at(g).error(
          "instance type " + type + " is not in spotsim's built-in instance catalog (models/instance_catalog.cpp): "
          "its vCPUs and memory are unknown, so its instances could not register with ECS cluster \"" + cluster +
          "\" and would never run a task; use a type the catalog has, or leave the group out of the cluster");
    }
  }
}

std::vector<std::size_t> groups_joining(const std::string& cluster, const WorldConfig& world) {
  std::vector<std::size_t> out;
  for (std::size_t g = 0; g < world.groups.size(); ++g)
    if (world.groups[g].ecs_agent.cluster.value_or("default") == cluster) out.push_back(g);
  return out;
}

// Physical memory less ECS_RESERVED_MEMORY is an upper bound of what an instance registers (the
// agent keeps some more for itself), so a task refused here could never be placed; one that passes
// may still fail placement on registrable memory, which the ECS model counts.
void check_task_fits_cluster(const Node& at, std::size_t task_definition, const std::string& cluster,
                             const LoadContext& ctx) {
  const TaskDefinition& td = ctx.world.task_definitions[task_definition];
  const int cpu = td.reserved_cpu(), memory = td.reserved_memory_mib();
  std::string offers;
  for (std::size_t g : groups_joining(cluster, ctx.world)) {
    const AutoScalingGroupConfig& group = ctx.world.groups[g];
    for (const auto& type : group.instance_types) {
      const auto info = find_instance_type(type);
      if (!info) continue;  // priced by the scenario, size unknown: not judged
      const int type_cpu = info->vcpu * 1024;
      const int type_memory = info->memory_mib - group.ecs_agent.reserved_memory_mib;
      if (cpu <= type_cpu && memory <= type_memory) return;
      const std::string offer = type + " " + std::to_string(type_cpu) + " cpu units / " +
                                std::to_string(type_memory) + " MiB";
      if (offers.find(offer) == std::string::npos) offers += (offers.empty() ? "" : ", ") + offer;
    }
  }
  if (offers.empty()) return;  // no group joins, or no type the catalog knows (add_ecs_warnings)
  at.error("task definition " + td.family_revision() + " reserves " + std::to_string(cpu) + " cpu units and " +
           std::to_string(memory) + " MiB, more than any instance type joining cluster \"" + cluster +
           "\" offers (" + offers + "; vCPU x 1024 and physical memory less ECS_RESERVED_MEMORY): its tasks "
           "could never be placed (SCH-1)");
}

// Every default is written where the user would have written it, so scenario.json reruns the same
// even if a default changes.
void resolve_ecs(nlohmann::json& r, const WorldConfig& w) {
  const auto fill = [](nlohmann::json& object, const char* key, nlohmann::json value) {
    if (!object.contains(key)) object[key] = std::move(value);
  };
  auto& ecs = r["ecs"];
  if (!ecs.is_object()) ecs = nlohmann::json::object();
  fill(ecs, "spotDrainPoll", format_duration(w.ecs.spot_drain_poll));
  fill(ecs, "placementRetry", format_duration(w.ecs.placement_retry));
  fill(ecs, "healthyAfterRunning", format_duration(w.ecs.healthy_after_running));
  fill(ecs, "activating", format_duration(w.ecs.activating));
  fill(ecs, "deprovisioning", format_duration(w.ecs.deprovisioning));
  fill(ecs, "circuitBreakerMinThreshold", w.ecs.circuit_breaker_min_threshold);

  if (r.contains("taskDefinitions") && r["taskDefinitions"].is_array()) {
    auto& tds = r["taskDefinitions"];
    for (std::size_t i = 0; i < tds.size() && i < w.task_definitions.size(); ++i) {
      const TaskDefinition& td = w.task_definitions[i];
      fill(tds[i], "revision", td.revision);
      fill(tds[i], "networkMode", td.network_mode);
      auto& containers = tds[i]["containerDefinitions"];
      for (std::size_t k = 0; k < containers.size() && k < td.containers.size(); ++k) {
        fill(containers[k], "essential", td.containers[k].essential);
        if (!td.containers[k].health_check) continue;
        const ContainerHealthCheck& h = *td.containers[k].health_check;
        auto& check = containers[k]["healthCheck"];
        fill(check, "interval", h.interval / 1000);
        fill(check, "timeout", h.timeout / 1000);
        fill(check, "retries", h.retries);
        fill(check, "startPeriod", h.start_period / 1000);
      }
    }
  }

  if (r.contains("services") && r["services"].is_array()) {
    auto& services = r["services"];
    for (std::size_t i = 0; i < services.size() && i < w.services.size(); ++i) {
      const EcsServiceConfig& s = w.services[i];
      auto& service = services[i];
      fill(service, "schedulingStrategy", "REPLICA");
      fill(service, "healthCheckGracePeriodSeconds", s.health_check_grace_period / 1000);
      auto& dc = service["deploymentConfiguration"];
      if (!dc.is_object()) dc = nlohmann::json::object();
      fill(dc, "maximumPercent", s.deployment.maximum_percent);
      fill(dc, "minimumHealthyPercent", s.deployment.minimum_healthy_percent);
      auto& breaker = dc["deploymentCircuitBreaker"];
      if (!breaker.is_object()) breaker = nlohmann::json::object();
      fill(breaker, "enable", s.deployment.circuit_breaker);
      fill(breaker, "rollback", s.deployment.rollback);
      if (!service.contains("placementStrategy") || service["placementStrategy"].empty()) {
        auto& list = service["placementStrategy"] = nlohmann::json::array();
        for (const auto& p : s.placement_strategy) {
          nlohmann::json item = {{"type", strategy_name(p.type)}};
          if (!p.field.empty()) item["field"] = p.field;
          list.push_back(std::move(item));
        }
      }
      auto& startup = r["workload"]["services"][s.name]["startup"];
      fill(startup, "imagePull", format_duration(s.workload.image_pull));
      fill(startup, "appStart", format_duration(s.workload.app_start));
    }
  }

  if (r.contains("deployments") && r["deployments"].is_array()) {
    for (auto& d : r["deployments"]) {
      if (!d.is_object()) continue;
      if (d.contains("instanceRefresh")) {
        fill(d, "MinHealthyPercentage", 90);  // RefreshPreferences' defaults [API-ASG]
        fill(d, "MaxHealthyPercentage", 100);
        fill(d, "ScaleInProtectedInstances", "Wait");
      } else {
        fill(d, "failsToStart", false);
      }
    }
  }
}

}  // namespace spotsim
