// Capacity providers, capacity provider strategies and service auto scaling as a scenario describes
// them (contract.md "Scenario file"; aws-semantics.md §1, §6, §10.1, §10.2, §10.4, §10.11; issue 5):
// `capacityProviders`, clusters' defaultCapacityProviderStrategy, services' capacityProviderStrategy
// and launchType, `ScalableTargets`, `ScalingPolicies` (with spotsim's `alarm` beside a step policy),
// and spotsim's `capacityProviderScaling` and `serviceAutoScaling` blocks — loaded into WorldConfig
// with AWS's defaults, written into scenario.json, every problem at its JSON pointer. Issue 5's
// Must show 6 goes through the CLI in-process: exit 2 and the pointer in the message.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/scenario_test_support.hpp"
#include "tests/temp_dir.hpp"
#include "tests/tools_test_support.hpp"
#include "tools/cli.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;
using namespace spotsim::test;
using nlohmann::json;

namespace {


Run cli(std::vector<std::string> args) { return run_cli_in_process(std::move(args)); }

// `spotsim validate` and `spotsim run` refuse `doc` with exit 2, printing "FILE: POINTER: error: "
// and `part`; run leaves no results folder.
void rejected_by_cli(const json& doc, const std::string& pointer, const std::string& part) {
  const test_support::TempDir dir;
  const fs::path file = dir.write("scenario.json", doc.dump(2));
  const std::string place = file.generic_string() + ": " + pointer + ": error: ";
  for (const std::string command : {"validate", "run"}) {
    std::vector<std::string> args = {command, file.string()};
    if (command == "run") args.insert(args.end(), {"-o", (dir.path() / "out").string()});
    const Run r = cli(args);
    INFO(command << "\n" << r.output);
    CHECK(r.exit_code == kExitBadInput);
    const auto at = r.output.find(place);
    CHECK(at != std::string::npos);
    if (at != std::string::npos) CHECK(r.output.find(part, at) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir.path() / "out"));
}

std::string scaling_warnings_of(const json& doc) {
  std::string all;
  for (const auto& w : load(doc).warnings) all += w.str() + "\n";
  return all;
}

// small_alb_scenario() with its service registered as a scalable target (2-10) and `policies`.
json scaling_scenario(const std::vector<json>& policies) {
  json s = small_alb_scenario();
  s["ScalableTargets"] = {{{"ServiceNamespace", "ecs"},
                           {"ResourceId", "service/small/small-api"},
                           {"ScalableDimension", "ecs:service:DesiredCount"},
                           {"MinCapacity", 2},
                           {"MaxCapacity", 10}}};
  s["ScalingPolicies"] = policies;
  return s;
}

json policy_base(const std::string& name, const std::string& type) {
  return {{"PolicyName", name},
          {"ServiceNamespace", "ecs"},
          {"ResourceId", "service/small/small-api"},
          {"ScalableDimension", "ecs:service:DesiredCount"},
          {"PolicyType", type}};
}

json cpu_target_tracking(double target) {
  json p = policy_base("cpu", "TargetTrackingScaling");
  p["TargetTrackingScalingPolicyConfiguration"] = {
      {"TargetValue", target},
      {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}}};
  return p;
}

const std::string kLabel = "app/small-alb/50dc6c495c0c9188/targetgroup/small-api-tg/0123456789abcdef";

json requests_target_tracking(const std::string& label) {
  json p = policy_base("requests", "TargetTrackingScaling");
  p["TargetTrackingScalingPolicyConfiguration"] = {
      {"TargetValue", 60},
      {"PredefinedMetricSpecification",
       {{"PredefinedMetricType", "ALBRequestCountPerTarget"}, {"ResourceLabel", label}}},
      {"ScaleOutCooldown", 30},
      {"ScaleInCooldown", 120},
      {"DisableScaleIn", true}};
  return p;
}

// The step scaling example of AWS's guide (§6, issue 5 Must show 3): CPU alarms at 50 %, +10 % from
// 10 above, +30 % from 20 above; -10 % from 10 below, -30 % from 20 below.
json step_out() {
  json p = policy_base("cpu-step-out", "StepScaling");
  p["StepScalingPolicyConfiguration"] = {
      {"AdjustmentType", "PercentChangeInCapacity"},
      {"StepAdjustments",
       {{{"MetricIntervalLowerBound", 0.0}, {"MetricIntervalUpperBound", 10.0}, {"ScalingAdjustment", 0}},
        {{"MetricIntervalLowerBound", 10.0}, {"MetricIntervalUpperBound", 20.0}, {"ScalingAdjustment", 10}},
        {{"MetricIntervalLowerBound", 20.0}, {"ScalingAdjustment", 30}}}},
      {"Cooldown", 60},
      {"MetricAggregationType", "Average"},
      {"MinAdjustmentMagnitude", 1}};
  p["alarm"] = {{"MetricName", "CPUUtilization"},
                {"Namespace", "AWS/ECS"},
                {"Statistic", "Average"},
                {"Dimensions", {{{"Name", "ClusterName"}, {"Value", "small"}}, {{"Name", "ServiceName"}, {"Value", "small-api"}}}},
                {"Period", 60},
                {"Threshold", 50},
                {"ComparisonOperator", "GreaterThanOrEqualToThreshold"},
                {"EvaluationPeriods", 3},
                {"DatapointsToAlarm", 2}};
  return p;
}

json step_in() {
  json p = policy_base("cpu-step-in", "StepScaling");
  p["StepScalingPolicyConfiguration"] = {
      {"AdjustmentType", "PercentChangeInCapacity"},
      {"StepAdjustments",
       {{{"MetricIntervalLowerBound", -10.0}, {"MetricIntervalUpperBound", 0.0}, {"ScalingAdjustment", 0}},
        {{"MetricIntervalLowerBound", -20.0}, {"MetricIntervalUpperBound", -10.0}, {"ScalingAdjustment", -10}},
        {{"MetricIntervalUpperBound", -20.0}, {"ScalingAdjustment", -30}}}}};
  p["alarm"] = {{"MetricName", "CPUUtilization"}, {"Threshold", 50}, {"ComparisonOperator", "LessThanOrEqualToThreshold"}};
  return p;
}

}  // namespace

// ---- the demo (contract.md: capacity provider with managed scaling at 100 % and managed
// termination protection; issue 5: service auto scaling on CPU)

