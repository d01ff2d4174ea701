// contract.md `validate`: the ECS pitfalls of a spot-backed cluster, each warning naming the
// setting and quoting AWS's guidance (aws-semantics.md §4.1, AG-2, AG-5, ASG-21). Run only on a scenario
// without errors, so every index and pointer below is sound. Spot draining left off on a spot group
// is add_spot_pitfall_warnings's (scenario.cpp), warned once per group.
#include <algorithm>
#include <set>

#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

// The deepest of `keys` below `n` that the file has, for a warning about a value that may be a default.
std::string deepest_present(Node n, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const Node child = n[key];
    if (!child.present()) break;
    n = child;
  }
  return n.pointer();
}

std::string quoted_list(const std::vector<EcsClusterConfig>& clusters) {
  std::vector<std::string> names;
  for (const auto& c : clusters) names.push_back(c.name);
  return quoted_names(names);
}

// Instances that do not join any described cluster carry no tasks (the agent registers with the
// cluster ECS_CLUSTER names, "default" when unset, §4.1).
void warn_groups_joining_no_cluster(LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  for (std::size_t g = 0; g < w.groups.size(); ++g) {
    const AutoScalingGroupConfig& group = w.groups[g];
    const std::string name = group.ecs_agent.cluster.value_or("default");
    const bool known = std::any_of(w.clusters.begin(), w.clusters.end(), [&](const auto& c) { return c.name == name; });
    if (known) continue;
    const GroupSource& src = ctx.groups[g];
    const std::string setting = group.ecs_agent.cluster ? "ECS_CLUSTER=" + name
                                                        : "no ECS_CLUSTER, so the agent's default \"default\"";
    ctx.diag.warning(src.user_data_pointer.empty() ? src.pointer : src.user_data_pointer,
                     "group \"" + group.name + "\"'s launch template sets " + setting + ", which names no cluster of "
                     "the scenario (" + quoted_list(w.clusters) + "): its instances join no simulated cluster and "
                     "run none of its services' tasks (aws-semantics.md §4.1: the agent registers with the cluster "
                     "ECS_CLUSTER names)");
  }
}

void warn_clusters_without_instances(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  for (std::size_t c = 0; c < w.clusters.size(); ++c) {
    const std::string& name = w.clusters[c].name;
    std::vector<std::string> services;
    for (const auto& s : w.services)
      if (s.cluster == name && s.desired_count > 0) services.push_back(s.name);
    if (services.empty() || !groups_joining(name, w).empty()) continue;
    ctx.diag.warning(deepest_present(root["clusters"].at(c), {"clusterName"}),
                     "no Auto Scaling group's launch template sets ECS_CLUSTER=" + name + ": cluster \"" + name +
                         "\" gets no container instances, and the tasks of " + quoted_names(services) + " are never placed");
  }
}

bool cluster_has_spot(const std::string& cluster, const LoadContext& ctx, std::string* group_name) {
  for (std::size_t g : groups_joining(cluster, ctx.world))
    if (ctx.groups[g].can_run_spot) {
      *group_name = ctx.world.groups[g].name;
      return true;
    }
  return false;
}

// AG-5: the deployment configuration also governs the replacement of tasks on a DRAINING instance.
void warn_deployment_configurations(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  for (std::size_t i = 0; i < w.services.size(); ++i) {
    const EcsServiceConfig& s = w.services[i];
    const DeploymentConfiguration& d = s.deployment;
    const Node service = root["services"].at(i);
    const std::string min_at = deepest_present(service, {"deploymentConfiguration", "minimumHealthyPercent"});
    if (d.minimum_healthy_percent == 100 && d.maximum_percent == 100)
      ctx.diag.warning(min_at, "service \"" + s.name + "\" has minimumHealthyPercent 100 and maximumPercent 100: "
                               "while an instance drains the scheduler can neither stop a task nor start its "
                               "replacement; AWS: \"If both minimumHealthyPercent and maximumPercent are 100%, then "
                               "the service can't remove existing tasks, and also cannot start replacement tasks\" "
                               "(aws-semantics.md AG-5)");
    std::string spot_group;
    if (d.minimum_healthy_percent >= 100 && cluster_has_spot(s.cluster, ctx, &spot_group))
      ctx.diag.warning(min_at, "service \"" + s.name + "\" has minimumHealthyPercent " +
                                   std::to_string(d.minimum_healthy_percent) + " on spot capacity (group \"" +
                                   spot_group + "\"): AWS: \"If you use Spot Instances and minimumHealthyPercent is "
                                   "greater than or equal to 100%, then the service will not have enough time to "
                                   "replace the task before the Spot Instance terminates\" (aws-semantics.md AG-5); "
                                   "a lower minimum lets replacements start at the notice");
  }
}

