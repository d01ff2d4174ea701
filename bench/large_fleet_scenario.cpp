#include "bench/large_fleet_scenario.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace spotsim::bench {

using nlohmann::json;

namespace {

constexpr const char* kCluster = "fleet";
constexpr const char* kProvider = "fleet-cp";
constexpr const char* kGroup = "fleet-asg";
constexpr const char* kAccount = "arn:aws:ecs:us-east-1:123456789012:";
// Four 4-vCPU / 16 GiB types (four 1-vCPU tasks each), three AZs: twelve spot pools.
constexpr const char* kTypes[] = {"m5.xlarge", "m6i.xlarge", "m5.2xlarge", "m6i.2xlarge"};
constexpr double kSpotPrice[] = {0.0712, 0.0695, 0.1400, 0.1389};
constexpr int kTaskCpu = 1024;                  // one vCPU
constexpr double kCpuSecondsPerRequest = 0.01;  // a task at 50 % CPU serves 50 rps
constexpr double kDailyAmplitude = 0.5;

// ARNs as the AWS CLI prints them (the loader checks their form).
std::string target_group_arn(const std::string& name) {
  return "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/" + name + "/0123456789abcdef";
}

std::string service_name(int k) {
  char name[16];
  std::snprintf(name, sizeof name, "svc-%02d", k);
  return name;
}

json auto_scaling_group(const LargeFleetShape& shape) {
  json overrides = json::array();
  for (const char* type : kTypes) overrides.push_back({{"InstanceType", type}});
  return {
      {"AutoScalingGroupName", kGroup},
      {"MixedInstancesPolicy",
       {{"LaunchTemplate",
         {{"LaunchTemplateSpecification", {{"LaunchTemplateName", "fleet"}, {"Version", "$Default"}}},
          {"Overrides", overrides}}},
        {"InstancesDistribution",
         {{"OnDemandBaseCapacity", std::max(1, shape.peak_instances / 20)},
          {"OnDemandPercentageAboveBaseCapacity", 20},
          {"SpotAllocationStrategy", "price-capacity-optimized"}}}}},
      {"MinSize", 0},
      {"MaxSize", shape.peak_instances},
      {"DesiredCapacity", std::max(1, shape.peak_instances / 4)},
      {"DefaultCooldown", 300},
      {"AvailabilityZones", {"us-east-1a", "us-east-1b", "us-east-1c"}},
      {"HealthCheckType", "EC2"},
      {"NewInstancesProtectedFromScaleIn", true},
      {"CapacityRebalance", true},
  };
}

json launch_template() {
  // ECS_CLUSTER=fleet, ECS_ENABLE_SPOT_INSTANCE_DRAINING=true (base64 of the two echo lines).
  const std::string user_data =
      "IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1mbGVldCA+PiAvZXRjL2Vjcy9lY3MuY29uZmlnCmVjaG8gRUNTX0VOQUJMRV9TUE9U"
      "X0lOU1RBTkNFX0RSQUlOSU5HPXRydWUgPj4gL2V0Yy9lY3MvZWNzLmNvbmZpZwo=";
  return {{"LaunchTemplateName", "fleet"},
          {"VersionNumber", 1},
          {"DefaultVersion", true},
          {"LaunchTemplateData", {{"ImageId", "ami-0fleet"}, {"InstanceType", "m5.xlarge"}, {"UserData", user_data}}}};
}

json service(int k) {
  const std::string name = service_name(k);
  return {{"serviceName", name},
          {"clusterArn", std::string(kAccount) + "cluster/" + kCluster},
          {"loadBalancers", {{{"targetGroupArn", target_group_arn(name + "-tg")}, {"containerName", "app"}, {"containerPort", 8080}}}},
          {"desiredCount", 2},
          {"capacityProviderStrategy", {{{"capacityProvider", kProvider}, {"weight", 1}, {"base", 0}}}},
          {"taskDefinition", name},
          {"deploymentConfiguration", {{"maximumPercent", 200}, {"minimumHealthyPercent", 100}}},
          {"placementStrategy",
           {{{"type", "spread"}, {"field", "attribute:ecs.availability-zone"}}, {{"type", "binpack"}, {"field", "cpu"}}}}};
}

json task_definition(int k) {
  const json container = {{"name", "app"},
                          {"cpu", kTaskCpu},
                          {"memoryReservation", 2048},
                          {"essential", true},
                          {"portMappings", json::array({{{"containerPort", 8080}, {"hostPort", 0}}})}};
  return {{"family", service_name(k)},
          {"revision", 1},
          {"networkMode", "bridge"},
          {"containerDefinitions", json::array({container})}};
}

json target_group(int k) {
  const std::string name = service_name(k) + "-tg";
  return {{"TargetGroupArn", target_group_arn(name)},
          {"TargetGroupName", name},
          {"Protocol", "HTTP"},
          {"Port", 80},
          {"HealthCheckIntervalSeconds", 15},
          {"HealthyThresholdCount", 2},
          {"UnhealthyThresholdCount", 2},
          {"TargetType", "instance"}};
}

}  // namespace