TEST_CASE("scenario_scaling: the demo loads its capacity provider, scalable target and CPU policy", "[scenario][scaling]") {
  for (const fs::path& file : {fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json",
                               fs::path(SPOTSIM_SHARED_DIR) / "spec" / "examples" / "demo-api-prod.json"}) {
    INFO(file);
    const Scenario s = load_scenario_file(file);
    const WorldConfig& w = s.world;
    REQUIRE(w.capacity_providers.size() == 1);
    const CapacityProviderConfig& cp = w.capacity_providers[0];
    CHECK(cp.name == "DemoApiClusterProd-cp");
    CHECK(cp.group == 0);  // matched by its AutoScalingGroupARN
    CHECK(cp.scaling.enabled);
    CHECK(cp.scaling.target_capacity == 100);
    CHECK(cp.scaling.minimum_scaling_step == 1);
    CHECK(cp.scaling.maximum_scaling_step == 10000);
    CHECK(cp.scaling.instance_warmup == seconds(300));
    CHECK(cp.managed_termination_protection);
    CHECK(cp.managed_draining);
    CHECK(w.groups[0].managed_draining);
    CHECK(cp.scale_in_mode == ScaleInMode::ratio);
    CHECK(cp.multi_type_step == MultiTypeStep::binpack);

    REQUIRE(w.clusters[0].default_strategy.size() == 1);
    CHECK(w.clusters[0].default_strategy[0].provider == 0);
    CHECK(w.clusters[0].default_strategy[0].base == 0);
    CHECK(w.clusters[0].default_strategy[0].weight == 1);
    const EcsServiceConfig& svc = w.services[0];
    REQUIRE(svc.strategy.size() == 1);
    CHECK(svc.strategy[0].provider == 0);
    CHECK(svc.strategy[0].weight == 1);
    CHECK_FALSE(svc.launch_type_ec2);

    REQUIRE(w.scalable_targets.size() == 1);
    CHECK(w.scalable_targets[0].service == 0);
    CHECK(w.scalable_targets[0].min_capacity == 2);
    CHECK(w.scalable_targets[0].max_capacity == 20);
    REQUIRE(w.scaling_policies.size() == 1);
    const ScalingPolicyConfig& p = w.scaling_policies[0];
    CHECK(p.name == "demo-api-cpu50");
    CHECK(p.target == 0);
    CHECK_FALSE(p.step_scaling);
    REQUIRE(p.target_tracking);
    CHECK(p.target_tracking->metric == ScalingMetric::ecs_service_average_cpu_utilization);
    CHECK_FALSE(p.target_tracking->target_group);
    CHECK(p.target_tracking->target_value == 50);
    CHECK(p.target_tracking->scale_out_cooldown == seconds(60));
    CHECK(p.target_tracking->scale_in_cooldown == seconds(300));
    CHECK_FALSE(p.target_tracking->disable_scale_in);
    // §10.4 defaults.
    CHECK(w.service_autoscaling.high_alarm_datapoints == 3);
    CHECK(w.service_autoscaling.low_alarm_datapoints == 15);
    CHECK(w.service_autoscaling.scale_in_margin == 0.10);

    // The switches' defaults are written into scenario.json, which loads the same again.
    CHECK(s.resolved["capacityProviderScaling"] == json({{"scaleInMode", "ratio"}, {"multiTypeStep", "binpack"}}));
    CHECK(s.resolved["serviceAutoScaling"] ==
          json({{"highAlarmDatapoints", 3}, {"lowAlarmDatapoints", 15}, {"scaleInMargin", 0.10}}));
    const Scenario again = load(s.resolved);
    CHECK(again.world.capacity_providers.size() == 1);
    CHECK(again.world.scaling_policies.size() == 1);
    CHECK(again.resolved == s.resolved);
  }
}

TEST_CASE("scenario_scaling: the demo and the shared example validate with no errors", "[scenario][scaling]") {
  for (const fs::path& file : {fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json",
                               fs::path(SPOTSIM_SHARED_DIR) / "spec" / "examples" / "demo-api-prod.json"}) {
    const Run r = cli({"validate", file.string()});
    INFO(r.output);
    CHECK(r.exit_code == kExitOk);
    CHECK(r.output.find("error") == std::string::npos);
  }
}

// ---- issue 5 Must show 6, through the CLI

TEST_CASE("scenario_scaling: a service strategy naming an unknown capacity provider exits 2 at its pointer",
          "[scenario][scaling][bad-input]") {
  json doc = demo_scenario().resolved;
  doc["services"][0]["capacityProviderStrategy"][0]["capacityProvider"] = "DemoApiClusterProd-spot";
  rejected_by_cli(doc, "/services/0/capacityProviderStrategy/0/capacityProvider",
                  "no capacity provider named \"DemoApiClusterProd-spot\" in capacityProviders");
}

TEST_CASE("scenario_scaling: a capacity provider naming an unknown Auto Scaling group exits 2 at its pointer",
          "[scenario][scaling][bad-input]") {
  json doc = demo_scenario().resolved;
  doc["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroupArn"] =
      "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:x:autoScalingGroupName/DemoApiClusterStaging-asg";
  rejected_by_cli(doc, "/capacityProviders/0/autoScalingGroupProvider/autoScalingGroupArn",
                  "no Auto Scaling group named \"DemoApiClusterStaging-asg\" in AutoScalingGroups (expected "
                  "\"DemoApiClusterProd-asg\"");
  doc["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroupArn"] = "DemoApiClusterStaging-asg";
  rejected_by_cli(doc, "/capacityProviders/0/autoScalingGroupProvider/autoScalingGroupArn",
                  "no Auto Scaling group named \"DemoApiClusterStaging-asg\"");
}

TEST_CASE("scenario_scaling: targetCapacity 0 or 101 exits 2 at its pointer", "[scenario][scaling][bad-input]") {
  json doc = demo_scenario().resolved;
  const std::string pointer = "/capacityProviders/0/autoScalingGroupProvider/managedScaling/targetCapacity";
  doc["capacityProviders"][0]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] = 0;
  rejected_by_cli(doc, pointer, "expected an integer from 1 to 100 (percent; the API rejects 0 although the ECS guide "
                                "says 0-100, aws-semantics.md §10.11), found 0");
  doc["capacityProviders"][0]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] = 101;
  rejected_by_cli(doc, pointer, "expected an integer from 1 to 100 (percent of the instances in use, aws-semantics.md "
                                "§1.3), found 101");
}

TEST_CASE("scenario_scaling: a policy or scalable target whose ResourceId names no service exits 2 at its pointer",
          "[scenario][scaling][bad-input]") {
  json doc = demo_scenario().resolved;
  doc["ScalingPolicies"][0]["ResourceId"] = "service/DemoApiClusterProd/demo-web";
  rejected_by_cli(doc, "/ScalingPolicies/0/ResourceId",
                  "no service \"demo-web\" in cluster \"DemoApiClusterProd\" among services (expected "
                  "\"service/DemoApiClusterProd/demo-api\")");
  doc = demo_scenario().resolved;
  doc["ScalableTargets"][0]["ResourceId"] = "service/DemoApiClusterStaging/demo-api";
  rejected_by_cli(doc, "/ScalableTargets/0/ResourceId", "no service \"demo-api\" in cluster \"DemoApiClusterStaging\"");
  // The service exists but no scalable target registers it.
  doc = demo_scenario().resolved;
  doc.erase("ScalableTargets");
  rejected_by_cli(doc, "/ScalingPolicies/0/ResourceId",
                  "no ScalableTargets entry registers \"service/DemoApiClusterProd/demo-api\": Application Auto "
                  "Scaling needs the scalable target (RegisterScalableTarget) before PutScalingPolicy");
}

