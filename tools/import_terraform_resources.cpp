// Terraform resources (the AWS provider's attribute names, nested blocks as one-element lists) onto
// the scenario's AWS CLI shapes (contract.md "Scenario file"): aws_autoscaling_group ->
// AutoScalingGroups, aws_launch_template -> LaunchTemplateVersions, aws_ecs_capacity_provider ->
// capacityProviders, aws_ecs_cluster + aws_ecs_cluster_capacity_providers -> clusters,
// aws_ecs_service -> services, aws_ecs_task_definition -> taskDefinitions, aws_lb_target_group ->
// TargetGroups + TargetGroupAttributes, aws_appautoscaling_target/_policy -> ScalableTargets/
// ScalingPolicies. Attributes the provider reports as 0 or "" when unset are left out, so the
// loader applies AWS's default.
#include <algorithm>

#include "tools/import_terraform_internal.hpp"
#include "tools/input_error.hpp"

namespace spotsim::terraform {
namespace {

const Json* get(const Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string str(const Json& j, const char* key) {
  const Json* v = get(j, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// A nested block: Terraform lists it as an array of one object.
const Json& block(const Json& j, const char* key) {
  static const Json none = Json::object();
  const Json* v = get(j, key);
  if (v != nullptr && v->is_array() && !v->empty() && v->front().is_object()) return v->front();
  if (v != nullptr && v->is_object()) return *v;
  return none;
}

const Json& list(const Json& j, const char* key) {
  static const Json none = Json::array();
  const Json* v = get(j, key);
  return v != nullptr && v->is_array() ? *v : none;
}

// Copies values[from] to out[to] when present (and, with skip_zero, not 0 or "").
void copy(const Json& values, const char* from, Json& out, const char* to, bool skip_zero = false) {
  const Json* v = get(values, from);
  if (v == nullptr) return;
  if (skip_zero && ((v->is_number() && v->get<double>() == 0) || (v->is_string() && v->get<std::string>().empty())))
    return;
  out[to] = *v;
}

// "300" -> 300 (Terraform keeps some numbers as strings); non-numbers stay as they are.
Json number_of(const Json& v) {
  if (!v.is_string()) return v;
  const std::string s = v.get<std::string>();
  try {
    std::size_t used = 0;
    const double d = std::stod(s, &used);
    if (used == s.size()) return d == static_cast<double>(static_cast<long long>(d)) ? Json(static_cast<long long>(d)) : Json(d);
  } catch (const std::exception&) {
  }
  return v;
}

Json strategy_items(const Json& items) {
  Json out = Json::array();
  for (const auto& i : items) {
    Json item = Json::object();
    copy(i, "capacity_provider", item, "capacityProvider");
    copy(i, "weight", item, "weight");
    copy(i, "base", item, "base");
    out.push_back(std::move(item));
  }
  return out;
}

class Mapper {
 public:
  Mapper(const std::vector<Resource>& resources, std::string region, std::string plan_file, Notes& assumed)
      : resources_(resources), region_(std::move(region)), file_(std::move(plan_file)), assumed_(assumed) {}

  Json run() {
    for (const auto& r : resources_) {
      if (r.type == "aws_launch_template") add("LaunchTemplateVersions", launch_template(r));
      if (r.type == "aws_lb_target_group") target_group(r);
      if (r.type == "aws_ecs_task_definition") add("taskDefinitions", task_definition(r));
      if (r.type == "aws_ecs_cluster") cluster(r);
    }
    for (const auto& r : resources_) {
      if (r.type == "aws_ecs_cluster_capacity_providers") cluster_capacity_providers(r);
      if (r.type == "aws_autoscaling_group") add("AutoScalingGroups", group(r));
    }
    for (const auto& r : resources_) {
      if (r.type == "aws_ecs_capacity_provider") add("capacityProviders", capacity_provider(r));
      if (r.type == "aws_ecs_service") add("services", service(r));
      if (r.type == "aws_appautoscaling_target") scalable_target(r);
      if (r.type == "aws_appautoscaling_policy") scaling_policy(r);
    }
    Json out = Json::object();
    for (const char* key : {"AutoScalingGroups", "LaunchTemplateVersions", "capacityProviders", "clusters", "services",
                            "taskDefinitions", "TargetGroups", "TargetGroupAttributes", "ScalableTargets",
                            "ScalingPolicies"})
      if (blocks_.contains(key) && !blocks_[key].empty()) out[key] = blocks_[key];
    return out;
  }

 private:
  void add(const char* key, Json item) { blocks_[key].push_back(std::move(item)); }

  // A name that may be unknown or generated (name_prefix): the resource's own name then.
  std::string name_of(const Resource& r, const char* key = "name") {
    std::string n = str(r.values, key);
    if (n.empty()) {
      n = r.name;
      assumed_.add(r.address + ": " + key + " is not known before apply: named \"" + n + "\" after the resource");
    }
    return n;
  }

  Json launch_template(const Resource& r) {
    const Json& v = r.values;
    Json lt = Json::object();
    copy(v, "id", lt, "LaunchTemplateId", true);
    lt["LaunchTemplateName"] = name_of(r);
    // One version per template: the one the plan describes, the default one (groups are pointed at
    // "$Default" below, whatever version they named: spotsim knows this version's data only).
    const Json* latest = get(v, "latest_version");
    lt["VersionNumber"] = latest != nullptr && latest->is_number_integer() && latest->get<long long>() > 0 ? *latest : Json(1);
    lt["DefaultVersion"] = true;
    Json data = Json::object();
    copy(v, "image_id", data, "ImageId", true);
    copy(v, "instance_type", data, "InstanceType", true);
    copy(v, "user_data", data, "UserData", true);
    lt["LaunchTemplateData"] = std::move(data);
    return lt;
  }

  // A group's launch template reference, resolved to one of the plan's templates.
  Json template_spec(const Resource& r, const std::string& id, const std::string& name) {
    const Json* templates = blocks_.contains("LaunchTemplateVersions") ? &blocks_["LaunchTemplateVersions"] : nullptr;
    const Json* found = nullptr;
    if (templates != nullptr) {
      for (const auto& t : *templates)
        if ((!id.empty() && str(t, "LaunchTemplateId") == id) || (!name.empty() && str(t, "LaunchTemplateName") == name))
          found = &t;
      if (found == nullptr && id.empty() && name.empty() && templates->size() == 1) {
        found = &templates->front();
        assumed_.add(r.address + ": its launch template is not known before apply: took the plan's only one, \"" +
                     str(*found, "LaunchTemplateName") + "\"");
      }
    }
    Json spec = Json::object();
    if (found != nullptr) {
      spec["LaunchTemplateName"] = str(*found, "LaunchTemplateName");
    } else {
      if (!id.empty()) spec["LaunchTemplateId"] = id;
      if (!name.empty()) spec["LaunchTemplateName"] = name;
    }
    spec["Version"] = "$Default";
    return spec;
  }

  Json group(const Resource& r) {
    const Json& v = r.values;
    Json g = Json::object();
    g["AutoScalingGroupName"] = name_of(r);
    copy(v, "arn", g, "AutoScalingGroupARN", true);
    const Json& mixed = block(v, "mixed_instances_policy");
    if (!mixed.empty()) {
      Json policy = Json::object();
      const Json& lt = block(mixed, "launch_template");
      const Json& spec = block(lt, "launch_template_specification");
      Json lt_out = Json::object();
      lt_out["LaunchTemplateSpecification"] =
          template_spec(r, str(spec, "launch_template_id"), str(spec, "launch_template_name"));
      Json overrides = Json::array();
      for (const auto& o : list(lt, "override")) {
        Json item = Json::object();
        copy(o, "instance_type", item, "InstanceType", true);
        copy(o, "weighted_capacity", item, "WeightedCapacity", true);
        if (!item.empty()) overrides.push_back(std::move(item));
      }
      if (!overrides.empty()) lt_out["Overrides"] = std::move(overrides);
      policy["LaunchTemplate"] = std::move(lt_out);
      const Json& d = block(mixed, "instances_distribution");
      Json dist = Json::object();
      copy(d, "on_demand_allocation_strategy", dist, "OnDemandAllocationStrategy", true);
      copy(d, "on_demand_base_capacity", dist, "OnDemandBaseCapacity");
      copy(d, "on_demand_percentage_above_base_capacity", dist, "OnDemandPercentageAboveBaseCapacity");
      copy(d, "spot_allocation_strategy", dist, "SpotAllocationStrategy", true);
      copy(d, "spot_instance_pools", dist, "SpotInstancePools", true);
      copy(d, "spot_max_price", dist, "SpotMaxPrice", true);
      policy["InstancesDistribution"] = std::move(dist);
      g["MixedInstancesPolicy"] = std::move(policy);
    } else {
      const Json& lt = block(v, "launch_template");
      if (!lt.empty()) g["LaunchTemplate"] = template_spec(r, str(lt, "id"), str(lt, "name"));
    }
    copy(v, "min_size", g, "MinSize");
    copy(v, "max_size", g, "MaxSize");
    copy(v, "desired_capacity", g, "DesiredCapacity");
    copy(v, "default_cooldown", g, "DefaultCooldown", true);
    const Json& zones = list(v, "availability_zones");
    if (!zones.empty()) {
      g["AvailabilityZones"] = zones;
    } else {
      // Subnets do not say their zone: one zone per subnet, in the region's first zones.
      const std::size_t n = std::max<std::size_t>(1, std::min<std::size_t>(list(v, "vpc_zone_identifier").size(), 6));
      Json assumed_zones = Json::array();
      for (std::size_t i = 0; i < n; ++i) assumed_zones.push_back(region_ + static_cast<char>('a' + i));
      assumed_.add(r.address + ": Availability Zones " + assumed_zones.dump() + " (" +
                   (list(v, "vpc_zone_identifier").empty() ? std::string("the group names none")
                                                           : "one per subnet of vpc_zone_identifier, whose zones the plan does not show") +
                   ")");
      g["AvailabilityZones"] = std::move(assumed_zones);
    }
    copy(v, "health_check_type", g, "HealthCheckType", true);
    copy(v, "health_check_grace_period", g, "HealthCheckGracePeriod");
    copy(v, "default_instance_warmup", g, "DefaultInstanceWarmup", true);
    if (const Json* p = get(v, "termination_policies"); p != nullptr && p->is_array() && !p->empty())
      g["TerminationPolicies"] = *p;
    copy(v, "protect_from_scale_in", g, "NewInstancesProtectedFromScaleIn");
    copy(v, "capacity_rebalance", g, "CapacityRebalance");
    return g;
  }

  // The group a capacity provider names: its ARN; unknown before apply: the plan's only group.
  std::string group_reference(const Resource& r, const std::string& arn) {
    if (!arn.empty()) return arn;
    const Json* groups = blocks_.contains("AutoScalingGroups") ? &blocks_["AutoScalingGroups"] : nullptr;
    if (groups != nullptr && groups->size() == 1) {
      const std::string name = str(groups->front(), "AutoScalingGroupName");
      assumed_.add(r.address + ": auto_scaling_group_arn is not known before apply: took the plan's only group, \"" +
                   name + "\"");
      return str(groups->front(), "AutoScalingGroupARN").empty() ? name : str(groups->front(), "AutoScalingGroupARN");
    }
    return {};
  }

  Json capacity_provider(const Resource& r) {
    const Json& v = r.values;
    Json cp = Json::object();
    copy(v, "arn", cp, "capacityProviderArn", true);
    cp["name"] = name_of(r);
    cp["status"] = "ACTIVE";
    const Json& p = block(v, "auto_scaling_group_provider");
    Json provider = Json::object();
    if (auto ref = group_reference(r, str(p, "auto_scaling_group_arn")); !ref.empty()) provider["autoScalingGroupArn"] = ref;
    const Json& ms = block(p, "managed_scaling");
    if (!ms.empty()) {
      Json scaling = Json::object();
      copy(ms, "status", scaling, "status", true);
      copy(ms, "target_capacity", scaling, "targetCapacity", true);
      copy(ms, "minimum_scaling_step_size", scaling, "minimumScalingStepSize", true);
      copy(ms, "maximum_scaling_step_size", scaling, "maximumScalingStepSize", true);
      copy(ms, "instance_warmup_period", scaling, "instanceWarmupPeriod");
      provider["managedScaling"] = std::move(scaling);
    }
    copy(p, "managed_termination_protection", provider, "managedTerminationProtection", true);
    copy(p, "managed_draining", provider, "managedDraining", true);
    cp["autoScalingGroupProvider"] = std::move(provider);
    return cp;
  }

  Json& cluster_named(const std::string& name) {
    Json& clusters = blocks_["clusters"];
    for (auto& c : clusters)
      if (str(c, "clusterName") == name) return c;
    clusters.push_back(Json{{"clusterName", name}, {"status", "ACTIVE"}});
    return clusters.back();
  }

  void cluster(const Resource& r) {
    Json& c = cluster_named(name_of(r));
    if (auto arn = str(r.values, "arn"); !arn.empty()) c["clusterArn"] = arn;
  }

  void cluster_capacity_providers(const Resource& r) {
    std::string name = str(r.values, "cluster_name");
    if (name.empty() && blocks_["clusters"].size() == 1) {
      name = str(blocks_["clusters"].front(), "clusterName");
      assumed_.add(r.address + ": cluster_name is not known before apply: took the plan's only cluster, \"" + name + "\"");
    }
    if (name.empty()) name = name_of(r, "cluster_name");
    Json& c = cluster_named(name);
    c["capacityProviders"] = list(r.values, "capacity_providers");
    c["defaultCapacityProviderStrategy"] = strategy_items(list(r.values, "default_capacity_provider_strategy"));
  }

  // "arn:…:task-definition/family:3" -> "family:3".
  static std::string family_revision(const std::string& ref) {
    const auto slash = ref.rfind('/');
    return ref.rfind("arn:", 0) == 0 && slash != std::string::npos ? ref.substr(slash + 1) : ref;
  }

  // The task definition a service names, resolved among the plan's: an exact ARN or family:revision
  // stays; otherwise the family (its latest revision, the one this plan describes).
  std::string task_definition_reference(const Resource& r, const std::string& given) {
    const Json* tds = blocks_.contains("taskDefinitions") ? &blocks_["taskDefinitions"] : nullptr;
    if (tds == nullptr) return given;
    const std::string fr = family_revision(given), family = fr.substr(0, fr.find(':'));
    for (const auto& td : *tds) {
      const std::string own = str(td, "family") + ":" + std::to_string(td.value("revision", 0));
      if (!given.empty() && (str(td, "taskDefinitionArn") == given || own == fr)) return given;
    }
    for (const auto& td : *tds)
      if (!family.empty() && str(td, "family") == family) return family;
    if (given.empty() && tds->size() == 1) {
      assumed_.add(r.address + ": task_definition is not known before apply: took the plan's only task definition, \"" +
                   str(tds->front(), "family") + "\"");
      return str(tds->front(), "family");
    }
    return given;
  }

  Json service(const Resource& r) {
    const Json& v = r.values;
    Json s = Json::object();
    s["serviceName"] = name_of(r);
    std::string cluster = str(v, "cluster");
    if (cluster.empty() && blocks_["clusters"].size() == 1) {
      cluster = str(blocks_["clusters"].front(), "clusterName");
      assumed_.add(r.address + ": cluster is not known before apply: took the plan's only cluster, \"" + cluster + "\"");
    }
    if (!cluster.empty()) s[cluster.rfind("arn:", 0) == 0 ? "clusterArn" : "cluster"] = cluster;
    Json lbs = Json::array();
    for (const auto& lb : list(v, "load_balancer")) {
      Json item = Json::object();
      std::string arn = str(lb, "target_group_arn");
      if (!arn.empty()) {
        item["targetGroupArn"] = arn;
      } else if (blocks_["TargetGroups"].size() == 1) {
        item["targetGroupName"] = str(blocks_["TargetGroups"].front(), "TargetGroupName");
        assumed_.add(r.address + ": load_balancer target_group_arn is not known before apply: took the plan's only "
                     "target group");
      }
      copy(lb, "container_name", item, "containerName");
      copy(lb, "container_port", item, "containerPort");
      lbs.push_back(std::move(item));
    }
    if (!lbs.empty()) s["loadBalancers"] = std::move(lbs);
    copy(v, "desired_count", s, "desiredCount");
    const Json& strategy = list(v, "capacity_provider_strategy");
    if (!strategy.empty())
      s["capacityProviderStrategy"] = strategy_items(strategy);
    else
      copy(v, "launch_type", s, "launchType", true);
    if (auto td = task_definition_reference(r, str(v, "task_definition")); !td.empty()) s["taskDefinition"] = td;
    Json deployment = Json::object();
    copy(v, "deployment_maximum_percent", deployment, "maximumPercent");
    copy(v, "deployment_minimum_healthy_percent", deployment, "minimumHealthyPercent");
    const Json& breaker = block(v, "deployment_circuit_breaker");
    if (!breaker.empty()) {
      Json b = Json::object();
      copy(breaker, "enable", b, "enable");
      copy(breaker, "rollback", b, "rollback");
      deployment["deploymentCircuitBreaker"] = std::move(b);
    }
    if (!deployment.empty()) s["deploymentConfiguration"] = std::move(deployment);
    const Json& controller = block(v, "deployment_controller");
    if (!str(controller, "type").empty()) s["deploymentController"] = Json{{"type", str(controller, "type")}};
    Json constraints = Json::array();
    for (const auto& c : list(v, "placement_constraints")) {
      Json item = Json::object();
      copy(c, "type", item, "type");
      copy(c, "expression", item, "expression", true);
      constraints.push_back(std::move(item));
    }
    if (!constraints.empty()) s["placementConstraints"] = std::move(constraints);
    Json placement = Json::array();
    for (const auto& p : list(v, "ordered_placement_strategy")) {
      Json item = Json::object();
      copy(p, "type", item, "type");
      copy(p, "field", item, "field", true);
      placement.push_back(std::move(item));
    }
    if (!placement.empty()) s["placementStrategy"] = std::move(placement);
    copy(v, "health_check_grace_period_seconds", s, "healthCheckGracePeriodSeconds");
    copy(v, "scheduling_strategy", s, "schedulingStrategy", true);
    return s;
  }

  Json task_definition(const Resource& r) {
    const Json& v = r.values;
    Json td = Json::object();
    copy(v, "arn", td, "taskDefinitionArn", true);
    td["family"] = name_of(r, "family");
    const Json* revision = get(v, "revision");
    td["revision"] = revision != nullptr && revision->is_number_integer() ? *revision : Json(1);
    copy(v, "requires_compatibilities", td, "requiresCompatibilities");
    copy(v, "network_mode", td, "networkMode", true);
    copy(v, "cpu", td, "cpu", true);
    copy(v, "memory", td, "memory", true);
    copy(v, "execution_role_arn", td, "executionRoleArn", true);
    copy(v, "task_role_arn", td, "taskRoleArn", true);
    // container_definitions is the JSON text of the containers, in the API's own field names.
    const std::string text = str(v, "container_definitions");
    if (text.empty())
      throw InputError(file_, r.pointer + "/values/container_definitions",
                       "expected the task's container definitions (a JSON string), found none");
    try {
      Json containers = Json::parse(text);
      if (!containers.is_array()) throw std::runtime_error("not an array");
      td["containerDefinitions"] = std::move(containers);
    } catch (const std::exception&) {
      throw InputError(file_, r.pointer + "/values/container_definitions",
                       "expected a JSON array of container definitions in the string, found text that is not one");
    }
    return td;
  }

  void target_group(const Resource& r) {
    const Json& v = r.values;
    Json tg = Json::object();
    copy(v, "arn", tg, "TargetGroupArn", true);
    const std::string name = name_of(r);
    tg["TargetGroupName"] = name;
    copy(v, "protocol", tg, "Protocol", true);
    copy(v, "port", tg, "Port");
    copy(v, "vpc_id", tg, "VpcId", true);
    const Json& hc = block(v, "health_check");
    copy(hc, "protocol", tg, "HealthCheckProtocol", true);
    copy(hc, "port", tg, "HealthCheckPort", true);
    copy(hc, "enabled", tg, "HealthCheckEnabled");
    copy(hc, "interval", tg, "HealthCheckIntervalSeconds", true);
    copy(hc, "timeout", tg, "HealthCheckTimeoutSeconds", true);
    copy(hc, "healthy_threshold", tg, "HealthyThresholdCount", true);
    copy(hc, "unhealthy_threshold", tg, "UnhealthyThresholdCount", true);
    copy(hc, "path", tg, "HealthCheckPath", true);
    if (auto m = str(hc, "matcher"); !m.empty()) tg["Matcher"] = Json{{"HttpCode", m}};
    copy(v, "target_type", tg, "TargetType", true);
    copy(v, "protocol_version", tg, "ProtocolVersion", true);
    blocks_["TargetGroups"].push_back(std::move(tg));

    Json attributes = Json::array();
    const auto attribute = [&](const char* key, const char* from) {
      const Json* value = get(v, from);
      if (value == nullptr || (value->is_string() && value->get<std::string>().empty())) return;
      attributes.push_back(Json{{"Key", key}, {"Value", value->is_string() ? value->get<std::string>() : value->dump()}});
    };
    attribute("deregistration_delay.timeout_seconds", "deregistration_delay");
    attribute("slow_start.duration_seconds", "slow_start");
    attribute("load_balancing.algorithm.type", "load_balancing_algorithm_type");
    if (!attributes.empty()) blocks_["TargetGroupAttributes"][name] = std::move(attributes);
  }

  void scalable_target(const Resource& r) {
    const Json& v = r.values;
    if (str(v, "service_namespace") != "ecs") {
      assumed_.add(r.address + ": left out: spotsim scales ECS services only (service_namespace \"" +
                   str(v, "service_namespace") + "\")");
      return;
    }
    Json t = Json::object();
    copy(v, "service_namespace", t, "ServiceNamespace");
    copy(v, "resource_id", t, "ResourceId");
    copy(v, "scalable_dimension", t, "ScalableDimension");
    copy(v, "min_capacity", t, "MinCapacity");
    copy(v, "max_capacity", t, "MaxCapacity");
    add("ScalableTargets", std::move(t));
  }

  void scaling_policy(const Resource& r) {
    const Json& v = r.values;
    if (str(v, "service_namespace") != "ecs") {
      assumed_.add(r.address + ": left out: spotsim scales ECS services only (service_namespace \"" +
                   str(v, "service_namespace") + "\")");
      return;
    }
    Json p = Json::object();
    p["PolicyName"] = name_of(r);
    copy(v, "service_namespace", p, "ServiceNamespace");
    copy(v, "resource_id", p, "ResourceId");
    copy(v, "scalable_dimension", p, "ScalableDimension");
    // The provider's default policy_type is StepScaling.
    const std::string type = str(v, "policy_type").empty() ? "StepScaling" : str(v, "policy_type");
    p["PolicyType"] = type;
    const Json& tt = block(v, "target_tracking_scaling_policy_configuration");
    if (!tt.empty()) {
      Json c = Json::object();
      copy(tt, "target_value", c, "TargetValue");
      const Json& predefined = block(tt, "predefined_metric_specification");
      if (!predefined.empty()) {
        Json m = Json::object();
        copy(predefined, "predefined_metric_type", m, "PredefinedMetricType");
        copy(predefined, "resource_label", m, "ResourceLabel", true);
        c["PredefinedMetricSpecification"] = std::move(m);
      }
      if (!block(tt, "customized_metric_specification").empty())
        c["CustomizedMetricSpecification"] = Json::object();  // the loader says it is not supported
      copy(tt, "scale_out_cooldown", c, "ScaleOutCooldown");
      copy(tt, "scale_in_cooldown", c, "ScaleInCooldown");
      copy(tt, "disable_scale_in", c, "DisableScaleIn");
      p["TargetTrackingScalingPolicyConfiguration"] = std::move(c);
    }
    const Json& step = block(v, "step_scaling_policy_configuration");
    if (!step.empty()) {
      Json c = Json::object();
      copy(step, "adjustment_type", c, "AdjustmentType", true);
      copy(step, "cooldown", c, "Cooldown");
      copy(step, "metric_aggregation_type", c, "MetricAggregationType", true);
      copy(step, "min_adjustment_magnitude", c, "MinAdjustmentMagnitude", true);
      Json steps = Json::array();
      for (const auto& s : list(step, "step_adjustment")) {
        Json item = Json::object();
        if (auto lo = str(s, "metric_interval_lower_bound"); !lo.empty()) item["MetricIntervalLowerBound"] = number_of(lo);
        if (auto hi = str(s, "metric_interval_upper_bound"); !hi.empty()) item["MetricIntervalUpperBound"] = number_of(hi);
        copy(s, "scaling_adjustment", item, "ScalingAdjustment");
        steps.push_back(std::move(item));
      }
      c["StepAdjustments"] = std::move(steps);
      p["StepScalingPolicyConfiguration"] = std::move(c);
    }
    add("ScalingPolicies", std::move(p));
  }

  const std::vector<Resource>& resources_;
  std::string region_, file_;
  Notes& assumed_;
  Json blocks_ = Json::object();
};

}  // namespace

const std::vector<std::string>& supported_types() {
  static const std::vector<std::string> types = {
      "aws_autoscaling_group",   "aws_launch_template",     "aws_ecs_capacity_provider",
      "aws_ecs_cluster",         "aws_ecs_cluster_capacity_providers", "aws_ecs_service",
      "aws_ecs_task_definition", "aws_lb_target_group",     "aws_appautoscaling_target",
      "aws_appautoscaling_policy"};
  return types;
}

void Notes::add(const std::string& s) {
  if (std::find(items.begin(), items.end(), s) == items.end()) items.push_back(s);
}

Json aws_blocks(const std::vector<Resource>& resources, const std::string& region, const std::string& plan_file,
                Notes& assumed) {
  return Mapper(resources, region, plan_file, assumed).run();
}

}  // namespace spotsim::terraform
