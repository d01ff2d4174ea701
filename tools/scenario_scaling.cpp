// ECS service auto scaling (contract.md "Scenario file"; aws-semantics.md §6): `ScalableTargets` as
// `aws application-autoscaling describe-scalable-targets` prints them, `ScalingPolicies` as
// `describe-scaling-policies` prints them (target tracking and step scaling), the `alarm` block spotsim
// reads beside a step policy (describe-scaling-policies only names its alarms), and spotsim's
// `serviceAutoScaling` block (the §10.4 figures). What RegisterScalableTarget or PutScalingPolicy
// would refuse, and what spotsim does not simulate, are errors at their pointer; unknown AWS fields
// are ignored, unknown fields of spotsim's blocks are errors.
#include <algorithm>
#include <cmath>
#include <limits>

#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

constexpr int kMaxCapacity = 100'000;  // a typo guard, as services' desiredCount
constexpr int kMaxAlarmDatapoints = 1440;  // CloudWatch: EvaluationPeriods × Period up to one day
constexpr double kMaxTargetValue = 1.174271e108;  // TargetTrackingScalingPolicyConfiguration.TargetValue
constexpr double kHuge = std::numeric_limits<double>::max();
constexpr std::string_view kDimension = "ecs:service:DesiredCount";

std::string format_policy_number(double v) {
  std::string s = nlohmann::json(v).dump();
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

// The serviceAutoScaling block: Application Auto Scaling's target-tracking alarms, which AWS does
// not document (SAS-4, SAS-5, §10.4).
void load_settings(const Node& root, ServiceAutoScalingSettings& s) {
  const Node b = root["serviceAutoScaling"];
  if (!b.is_object()) return;
  b.reject_unknown_keys({"highAlarmDatapoints", "lowAlarmDatapoints", "scaleInMargin"});
  if (auto v = b["highAlarmDatapoints"].int32(1, kMaxAlarmDatapoints)) s.high_alarm_datapoints = *v;
  if (auto v = b["lowAlarmDatapoints"].int32(1, kMaxAlarmDatapoints)) s.low_alarm_datapoints = *v;
  const Node margin = b["scaleInMargin"];
  if (auto v = margin.number(0, 1)) {
    if (*v >= 1)
      margin.error("expected a fraction of the target value from 0 to below 1 (0.10: scale in only when the metric "
                   "is more than 10 % below the target, SAS-4), found " + describe_json(*margin.json()));
    else
      s.scale_in_margin = *v;
  }
}

// ServiceNamespace "ecs" and ScalableDimension "ecs:service:DesiredCount": the only scalable
// targets spotsim simulates.
bool check_namespace_and_dimension(const Node& n) {
  bool ok = true;
  const Node ns = n["ServiceNamespace"];
  if (!ns.require()) {
    ok = false;
  } else if (auto v = ns.string(); !v) {
    ok = false;
  } else if (*v != "ecs") {
    ns.error("expected \"ecs\": spotsim scales ECS services only, found \"" + *v + "\"");
    ok = false;
  }
  const Node dim = n["ScalableDimension"];
  if (!dim.require()) {
    ok = false;
  } else if (auto v = dim.string(); !v) {
    ok = false;
  } else if (*v != kDimension) {
    dim.error("expected \"ecs:service:DesiredCount\" (an ECS service's desired count), found \"" + *v + "\"");
    ok = false;
  }
  return ok;
}

// ResourceId "service/<cluster>/<service>": the service's index, or an error at `n`.
std::optional<std::size_t> find_service_resource(const Node& n, const LoadContext& ctx) {
  if (!n.require()) return std::nullopt;
  const auto id = n.nonempty_string();
  if (!id) return std::nullopt;
  const auto& services = ctx.world.services;
  std::vector<std::string> known;
  for (const auto& s : services)
    if (!s.name.empty() && !s.cluster.empty()) known.push_back("service/" + s.cluster + "/" + s.name);
  const std::size_t first = id->find('/'), second = id->find('/', first == std::string::npos ? 0 : first + 1);
  if (id->rfind("service/", 0) != 0 || second == std::string::npos || second == first + 1 ||
      id->find('/', second + 1) != std::string::npos || second + 1 == id->size()) {
    n.error("expected \"service/<clusterName>/<serviceName>\", found \"" + *id + "\"");
    return std::nullopt;
  }
  const std::string cluster = id->substr(first + 1, second - first - 1), name = id->substr(second + 1);
  for (std::size_t i = 0; i < services.size(); ++i)
    if (services[i].name == name && services[i].cluster == cluster) return i;
  n.error("no service \"" + name + "\" in cluster \"" + cluster + "\" among services (expected " + quoted_names(known) + ")");
  return std::nullopt;
}

std::optional<std::size_t> find_target_group(const std::string& name, const WorldConfig& w) {
  for (std::size_t i = 0; i < w.target_groups.size(); ++i)
    if (w.target_groups[i].name == name) return i;
  return std::nullopt;
}

std::string quoted_target_group_names(const WorldConfig& w) {
  std::vector<std::string> names;
  for (const auto& g : w.target_groups) names.push_back(g.name);
  return quoted_names(names);
}

// A target group a policy or alarm measures: one of the scenario's, and (a warning otherwise) one the
// service registers with, since only then does its per-target count follow the service's size.
std::optional<std::size_t> resolve_target_group(const Node& n, const std::string& name, std::size_t service,
                                                const LoadContext& ctx) {
  const auto tg = find_target_group(name, ctx.world);
  if (!tg) {
    n.error("no target group named \"" + name + "\" in TargetGroups (expected " + quoted_target_group_names(ctx.world) + ")");
    return std::nullopt;
  }
  const EcsServiceConfig& s = ctx.world.services[service];
  if (std::find(s.target_groups.begin(), s.target_groups.end(), *tg) == s.target_groups.end())
    n.warning("target group \"" + name + "\" is not among service \"" + s.name + "\"'s loadBalancers: its requests "
              "per target do not follow this service's task count, so scaling on it does not converge");
  return tg;
}

void load_scalable_target(const Node& t, LoadContext& ctx) {
  if (!t.is_object()) return;
  bool ok = check_namespace_and_dimension(t);
  ScalableTargetConfig c;
  const Node resource = t["ResourceId"];
  const auto service = find_service_resource(resource, ctx);
  if (service) {
    c.service = *service;
    const auto& targets = ctx.world.scalable_targets;
    if (std::any_of(targets.begin(), targets.end(), [&](const auto& o) { return o.service == *service; })) {
      resource.error("service \"" + ctx.world.services[*service].name + "\" is registered twice as a scalable target "
                     "(RegisterScalableTarget updates the one registration)");
      ok = false;
    }
  } else {
    ok = false;
  }
  const Node min_n = t["MinCapacity"], max_n = t["MaxCapacity"];
  std::optional<int> lo, hi;
  if (min_n.require()) lo = min_n.int32(0, kMaxCapacity);  // SAS-8: 0 allowed for ECS
  if (max_n.require()) hi = max_n.int32(0, kMaxCapacity);
  if (!lo || !hi) ok = false;
  if (lo && hi && *lo > *hi) {
    min_n.error("MinCapacity " + std::to_string(*lo) + " is greater than MaxCapacity " + std::to_string(*hi) +
                " (RegisterScalableTarget refuses this)");
    ok = false;
  }
  const Node suspended = t["SuspendedState"];
  if (suspended.is_object())
    for (const char* key : {"DynamicScalingInSuspended", "DynamicScalingOutSuspended"})
      if (auto v = suspended[key].boolean(); v && *v) {
        suspended[key].error("suspended dynamic scaling is not supported yet: remove the policies instead, or set "
                             "it to false");
        ok = false;
      }
  if (!ok) return;
  c.min_capacity = *lo;
  c.max_capacity = *hi;
  ctx.world.scalable_targets.push_back(c);
}

// ---- target tracking

// ResourceLabel "app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>" (SAS-1): the target group's name.
std::optional<std::string> label_target_group(const Node& n) {
  const auto label = n.nonempty_string();
  if (!label) return std::nullopt;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = label->find('/', start);
    parts.push_back(label->substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  const bool ok = parts.size() == 6 && parts[0] == "app" && parts[3] == "targetgroup" &&
                  std::none_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); });
  if (!ok) {
    n.error("expected \"app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>\", "
            "found \"" + *label + "\"");
    return std::nullopt;
  }
  return parts[4];
}