// ---- two capacity providers (issue 5: "one on-demand ASG and one spot ASG")

TEST_CASE("scenario_scaling: an On-Demand and a spot capacity provider with base 2 weight 1 / weight 3 load",
          "[scenario][scaling]") {
  const json doc = two_capacity_provider_scenario();
  const Scenario s = load(doc);
  const WorldConfig& w = s.world;
  REQUIRE(w.capacity_providers.size() == 2);
  CHECK(w.capacity_providers[0].name == "small-od-cp");
  CHECK(w.capacity_providers[0].group == 0);  // by AutoScalingGroupARN
  CHECK(w.capacity_providers[1].name == "small-spot-cp");
  CHECK(w.capacity_providers[1].group == 1);  // by AutoScalingGroupName
  for (const auto& cp : w.capacity_providers) {
    CHECK(cp.scaling.enabled);
    CHECK(cp.managed_termination_protection);
  }
  const CapacityProviderStrategy expected = {{0, 2, 1}, {1, 0, 3}};
  const auto same = [](const CapacityProviderStrategy& a, const CapacityProviderStrategy& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].provider != b[i].provider || a[i].base != b[i].base || a[i].weight != b[i].weight) return false;
    return true;
  };
  CHECK(same(w.clusters[0].default_strategy, expected));
  CHECK(same(w.services[0].strategy, expected));
  CHECK(w.services[0].capacity_provider_strategy == std::vector<std::string>{"small-od-cp", "small-spot-cp"});

  // Without its own strategy the service takes the cluster's default (CreateService); with launchType
  // EC2 and no strategy, none (CP-7).
  json own = doc;
  own["services"][0].erase("capacityProviderStrategy");
  CHECK(same(load(own).world.services[0].strategy, expected));
  own["services"][0]["launchType"] = "EC2";
  CHECK(load(own).world.services[0].strategy.empty());
  CHECK(load(own).world.services[0].launch_type_ec2);

  // Absent base and weight are 0, written into scenario.json; no warnings; the CLI validates it.
  json bare = doc;
  bare["services"][0]["capacityProviderStrategy"] = {{{"capacityProvider", "small-od-cp"}, {"base", 2}},
                                                     {{"capacityProvider", "small-spot-cp"}, {"weight", 3}}};
  const Scenario b = load(bare);
  CHECK(same(b.world.services[0].strategy, {{0, 2, 0}, {1, 0, 3}}));
  CHECK(b.resolved["services"][0]["capacityProviderStrategy"][0]["weight"] == 0);
  CHECK(b.resolved["services"][0]["capacityProviderStrategy"][1]["base"] == 0);
  CHECK(scaling_warnings_of(doc).empty());
  const test_support::TempDir dir;
  const Run r = cli({"validate", dir.write("two.json", doc.dump(2)).string()});
  INFO(r.output);
  CHECK(r.exit_code == kExitOk);
}

// ---- capacityProviders (§1.3, CP-4, CP-12, CP-14)

TEST_CASE("scenario_scaling: absent managed scaling settings take the API's defaults", "[scenario][scaling]") {
  json doc = small_ecs_scenario();  // its capacity provider gives only the group
  Scenario s = load(doc);
  REQUIRE(s.world.capacity_providers.size() == 1);
  CapacityProviderConfig cp = s.world.capacity_providers[0];
  CHECK_FALSE(cp.scaling.enabled);
  CHECK_FALSE(cp.managed_termination_protection);
  CHECK(cp.managed_draining);
  auto& provider = s.resolved["capacityProviders"][0]["autoScalingGroupProvider"];
  CHECK(provider["managedScaling"] == json({{"status", "DISABLED"},
                                            {"targetCapacity", 100},
                                            {"minimumScalingStepSize", 1},
                                            {"maximumScalingStepSize", 10000},
                                            {"instanceWarmupPeriod", 300}}));
  CHECK(provider["managedTerminationProtection"] == "DISABLED");
  CHECK(provider["managedDraining"] == "ENABLED");

  doc["capacityProviders"][0]["autoScalingGroupProvider"]["managedScaling"] = {
      {"status", "ENABLED"}, {"targetCapacity", 90}, {"minimumScalingStepSize", 5}, {"maximumScalingStepSize", 5},
      {"instanceWarmupPeriod", 0}};
  cp = load(doc).world.capacity_providers[0];
  CHECK(cp.scaling.enabled);
  CHECK(cp.scaling.target_capacity == 90);
  CHECK(cp.scaling.minimum_scaling_step == 5);
  CHECK(cp.scaling.maximum_scaling_step == 5);
  CHECK(cp.scaling.instance_warmup == 0);
}

TEST_CASE("scenario_scaling: managed scaling values outside AWS's ranges are errors", "[scenario][scaling]") {
  json doc = small_ecs_scenario();
  auto& m = doc["capacityProviders"][0]["autoScalingGroupProvider"]["managedScaling"];
  const std::string at = "/capacityProviders/0/autoScalingGroupProvider/managedScaling/";
  m = {{"targetCapacity", 100}};
  CHECK(has_problem_at(doc, at + "status", "missing required field: expected \"ENABLED\" or \"DISABLED\""));
  m = {{"status", "ON"}};
  CHECK(has_problem_at(doc, at + "status", "expected one of \"ENABLED\", \"DISABLED\""));
  m = {{"status", "ENABLED"}, {"minimumScalingStepSize", 0}};
  CHECK(has_problem_at(doc, at + "minimumScalingStepSize", "expected an integer from 1 to 10000, found 0"));
  m = {{"status", "ENABLED"}, {"maximumScalingStepSize", 10001}};
  CHECK(has_problem_at(doc, at + "maximumScalingStepSize", "expected an integer from 1 to 10000, found 10001"));
  m = {{"status", "ENABLED"}, {"minimumScalingStepSize", 6}, {"maximumScalingStepSize", 5}};
  CHECK(has_problem_at(doc, at + "minimumScalingStepSize",
                       "minimumScalingStepSize 6 is greater than maximumScalingStepSize 5 (AWS rejects this)"));
  m = {{"status", "ENABLED"}, {"instanceWarmupPeriod", 10001}};
  CHECK(has_problem_at(doc, at + "instanceWarmupPeriod", "expected an integer from 0 to 10000 seconds, found 10001"));
  m = {{"status", "ENABLED"}, {"targetCapacity", 50.5}};
  CHECK(has_problem_at(doc, at + "targetCapacity", "expected an integer"));
  m = {{"status", "ENABLED"}};
  doc["capacityProviders"][0]["autoScalingGroupProvider"]["managedDraining"] = "YES";
  CHECK(has_problem_at(doc, "/capacityProviders/0/autoScalingGroupProvider/managedDraining",
                       "expected one of \"ENABLED\", \"DISABLED\""));
  doc["capacityProviders"][0].erase("autoScalingGroupProvider");
  CHECK(has_problem_at(doc, "/capacityProviders/0/autoScalingGroupProvider", "missing required field"));
}