// AG-2: "Anything above the 120 seconds (2 minute notification for Spot) will result in a Spot
// termination." Checked for the task definitions that services and deployments run on spot capacity.
void warn_stop_timeouts(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  std::set<std::size_t> on_spot;
  std::string unused;
  for (const auto& s : w.services)
    if (cluster_has_spot(s.cluster, ctx, &unused)) on_spot.insert(s.task_definition);
  for (const auto& dep : w.deployments)
    if (cluster_has_spot(w.services[dep.service].cluster, ctx, &unused)) on_spot.insert(dep.task_definition);
  for (std::size_t t : on_spot) {
    const TaskDefinition& td = w.task_definitions[t];
    for (std::size_t k = 0; k < td.containers.size(); ++k) {
      const auto& stop = td.containers[k].stop_timeout;
      if (!stop || *stop <= w.market.notice) continue;
      ctx.diag.warning(root["taskDefinitions"].at(t)["containerDefinitions"].at(k)["stopTimeout"].pointer(),
                       "container \"" + td.containers[k].name + "\" of " + td.family_revision() + " has stopTimeout " +
                           std::to_string(*stop / 1000) + " s, longer than the " +
                           std::to_string(w.market.notice / 1000) + " s spot interruption notice: EC2 terminates "
                           "the instance before the agent's SIGKILL; AWS: \"Anything above the 120 seconds (2 minute "
                           "notification for Spot) will result in a Spot termination\" (aws-semantics.md AG-2)");
    }
  }
}

// AG-3 + AG-2: behind a load balancer ECS waits the deregistration delay before SIGTERM, then up to
// the stop timeout before SIGKILL; a sum beyond the notice means drained tasks are still deregistering
// or stopping when EC2 takes the instance, and requests in flight are lost (the seed article's
// 300 s delay with a 1-minute stop timeout).
void warn_deregistration_and_stop(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  for (std::size_t i = 0; i < w.services.size(); ++i) {
    const EcsServiceConfig& s = w.services[i];
    std::string spot_group;
    if (s.target_groups.empty() || !cluster_has_spot(s.cluster, ctx, &spot_group)) continue;
    SimTime agent_timeout = seconds(30);
    for (const AutoScalingGroupConfig& g : w.groups)
      if (g.name == spot_group) agent_timeout = g.ecs_agent.container_stop_timeout;
    const SimTime stop = w.task_definitions[s.task_definition].stop_timeout(agent_timeout);
    for (std::size_t tg : s.target_groups) {
      const TargetGroupConfig& group = w.target_groups[tg];
      if (group.deregistration_delay + stop <= w.market.notice) continue;
      const Node attrs = root["TargetGroupAttributes"][group.name];
      const std::string at = attrs.present() ? attrs.pointer() : root["services"].at(i)["loadBalancers"].pointer();
      ctx.diag.warning(at, "target group \"" + group.name + "\" has deregistration_delay.timeout_seconds " +
                               std::to_string(group.deregistration_delay / 1000) + " and service \"" + s.name +
                               "\" a stop timeout of " + std::to_string(stop / 1000) + " s: " +
                               std::to_string((group.deregistration_delay + stop) / 1000) + " s together, beyond the " +
                               std::to_string(w.market.notice / 1000) + " s spot notice (group \"" + spot_group +
                               "\"): tasks drained at a notice are still deregistering or stopping when EC2 "
                               "terminates the instance, and their requests in flight are lost; ECS waits the "
                               "deregistration delay before SIGTERM (aws-semantics.md AG-3) — keep delay + stop "
                               "timeout under the notice for spot services");
    }
  }
}

// ASG-21 with CP-12: ECS lifts an instance's scale-in protection only under managed termination
// protection. A group that protects its new instances, driven by managed scaling without it, keeps
// every instance: managed scaling lowers the desired capacity and the group cannot terminate any.
void warn_protection_without_managed_termination(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  for (const CapacityProviderConfig& cp : w.capacity_providers) {
    const AutoScalingGroupConfig& group = w.groups[cp.group];
    if (!group.new_instances_protected_from_scale_in || !cp.scaling.enabled || cp.managed_termination_protection)
      continue;
    ctx.diag.warning(root["AutoScalingGroups"].at(cp.group)["NewInstancesProtectedFromScaleIn"].pointer(),
                     "group \"" + group.name + "\" protects its new instances from scale-in, but capacity provider \"" +
                         cp.name + "\" scales it with managed scaling and managedTerminationProtection DISABLED: "
                         "nothing lifts the protection, so when managed scaling lowers the desired capacity no "
                         "instance can be terminated; AWS: \"the Auto Scaling group can't terminate the required "
                         "number of instances until their instance scale-in protection settings are disabled\" "
                         "(aws-semantics.md ASG-21) — enable managed termination protection (CP-12) or turn "
                         "NewInstancesProtectedFromScaleIn off");
  }
}