std::optional<TargetTrackingPolicy> load_target_tracking(const Node& c, std::size_t service, LoadContext& ctx) {
  if (!c.require() || !c.is_object()) return std::nullopt;
  TargetTrackingPolicy t;
  bool ok = true;
  const Node value = c["TargetValue"];
  if (!value.require()) {
    ok = false;
  } else if (auto v = value.number(0, kMaxTargetValue); !v) {
    ok = false;
  } else if (*v <= 0) {
    value.error("expected a target value above 0, found " + describe_json(*value.json()));
    ok = false;
  } else {
    t.target_value = *v;
  }

  const Node predefined = c["PredefinedMetricSpecification"], custom = c["CustomizedMetricSpecification"];
  if (custom.present()) {
    custom.error("custom metrics (CustomizedMetricSpecification) are not supported: use a "
                 "PredefinedMetricSpecification with ECSServiceAverageCPUUtilization or ALBRequestCountPerTarget");
    ok = false;
  } else if (!predefined.present()) {
    predefined.error("missing required field: expected a PredefinedMetricSpecification (ECSServiceAverageCPUUtilization "
                     "or ALBRequestCountPerTarget)");
    ok = false;
  } else if (predefined.is_object()) {
    const Node type = predefined["PredefinedMetricType"];
    const Node label = predefined["ResourceLabel"];
    const auto name = type.require() ? type.nonempty_string() : std::nullopt;
    if (!name) {
      ok = false;
    } else if (*name == "ECSServiceAverageCPUUtilization") {
      t.metric = ScalingMetric::ecs_service_average_cpu_utilization;
      if (label.present()) {
        label.error("a ResourceLabel is only for ALBRequestCountPerTarget (PutScalingPolicy refuses it here)");
        ok = false;
      }
    } else if (*name == "ALBRequestCountPerTarget") {
      t.metric = ScalingMetric::alb_request_count_per_target;
      if (!label.present()) {
        label.error("missing required field: ALBRequestCountPerTarget needs the target group's ResourceLabel "
                    "\"app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>\"");
        ok = false;
      } else if (auto tg_name = label_target_group(label)) {
        t.target_group = resolve_target_group(label, *tg_name, service, ctx);
        if (!t.target_group) ok = false;
      } else {
        ok = false;
      }
    } else if (name->rfind("ECSServiceAverageMemoryUtilization", 0) == 0) {
      type.error("\"" + *name + "\" is not supported: spotsim does not model memory use (use "
                 "ECSServiceAverageCPUUtilization or ALBRequestCountPerTarget)");
      ok = false;
    } else if (*name == "ECSServiceAverageCPUUtilizationHighResolution") {
      type.error("\"" + *name + "\" is not supported: spotsim publishes 1-minute datapoints (use "
                 "ECSServiceAverageCPUUtilization)");
      ok = false;
    } else {
      type.error("expected \"ECSServiceAverageCPUUtilization\" or \"ALBRequestCountPerTarget\" (the ECS service "
                 "metrics spotsim simulates), found \"" + *name + "\"");
      ok = false;
    }
  } else {
    ok = false;
  }

  // SAS-6: both cooldowns default to 300 s for ECS services.
  if (auto v = c["ScaleOutCooldown"].int32(0, INT32_MAX)) t.scale_out_cooldown = seconds(*v);
  else if (c["ScaleOutCooldown"].present()) ok = false;
  if (auto v = c["ScaleInCooldown"].int32(0, INT32_MAX)) t.scale_in_cooldown = seconds(*v);
  else if (c["ScaleInCooldown"].present()) ok = false;
  if (auto v = c["DisableScaleIn"].boolean()) t.disable_scale_in = *v;
  else if (c["DisableScaleIn"].present()) ok = false;
  if (!ok) return std::nullopt;
  return t;
}