// CP-12: AWS refuses managed termination protection without managed scaling, or on a group whose new
// instances are not protected from scale-in.
TEST_CASE("scenario_scaling: managed termination protection needs managed scaling and scale-in protection",
          "[scenario][scaling]") {
  json doc = demo_scenario().resolved;
  auto& provider = doc["capacityProviders"][0]["autoScalingGroupProvider"];
  const std::string at = "/capacityProviders/0/autoScalingGroupProvider/managedTerminationProtection";
  provider["managedScaling"]["status"] = "DISABLED";
  CHECK(has_problem_at(doc, at, "managed termination protection needs managed scaling (managedScaling.status ENABLED): "
                                "AWS refuses to create the capacity provider"));
  provider["managedScaling"]["status"] = "ENABLED";
  doc["AutoScalingGroups"][0]["NewInstancesProtectedFromScaleIn"] = false;
  CHECK(has_problem_at(doc, at, "managed termination protection needs instance scale-in protection on group "
                                "\"DemoApiClusterProd-asg\" (NewInstancesProtectedFromScaleIn true, /AutoScalingGroups/0)"));
  doc["AutoScalingGroups"][0].erase("NewInstancesProtectedFromScaleIn");  // AWS's default: false
  CHECK(has_problem_at(doc, at, "NewInstancesProtectedFromScaleIn true"));
  provider["managedTerminationProtection"] = "DISABLED";
  CHECK_FALSE(load(doc).world.capacity_providers[0].managed_termination_protection);
}

TEST_CASE("scenario_scaling: capacity providers and the groups and clusters they name", "[scenario][scaling]") {
  json doc = two_capacity_provider_scenario();
  // RM-632: one capacity provider per group.
  doc["capacityProviders"][1]["autoScalingGroupProvider"]["autoScalingGroupArn"] = "small-od-asg";
  CHECK(has_problem_at(doc, "/capacityProviders/1/autoScalingGroupProvider/autoScalingGroupArn",
                       "Auto Scaling group \"small-od-asg\" already belongs to capacity provider \"small-od-cp\" "
                       "(/capacityProviders/0): AWS allows one capacity provider per group"));
  doc = two_capacity_provider_scenario();
  doc["capacityProviders"][1]["autoScalingGroupProvider"]["autoScalingGroupArn"] = "arn:aws:autoscaling:eu-west-1:1:x";
  CHECK(has_problem_at(doc, "/capacityProviders/1/autoScalingGroupProvider/autoScalingGroupArn",
                       "expected an Auto Scaling group ARN ending in \"autoScalingGroupName/<name>\", or a group name"));
  // CP-4: a capacity provider with managed scaling is attached to one cluster only.
  doc = two_capacity_provider_scenario();
  json other = doc["clusters"][0];
  other["clusterName"] = "other";
  other["clusterArn"] = "arn:aws:ecs:eu-west-1:123456789012:cluster/other";
  doc["clusters"].push_back(other);
  CHECK(has_problem_at(doc, "/clusters/1/capacityProviders/0",
                       "capacity provider \"small-od-cp\" has managed scaling and is already attached to cluster "
                       "\"small\": AWS attaches it to one cluster only (aws-semantics.md CP-4)"));
  doc = two_capacity_provider_scenario();
  doc["clusters"][0]["capacityProviders"] = {"small-od-cp", "small-spot-cp", "small-od-cp"};
  CHECK(has_problem_at(doc, "/clusters/0/capacityProviders/2", "capacity provider \"small-od-cp\" is listed twice"));
  // describe-capacity-providers lists the Fargate built-ins too: they are accepted and drive nothing.
  doc = two_capacity_provider_scenario();
  doc["capacityProviders"].push_back({{"name", "FARGATE"}, {"status", "ACTIVE"}});
  CHECK(load(doc).world.capacity_providers.size() == 2);
}

// ---- strategies (CP-16, CP-17)

TEST_CASE("scenario_scaling: capacity provider strategies follow CP-16 and CP-17", "[scenario][scaling]") {
  const std::string at = "/services/0/capacityProviderStrategy";
  json doc = two_capacity_provider_scenario();
  auto& strategy = doc["services"][0]["capacityProviderStrategy"];
  strategy[1]["base"] = 1;
  CHECK(has_problem_at(doc, at + "/1/base", "only one capacity provider of a strategy may have a base "
                                            "(aws-semantics.md CP-16), and " + at + "/0 has one already"));
  strategy[1]["base"] = 0;
  strategy[0]["weight"] = 0;
  strategy[1]["weight"] = 0;
  CHECK(has_problem_at(doc, at, "expected a weight above 0 on at least one of its 2 capacity providers, found all 0"));
  strategy[0]["weight"] = 1001;
  CHECK(has_problem_at(doc, at + "/0/weight", "expected an integer from 0 to 1000, found the number 1001"));
  strategy[0]["weight"] = 1;
  strategy[0]["base"] = 100001;
  CHECK(has_problem_at(doc, at + "/0/base", "expected an integer from 0 to 100000, found the number 100001"));
  strategy[0]["base"] = 2;
  strategy[1]["capacityProvider"] = "small-od-cp";
  CHECK(has_problem_at(doc, at + "/1/capacityProvider",
                       "capacity provider \"small-od-cp\" is listed twice in this strategy (also at " + at + "/0)"));
  strategy[1]["capacityProvider"] = "small-spot-cp";
  for (int i = 0; i < 19; ++i) strategy.push_back({{"capacityProvider", "small-spot-cp"}});
  CHECK(has_problem_at(doc, at, "expected at most 20 capacity providers in a strategy (aws-semantics.md CP-17), found 21"));
  // The cluster's default strategy is held to the same rules.
  doc = two_capacity_provider_scenario();
  doc["clusters"][0]["defaultCapacityProviderStrategy"][1]["base"] = 3;
  CHECK(has_problem_at(doc, "/clusters/0/defaultCapacityProviderStrategy/1/base", "only one capacity provider"));
  // CreateService: a launchType or a strategy, not both.
  doc = two_capacity_provider_scenario();
  doc["services"][0]["launchType"] = "EC2";
  CHECK(has_problem_at(doc, "/services/0/launchType", "a service has a launchType or a capacityProviderStrategy, not both"));
  // A single provider takes every task whatever its weight.
  doc = small_ecs_scenario();
  doc["services"][0]["capacityProviderStrategy"] = {{{"capacityProvider", "small-cp"}, {"base", 1}}};
  const Scenario s = load(doc);
  REQUIRE(s.world.services[0].strategy.size() == 1);
  CHECK(s.world.services[0].strategy[0].base == 1);
  CHECK(s.world.services[0].strategy[0].weight == 1);
  CHECK(s.resolved["services"][0]["capacityProviderStrategy"][0]["weight"] == 0);
}

