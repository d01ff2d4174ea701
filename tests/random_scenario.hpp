#pragma once
// Random valid scenarios for the property test (tests/test_random_scenarios.cpp; issue 8,
// "Invariants under random scenarios"). generate_random_scenario(seed) draws, from one pcg32 stream
// seeded with `seed`, a scenario file as a user writes it — Auto Scaling groups with a random mixed
// instances split and spot allocation strategy over catalog types, capacity providers with or
// without managed scaling and termination protection, an ECS service with random placement,
// deployment settings and health checks, a target group, service auto scaling (target tracking on
// CPU or requests per target, step scaling), traffic (constant, synthetic or a CSV trace), a spot
// market (fixed or CSV-traced prices; no, advisor or hazard interruptions), deployments, instance
// refreshes and scheduled actions — plus what the test needs to check the run independently: each
// pool's spot price steps, each type's On-Demand price, each task definition's reservation, the
// offered load's integral when it is known in closed form.
//
// Header-only: tests/CMakeLists.txt globs test_*.cpp, and the generator serves one test file.
// Everything lives in spotsim::random_scenario so that the unity build (8 test files a unit) meets
// no name twice.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <pcg_random.hpp>

#include "sim/sim_time.hpp"
#include "tests/tools_test_support.hpp"

namespace spotsim::random_scenario {

using nlohmann::json;

// A price step: `usd` per hour from `at` (ms since the start) until the next step.
struct PriceStep {
  SimTime at = 0;
  double usd = 0;
};

struct TaskReservation {
  int cpu = 0;         // cpu units
  int memory_mib = 0;  // memoryReservation
};

struct GeneratedScenario {
  std::uint64_t seed = 0;
  json doc;
  // Files the scenario names, relative to its folder: (name, contents).
  std::vector<std::pair<std::string, std::string>> files;
  // The independent witnesses.
  std::map<std::string, std::vector<PriceStep>> spot_prices;  // "type/az" -> steps, the first at 0
  std::map<std::string, double> on_demand_prices;             // type -> USD/h
  std::map<std::string, TaskReservation> task_definitions;    // "family:revision" -> what a task reserves
  std::map<std::string, int> reserved_memory_mib;             // group -> ECS_RESERVED_MEMORY
  std::optional<std::vector<PriceStep>> offered_rps;          // the load (scale applied) when known: constant or CSV
  SimTime duration = 0;
  // Run with --mode per-request (a Poisson count of requests, each routed and queued): short and
  // light, as that mode simulates every request.
  bool per_request = false;
  std::string service = "prop-api";
  int service_desired = 0;                    // desiredCount at the start
  std::optional<std::pair<int, int>> service_bounds;  // ScalableTarget [MinCapacity, MaxCapacity]
};

// One pcg32 stream and the few draws the generator needs (pcg32's own bounded draw: the same numbers
// on every platform, unlike std::uniform_int_distribution).
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed, 0x5eed5eedULL) {}
  int between(int lo, int hi) {  // [lo, hi]
    return lo + static_cast<int>(rng_(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * std::ldexp(static_cast<double>(rng_()), -32); }
  // Rounded to `decimals`, so the JSON stays readable.
  double rounded(double lo, double hi, int decimals) {
    const double f = std::pow(10.0, decimals);
    return std::round(uniform(lo, hi) * f) / f;
  }
  bool chance(double p) { return uniform(0, 1) < p; }
  template <class T>
  const T& pick(const std::vector<T>& options) {
    return options[static_cast<std::size_t>(between(0, static_cast<int>(options.size()) - 1))];
  }
  std::string pick_str(const std::vector<std::string>& options) { return pick(options); }
  int pick_int(const std::vector<int>& options) { return pick(options); }

 private:
  pcg32 rng_;
};

inline std::string two_digits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// "2024-02-05T..." of `ms` after the scenarios' start, 2024-02-05T00:00:00Z (whole seconds; runs last
// at most 2 days, so the date only moves within February).
inline std::string start_plus(SimTime ms) {
  const std::int64_t s = ms / 1000;
  const int day = 5 + static_cast<int>(s / 86400);
  const int h = static_cast<int>(s % 86400 / 3600), m = static_cast<int>(s % 3600 / 60), sec = static_cast<int>(s % 60);
  return "2024-02-" + two_digits(day) + "T" + two_digits(h) + ":" + two_digits(m) + ":" + two_digits(sec) + "Z";
}

inline std::string duration_text(SimTime ms) { return std::to_string(ms / 1000) + "s"; }

inline GeneratedScenario generate_random_scenario(std::uint64_t seed) {
  Draw d(seed);
  GeneratedScenario g;
  g.seed = seed;
  const std::string acct = "123456789012";
  const std::string region = d.pick_str({"eu-west-1", "us-east-1"});
  const std::string arn = "arn:aws:ecs:" + region + ":" + acct + ":";
  g.duration = hours(d.pick_int({2, 3, 6, 6, 12, 24, 48}));
  g.per_request = d.chance(0.03);
  if (g.per_request) g.duration = hours(1);

  json s = {{"spotsim", 1},
            {"name", "prop-" + std::to_string(seed)},
            {"region", region},
            {"start", "2024-02-05T00:00:00Z"},
            {"duration", duration_text(g.duration)},
            {"seed", d.between(0, 1 << 30)}};

  // ---- the instance types, their prices (On-Demand given explicitly: the witness knows them)
  const std::vector<std::string> types = {"m5.large", "c5.large",  "m5.xlarge", "r5.large",
                                          "m6i.large", "c6i.large", "t3.large",  "c5a.large"};
  const std::vector<std::string> zones_all = {region + "a", region + "b", region + "c"};

  // ---- the groups, each with its launch template and capacity provider
  const int group_count = d.chance(0.25) ? 2 : 1;
  json groups = json::array(), templates = json::array(), providers = json::array(), strategy = json::array();
  std::vector<std::string> pools;  // "type/az" of every pool a group may run spot in
  std::vector<std::string> used_types;
  bool any_termination_protection = false;
  for (int gi = 0; gi < group_count; ++gi) {
    const std::string name = "prop-asg-" + std::to_string(gi), lt = "prop-lt-" + std::to_string(gi);
    std::vector<std::string> my_types = types;
    for (std::size_t i = my_types.size(); i > 1; --i)  // Fisher-Yates, then the first 1-3
      std::swap(my_types[i - 1], my_types[static_cast<std::size_t>(d.between(0, static_cast<int>(i) - 1))]);
    my_types.resize(static_cast<std::size_t>(d.between(1, 3)));
    std::vector<std::string> zones(zones_all.begin(), zones_all.begin() + d.between(1, 3));
    const int min = d.between(0, 2), max = min + d.between(1, 8), desired = d.between(min, max);
    const bool mixed = d.chance(0.9);
    json group = {{"AutoScalingGroupName", name},
                  {"AutoScalingGroupARN", "arn:aws:autoscaling:" + region + ":" + acct +
                                              ":autoScalingGroup:0000:autoScalingGroupName/" + name},
                  {"MinSize", min},
                  {"MaxSize", max},
                  {"DesiredCapacity", desired},
                  {"AvailabilityZones", zones},
                  {"HealthCheckGracePeriod", d.pick_int({0, 60, 300})}};
    if (mixed) {
      json overrides = json::array();
      for (const auto& t : my_types) overrides.push_back({{"InstanceType", t}});
      const std::string strategy_name = d.pick_str(
          {"lowest-price", "capacity-optimized", "capacity-optimized-prioritized", "price-capacity-optimized"});
      json dist = {{"OnDemandBaseCapacity", d.pick_int({0, 0, 1, 2})},
                   {"OnDemandPercentageAboveBaseCapacity", d.pick_int({0, 0, 10, 25, 50, 75, 100})},
                   {"SpotAllocationStrategy", strategy_name},
                   {"OnDemandAllocationStrategy", d.pick_str({"prioritized", "lowest-price"})}};
      if (strategy_name == "lowest-price") dist["SpotInstancePools"] = d.between(1, 3);
      group["MixedInstancesPolicy"] = {
          {"LaunchTemplate",
           {{"LaunchTemplateSpecification", {{"LaunchTemplateName", lt}, {"Version", "$Default"}}},
            {"Overrides", overrides}}},
          {"InstancesDistribution", dist}};
      for (const auto& t : my_types)
        for (const auto& z : zones)
          if (std::find(pools.begin(), pools.end(), t + "/" + z) == pools.end()) pools.push_back(t + "/" + z);
    } else {
      my_types.resize(1);
      group["LaunchTemplate"] = {{"LaunchTemplateName", lt}, {"Version", "$Default"}};
    }
    for (const auto& t : my_types)
      if (std::find(used_types.begin(), used_types.end(), t) == used_types.end()) used_types.push_back(t);
    if (d.chance(0.3))
      group["TerminationPolicies"] = {d.pick_str({"OldestInstance", "NewestInstance", "AllocationStrategy",
                                                  "ClosestToNextInstanceHour", "OldestLaunchTemplate"}),
                                      "Default"};
    if (d.chance(0.2)) group["AvailabilityZoneDistribution"] = {{"CapacityDistributionStrategy", "balanced-only"}};

    // The agent's settings, in the launch template's user data (§4.1).
    const int reserved = d.pick_int({0, 0, 128, 256});
    g.reserved_memory_mib[name] = reserved;
    std::string user_data = "#!/bin/bash\necho ECS_CLUSTER=prop >> /etc/ecs/ecs.config\n";
    user_data += std::string("echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=") + (d.chance(0.8) ? "true" : "false") +
                 " >> /etc/ecs/ecs.config\n";
    user_data += "echo ECS_CONTAINER_STOP_TIMEOUT=" + d.pick_str({"10s", "30s", "1m", "2m"}) + " >> /etc/ecs/ecs.config\n";
    if (reserved > 0) user_data += "echo ECS_RESERVED_MEMORY=" + std::to_string(reserved) + " >> /etc/ecs/ecs.config\n";
    templates.push_back({{"LaunchTemplateName", lt},
                         {"VersionNumber", 1},
                         {"DefaultVersion", true},
                         {"LaunchTemplateData", {{"InstanceType", my_types.front()}, {"UserData", test::base64(user_data)}}}});

    // Its capacity provider (§1): managed scaling or not; termination protection needs it (CP-12).
    const std::string cp = "prop-cp-" + std::to_string(gi);
    json provider = {{"name", cp}, {"status", "ACTIVE"}, {"autoScalingGroupProvider", {{"autoScalingGroupArn", name}}}};
    json& asgp = provider["autoScalingGroupProvider"];
    if (d.chance(0.75)) {
      const int min_step = d.between(1, 3);
      asgp["managedScaling"] = {{"status", "ENABLED"},
                                {"targetCapacity", d.pick_int({50, 75, 90, 100, 100})},
                                {"minimumScalingStepSize", min_step},
                                {"maximumScalingStepSize", d.chance(0.5) ? 10000 : min_step + d.between(0, 5)},
                                {"instanceWarmupPeriod", d.pick_int({0, 60, 300})}};
      if (d.chance(0.5)) {
        asgp["managedTerminationProtection"] = "ENABLED";
        group["NewInstancesProtectedFromScaleIn"] = true;
        any_termination_protection = true;
      }
    }
    asgp["managedDraining"] = d.chance(0.8) ? "ENABLED" : "DISABLED";
    providers.push_back(provider);
    json item = {{"capacityProvider", cp}, {"weight", d.between(1, 3)}};
    if (gi == 0) item["base"] = d.between(0, 2);
    strategy.push_back(item);
    groups.push_back(group);
  }
  s["AutoScalingGroups"] = groups;
  s["LaunchTemplateVersions"] = templates;
  s["capacityProviders"] = providers;
  s["capacityProviderScaling"] = {{"scaleInMode", d.pick_str({"ratio", "one_per_alarm"})},
                                  {"multiTypeStep", d.pick_str({"binpack", "minimum_step"})}};
  std::vector<std::string> provider_names;
  for (const auto& p : providers) provider_names.push_back(p["name"]);
  s["clusters"] = {{{"clusterArn", arn + "cluster/prop"},
                    {"clusterName", "prop"},
                    {"capacityProviders", provider_names},
                    {"defaultCapacityProviderStrategy", strategy}}};

  // ---- the task definitions: two revisions, each fitting every catalog type above
  json tds = json::array();
  const bool health_check = d.chance(0.3);
  for (int rev = 1; rev <= 2; ++rev) {
    const int cpu = d.pick_int({128, 256, 512, 1024}), memory = d.pick_int({128, 256, 512, 1024});
    g.task_definitions["prop-api:" + std::to_string(rev)] = {cpu, memory};
    json container = {{"name", "api"},
                      {"image", "public.ecr.aws/nginx/nginx:1.25"},
                      {"cpu", cpu},
                      {"memoryReservation", memory},
                      {"portMappings", {{{"containerPort", 8080}, {"hostPort", 0}, {"protocol", "tcp"}}}}};
    if (health_check)
      container["healthCheck"] = {{"command", {"CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"}},
                                  {"interval", d.pick_int({5, 10, 30})},
                                  {"timeout", d.pick_int({2, 5})},
                                  {"retries", d.between(1, 3)},
                                  {"startPeriod", d.pick_int({0, 10, 60})}};
    tds.push_back({{"taskDefinitionArn", arn + "task-definition/prop-api:" + std::to_string(rev)},
                   {"family", "prop-api"},
                   {"revision", rev},
                   {"networkMode", "bridge"},
                   {"containerDefinitions", {container}}});
  }
  s["taskDefinitions"] = tds;

  // ---- the service, behind a target group (most of the time)
  const bool behind_alb = d.chance(0.9);
  g.service_desired = d.between(0, 6);
  const int maximum_percent = d.pick_int({100, 150, 200});
  json placement = json::array();
  const std::vector<json> rules = {{{"type", "spread"}, {"field", "attribute:ecs.availability-zone"}},
                                   {{"type", "spread"}, {"field", "instanceId"}},
                                   {{"type", "binpack"}, {"field", "cpu"}},
                                   {{"type", "binpack"}, {"field", "memory"}},
                                   {{"type", "random"}}};
  for (int i = d.between(0, 2); i > 0; --i) placement.push_back(d.pick(rules));
  json service = {{"serviceArn", arn + "service/prop/prop-api"},
                  {"serviceName", "prop-api"},
                  {"clusterArn", arn + "cluster/prop"},
                  {"taskDefinition", "prop-api:1"},
                  {"desiredCount", g.service_desired},
                  {"deploymentConfiguration",
                   {{"maximumPercent", maximum_percent},
                    {"minimumHealthyPercent", maximum_percent == 100 ? d.pick_int({0, 50}) : d.pick_int({0, 50, 100})},
                    {"deploymentCircuitBreaker", {{"enable", d.chance(0.5)}, {"rollback", d.chance(0.5)}}}}},
                  {"placementStrategy", placement},
                  {"healthCheckGracePeriodSeconds", d.pick_int({0, 30, 60})},
                  {"schedulingStrategy", "REPLICA"}};
  if (d.chance(0.15)) service["placementConstraints"] = {{{"type", "distinctInstance"}}};
  if (d.chance(0.3)) service["capacityProviderStrategy"] = strategy;

  const std::string tg_arn = "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":targetgroup/prop-tg/0123456789abcdef";
  json workload_service = {{"startup", {{"imagePull", d.pick_str({"5s", "20s", "1m"})}, {"appStart", d.pick_str({"2s", "10s", "45s"})}}}};
  if (behind_alb) {
    service["loadBalancers"] = {{{"targetGroupArn", tg_arn}, {"containerName", "api"}, {"containerPort", 8080}}};
    const int interval = d.pick_int({5, 10, 15, 30});
    s["TargetGroups"] = {{{"TargetGroupArn", tg_arn},
                          {"TargetGroupName", "prop-tg"},
                          {"Protocol", "HTTP"},
                          {"Port", 80},
                          {"HealthCheckIntervalSeconds", interval},
                          {"HealthCheckTimeoutSeconds", d.between(2, std::min(interval - 1, 5))},
                          {"HealthyThresholdCount", d.between(2, 5)},
                          {"UnhealthyThresholdCount", d.between(2, 5)}}};
    const std::string algorithm = d.pick_str({"round_robin", "least_outstanding_requests", "weighted_random"});
    const std::string slow_start = algorithm == "least_outstanding_requests" ? "0" : d.pick_str({"0", "0", "30", "60"});
    s["TargetGroupAttributes"] = {
        {"prop-tg",
         {{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", d.pick_str({"0", "10", "30", "60", "120", "300"})}},
          {{"Key", "slow_start.duration_seconds"}, {"Value", slow_start}},
          {{"Key", "load_balancing.algorithm.type"}, {"Value", algorithm}}}}};
    s["alb"] = {{"initialHealth", d.pick_str({"healthy_threshold", "one_check"})}};

    // The load: constant, synthetic (drawn per run: its integral is the model's) or a CSV trace.
    // A task's capacity, and a load around what the service's tasks serve (0.3 to 1.5 times), so
    // that scaling, overload and idle fleets all come up.
    double per_task = 0;
    if (d.chance(0.5)) {
      per_task = d.rounded(20, 200, 0);
      workload_service["requestsPerSecondPerTask"] = per_task;
    } else {
      const double cpu_seconds = d.rounded(0.001, 0.02, 4);
      workload_service["cpuSecondsPerRequest"] = cpu_seconds;
      per_task = g.task_definitions["prop-api:1"].cpu / 1024.0 / cpu_seconds;
    }
    const double level = std::min(g.per_request ? 100.0 : 1e9, per_task * std::max(1, g.service_desired));
    const double scale = d.pick(std::vector<double>{1.0, 1.0, 0.5, 2.0});
    const int form = d.between(0, 2);
    json requests;
    if (form == 0) {
      const double rps = std::round(level * d.uniform(0.3, 1.5) * 10) / 10;
      requests = {{"rps", rps}};
      g.offered_rps = std::vector<PriceStep>{{0, rps * scale}};
    } else if (form == 1) {
      requests = {{"synthetic",
                   {{"meanRps", std::round(level * d.uniform(0.3, 1.5) * 10) / 10},
                    {"dailyAmplitude", d.rounded(0, 0.8, 2)},
                    {"peakHourUtc", d.between(0, 23)},
                    {"noise", d.rounded(0, 0.5, 2)},
                    {"step", d.pick_str({"1m", "5m"})}}}};
    } else {
      // One row per `per` over exactly the run (iso8601 times, rates): the witness integrates it.
      const SimTime per = minutes(d.pick_int({1, 5, 15}));
      std::string csv = "time,rps\n";
      std::vector<PriceStep> steps;
      double rps = std::round(level * d.uniform(0.3, 1.5) * 10) / 10;
      for (SimTime t = 0; t < g.duration; t += per) {
        if (d.chance(0.3)) rps = d.chance(0.1) ? 0.0 : std::round(level * d.uniform(0, 2) * 10) / 10;
        csv += start_plus(t) + "," + nlohmann::json(rps).dump() + "\n";
        steps.push_back({t, rps * scale});
      }
      const std::string file = "load-" + std::to_string(seed) + ".csv";
      g.files.emplace_back(file, csv);
      requests = {{"csv", file}, {"valueKind", "rps"}, {"per", duration_text(per)}, {"timeFormat", "iso8601"}};
      g.offered_rps = steps;
    }
    json traffic = {{"targetGroup", "prop-tg"}, {"requests", requests}};
    if (scale != 1.0) traffic["scale"] = scale;
    s["workload"]["traffic"] = json::array({traffic});  // not {traffic}: clang makes that the object itself
    if (d.chance(0.3)) workload_service["concurrencyPerTask"] = d.between(5, 200);
    workload_service["meanLatency"] = d.pick_str({"20ms", "40ms", "100ms"});
    workload_service["requestTimeout"] = d.pick_str({"1s", "5s", "30s"});
    if (d.chance(0.5)) workload_service["shutdown"] = d.pick_str({"1s", "5s", "20s"});
    if (d.chance(0.15)) workload_service["hangRatePerTaskHour"] = d.rounded(0.01, 0.2, 3);
  }
  s["services"] = json::array({service});
  s["workload"]["services"] = {{"prop-api", workload_service}};

  // ---- service auto scaling (§6): a scalable target and one or two policies
  if (d.chance(0.6)) {
    const int min = d.between(0, 3), max = min + d.between(1, 9);
    g.service_bounds = std::make_pair(min, max);
    const std::string resource = "service/prop/prop-api";
    s["ScalableTargets"] = {{{"ServiceNamespace", "ecs"},
                             {"ResourceId", resource},
                             {"ScalableDimension", "ecs:service:DesiredCount"},
                             {"MinCapacity", min},
                             {"MaxCapacity", max}}};
    const auto policy = [&](const std::string& name, const std::string& type) {
      return json{{"PolicyName", name},
                  {"ServiceNamespace", "ecs"},
                  {"ResourceId", resource},
                  {"ScalableDimension", "ecs:service:DesiredCount"},
                  {"PolicyType", type}};
    };
    json policies = json::array();
    const int kind = d.between(0, behind_alb ? 3 : 1);
    if (kind == 0 || kind == 3) {
      json p = policy("prop-cpu", "TargetTrackingScaling");
      p["TargetTrackingScalingPolicyConfiguration"] = {
          {"TargetValue", d.rounded(20, 80, 0)},
          {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}},
          {"ScaleOutCooldown", d.pick_int({0, 60, 300})},
          {"ScaleInCooldown", d.pick_int({0, 60, 300})},
          {"DisableScaleIn", d.chance(0.2)}};
      policies.push_back(p);
    }
    if (kind == 1) {
      // Step scaling on CPU (SAS-9): out above a threshold, in below a lower one.
      const double high = d.rounded(50, 85, 0), low = d.rounded(10, 40, 0);
      json out = policy("prop-step-out", "StepScaling");
      out["StepScalingPolicyConfiguration"] = {
          {"AdjustmentType", d.pick_str({"ChangeInCapacity", "PercentChangeInCapacity"})},
          {"StepAdjustments",
           {{{"MetricIntervalLowerBound", 0.0}, {"MetricIntervalUpperBound", 15.0}, {"ScalingAdjustment", d.between(1, 2)}},
            {{"MetricIntervalLowerBound", 15.0}, {"ScalingAdjustment", d.between(2, 4)}}}},
          {"Cooldown", d.pick_int({0, 60, 300})}};
      out["alarm"] = {{"MetricName", "CPUUtilization"},
                      {"Threshold", high},
                      {"ComparisonOperator", "GreaterThanOrEqualToThreshold"},
                      {"EvaluationPeriods", d.between(1, 3)}};
      json in = policy("prop-step-in", "StepScaling");
      in["StepScalingPolicyConfiguration"] = {
          {"AdjustmentType", "ChangeInCapacity"},
          {"StepAdjustments", {{{"MetricIntervalUpperBound", 0.0}, {"ScalingAdjustment", -d.between(1, 2)}}}},
          {"Cooldown", d.pick_int({0, 60, 300})}};
      in["alarm"] = {{"MetricName", "CPUUtilization"},
                     {"Threshold", low},
                     {"ComparisonOperator", "LessThanThreshold"},
                     {"EvaluationPeriods", d.between(1, 5)}};
      policies.push_back(out);
      policies.push_back(in);
    }
    if (kind >= 2) {
      json p = policy("prop-requests", "TargetTrackingScaling");
      p["TargetTrackingScalingPolicyConfiguration"] = {
          {"TargetValue", d.rounded(300, 6000, 0)},
          {"PredefinedMetricSpecification",
           {{"PredefinedMetricType", "ALBRequestCountPerTarget"},
            {"ResourceLabel", "app/prop-alb/50dc6c495c0c9188/targetgroup/prop-tg/0123456789abcdef"}}},
          {"ScaleOutCooldown", d.pick_int({0, 60, 300})},
          {"ScaleInCooldown", d.pick_int({0, 60, 300})}};
      policies.push_back(p);
    }
    s["ScalingPolicies"] = policies;
    s["serviceAutoScaling"] = {{"highAlarmDatapoints", d.between(1, 3)},
                               {"lowAlarmDatapoints", d.pick_int({3, 15})},
                               {"scaleInMargin", d.pick(std::vector<double>{0.0, 0.1})}};
  }

  // ---- the market: On-Demand prices, spot prices fixed or traced (CSV), interruptions
  json on_demand = json::object();
  for (const auto& t : used_types) {
    const double od = d.rounded(0.08, 0.4, 4);
    on_demand[t] = od;
    g.on_demand_prices[t] = od;
  }
  json market = {{"prices", {{"onDemand", on_demand}}}};
  if (pools.empty()) {
    market["prices"]["spot"] = {{"fixed", json::object()}};
  } else if (d.chance(0.5)) {
    json fixed = json::object();
    for (const auto& pool : pools) {
      const double p = d.rounded(0.15, 0.7, 2) * g.on_demand_prices[pool.substr(0, pool.find('/'))];
      fixed[pool] = p;
      g.spot_prices[pool] = {{0, p}};
    }
    market["prices"]["spot"] = {{"fixed", fixed}};
  } else {
    // A price record per pool at the start, then random steps (whole seconds), in time order.
    std::vector<std::pair<SimTime, std::string>> records;  // (time, "InstanceType,SpotPrice,Zone")
    for (const auto& pool : pools) {
      const std::string type = pool.substr(0, pool.find('/')), zone = pool.substr(pool.find('/') + 1);
      const double od = g.on_demand_prices[type];
      SimTime t = 0;
      while (t < g.duration) {
        const double p = std::round(d.uniform(0.15, 0.7) * od * 10000) / 10000;
        g.spot_prices[pool].push_back({t, p});
        records.emplace_back(t, type + "," + nlohmann::json(p).dump() + "," + zone);
        t += seconds(d.between(60, static_cast<int>(std::max<SimTime>(120, g.duration / 1000 / 3))));
      }
    }
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string csv = "Timestamp,InstanceType,SpotPrice,AvailabilityZone\n";
    for (const auto& [t, rest] : records) {
      const auto comma = rest.find(',');
      const auto comma2 = rest.find(',', comma + 1);
      csv += start_plus(t) + "," + rest.substr(0, comma) + "," + rest.substr(comma + 1, comma2 - comma - 1) + "," +
             rest.substr(comma2 + 1) + "\n";
    }
    const std::string file = "spot-" + std::to_string(seed) + ".csv";
    g.files.emplace_back(file, csv);
    market["prices"]["spot"] = {{"csv", file}};
  }
  const int model = d.between(0, 9);
  const bool traced_prices = market["prices"]["spot"].contains("csv");
  if (traced_prices && model == 9) {
    // SP-4, ASG-10: interrupted (and not launched) while the pool's price is above the group's
    // SpotMaxPrice; between the traced prices' range, so some pools cross it and some do not.
    market["interruptions"] = {{"model", "price"}};
    for (auto& group : s["AutoScalingGroups"])
      if (group.contains("MixedInstancesPolicy"))
        group["MixedInstancesPolicy"]["InstancesDistribution"]["SpotMaxPrice"] = d.rounded(0.03, 0.15, 3);
  } else if (model < 2) {
    market["interruptions"] = {{"model", "none"}};
  } else if (model < 5) {
    market["interruptions"] = {{"model", "advisor"}, {"correlation", d.rounded(0, 1, 2)}};
  } else {
    json hazard = {{"model", "hazard"}, {"ratePerInstanceHour", d.rounded(0, 0.5, 3)}};
    if (d.chance(0.5))
      hazard["poolReclaim"] = {{"ratePerPoolDay", d.rounded(0, 6, 2)}, {"fraction", d.rounded(0.2, 0.8, 2)}};
    market["interruptions"] = hazard;
  }
  market["noticeSeconds"] = d.pick_int({120, 120, 60, 300});
  if (d.chance(0.25)) {
    market["rebalanceRecommendation"] = {{"leadTime", "5m"}, {"probability", 0.5}};
    for (auto& group : s["AutoScalingGroups"]) group["CapacityRebalance"] = d.chance(0.7);
  }
  if (!pools.empty() && d.chance(0.2))
    market["unavailability"] = {{{"pool", d.pick(pools)},
                                 {"from", duration_text(seconds(d.between(0, static_cast<int>(g.duration / 2000))))},
                                 {"for", duration_text(minutes(d.between(5, 240)))}}};
  s["market"] = market;
  s["ec2"] = {{"pendingTime", d.pick_str({"5s", "17s"})},
              {"bootTime", d.pick_str({"25s", "40s"})},
              {"agentRegistration", d.pick_str({"5s", "15s"})}};

  // ---- changes during the run: a deployment, an instance refresh, a scheduled action
  json deployments = json::array();
  if (d.chance(0.25))
    deployments.push_back({{"at", duration_text(minutes(d.between(5, static_cast<int>(g.duration / 60000) - 5)))},
                           {"service", "prop-api"},
                           {"taskDefinition", "prop-api:2"},
                           {"failsToStart", d.chance(0.2)}});
  if (d.chance(0.15)) {
    json refresh = {{"at", duration_text(minutes(d.between(5, static_cast<int>(g.duration / 60000) - 5)))},
                    {"instanceRefresh", "prop-asg-0"},
                    {"MinHealthyPercentage", d.pick_int({50, 90, 100})},
                    {"MaxHealthyPercentage", d.pick_int({100, 150})},
                    {"InstanceWarmup", d.pick_str({"0s", "60s"})}};
    if (any_termination_protection) refresh["ScaleInProtectedInstances"] = "Refresh";
    deployments.push_back(refresh);
  }
  if (!deployments.empty()) s["deployments"] = deployments;
  if (d.chance(0.2)) {
    const int min = d.between(0, 2), max = min + d.between(0, 6);
    json action = {{"AutoScalingGroupName", "prop-asg-0"},
                   {"StartTime", start_plus(minutes(d.between(1, static_cast<int>(g.duration / 60000) - 1)))},
                   {"MinSize", min},
                   {"MaxSize", max}};
    if (d.chance(0.5)) action["DesiredCapacity"] = d.between(min, max);
    s["ScheduledUpdateGroupActions"] = json::array({action});
  }
  g.doc = std::move(s);
  return g;
}

}  // namespace spotsim::random_scenario