// ---- step scaling

struct StepRead {
  StepAdjustment step;
  std::string pointer;
};

double lower_of(const StepAdjustment& s) { return s.lower.value_or(-std::numeric_limits<double>::infinity()); }
double upper_of(const StepAdjustment& s) { return s.upper.value_or(std::numeric_limits<double>::infinity()); }

// Built piecewise: `"[" + string` trips GCC 12's -Wrestrict false positive.
std::string range_text(const StepAdjustment& s) {
  std::string text = "[";
  text += s.lower ? format_policy_number(*s.lower) : "-infinity";
  text += ", ";
  text += s.upper ? format_policy_number(*s.upper) : "+infinity";
  text += ")";
  return text;
}

// StepAdjustments (SAS-9): bounds relative to the alarm threshold, ranges without overlap or gap,
// at most one without a lower and one without an upper bound, and those where the ranges reach
// below or above the threshold.
std::optional<std::vector<StepAdjustment>> load_steps(const Node& list, AdjustmentType type) {
  if (!list.require()) return std::nullopt;
  const auto items = list.elements();
  if (!list.json()->is_array()) return std::nullopt;
  if (items.empty()) {
    list.error("expected at least one step adjustment, found an empty array");
    return std::nullopt;
  }
  std::vector<StepRead> steps;
  bool ok = true;
  for (const Node& item : items) {
    if (!item.is_object()) {
      ok = false;
      continue;
    }
    StepRead r;
    r.pointer = item.pointer();
    const Node lower = item["MetricIntervalLowerBound"], upper = item["MetricIntervalUpperBound"];
    const Node adjustment = item["ScalingAdjustment"];
    bool item_ok = true;
    if (lower.present()) {
      r.step.lower = lower.number(-kHuge, kHuge);
      item_ok = item_ok && r.step.lower.has_value();
    }
    if (upper.present()) {
      r.step.upper = upper.number(-kHuge, kHuge);
      item_ok = item_ok && r.step.upper.has_value();
    }
    if (adjustment.require()) {
      if (auto v = adjustment.int32(-kMaxCapacity, kMaxCapacity)) {
        r.step.adjustment = *v;
        if (type == AdjustmentType::exact_capacity && *v < 0) {
          adjustment.error("expected a capacity of 0 or more for ExactCapacity, found " + std::to_string(*v));
          item_ok = false;
        }
      } else {
        item_ok = false;
      }
    } else {
      item_ok = false;
    }
    if (item_ok && !lower.present() && !upper.present()) {
      item.error("a step needs MetricIntervalLowerBound or MetricIntervalUpperBound: AWS refuses a step with neither "
                 "bound (aws-semantics.md SAS-9)");
      item_ok = false;
    }
    if (item_ok && r.step.lower && r.step.upper && *r.step.upper <= *r.step.lower) {
      upper.error("MetricIntervalUpperBound " + format_policy_number(*r.step.upper) + " is not above MetricIntervalLowerBound " +
                  format_policy_number(*r.step.lower));
      item_ok = false;
    }
    if (item_ok)
      steps.push_back(std::move(r));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;

  const auto unbounded_twice = [&](bool lower_side) {
    const StepRead* first = nullptr;
    for (const auto& s : steps) {
      const bool unbounded = lower_side ? !s.step.lower : !s.step.upper;
      if (!unbounded) continue;
      if (first != nullptr) {
        list.diagnostics().error(s.pointer, std::string("only one step may have no ") +
                                                (lower_side ? "MetricIntervalLowerBound" : "MetricIntervalUpperBound") +
                                                ", and " + first->pointer + " has none already (aws-semantics.md SAS-9)");
        return true;
      }
      first = &s;
    }
    return false;
  };
  const bool twice_without_lower = unbounded_twice(true);
  const bool twice_without_upper = unbounded_twice(false);
  if (twice_without_lower || twice_without_upper) return std::nullopt;

  std::vector<const StepRead*> sorted;
  for (const auto& s : steps) sorted.push_back(&s);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const StepRead* a, const StepRead* b) { return lower_of(a->step) < lower_of(b->step); });
  for (std::size_t k = 1; k < sorted.size(); ++k) {
    const StepRead& a = *sorted[k - 1];
    const StepRead& b = *sorted[k];
    const double end = upper_of(a.step), begin = lower_of(b.step);
    if (end == begin) continue;
    const std::string what = end > begin ? "overlap" : "leave a gap";
    list.diagnostics().error(b.pointer, "steps " + range_text(a.step) + " (" + a.pointer + ") and " +
                                            range_text(b.step) + " " + what + ": step ranges may not overlap or leave "
                                            "gaps (aws-semantics.md SAS-9)");
    return std::nullopt;
  }
  // AWS: "If one step adjustment has a negative lower bound, then there must be a step adjustment
  // with a null lower bound", and likewise above.
  const StepRead& lowest = *sorted.front();
  const StepRead& highest = *sorted.back();
  if (lowest.step.lower && *lowest.step.lower < 0) {
    list.diagnostics().error(lowest.pointer, "this step's lower bound " + format_policy_number(*lowest.step.lower) +
                                                 " is negative, so a step without MetricIntervalLowerBound must follow "
                                                 "below it (AWS refuses the policy otherwise)");
    return std::nullopt;
  }
  if (highest.step.upper && *highest.step.upper > 0) {
    list.diagnostics().error(highest.pointer, "this step's upper bound " + format_policy_number(*highest.step.upper) +
                                                  " is positive, so a step without MetricIntervalUpperBound must "
                                                  "follow above it (AWS refuses the policy otherwise)");
    return std::nullopt;
  }
  std::vector<StepAdjustment> out;
  for (const auto& s : steps) out.push_back(s.step);
  return out;
}