// ---- spotsim's switches (§10.1, §10.2, §10.4)

TEST_CASE("scenario_scaling: the capacityProviderScaling and serviceAutoScaling blocks set the switches",
          "[scenario][scaling]") {
  json doc = two_capacity_provider_scenario();
  doc["capacityProviderScaling"] = {{"scaleInMode", "one_per_alarm"}, {"multiTypeStep", "minimum_step"}};
  doc["serviceAutoScaling"] = {{"highAlarmDatapoints", 1}, {"lowAlarmDatapoints", 3}, {"scaleInMargin", 0}};
  const Scenario s = load(doc);
  for (const auto& cp : s.world.capacity_providers) {
    CHECK(cp.scale_in_mode == ScaleInMode::one_per_alarm);
    CHECK(cp.multi_type_step == MultiTypeStep::minimum_step);
  }
  CHECK(s.world.service_autoscaling.high_alarm_datapoints == 1);
  CHECK(s.world.service_autoscaling.low_alarm_datapoints == 3);
  CHECK(s.world.service_autoscaling.scale_in_margin == 0);
  CHECK(s.resolved["capacityProviderScaling"]["scaleInMode"] == "one_per_alarm");
  CHECK(s.resolved["serviceAutoScaling"]["lowAlarmDatapoints"] == 3);

  doc["capacityProviderScaling"] = {{"scaleInMode", "ratio"}, {"multiTypeStp", "binpack"}};
  CHECK(has_problem_at(doc, "/capacityProviderScaling/multiTypeStp", "did you mean \"multiTypeStep\""));
  doc["capacityProviderScaling"] = {{"scaleInMode", "fast"}};
  CHECK(has_problem_at(doc, "/capacityProviderScaling/scaleInMode", "expected one of \"ratio\", \"one_per_alarm\""));
  doc["capacityProviderScaling"] = {{"multiTypeStep", "largest"}};
  CHECK(has_problem_at(doc, "/capacityProviderScaling/multiTypeStep", "expected one of \"binpack\", \"minimum_step\""));
  doc.erase("capacityProviderScaling");
  doc["serviceAutoScaling"] = {{"lowAlarmDatapoints", 0}};
  CHECK(has_problem_at(doc, "/serviceAutoScaling/lowAlarmDatapoints", "expected an integer from 1 to 1440, found the number 0"));
  doc["serviceAutoScaling"] = {{"scaleInMargin", 1}};
  CHECK(has_problem_at(doc, "/serviceAutoScaling/scaleInMargin", "expected a fraction of the target value from 0 to below 1"));
  doc["serviceAutoScaling"] = {{"highAlarmDatapoint", 3}};
  CHECK(has_problem_at(doc, "/serviceAutoScaling/highAlarmDatapoint", "did you mean \"highAlarmDatapoints\""));
}

// ---- ScalableTargets (SAS-8)

TEST_CASE("scenario_scaling: scalable targets name an ECS service's desired count", "[scenario][scaling]") {
  json doc = scaling_scenario({});
  auto& t = doc["ScalableTargets"][0];
  t["MinCapacity"] = 0;  // SAS-8: 0 is allowed for ECS
  CHECK(load(doc).world.scalable_targets[0].min_capacity == 0);
  t["MinCapacity"] = 11;
  CHECK(has_problem_at(doc, "/ScalableTargets/0/MinCapacity",
                       "MinCapacity 11 is greater than MaxCapacity 10 (RegisterScalableTarget refuses this)"));
  t["MinCapacity"] = 2;
  t.erase("MaxCapacity");
  CHECK(has_problem_at(doc, "/ScalableTargets/0/MaxCapacity", "missing required field"));
  t["MaxCapacity"] = 10;
  t["ServiceNamespace"] = "dynamodb";
  CHECK(has_problem_at(doc, "/ScalableTargets/0/ServiceNamespace", "expected \"ecs\": spotsim scales ECS services only"));
  t["ServiceNamespace"] = "ecs";
  t["ScalableDimension"] = "ecs:service:RunningCount";
  CHECK(has_problem_at(doc, "/ScalableTargets/0/ScalableDimension", "expected \"ecs:service:DesiredCount\""));
  t["ScalableDimension"] = "ecs:service:DesiredCount";
  t["ResourceId"] = "small/small-api";
  CHECK(has_problem_at(doc, "/ScalableTargets/0/ResourceId",
                       "expected \"service/<clusterName>/<serviceName>\", found \"small/small-api\""));
  t["ResourceId"] = "service/small/small-api";
  t["SuspendedState"] = {{"DynamicScalingInSuspended", true}};
  CHECK(has_problem_at(doc, "/ScalableTargets/0/SuspendedState/DynamicScalingInSuspended",
                       "suspended dynamic scaling is not supported yet"));
  t["SuspendedState"] = {{"DynamicScalingInSuspended", false}, {"ScheduledScalingSuspended", false}};
  doc["ScalableTargets"].push_back(t);
  CHECK(has_problem_at(doc, "/ScalableTargets/1/ResourceId", "service \"small-api\" is registered twice"));
}

// ---- ScalingPolicies: target tracking (SAS-1, SAS-3, SAS-6)

TEST_CASE("scenario_scaling: target tracking on CPU and on ALBRequestCountPerTarget", "[scenario][scaling]") {
  json doc = scaling_scenario({cpu_target_tracking(60), requests_target_tracking(kLabel)});
  const Scenario s = load(doc);
  REQUIRE(s.world.scaling_policies.size() == 2);
  const TargetTrackingPolicy& cpu = *s.world.scaling_policies[0].target_tracking;
  CHECK(cpu.target_value == 60);
  CHECK(cpu.scale_out_cooldown == seconds(300));  // SAS-6: ECS's defaults
  CHECK(cpu.scale_in_cooldown == seconds(300));
  CHECK_FALSE(cpu.disable_scale_in);
  const auto& tt = s.resolved["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"];
  CHECK(tt["ScaleOutCooldown"] == 300);
  CHECK(tt["ScaleInCooldown"] == 300);
  CHECK(tt["DisableScaleIn"] == false);
  const TargetTrackingPolicy& requests = *s.world.scaling_policies[1].target_tracking;
  CHECK(requests.metric == ScalingMetric::alb_request_count_per_target);
  CHECK(requests.target_group == std::optional<std::size_t>(0));
  CHECK(requests.target_value == 60);
  CHECK(requests.scale_out_cooldown == seconds(30));
  CHECK(requests.scale_in_cooldown == seconds(120));
  CHECK(requests.disable_scale_in);
  for (const auto& w : s.warnings) CHECK(w.where.rfind("/ScalingPolicies", 0) != 0);
}