// A capacity provider scales its group for the tasks of the cluster it is attached to; the group's
// instances join the cluster their ECS_CLUSTER names (§4.1). When the two differ, the instances
// launched for the tasks never receive them.
void warn_capacity_provider_clusters(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  for (std::size_t c = 0; c < w.clusters.size(); ++c)
    for (const Node& p : root["clusters"].at(c)["capacityProviders"].elements()) {
      const auto name = p.string();
      const auto index = name ? find_capacity_provider(*name, w) : std::nullopt;
      if (!index) continue;
      const AutoScalingGroupConfig& group = w.groups[w.capacity_providers[*index].group];
      const std::string joins = group.ecs_agent.cluster.value_or("default");
      if (joins == w.clusters[c].name) continue;
      ctx.diag.warning(p.pointer(), "capacity provider \"" + *name + "\" is attached to cluster \"" + w.clusters[c].name +
                                        "\", but its group \"" + group.name + "\"'s instances join cluster \"" + joins +
                                        "\" (" + (group.ecs_agent.cluster ? "ECS_CLUSTER" : "no ECS_CLUSTER: the agent's "
                                        "default") + "): the instances it launches for this cluster's tasks never "
                                        "run them (aws-semantics.md §4.1: the agent registers with the cluster "
                                        "ECS_CLUSTER names)");
    }
}

// An instance refresh of a group whose capacity provider keeps busy instances protected (CP-12).
// ScaleInProtectedInstances Wait (the API default) "waits one hour for you to remove scale-in
// protection. Otherwise, the instance refresh will fail"; Ignore skips them; ECS lifts protection
// only from instances without tasks. The ECS Developer Guide (managed instance draining): "Make sure
// you select Replace for Scale-in protection when calling StartInstanceRefresh if you're using
// managed termination protection." Without managed draining (CP-14) the refresh terminates
// instances with their tasks running.
void warn_instance_refreshes(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  std::size_t k = 0;  // index into w.instance_refreshes: the deployments that loaded as refreshes, in order
  for (const Node& d : root["deployments"].elements()) {
    if (!d["instanceRefresh"].present()) continue;
    const auto name = d["instanceRefresh"].string();
    if (k >= w.instance_refreshes.size() || !name || w.instance_refreshes[k].group != *name) continue;
    const InstanceRefresh& refresh = w.instance_refreshes[k++];
    for (const CapacityProviderConfig& cp : w.capacity_providers) {
      const AutoScalingGroupConfig& group = w.groups[cp.group];
      if (group.name != refresh.group) continue;
      if (cp.managed_termination_protection && refresh.scale_in_protected_instances != ScaleInProtectedInstances::Refresh) {
        const bool wait = refresh.scale_in_protected_instances == ScaleInProtectedInstances::Wait;
        ctx.diag.warning(d.pointer(),
                         "instance refresh of group \"" + group.name + "\" with ScaleInProtectedInstances " +
                             (wait ? "Wait (the default)" : "Ignore") + ", but capacity provider \"" + cp.name +
                             "\" has managed termination protection, which keeps every instance with a task protected: " +
                             (wait ? "the refresh waits an hour for the protection to go and then fails"
                                   : "the refresh skips every busy instance") +
                             "; AWS: \"Make sure you select Replace for Scale-in protection when calling "
                             "StartInstanceRefresh if you're using managed termination protection\" (ECS Developer "
                             "Guide, managed instance draining; aws-semantics.md CP-12, CP-14) — set "
                             "\"ScaleInProtectedInstances\": \"Refresh\"");
      }
      if (!cp.managed_draining)
        ctx.diag.warning(d.pointer(), "instance refresh of group \"" + group.name + "\", but capacity provider \"" +
                                          cp.name + "\" has managedDraining DISABLED: the refresh terminates instances "
                                          "with their tasks running, and their requests in flight are lost "
                                          "(aws-semantics.md CP-14: managed draining covers instance refreshes)");
    }
  }
}

}  // namespace

void add_ecs_warnings(const Node& root, LoadContext& ctx) {
  if (ctx.world.clusters.empty()) return;  // a fleet-only scenario: no ECS to warn about
  warn_protection_without_managed_termination(root, ctx);
  warn_groups_joining_no_cluster(ctx);
  warn_clusters_without_instances(root, ctx);
  warn_deployment_configurations(root, ctx);
  warn_stop_timeouts(root, ctx);
  warn_deregistration_and_stop(root, ctx);
  warn_capacity_provider_clusters(root, ctx);
  warn_instance_refreshes(root, ctx);
}

}  // namespace spotsim