std::optional<ComparisonOperator> load_comparison(const Node& n) {
  const auto v = n.one_of({"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                           "LessThanOrEqualToThreshold"});
  if (!v) return std::nullopt;
  if (*v == "GreaterThanOrEqualToThreshold") return ComparisonOperator::greater_than_or_equal;
  if (*v == "GreaterThanThreshold") return ComparisonOperator::greater_than;
  if (*v == "LessThanThreshold") return ComparisonOperator::less_than;
  return ComparisonOperator::less_than_or_equal;
}

const char* comparison_name(ComparisonOperator c) {
  switch (c) {
    case ComparisonOperator::greater_than_or_equal: return "GreaterThanOrEqualToThreshold";
    case ComparisonOperator::greater_than: return "GreaterThanThreshold";
    case ComparisonOperator::less_than: return "LessThanThreshold";
    case ComparisonOperator::less_than_or_equal: return "LessThanOrEqualToThreshold";
  }
  return "GreaterThanOrEqualToThreshold";
}

// The alarm's Dimensions, as describe-alarms prints them: ClusterName and ServiceName (CPUUtilization,
// the policy's own service) or TargetGroup "targetgroup/<name>/<id>" and LoadBalancer
// (RequestCountPerTarget).
bool load_alarm_dimensions(const Node& list, StepAlarm& a, std::size_t service, LoadContext& ctx) {
  bool ok = true;
  bool has_target_group = false;
  const EcsServiceConfig& s = ctx.world.services[service];
  const bool cpu = a.metric == ScalingMetric::ecs_service_average_cpu_utilization;
  for (const Node& d : list.elements()) {
    if (!d.is_object()) {
      ok = false;
      continue;
    }
    d.reject_unknown_keys({"Name", "Value"});
    const auto name = d["Name"].require() ? (cpu ? d["Name"].one_of({"ClusterName", "ServiceName"})
                                                 : d["Name"].one_of({"TargetGroup", "LoadBalancer"}))
                                          : std::nullopt;
    const Node value = d["Value"];
    const auto text = value.require() ? value.nonempty_string() : std::nullopt;
    if (!name || !text) {
      ok = false;
      continue;
    }
    if (*name == "ClusterName" || *name == "ServiceName") {
      const std::string& expected = *name == "ClusterName" ? s.cluster : s.name;
      if (*text != expected) {
        value.error("expected \"" + expected + "\", the " + (*name == "ClusterName" ? "cluster" : "name") +
                    " of the service the policy scales (its ResourceId), found \"" + *text + "\"");
        ok = false;
      }
    } else if (*name == "TargetGroup") {
      has_target_group = true;
      const auto slash = text->find('/'), last = text->rfind('/');
      if (text->rfind("targetgroup/", 0) != 0 || slash == last || last == slash + 1) {
        value.error("expected \"targetgroup/<target-group-name>/<target-group-id>\", found \"" + *text + "\"");
        ok = false;
        continue;
      }
      a.target_group = resolve_target_group(value, text->substr(slash + 1, last - slash - 1), service, ctx);
      if (!a.target_group) ok = false;
    } else if (text->rfind("app/", 0) != 0) {  // LoadBalancer: checked for shape, not simulated
      value.error("expected \"app/<load-balancer-name>/<load-balancer-id>\", found \"" + *text + "\"");
      ok = false;
    }
  }
  if (!cpu && !has_target_group && list.json() == nullptr) {
    list.error("missing required field: RequestCountPerTarget needs a TargetGroup dimension, as "
               "[{\"Name\": \"TargetGroup\", \"Value\": \"targetgroup/<target-group-name>/<target-group-id>\"}]");
    ok = false;
  } else if (!cpu && !has_target_group && ok) {
    list.error("expected a TargetGroup dimension (\"targetgroup/<target-group-name>/<target-group-id>\") for "
               "RequestCountPerTarget, found none");
    ok = false;
  }
  return ok;
}

// spotsim's `alarm` beside a step policy: the CloudWatch alarm that triggers it, in the shape
// `aws cloudwatch describe-alarms` prints (1-minute periods only).
std::optional<StepAlarm> load_alarm(const Node& n, std::size_t service, LoadContext& ctx) {
  if (!n.present()) {
    n.error("missing required field: a step scaling policy needs spotsim's \"alarm\" beside it (describe-scaling-"
            "policies only names its alarms), e.g. {\"MetricName\": \"CPUUtilization\", \"Threshold\": 70, "
            "\"ComparisonOperator\": \"GreaterThanOrEqualToThreshold\", \"EvaluationPeriods\": 3}");
    return std::nullopt;
  }
  if (!n.is_object()) return std::nullopt;
  n.reject_unknown_keys({"AlarmName", "MetricName", "Namespace", "Statistic", "Dimensions", "Period", "Threshold",
                         "ComparisonOperator", "EvaluationPeriods", "DatapointsToAlarm"});
  StepAlarm a;
  bool ok = true;
  n["AlarmName"].string();
  const Node metric = n["MetricName"];
  const auto metric_name = metric.require() ? metric.one_of({"CPUUtilization", "RequestCountPerTarget"}) : std::nullopt;
  if (!metric_name) return std::nullopt;  // the rest depends on it
  const bool cpu = *metric_name == "CPUUtilization";
  a.metric = cpu ? ScalingMetric::ecs_service_average_cpu_utilization : ScalingMetric::alb_request_count_per_target;
  const Node ns = n["Namespace"];
  const char* expected_ns = cpu ? "AWS/ECS" : "AWS/ApplicationELB";
  if (auto v = ns.string(); v && *v != expected_ns) {
    ns.error("expected \"" + std::string(expected_ns) + "\" for " + *metric_name + ", found \"" + *v + "\"");
    ok = false;
  }
  // The datapoint spotsim publishes: the service's CPU averaged over the minute, requests per target summed.
  const Node statistic = n["Statistic"];
  const char* expected_stat = cpu ? "Average" : "Sum";
  if (auto v = statistic.string(); v && *v != expected_stat) {
    statistic.error("expected \"" + std::string(expected_stat) + "\": spotsim evaluates " + *metric_name + " as its " +
                    (cpu ? "1-minute average" : "sum per minute") + ", found \"" + *v + "\"");
    ok = false;
  }
  if (!load_alarm_dimensions(n["Dimensions"], a, service, ctx)) ok = false;
  const Node period = n["Period"];
  if (auto v = period.int32(INT32_MIN, INT32_MAX); v && *v != 60) {
    period.error("expected 60: spotsim's metrics have 1-minute datapoints, found " + std::to_string(*v));
    ok = false;
  }
  const Node threshold = n["Threshold"];
  if (threshold.require()) {
    if (auto v = threshold.number(-kHuge, kHuge))
      a.threshold = *v;
    else
      ok = false;
  } else {
    ok = false;
  }
  const Node comparison = n["ComparisonOperator"];
  if (comparison.require()) {
    if (auto v = load_comparison(comparison))
      a.comparison = *v;
    else
      ok = false;
  } else {
    ok = false;
  }
  const Node periods = n["EvaluationPeriods"], datapoints = n["DatapointsToAlarm"];
  if (auto v = periods.int32(1, kMaxAlarmDatapoints))
    a.evaluation_periods = *v;
  else if (periods.present())
    ok = false;
  a.datapoints_to_alarm = a.evaluation_periods;  // CloudWatch: absent, all of the evaluation periods
  if (auto v = datapoints.int32(1, kMaxAlarmDatapoints)) {
    if (*v > a.evaluation_periods) {
      datapoints.error("DatapointsToAlarm " + std::to_string(*v) + " is more than EvaluationPeriods " +
                       std::to_string(a.evaluation_periods) + " (CloudWatch refuses this)");
      ok = false;
    } else {
      a.datapoints_to_alarm = *v;
    }
  } else if (datapoints.present()) {
    ok = false;
  }
  if (!ok) return std::nullopt;
  return a;
}

// Steps apply to the metric's distance from the threshold while the alarm is in ALARM: above it for
// the Greater operators, below it for the Less ones. Ranges on the other side never apply, and a
// breach no step covers scales nothing.
void warn_step_coverage(const Node& list, const StepScalingPolicy& p) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : p.steps) {
    lo = std::min(lo, lower_of(s));
    hi = std::max(hi, upper_of(s));
  }
  const bool above = p.alarm.comparison == ComparisonOperator::greater_than ||
                     p.alarm.comparison == ComparisonOperator::greater_than_or_equal;
  const std::string op = comparison_name(p.alarm.comparison);
  if (above && hi <= 0)
    list.warning("the alarm fires above its threshold (" + op + "), but every step lies below it: the policy never "
                 "scales (bounds are relative to the threshold, aws-semantics.md SAS-9)");
  else if (above && lo > 0)
    list.warning("the alarm fires above its threshold (" + op + "), but no step covers the first " + format_policy_number(lo) +
                 " above it: such breaches scale nothing (bounds are relative to the threshold, aws-semantics.md SAS-9)");
  else if (!above && lo >= 0)
    list.warning("the alarm fires below its threshold (" + op + "), but every step lies above it: the policy never "
                 "scales (bounds are relative to the threshold, aws-semantics.md SAS-9)");
  else if (!above && hi < 0)
    list.warning("the alarm fires below its threshold (" + op + "), but no step covers the first " + format_policy_number(-hi) +
                 " below it: such breaches scale nothing (bounds are relative to the threshold, aws-semantics.md SAS-9)");
}