TEST_CASE("scenario_scaling: target tracking policies AWS or spotsim cannot run are errors", "[scenario][scaling]") {
  const std::string at = "/ScalingPolicies/0/TargetTrackingScalingPolicyConfiguration/";
  json doc = scaling_scenario({cpu_target_tracking(60)});
  auto& c = doc["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"];
  c["TargetValue"] = 0;
  CHECK(has_problem_at(doc, at + "TargetValue", "expected a target value above 0, found the number 0"));
  c["TargetValue"] = 60;
  c.erase("PredefinedMetricSpecification");
  c["CustomizedMetricSpecification"] = {{"MetricName", "QueueDepth"}, {"Namespace", "App"}, {"Statistic", "Average"}};
  CHECK(has_problem_at(doc, at + "CustomizedMetricSpecification",
                       "custom metrics (CustomizedMetricSpecification) are not supported: use a "
                       "PredefinedMetricSpecification with ECSServiceAverageCPUUtilization or ALBRequestCountPerTarget"));
  c.erase("CustomizedMetricSpecification");
  CHECK(has_problem_at(doc, at + "PredefinedMetricSpecification", "missing required field"));
  c["PredefinedMetricSpecification"] = {{"PredefinedMetricType", "ECSServiceAverageMemoryUtilization"}};
  CHECK(has_problem_at(doc, at + "PredefinedMetricSpecification/PredefinedMetricType",
                       "\"ECSServiceAverageMemoryUtilization\" is not supported: spotsim does not model memory use"));
  c["PredefinedMetricSpecification"] = {{"PredefinedMetricType", "DynamoDBReadCapacityUtilization"}};
  CHECK(has_problem_at(doc, at + "PredefinedMetricSpecification/PredefinedMetricType",
                       "expected \"ECSServiceAverageCPUUtilization\" or \"ALBRequestCountPerTarget\""));
  c["PredefinedMetricSpecification"] = {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"},
                                        {"ResourceLabel", kLabel}};
  CHECK(has_problem_at(doc, at + "PredefinedMetricSpecification/ResourceLabel",
                       "a ResourceLabel is only for ALBRequestCountPerTarget"));
  c["PredefinedMetricSpecification"] = {{"PredefinedMetricType", "ALBRequestCountPerTarget"}};
  CHECK(has_problem_at(doc, at + "PredefinedMetricSpecification/ResourceLabel",
                       "missing required field: ALBRequestCountPerTarget needs the target group's ResourceLabel"));
  c["PredefinedMetricSpecification"]["ResourceLabel"] = "targetgroup/small-api-tg/0123456789abcdef";
  CHECK(has_problem_at(doc, at + "PredefinedMetricSpecification/ResourceLabel",
                       "expected \"app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/"
                       "<target-group-id>\", found \"targetgroup/small-api-tg/0123456789abcdef\""));
  c["PredefinedMetricSpecification"]["ResourceLabel"] = "app/small-alb/1/targetgroup/other-tg/2";
  CHECK(has_problem_at(doc, at + "PredefinedMetricSpecification/ResourceLabel",
                       "no target group named \"other-tg\" in TargetGroups (expected \"small-api-tg\")"));
  c["PredefinedMetricSpecification"]["ResourceLabel"] = kLabel;
  c["ScaleInCooldown"] = -1;
  CHECK(has_problem_at(doc, at + "ScaleInCooldown", "expected an integer from 0 to 2147483647, found the number -1"));
  c.erase("ScaleInCooldown");
  doc["ScalingPolicies"][0]["PolicyType"] = "PredictiveScaling";
  CHECK(has_problem_at(doc, "/ScalingPolicies/0/PolicyType", "predictive scaling is not supported"));
  doc["ScalingPolicies"][0]["PolicyType"] = "TargetTrackingScaling";
  doc["ScalingPolicies"][0]["alarm"] = {{"MetricName", "CPUUtilization"}};
  CHECK(has_problem_at(doc, "/ScalingPolicies/0/alarm", "\"alarm\" is for StepScaling policies"));
  doc["ScalingPolicies"][0].erase("alarm");
  doc["ScalingPolicies"].push_back(doc["ScalingPolicies"][0]);
  CHECK(has_problem_at(doc, "/ScalingPolicies/1/PolicyName",
                       "two scaling policies of service/small/small-api are named \"cpu\" (also /ScalingPolicies/0)"));
}

// ---- ScalingPolicies: step scaling (SAS-9) with spotsim's alarm

TEST_CASE("scenario_scaling: the step scaling example of AWS's guide loads with its alarms", "[scenario][scaling]") {
  const Scenario s = load(scaling_scenario({step_out(), step_in()}));
  REQUIRE(s.world.scaling_policies.size() == 2);
  const StepScalingPolicy& out = *s.world.scaling_policies[0].step_scaling;
  CHECK(out.adjustment_type == AdjustmentType::percent_change_in_capacity);
  REQUIRE(out.steps.size() == 3);
  CHECK(out.steps[1].lower == 10.0);
  CHECK(out.steps[1].upper == 20.0);
  CHECK(out.steps[1].adjustment == 10);
  CHECK_FALSE(out.steps[2].upper);
  CHECK(out.cooldown == seconds(60));
  CHECK(out.min_adjustment_magnitude == 1);
  CHECK(out.alarm.metric == ScalingMetric::ecs_service_average_cpu_utilization);
  CHECK(out.alarm.threshold == 50);
  CHECK(out.alarm.comparison == ComparisonOperator::greater_than_or_equal);
  CHECK(out.alarm.evaluation_periods == 3);
  CHECK(out.alarm.datapoints_to_alarm == 2);
  const StepScalingPolicy& in = *s.world.scaling_policies[1].step_scaling;
  CHECK(in.steps[2].adjustment == -30);
  CHECK_FALSE(in.steps[2].lower);
  CHECK(in.cooldown == seconds(300));  // SAS-6
  CHECK(in.aggregation == MetricAggregation::average);
  CHECK(in.alarm.comparison == ComparisonOperator::less_than_or_equal);
  CHECK(in.alarm.evaluation_periods == 1);
  CHECK(in.alarm.datapoints_to_alarm == 1);
  for (const auto& w : s.warnings) CHECK(w.where.rfind("/ScalingPolicies", 0) != 0);
  const auto& resolved = s.resolved["ScalingPolicies"][1];
  CHECK(resolved["StepScalingPolicyConfiguration"]["Cooldown"] == 300);
  CHECK(resolved["StepScalingPolicyConfiguration"]["MetricAggregationType"] == "Average");
  CHECK(resolved["alarm"]["Period"] == 60);
  CHECK(resolved["alarm"]["EvaluationPeriods"] == 1);
  CHECK(resolved["alarm"]["DatapointsToAlarm"] == 1);

  // An alarm on requests per target names its target group.
  json doc = scaling_scenario({step_out()});
  doc["ScalingPolicies"][0]["alarm"] = {
      {"MetricName", "RequestCountPerTarget"},
      {"Namespace", "AWS/ApplicationELB"},
      {"Statistic", "Sum"},
      {"Dimensions", {{{"Name", "TargetGroup"}, {"Value", "targetgroup/small-api-tg/0123456789abcdef"}}}},
      {"Threshold", 1000},
      {"ComparisonOperator", "GreaterThanThreshold"}};
  const StepAlarm alarm = load(doc).world.scaling_policies[0].step_scaling->alarm;
  CHECK(alarm.metric == ScalingMetric::alb_request_count_per_target);
  CHECK(alarm.target_group == std::optional<std::size_t>(0));
}