json large_fleet_scenario(const LargeFleetShape& shape) {
  // Peak tasks: ~85 % of the largest fleet's 4-vCPU share (spread over AZs and binpack leave some
  // room), split evenly; a task at the 50 % CPU target serves 50 rps, so that is the peak load.
  const double peak_tasks_per_service = 0.85 * 4.0 * shape.peak_instances / shape.services;
  const double peak_rps = peak_tasks_per_service * 0.5 / kCpuSecondsPerRequest;
  const double mean_rps = peak_rps / (1 + kDailyAmplitude);
  const int max_tasks = std::max(2, static_cast<int>(2 * peak_tasks_per_service));

  json doc = {{"spotsim", 1},
              {"name", "large-fleet"},
              {"region", "us-east-1"},
              {"start", "2024-01-01T00:00:00Z"},
              {"duration", std::to_string(shape.days) + "d"},
              {"seed", 1}};
  doc["AutoScalingGroups"] = json::array({auto_scaling_group(shape)});  // {x} alone is x itself under clang
  doc["LaunchTemplateVersions"] = json::array({launch_template()});
  doc["capacityProviders"] = {{{"name", kProvider},
                               {"autoScalingGroupProvider",
                                {{"autoScalingGroupArn", kGroup},
                                 {"managedScaling",
                                  {{"status", "ENABLED"}, {"targetCapacity", 100}, {"instanceWarmupPeriod", 300}}},
                                 {"managedTerminationProtection", "ENABLED"},
                                 {"managedDraining", "ENABLED"}}}}};
  doc["clusters"] = {{{"clusterName", kCluster},
                      {"capacityProviders", {kProvider}},
                      {"defaultCapacityProviderStrategy", {{{"capacityProvider", kProvider}, {"weight", 1}}}}}};
  json services = json::array(), task_definitions = json::array(), target_groups = json::array(),
       attributes = json::object(), scalable_targets = json::array(), policies = json::array(),
       traffic = json::array(), workloads = json::object();
  for (int k = 0; k < shape.services; ++k) {
    const std::string name = service_name(k);
    const std::string resource = std::string("service/") + kCluster + "/" + name;
    services.push_back(service(k));
    task_definitions.push_back(task_definition(k));
    target_groups.push_back(target_group(k));
    attributes[name + "-tg"] = {{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", "60"}}};
    scalable_targets.push_back({{"ServiceNamespace", "ecs"},
                                {"ResourceId", resource},
                                {"ScalableDimension", "ecs:service:DesiredCount"},
                                {"MinCapacity", 2},
                                {"MaxCapacity", max_tasks}});
    policies.push_back(
        {{"PolicyName", name + "-cpu50"},
         {"ServiceNamespace", "ecs"},
         {"ResourceId", resource},
         {"ScalableDimension", "ecs:service:DesiredCount"},
         {"PolicyType", "TargetTrackingScaling"},
         {"TargetTrackingScalingPolicyConfiguration",
          {{"TargetValue", 50.0},
           {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}},
           {"ScaleOutCooldown", 60},
           {"ScaleInCooldown", 300}}}});
    // Peaks staggered over the day, so the services do not all peak together.
    traffic.push_back({{"targetGroup", name + "-tg"},
                       {"requests",
                        {{"synthetic",
                          {{"meanRps", mean_rps},
                           {"dailyAmplitude", kDailyAmplitude},
                           {"peakHourUtc", 12 + (k % 6)},
                           {"noise", 0.1},
                           {"step", "1m"}}}}}});
    workloads[name] = {{"cpuSecondsPerRequest", kCpuSecondsPerRequest},
                       {"concurrencyPerTask", 64},
                       {"meanLatency", "40ms"},
                       {"startup", {{"imagePull", "20s"}, {"appStart", "10s"}}}};
  }
  doc["services"] = services;
  doc["taskDefinitions"] = task_definitions;
  doc["TargetGroups"] = target_groups;
  doc["TargetGroupAttributes"] = attributes;
  doc["ScalableTargets"] = scalable_targets;
  doc["ScalingPolicies"] = policies;
  doc["workload"] = {{"traffic", traffic}, {"services", workloads}};
  json spot = json::object(), on_demand = json::object();
  for (std::size_t i = 0; i < std::size(kTypes); ++i) spot[kTypes[i]] = kSpotPrice[i];
  doc["market"] = {{"prices", {{"spot", {{"fixed", spot}}}}},
                   {"interruptions",
                    {{"model", "hazard"},
                     {"ratePerInstanceHour", 0.002},  // ~5 % of spot instances a day
                     {"poolReclaim", {{"ratePerPoolDay", 0.1}, {"fraction", 0.2}, {"spread", "10m"}}}}},
                   {"noticeSeconds", 120}};
  doc["ec2"] = {{"bootTime", "25s"}, {"agentRegistration", "15s"}};
  return doc;
}

}  // namespace spotsim::bench