std::optional<StepScalingPolicy> load_step_scaling(const Node& policy, const Node& c, std::size_t service,
                                                   LoadContext& ctx) {
  const auto alarm = load_alarm(policy["alarm"], service, ctx);
  if (!c.require() || !c.is_object()) return std::nullopt;
  StepScalingPolicy p;
  bool ok = alarm.has_value();
  if (alarm) p.alarm = *alarm;
  const Node type = c["AdjustmentType"];
  std::optional<std::string> type_name;
  if (type.require()) type_name = type.one_of({"ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"});
  if (!type_name) return std::nullopt;  // the steps' checks depend on it
  p.adjustment_type = *type_name == "ChangeInCapacity"  ? AdjustmentType::change_in_capacity
                      : *type_name == "ExactCapacity"   ? AdjustmentType::exact_capacity
                                                        : AdjustmentType::percent_change_in_capacity;
  const Node list = c["StepAdjustments"];
  if (auto steps = load_steps(list, p.adjustment_type))
    p.steps = std::move(*steps);
  else
    ok = false;
  // SAS-6: Cooldown defaults to 300 s.
  if (auto v = c["Cooldown"].int32(0, INT32_MAX)) p.cooldown = seconds(*v);
  else if (c["Cooldown"].present()) ok = false;
  if (auto v = c["MetricAggregationType"].one_of({"Average", "Minimum", "Maximum"}))
    p.aggregation = *v == "Average" ? MetricAggregation::average
                    : *v == "Minimum" ? MetricAggregation::minimum
                                      : MetricAggregation::maximum;
  else if (c["MetricAggregationType"].present())
    ok = false;
  const Node magnitude = c["MinAdjustmentMagnitude"];
  if (magnitude.present()) {
    if (p.adjustment_type != AdjustmentType::percent_change_in_capacity) {
      magnitude.error("MinAdjustmentMagnitude is only for AdjustmentType PercentChangeInCapacity (found " + *type_name +
                      ")");
      ok = false;
    } else if (auto v = magnitude.int32(1, kMaxCapacity)) {
      p.min_adjustment_magnitude = *v;
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  warn_step_coverage(list, p);
  return p;
}

void load_policy(const Node& p, std::vector<std::string>& pointers, LoadContext& ctx) {
  if (!p.is_object()) return;
  bool ok = check_namespace_and_dimension(p);
  ScalingPolicyConfig c;
  const Node name = p["PolicyName"];
  if (name.require()) c.name = name.nonempty_string().value_or("");
  if (c.name.empty()) ok = false;

  // The policy's service, then its registration (PutScalingPolicy needs RegisterScalableTarget first).
  const Node resource = p["ResourceId"];
  const auto service = find_service_resource(resource, ctx);
  std::optional<std::size_t> target;
  if (service) {
    const auto& targets = ctx.world.scalable_targets;
    const auto it = std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.service == *service; });
    if (it != targets.end()) {
      target = static_cast<std::size_t>(it - targets.begin());
    } else {
      resource.error("no ScalableTargets entry registers \"" + resource.json()->get<std::string>() +
                     "\": Application Auto Scaling needs the scalable target (RegisterScalableTarget) before "
                     "PutScalingPolicy");
    }
  }
  if (!target) ok = false;
  if (target && !c.name.empty())
    for (std::size_t k = 0; k < ctx.world.scaling_policies.size(); ++k)
      if (ctx.world.scaling_policies[k].target == *target && ctx.world.scaling_policies[k].name == c.name) {
        name.error("two scaling policies of " + resource.json()->get<std::string>() + " are named \"" + c.name +
                   "\" (also " + pointers[k] + ")");
        ok = false;
      }

  const Node type = p["PolicyType"];
  std::optional<std::string> policy_type;
  if (type.require()) policy_type = type.one_of({"TargetTrackingScaling", "StepScaling", "PredictiveScaling"});
  if (policy_type && *policy_type == "PredictiveScaling") {
    type.error("predictive scaling is not supported: use TargetTrackingScaling or StepScaling");
    return;
  }
  if (!policy_type || !service) return;  // the configuration's checks need both
  if (*policy_type == "TargetTrackingScaling") {
    if (p["alarm"].present())
      p["alarm"].error("\"alarm\" is for StepScaling policies: target tracking creates and manages its own alarms "
                       "(see the serviceAutoScaling block)");
    c.target_tracking = load_target_tracking(p["TargetTrackingScalingPolicyConfiguration"], *service, ctx);
    if (!c.target_tracking) ok = false;
  } else {
    c.step_scaling = load_step_scaling(p, p["StepScalingPolicyConfiguration"], *service, ctx);
    if (!c.step_scaling) ok = false;
  }
  if (!ok) return;
  c.target = *target;
  ctx.world.scaling_policies.push_back(std::move(c));
  pointers.push_back(p.pointer());
}

}  // namespace

