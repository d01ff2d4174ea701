// AutoScalingGroups (describe-auto-scaling-groups), LaunchTemplateVersions
// (describe-launch-template-versions) and ScheduledUpdateGroupActions (describe-scheduled-actions).
#include <algorithm>

#include "tools/scenario_parts.hpp"
#include "tools/user_data.hpp"

namespace spotsim {
namespace {

// AWS accepts at most this many instances per group here; a bound keeps a typo from exhausting memory.
constexpr int kMaxGroupSize = 100'000;

struct TemplateVersion {
  std::string id, name;
  int number = 0;
  bool is_default = false;
  std::optional<std::string> instance_type;
  std::string instance_type_pointer;
  EcsAgentConfig ecs_agent;
  std::string user_data_pointer;  // empty without UserData
};

std::vector<TemplateVersion> load_template_versions(const Node& list) {
  std::vector<TemplateVersion> out;
  for (const Node& v : list.elements()) {
    if (!v.is_object()) continue;
    TemplateVersion t;
    t.id = v["LaunchTemplateId"].string().value_or("");
    t.name = v["LaunchTemplateName"].string().value_or("");
    if (t.id.empty() && t.name.empty())
      v.error("expected LaunchTemplateId or LaunchTemplateName, found neither");
    if (v["VersionNumber"].require()) t.number = v["VersionNumber"].int32(1, INT32_MAX).value_or(0);
    t.is_default = v["DefaultVersion"].boolean().value_or(false);
    for (const auto& prior : out)
      if (t.number != 0 && prior.number == t.number && ((!t.id.empty() && prior.id == t.id) ||
                                                        (t.id.empty() && prior.name == t.name)))
        v["VersionNumber"].error("version " + std::to_string(t.number) + " of launch template " +
                                 (t.id.empty() ? t.name : t.id) + " is listed twice");
    const Node data = v["LaunchTemplateData"];
    if (data.is_object()) {
      t.instance_type = data["InstanceType"].nonempty_string();
      t.instance_type_pointer = data["InstanceType"].pointer();
      const Node user_data = data["UserData"];
      if (auto encoded = user_data.string()) {
        t.user_data_pointer = user_data.pointer();
        std::string problem;
        if (auto script = decode_base64(*encoded, problem)) {
          EcsConfigRead read = read_ecs_config(*script);
          t.ecs_agent = std::move(read.config);
          for (auto& d : read.problems) {
            d.file = v.diagnostics().file();
            d.where = user_data.pointer();
            v.diagnostics().add(d);
          }
        } else {
          user_data.error(problem);
        }
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

// The version a LaunchTemplateSpecification names: by id (or name), then Version "$Default"
// (the default when absent), "$Latest" (highest VersionNumber) or a number.
const TemplateVersion* find_template(const Node& spec, const std::vector<TemplateVersion>& versions,
                                     bool required) {
  if (!spec.is_object()) {
    if (!spec.present() && required) spec.require();
    return nullptr;
  }
  const auto id = spec["LaunchTemplateId"].string();
  const auto name = spec["LaunchTemplateName"].string();
  if (!id && !name) {
    spec.error("expected LaunchTemplateId or LaunchTemplateName, found neither");
    return nullptr;
  }
  std::vector<const TemplateVersion*> candidates;
  for (const auto& v : versions)
    if (id ? v.id == *id : v.name == *name) candidates.push_back(&v);
  const std::string label = id ? *id : *name;
  if (candidates.empty()) {
    const std::string message = "launch template " + label + " is not among LaunchTemplateVersions";
    if (required)
      spec.error(message + " (its LaunchTemplateData gives the instance type)");
    else
      spec.warning(message + ": its ECS agent settings take their defaults (spot draining off)");
    return nullptr;
  }

  const Node version = spec["Version"];
  std::string wanted = "$Default";
  if (version.present()) {
    if (version.json()->is_number_integer() || version.json()->is_number_unsigned())
      wanted = std::to_string(version.int32(1, INT32_MAX).value_or(0));
    else
      wanted = version.string().value_or("$Default");
  }
  const TemplateVersion* found = nullptr;
  if (wanted == "$Default") {
    for (const auto* c : candidates)
      if (c->is_default) found = c;
    // Hand-written scenarios may list one version without DefaultVersion: it is the default.
    if (!found && candidates.size() == 1) found = candidates.front();
    if (!found) (version.present() ? version : spec).error("no version of " + label + " has \"DefaultVersion\": true");
  } else if (wanted == "$Latest") {
    found = *std::max_element(candidates.begin(), candidates.end(),
                              [](const auto* a, const auto* b) { return a->number < b->number; });
  } else {
    for (const auto* c : candidates)
      if (std::to_string(c->number) == wanted) found = c;
    if (!found)
      version.error("expected \"$Default\", \"$Latest\" or a listed VersionNumber of " + label + ", found \"" +
                    wanted + "\"");
  }
  return found;
}

std::optional<SpotAllocationStrategy> spot_strategy(const Node& n) {
  const auto s = n.one_of({"lowest-price", "capacity-optimized", "capacity-optimized-prioritized",
                           "price-capacity-optimized"});
  if (!s) return std::nullopt;
  if (*s == "lowest-price") return SpotAllocationStrategy::lowest_price;
  if (*s == "capacity-optimized") return SpotAllocationStrategy::capacity_optimized;
  if (*s == "capacity-optimized-prioritized") return SpotAllocationStrategy::capacity_optimized_prioritized;
  return SpotAllocationStrategy::price_capacity_optimized;
}

void load_distribution(const Node& d, AutoScalingGroupConfig& g) {
  if (!d.is_object()) return;
  // ASG-4, ASG-5, ASG-7..10: AWS's defaults are the struct's.
  if (auto v = d["OnDemandBaseCapacity"].int32(0, kMaxGroupSize)) g.on_demand_base_capacity = *v;
  if (auto v = d["OnDemandPercentageAboveBaseCapacity"].int32(0, 100)) g.on_demand_percentage_above_base = *v;
  if (auto v = spot_strategy(d["SpotAllocationStrategy"])) g.spot_allocation_strategy = *v;
  // ASG-8: SpotInstancePools is valid only with lowest-price; describe output may show it (or 0)
  // for other strategies, where it is ignored.
  const bool lowest = g.spot_allocation_strategy == SpotAllocationStrategy::lowest_price;
  if (auto v = d["SpotInstancePools"].int32(lowest ? 1 : 0, 20); v && lowest) g.spot_instance_pools = *v;
  if (auto v = d["OnDemandAllocationStrategy"].one_of({"prioritized", "lowest-price"}))
    g.on_demand_allocation_strategy =
        *v == "prioritized" ? OnDemandAllocationStrategy::prioritized : OnDemandAllocationStrategy::lowest_price;
  // ASG-10: AWS prints SpotMaxPrice as a string; "" means no cap (the On-Demand price).
  const Node max_price = d["SpotMaxPrice"];
  if (!(max_price.present() && max_price.json()->is_string() && max_price.json()->get<std::string>().empty()))
    if (auto v = max_price.number_or_numeric_string(0.0001, 1000)) g.spot_max_price = *v;
}

std::optional<TerminationPolicy> termination_policy(const Node& n) {
  const auto s = n.string();
  if (!s) return std::nullopt;
  if (s->rfind("arn:aws:lambda:", 0) == 0) {
    n.error("custom termination policies are not supported (a Lambda function decides the victims)");
    return std::nullopt;
  }
  const auto p = n.one_of({"Default", "AllocationStrategy", "OldestLaunchTemplate", "OldestLaunchConfiguration",
                           "ClosestToNextInstanceHour", "NewestInstance", "OldestInstance"});
  if (!p) return std::nullopt;
  if (*p == "Default") return TerminationPolicy::Default;
  if (*p == "AllocationStrategy") return TerminationPolicy::AllocationStrategy;
  if (*p == "OldestLaunchTemplate") return TerminationPolicy::OldestLaunchTemplate;
  if (*p == "OldestLaunchConfiguration") return TerminationPolicy::OldestLaunchConfiguration;
  if (*p == "ClosestToNextInstanceHour") return TerminationPolicy::ClosestToNextInstanceHour;
  if (*p == "NewestInstance") return TerminationPolicy::NewestInstance;
  return TerminationPolicy::OldestInstance;
}

void load_termination_policies(const Node& list, AutoScalingGroupConfig& g) {
  const auto items = list.elements();
  if (items.empty()) return;  // AWS default: ["Default"]
  g.termination_policies.clear();
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto p = termination_policy(items[k]);
    if (!p) continue;
    // ASG-18: "Default", if listed, must be last.
    if (*p == TerminationPolicy::Default && k + 1 != items.size())
      items[k].error("\"Default\" must be the last termination policy");
    g.termination_policies.push_back(*p);
  }
}

// Instance types from the overrides (or the launch template), with where each was named.
void load_instance_types(const Node& overrides, const TemplateVersion* lt, const Node& spec, AutoScalingGroupConfig& g,
                         GroupSource& src) {
  for (const Node& o : overrides.elements()) {
    if (!o.is_object()) continue;
    if (o["InstanceRequirements"].present())
      o["InstanceRequirements"].error("attribute-based instance type selection is not supported: list InstanceType overrides");
    if (o["LaunchTemplateSpecification"].present())
      o["LaunchTemplateSpecification"].error("per-override launch templates are not supported yet");
    const Node weight = o["WeightedCapacity"];
    if (weight.present()) {
      const auto w = weight.number_or_numeric_string(0, 999);
      if (w && *w != 1) weight.error("instance weights are not supported (ECS capacity providers do not support them either, CP-4)");
    }
    const Node type = o["InstanceType"];
    if (!type.require()) continue;
    if (auto t = type.nonempty_string()) {
      if (std::find(g.instance_types.begin(), g.instance_types.end(), *t) != g.instance_types.end()) {
        type.error("instance type \"" + *t + "\" is listed twice in Overrides");
        continue;
      }
      g.instance_types.push_back(*t);
      src.type_pointers.push_back(type.pointer());
    }
  }
  if (!g.instance_types.empty()) return;
  if (lt && lt->instance_type) {
    g.instance_types.push_back(*lt->instance_type);
    src.type_pointers.push_back(lt->instance_type_pointer);
  } else if (lt) {
    spec.error("no instance type: give MixedInstancesPolicy Overrides or an InstanceType in the launch template data");
  }
}

void load_group(const Node& n, const std::vector<TemplateVersion>& versions, LoadContext& ctx) {
  AutoScalingGroupConfig g;
  GroupSource src;
  src.pointer = n.pointer();
  if (!n.is_object()) {
    ctx.world.groups.push_back(std::move(g));
    ctx.groups.push_back(std::move(src));
    return;
  }
  if (n["AutoScalingGroupName"].require()) g.name = n["AutoScalingGroupName"].nonempty_string().value_or("");
  for (const auto& other : ctx.world.groups)
    if (!g.name.empty() && other.name == g.name)
      n["AutoScalingGroupName"].error("two Auto Scaling groups are named \"" + g.name + "\"");

  // ASG-1: MinSize <= DesiredCapacity <= MaxSize, else AWS rejects the group.
  const Node min_n = n["MinSize"], max_n = n["MaxSize"], desired_n = n["DesiredCapacity"];
  std::optional<int> min_size, max_size;
  if (min_n.require()) min_size = min_n.int32(0, kMaxGroupSize);
  if (max_n.require()) max_size = max_n.int32(0, kMaxGroupSize);
  const auto desired = desired_n.int32(0, kMaxGroupSize);
  if (min_size && max_size && *min_size > *max_size)
    min_n.error("MinSize " + std::to_string(*min_size) + " is greater than MaxSize " + std::to_string(*max_size) +
                " (AWS rejects this group, ASG-1)");
  else if (min_size && max_size && desired && (*desired < *min_size || *desired > *max_size))
    desired_n.error("DesiredCapacity " + std::to_string(*desired) + " is outside [MinSize " + std::to_string(*min_size) +
                    ", MaxSize " + std::to_string(*max_size) + "] (AWS rejects this, ASG-1)");
  g.min_size = min_size.value_or(0);
  g.max_size = max_size.value_or(0);
  g.desired_capacity = desired.value_or(g.min_size);  // absent: MinSize, as CreateAutoScalingGroup does

  const Node zones = n["AvailabilityZones"];
  src.zones_pointer = zones.pointer();
  if (zones.require() && zones.is_array()) {
    for (const Node& z : zones.elements()) {
      const auto az = z.nonempty_string();
      if (!az) continue;
      if (std::find(g.availability_zones.begin(), g.availability_zones.end(), *az) != g.availability_zones.end())
        z.error("Availability Zone \"" + *az + "\" is listed twice");
      else if (az->rfind(ctx.world.region, 0) != 0)
        z.error("Availability Zone \"" + *az + "\" is not in the scenario's region \"" + ctx.world.region +
                "\" (set the top-level \"region\")");
      else
        g.availability_zones.push_back(*az);
    }
    if (zones.json()->empty()) zones.error("expected at least one Availability Zone, found an empty array");
  }

  const Node mixed = n["MixedInstancesPolicy"], plain = n["LaunchTemplate"];
  if (mixed.is_object()) {
    src.uses_mixed_policy = true;
    const Node lt_node = mixed["LaunchTemplate"];
    if (lt_node.require() && lt_node.is_object()) {
      const Node spec = lt_node["LaunchTemplateSpecification"];
      const bool types_given = lt_node["Overrides"].present() && lt_node["Overrides"].json()->is_array() &&
                               !lt_node["Overrides"].json()->empty();
      const TemplateVersion* lt = find_template(spec, versions, /*required=*/!types_given);
      load_instance_types(lt_node["Overrides"], lt, spec, g, src);
      if (lt) {
        g.launch_template_name = lt->name.empty() ? lt->id : lt->name;
        g.launch_template_version = lt->number;
        g.ecs_agent = lt->ecs_agent;
        src.user_data_pointer = lt->user_data_pointer;
      } else if (spec.is_object()) {
        g.launch_template_name = spec["LaunchTemplateName"].string().value_or(spec["LaunchTemplateId"].string().value_or(""));
      }
    }
    // AWS defaults when InstancesDistribution is absent: base 0, 100 % On-Demand, lowest-price.
    load_distribution(mixed["InstancesDistribution"], g);
  } else if (plain.is_object()) {
    // A plain launch template: every instance On-Demand, of the template's type.
    const TemplateVersion* lt = find_template(plain, versions, /*required=*/true);
    load_instance_types(Node(ctx.diag, nullptr, ""), lt, plain, g, src);
    if (lt) {
      g.launch_template_name = lt->name.empty() ? lt->id : lt->name;
      g.launch_template_version = lt->number;
      g.ecs_agent = lt->ecs_agent;
      src.user_data_pointer = lt->user_data_pointer;
    }
    g.on_demand_base_capacity = 0;
    g.on_demand_percentage_above_base = 100;
  } else if (!mixed.present() && !plain.present()) {
    if (n["LaunchConfigurationName"].present())
      n["LaunchConfigurationName"].error("launch configurations are not supported: use a launch template");
    else
      n.error("expected MixedInstancesPolicy or LaunchTemplate, found neither");
  }
  src.can_run_spot = g.on_demand_percentage_above_base < 100;

  if (auto v = n["AvailabilityZoneDistribution"]["CapacityDistributionStrategy"].one_of({"balanced-best-effort", "balanced-only"}))
    g.capacity_distribution = *v == "balanced-only" ? CapacityDistribution::balanced_only : CapacityDistribution::balanced_best_effort;
  n["AvailabilityZoneDistribution"].is_object();
  load_termination_policies(n["TerminationPolicies"], g);
  if (auto v = n["NewInstancesProtectedFromScaleIn"].boolean()) g.new_instances_protected_from_scale_in = *v;
  if (auto v = n["CapacityRebalance"].boolean()) g.capacity_rebalance = *v;
  if (auto v = n["HealthCheckGracePeriod"].int32(0, INT32_MAX)) g.health_check_grace_period = seconds(*v);
  // API-ASG: -1 removes a DefaultInstanceWarmup set before (ASG-29: off unless set).
  if (auto v = n["DefaultInstanceWarmup"].int32(-1, INT32_MAX); v && *v >= 0) g.default_instance_warmup = seconds(*v);

  ctx.world.groups.push_back(std::move(g));
  ctx.groups.push_back(std::move(src));
}

}  // namespace

void load_groups(const Node& root, LoadContext& ctx) {
  const auto versions = load_template_versions(root["LaunchTemplateVersions"]);
  const Node groups = root["AutoScalingGroups"];
  if (!groups.present()) {
    root.error("no \"AutoScalingGroups\": a scenario needs at least one group to simulate");
    return;
  }
  for (const Node& g : groups.elements()) load_group(g, versions, ctx);
  if (groups.json()->is_array() && groups.json()->empty())
    groups.error("expected at least one Auto Scaling group, found an empty array");
}

void load_scheduled_actions(const Node& root, LoadContext& ctx) {
  for (const Node& a : root["ScheduledUpdateGroupActions"].elements()) {
    if (!a.is_object()) continue;
    ScheduledAction action;
    const Node group = a["AutoScalingGroupName"];
    if (group.require())
      if (auto name = group.string()) {
        action.group = *name;
        const bool known = std::any_of(ctx.world.groups.begin(), ctx.world.groups.end(),
                                       [&](const auto& g) { return g.name == *name; });
        if (!known) group.error("no Auto Scaling group is named \"" + *name + "\"");
      }
    if (a["Recurrence"].present()) a["Recurrence"].error("recurring scheduled actions are not supported yet");
    // describe-scheduled-actions prints StartTime (and the deprecated Time, the same instant).
    const Node start = a["StartTime"].present() ? a["StartTime"] : a["Time"];
    if (start.present() || a["StartTime"].require()) {
      if (auto t = start.instant()) {
        action.at = *t - ctx.world.start_epoch_ms;
        if (action.at < 0)
          start.error("the action starts before the scenario's start (" + format_iso8601(ctx.world.start_epoch_ms) + ")");
        else if (action.at >= ctx.world.duration)
          start.warning("the action starts after the simulated period ends: it never runs");
      }
    }
    action.min_size = a["MinSize"].int32(0, kMaxGroupSize);
    action.max_size = a["MaxSize"].int32(0, kMaxGroupSize);
    action.desired_capacity = a["DesiredCapacity"].int32(0, kMaxGroupSize);
    if (action.min_size && action.max_size && *action.min_size > *action.max_size)
      a["MinSize"].error("MinSize " + std::to_string(*action.min_size) + " is greater than MaxSize " +
                         std::to_string(*action.max_size));
    if (!action.min_size && !action.max_size && !action.desired_capacity)
      a.error("the action changes nothing: expected MinSize, MaxSize or DesiredCapacity");
    ctx.world.scheduled_actions.push_back(std::move(action));
  }
}

}  // namespace spotsim