TEST_CASE("scenario_scaling: step adjustments may not overlap or leave gaps", "[scenario][scaling]") {
  const std::string at = "/ScalingPolicies/0/StepScalingPolicyConfiguration/StepAdjustments";
  json doc = scaling_scenario({step_out()});
  auto& steps = doc["ScalingPolicies"][0]["StepScalingPolicyConfiguration"]["StepAdjustments"];
  steps[1]["MetricIntervalLowerBound"] = 5.0;
  CHECK(has_problem_at(doc, at + "/1", "steps [0, 10) (" + at + "/0) and [5, 20) overlap: step ranges may not "
                                       "overlap or leave gaps (aws-semantics.md SAS-9)"));
  steps[1]["MetricIntervalLowerBound"] = 12.0;
  CHECK(has_problem_at(doc, at + "/1", "steps [0, 10) (" + at + "/0) and [12, 20) leave a gap"));
  steps[1]["MetricIntervalLowerBound"] = 10.0;
  steps[1]["MetricIntervalUpperBound"] = 10.0;
  CHECK(has_problem_at(doc, at + "/1/MetricIntervalUpperBound",
                       "MetricIntervalUpperBound 10 is not above MetricIntervalLowerBound 10"));
  steps[1]["MetricIntervalUpperBound"] = 20.0;
  steps[0].erase("MetricIntervalLowerBound");
  steps[0].erase("MetricIntervalUpperBound");
  CHECK(has_problem_at(doc, at + "/0", "a step needs MetricIntervalLowerBound or MetricIntervalUpperBound"));
  steps[0]["MetricIntervalUpperBound"] = 10.0;
  steps[1].erase("MetricIntervalLowerBound");
  CHECK(has_problem_at(doc, at + "/1", "only one step may have no MetricIntervalLowerBound, and " + at + "/0 has none"));
  doc = scaling_scenario({step_out()});
  auto& s2 = doc["ScalingPolicies"][0]["StepScalingPolicyConfiguration"]["StepAdjustments"];
  s2[0]["MetricIntervalLowerBound"] = -5.0;
  CHECK(has_problem_at(doc, at + "/0", "this step's lower bound -5 is negative, so a step without "
                                       "MetricIntervalLowerBound must follow below it"));
  s2[0]["MetricIntervalLowerBound"] = 0.0;
  s2[2]["MetricIntervalUpperBound"] = 40.0;
  CHECK(has_problem_at(doc, at + "/2", "this step's upper bound 40 is positive, so a step without "
                                       "MetricIntervalUpperBound must follow above it"));
  s2[2].erase("MetricIntervalUpperBound");
  s2 = json::array();
  CHECK(has_problem_at(doc, at, "expected at least one step adjustment"));
}

TEST_CASE("scenario_scaling: a step policy's configuration and alarm are checked", "[scenario][scaling]") {
  const std::string config = "/ScalingPolicies/0/StepScalingPolicyConfiguration/";
  const std::string alarm = "/ScalingPolicies/0/alarm";
  json doc = scaling_scenario({step_out()});
  auto& c = doc["ScalingPolicies"][0]["StepScalingPolicyConfiguration"];
  c["AdjustmentType"] = "ChangeInCapacity";
  CHECK(has_problem_at(doc, config + "MinAdjustmentMagnitude",
                       "MinAdjustmentMagnitude is only for AdjustmentType PercentChangeInCapacity"));
  c.erase("MinAdjustmentMagnitude");
  c["AdjustmentType"] = "ExactCapacity";
  c["StepAdjustments"][1]["ScalingAdjustment"] = -1;
  CHECK(has_problem_at(doc, config + "StepAdjustments/1/ScalingAdjustment",
                       "expected a capacity of 0 or more for ExactCapacity, found -1"));
  c["StepAdjustments"][1]["ScalingAdjustment"] = 10;
  c["AdjustmentType"] = "PercentChangeInCapacity";
  c["MetricAggregationType"] = "Sum";
  CHECK(has_problem_at(doc, config + "MetricAggregationType", "expected one of \"Average\", \"Minimum\", \"Maximum\""));
  c["MetricAggregationType"] = "Maximum";

  doc["ScalingPolicies"][0].erase("alarm");
  CHECK(has_problem_at(doc, alarm, "missing required field: a step scaling policy needs spotsim's \"alarm\" beside it"));
  doc["ScalingPolicies"][0]["alarm"] = step_out()["alarm"];
  auto& a = doc["ScalingPolicies"][0]["alarm"];
  a["Treshold"] = 50;
  CHECK(has_problem_at(doc, alarm + "/Treshold", "did you mean \"Threshold\""));
  a.erase("Treshold");
  a["MetricName"] = "MemoryUtilization";
  CHECK(has_problem_at(doc, alarm + "/MetricName", "expected one of \"CPUUtilization\", \"RequestCountPerTarget\""));
  a["MetricName"] = "CPUUtilization";
  a["Period"] = 300;
  CHECK(has_problem_at(doc, alarm + "/Period", "expected 60: spotsim's metrics have 1-minute datapoints"));
  a["Period"] = 60;
  a["DatapointsToAlarm"] = 4;
  CHECK(has_problem_at(doc, alarm + "/DatapointsToAlarm",
                       "DatapointsToAlarm 4 is more than EvaluationPeriods 3 (CloudWatch refuses this)"));
  a["DatapointsToAlarm"] = 3;
  a["Statistic"] = "Maximum";
  CHECK(has_problem_at(doc, alarm + "/Statistic", "expected \"Average\": spotsim evaluates CPUUtilization as its "
                                                  "1-minute average"));
  a["Statistic"] = "Average";
  a["Dimensions"][1]["Value"] = "other-api";
  CHECK(has_problem_at(doc, alarm + "/Dimensions/1/Value",
                       "expected \"small-api\", the name of the service the policy scales"));
  a["Dimensions"][1]["Value"] = "small-api";
  a["ComparisonOperator"] = "LessThanLowerOrGreaterThanUpperThreshold";
  CHECK(has_problem_at(doc, alarm + "/ComparisonOperator", "expected one of \"GreaterThanOrEqualToThreshold\""));
  a["ComparisonOperator"] = "GreaterThanThreshold";
  a["MetricName"] = "RequestCountPerTarget";
  a.erase("Namespace");
  a.erase("Statistic");
  a.erase("Dimensions");
  CHECK(has_problem_at(doc, alarm + "/Dimensions", "RequestCountPerTarget needs a TargetGroup dimension"));
  a["Dimensions"] = {{{"Name", "TargetGroup"}, {"Value", "targetgroup/nope-tg/1"}}};
  CHECK(has_problem_at(doc, alarm + "/Dimensions/0/Value", "no target group named \"nope-tg\""));
}