void load_service_autoscaling(const Node& root, LoadContext& ctx) {
  load_settings(root, ctx.world.service_autoscaling);
  for (const Node& t : root["ScalableTargets"].elements()) load_scalable_target(t, ctx);
  std::vector<std::string> pointers;  // parallel to world.scaling_policies
  for (const Node& p : root["ScalingPolicies"].elements()) load_policy(p, pointers, ctx);
}

// Every default written where the user would have written it (scenario.json reruns the same). Runs
// on a scenario without errors, so every ScalingPolicies entry has its world.scaling_policies entry.
void resolve_service_autoscaling(nlohmann::json& r, const WorldConfig& w) {
  const auto fill = [](nlohmann::json& object, const char* key, nlohmann::json value) {
    if (!object.contains(key)) object[key] = std::move(value);
  };
  if (r.contains("ScalingPolicies") && r["ScalingPolicies"].is_array()) {
    auto& list = r["ScalingPolicies"];
    for (std::size_t i = 0; i < list.size() && i < w.scaling_policies.size(); ++i) {
      const ScalingPolicyConfig& p = w.scaling_policies[i];
      auto& policy = list[i];
      if (p.target_tracking) {
        auto& c = policy["TargetTrackingScalingPolicyConfiguration"];
        fill(c, "ScaleOutCooldown", p.target_tracking->scale_out_cooldown / 1000);
        fill(c, "ScaleInCooldown", p.target_tracking->scale_in_cooldown / 1000);
        fill(c, "DisableScaleIn", p.target_tracking->disable_scale_in);
      } else if (p.step_scaling) {
        auto& c = policy["StepScalingPolicyConfiguration"];
        static constexpr const char* aggregations[] = {"Average", "Minimum", "Maximum"};
        fill(c, "Cooldown", p.step_scaling->cooldown / 1000);
        fill(c, "MetricAggregationType", aggregations[static_cast<int>(p.step_scaling->aggregation)]);
        auto& alarm = policy["alarm"];
        fill(alarm, "Period", 60);
        fill(alarm, "EvaluationPeriods", p.step_scaling->alarm.evaluation_periods);
        fill(alarm, "DatapointsToAlarm", p.step_scaling->alarm.datapoints_to_alarm);
      }
    }
  }
  if (!w.scalable_targets.empty() || r.contains("serviceAutoScaling")) {
    auto& block = r["serviceAutoScaling"];
    if (!block.is_object()) block = nlohmann::json::object();
    fill(block, "highAlarmDatapoints", w.service_autoscaling.high_alarm_datapoints);
    fill(block, "lowAlarmDatapoints", w.service_autoscaling.low_alarm_datapoints);
    fill(block, "scaleInMargin", w.service_autoscaling.scale_in_margin);
  }
}

}  // namespace spotsim