TEST_CASE("scenario_scaling: steps that a firing alarm never reaches are warned about", "[scenario][scaling][warnings]") {
  json doc = scaling_scenario({step_out()});
  doc["ScalingPolicies"][0]["alarm"]["ComparisonOperator"] = "LessThanThreshold";
  CHECK_THAT(scaling_warnings_of(doc), Catch::Contains("/ScalingPolicies/0/StepScalingPolicyConfiguration/StepAdjustments: "
                                               "warning: the alarm fires below its threshold (LessThanThreshold), "
                                               "but every step lies above it: the policy never scales"));
  doc = scaling_scenario({step_out()});
  auto& steps = doc["ScalingPolicies"][0]["StepScalingPolicyConfiguration"]["StepAdjustments"];
  steps.erase(0);
  CHECK_THAT(scaling_warnings_of(doc), Catch::Contains("no step covers the first 10 above it: such breaches scale nothing"));
}

// ---- validate warnings (contract.md "known spot pitfalls")

TEST_CASE("scenario_scaling: scale-in protection without managed termination protection is warned about",
          "[scenario][scaling][warnings]") {
  json doc = two_capacity_provider_scenario();
  doc["capacityProviders"][1]["autoScalingGroupProvider"]["managedTerminationProtection"] = "DISABLED";
  const std::string w = scaling_warnings_of(doc);
  CHECK_THAT(w, Catch::Contains("test.json: /AutoScalingGroups/1/NewInstancesProtectedFromScaleIn: warning: group "
                                "\"small-spot-asg\" protects its new instances from scale-in, but capacity provider "
                                "\"small-spot-cp\" scales it with managed scaling and managedTerminationProtection "
                                "DISABLED"));
  CHECK_THAT(w, Catch::Contains("(aws-semantics.md ASG-21)"));
  CHECK(w.find("small-od-asg") == std::string::npos);
}

TEST_CASE("scenario_scaling: a capacity provider whose group joins another cluster is warned about",
          "[scenario][scaling][warnings]") {
  json doc = two_capacity_provider_scenario();
  json od_template = doc["LaunchTemplateVersions"][0];
  od_template["LaunchTemplateName"] = "od-lt";
  od_template["LaunchTemplateData"]["UserData"] = base64("echo ECS_CLUSTER=staging >> /etc/ecs/ecs.config\n");
  doc["LaunchTemplateVersions"].push_back(od_template);
  doc["AutoScalingGroups"][0]["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
     ["LaunchTemplateName"] = "od-lt";
  CHECK_THAT(scaling_warnings_of(doc),
             Catch::Contains("test.json: /clusters/0/capacityProviders/0: warning: capacity provider \"small-od-cp\" is "
                             "attached to cluster \"small\", but its group \"small-od-asg\"'s instances join cluster "
                             "\"staging\" (ECS_CLUSTER)"));
}

TEST_CASE("scenario_scaling: a single spot pool is warned about", "[scenario][scaling][warnings]") {
  json doc = two_capacity_provider_scenario();
  auto& spot = doc["AutoScalingGroups"][1];
  spot["AvailabilityZones"] = {"eu-west-1a"};
  spot["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] = {{{"InstanceType", "m5.large"}}};
  CHECK_THAT(scaling_warnings_of(doc), Catch::Contains("test.json: /AutoScalingGroups/1: warning: group \"small-spot-asg\" has "
                                               "a single spot pool (m5.large/eu-west-1a)"));
  // The On-Demand group runs no spot: no warning for it even in one pool.
  CHECK(scaling_warnings_of(doc).find("small-od-asg") == std::string::npos);
  // lowest-price with SpotInstancePools 1 in one Availability Zone draws on one pool whatever the types.
  spot["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] = {{{"InstanceType", "m5.large"}}, {{"InstanceType", "c5.large"}}};
  spot["MixedInstancesPolicy"]["InstancesDistribution"]["SpotAllocationStrategy"] = "lowest-price";
  spot["MixedInstancesPolicy"]["InstancesDistribution"]["SpotInstancePools"] = 1;
  CHECK_THAT(scaling_warnings_of(doc), Catch::Contains("group \"small-spot-asg\" draws its spot instances from a single pool: one "
                                               "Availability Zone (eu-west-1a) and SpotAllocationStrategy lowest-price "
                                               "with SpotInstancePools 1"));
  spot["MixedInstancesPolicy"]["InstancesDistribution"]["SpotInstancePools"] = 2;
  CHECK(scaling_warnings_of(doc).find("single") == std::string::npos);
}

TEST_CASE("scenario_scaling: an instance refresh that managed termination protection would stall is warned about",
          "[scenario][scaling][warnings]") {
  // CP-12 keeps busy instances protected; RefreshPreferences.ScaleInProtectedInstances Wait (the API
  // default) then fails after an hour (tests/test_instance_refresh.cpp shows it on the default
  // cluster). The ECS Developer Guide asks for Refresh ("Replace") with managed termination protection.
  json doc = two_capacity_provider_scenario();
  doc["deployments"] = {{{"at", "1h"}, {"instanceRefresh", "small-spot-asg"}, {"MinHealthyPercentage", 90}}};
  std::string w = scaling_warnings_of(doc);
  CHECK_THAT(w, Catch::Contains("test.json: /deployments/0: warning: instance refresh of group \"small-spot-asg\" "
                                "with ScaleInProtectedInstances Wait (the default), but capacity provider "
                                "\"small-spot-cp\" has managed termination protection"));
  CHECK_THAT(w, Catch::Contains("set \"ScaleInProtectedInstances\": \"Refresh\""));
  doc["deployments"][0]["ScaleInProtectedInstances"] = "Ignore";
  CHECK_THAT(scaling_warnings_of(doc), Catch::Contains("the refresh skips every busy instance"));
  doc["deployments"][0]["ScaleInProtectedInstances"] = "Refresh";
  CHECK(scaling_warnings_of(doc).find("instance refresh") == std::string::npos);
  // Without managed draining (CP-14) the refreshed instances' tasks die with them.
  doc["capacityProviders"][1]["autoScalingGroupProvider"]["managedDraining"] = "DISABLED";
  CHECK_THAT(scaling_warnings_of(doc), Catch::Contains("test.json: /deployments/0: warning: instance refresh of group "
                                               "\"small-spot-asg\", but capacity provider \"small-spot-cp\" has "
                                               "managedDraining DISABLED"));
}
