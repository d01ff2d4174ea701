#pragma once
// Helpers for the tests of tools/: a scratch folder under the build tree, running the real spotsim
// binary, and a small valid scenario to break in one place at a time.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/cli.hpp"

namespace spotsim::test {

namespace fs = std::filesystem;

// A fresh folder per test (names are unique per test case), under the working directory: the build
// tree's tests/ folder. Left in place after the test, for inspection.
inline fs::path scratch_dir(const std::string& name) {
  const fs::path dir = fs::current_path() / "tools-scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Single-quoted for the shell. Built piecewise: `"'" + string` trips GCC 12's -Wrestrict false positive.
inline std::string quote(const fs::path& p) {
  std::string s = "'";
  s += p.string();
  s += '\'';
  return s;
}

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs the CLI in-process (run_cli) with `args`, each one argument (no shell quoting).
inline Run run_cli_in_process(std::vector<std::string> args) {
  args.insert(args.begin(), "spotsim");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  Run r;
  r.exit_code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  r.output = out.str() + err.str();
  return r;
}

// Runs the spotsim binary with `args` (already shell-quoted where needed).
inline Run run_spotsim(const std::string& args) {
  Run r;
  const std::string command = quote(SPOTSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string base64(const std::string& in) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += alphabet[(v >> k) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

inline const std::string kSmallUserData =
    "#!/bin/bash\n"
    "echo ECS_CLUSTER=small >> /etc/ecs/ecs.config\n"
    "echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n"
    "echo ECS_CONTAINER_STOP_TIMEOUT=1m >> /etc/ecs/ecs.config\n";

// Six hours of one mixed group over two AZs with hazard interruptions (so random draws matter).
inline nlohmann::json small_scenario() {
  return nlohmann::json{
      {"spotsim", 1},
      {"name", "small"},
      {"region", "eu-west-1"},
      {"start", "2024-02-05T00:00:00Z"},
      {"duration", "6h"},
      {"seed", 3},
      {"AutoScalingGroups",
       {{{"AutoScalingGroupName", "small-asg"},
         {"MinSize", 1},
         {"MaxSize", 6},
         {"DesiredCapacity", 4},
         {"AvailabilityZones", {"eu-west-1a", "eu-west-1b"}},
         {"MixedInstancesPolicy",
          {{"LaunchTemplate",
            {{"LaunchTemplateSpecification", {{"LaunchTemplateName", "small-lt"}, {"Version", "$Latest"}}},
             {"Overrides", {{{"InstanceType", "m5.large"}}, {{"InstanceType", "c5.large"}}}}}},
           {"InstancesDistribution",
            {{"OnDemandBaseCapacity", 1},
             {"OnDemandPercentageAboveBaseCapacity", 25},
             {"SpotAllocationStrategy", "price-capacity-optimized"}}}}}}}},
      {"LaunchTemplateVersions",
       {{{"LaunchTemplateName", "small-lt"},
         {"VersionNumber", 1},
         {"DefaultVersion", true},
         {"LaunchTemplateData", {{"InstanceType", "m5.large"}, {"UserData", base64(kSmallUserData)}}}}}},
      {"market",
       {{"prices", {{"spot", {{"fixed", {{"m5.large", 0.037}, {"c5.large", 0.034}}}}}}},
        {"interruptions",
         {{"model", "hazard"}, {"ratePerInstanceHour", 0.2}, {"poolReclaim", {{"ratePerPoolDay", 4}, {"fraction", 0.5}}}}}}},
  };
}

// small_scenario() with ECS on it: cluster "small" (which the launch template's ECS_CLUSTER names),
// capacity provider "small-cp", task definitions small-api:1 and :2 (256 cpu units, 512 MiB reserved,
// one dynamic port) and a service of 3 tasks at 50 %/200 % — a scenario without ECS pitfalls.
inline nlohmann::json small_ecs_scenario() {
  nlohmann::json s = small_scenario();
  const std::string arn = "arn:aws:ecs:eu-west-1:123456789012:";
  s["capacityProviders"] = {{{"name", "small-cp"},
                             {"autoScalingGroupProvider", {{"autoScalingGroupArn", "small-asg"}}}}};
  s["clusters"] = {{{"clusterArn", arn + "cluster/small"},
                    {"clusterName", "small"},
                    {"capacityProviders", {"small-cp"}},
                    {"defaultCapacityProviderStrategy", {{{"capacityProvider", "small-cp"}, {"weight", 1}}}}}};
  nlohmann::json td = {{"taskDefinitionArn", arn + "task-definition/small-api:1"},
                       {"family", "small-api"},
                       {"revision", 1},
                       {"networkMode", "bridge"},
                       {"containerDefinitions",
                        {{{"name", "api"},
                          {"image", "public.ecr.aws/nginx/nginx:1.25"},
                          {"cpu", 256},
                          {"memoryReservation", 512},
                          {"portMappings", {{{"containerPort", 8080}, {"hostPort", 0}, {"protocol", "tcp"}}}}}}}};
  nlohmann::json td2 = td;
  td2["taskDefinitionArn"] = arn + "task-definition/small-api:2";
  td2["revision"] = 2;
  s["taskDefinitions"] = {td, td2};
  s["services"] = {{{"serviceArn", arn + "service/small/small-api"},
                    {"serviceName", "small-api"},
                    {"clusterArn", arn + "cluster/small"},
                    {"taskDefinition", arn + "task-definition/small-api:1"},
                    {"desiredCount", 3},
                    {"deploymentConfiguration", {{"maximumPercent", 200}, {"minimumHealthyPercent", 50}}},
                    {"placementStrategy",
                     {{{"type", "spread"}, {"field", "attribute:ecs.availability-zone"}},
                      {{"type", "binpack"}, {"field", "memory"}}}},
                    {"schedulingStrategy", "REPLICA"}}};
  s["workload"] = {{"services", {{"small-api", {{"startup", {{"imagePull", "15s"}, {"appStart", "5s"}}}}}}}};
  return s;
}

inline const std::string kSmallTgArn =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/small-api-tg/0123456789abcdef";

// small_ecs_scenario() with its service behind target group small-api-tg (every health-check setting
// left to AWS's default, as describe-target-groups prints such a group), offered `requests`.
inline nlohmann::json small_alb_scenario(const nlohmann::json& requests = {{"rps", 100}}) {
  nlohmann::json s = small_ecs_scenario();
  s["TargetGroups"] = {{{"TargetGroupArn", kSmallTgArn},
                        {"TargetGroupName", "small-api-tg"},
                        {"Protocol", "HTTP"},
                        {"Port", 80},
                        {"VpcId", "vpc-0abc1234def567890"}}};
  s["services"][0]["loadBalancers"] = {
      {{"targetGroupArn", kSmallTgArn}, {"containerName", "api"}, {"containerPort", 8080}}};
  s["workload"]["traffic"] = {{{"targetGroup", "small-api-tg"}, {"requests", requests}}};
  s["workload"]["services"]["small-api"]["requestsPerSecondPerTask"] = 80;
  return s;
}

// small_ecs_scenario() with the other common capacity pattern beside one mixed group (issue 5): an
// On-Demand group "small-od-asg" (m5.large) and a spot group "small-spot-asg" (m5.large, c5.large),
// each with its capacity provider ("small-od-cp" named by the group's ARN, "small-spot-cp" by its
// name) with managed scaling and managed termination protection, and the workshop's strategy — base
// 2 weight 1 On-Demand, weight 3 spot — as the cluster's default and the service's own.
inline nlohmann::json two_capacity_provider_scenario() {
  nlohmann::json s = small_ecs_scenario();
  const std::string od_arn = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:"
                             "0d0d0d0d-1111-2222-3333-444455556666:autoScalingGroupName/small-od-asg";
  const auto group = [](const std::string& name, nlohmann::json overrides, int on_demand_percentage) {
    return nlohmann::json{
        {"AutoScalingGroupName", name},
        {"MinSize", 0},
        {"MaxSize", 20},
        {"DesiredCapacity", 2},
        {"AvailabilityZones", {"eu-west-1a", "eu-west-1b"}},
        {"NewInstancesProtectedFromScaleIn", true},
        {"MixedInstancesPolicy",
         {{"LaunchTemplate",
           {{"LaunchTemplateSpecification", {{"LaunchTemplateName", "small-lt"}, {"Version", "$Latest"}}},
            {"Overrides", std::move(overrides)}}},
          {"InstancesDistribution",
           {{"OnDemandBaseCapacity", 0},
            {"OnDemandPercentageAboveBaseCapacity", on_demand_percentage},
            {"SpotAllocationStrategy", "price-capacity-optimized"}}}}}};
  };
  nlohmann::json od = group("small-od-asg", {{{"InstanceType", "m5.large"}}}, 100);
  od["AutoScalingGroupARN"] = od_arn;
  s["AutoScalingGroups"] = {od, group("small-spot-asg", {{{"InstanceType", "m5.large"}}, {{"InstanceType", "c5.large"}}}, 0)};
  const auto provider = [](const std::string& name, const std::string& group_ref) {
    return nlohmann::json{{"name", name},
                          {"status", "ACTIVE"},
                          {"autoScalingGroupProvider",
                           {{"autoScalingGroupArn", group_ref},
                            {"managedScaling",
                             {{"status", "ENABLED"},
                              {"targetCapacity", 100},
                              {"minimumScalingStepSize", 1},
                              {"maximumScalingStepSize", 10000},
                              {"instanceWarmupPeriod", 300}}},
                            {"managedTerminationProtection", "ENABLED"},
                            {"managedDraining", "ENABLED"}}}};
  };
  s["capacityProviders"] = {provider("small-od-cp", od_arn), provider("small-spot-cp", "small-spot-asg")};
  const nlohmann::json strategy = {{{"capacityProvider", "small-od-cp"}, {"base", 2}, {"weight", 1}},
                                   {{"capacityProvider", "small-spot-cp"}, {"base", 0}, {"weight", 3}}};
  s["clusters"][0]["capacityProviders"] = {"small-od-cp", "small-spot-cp"};
  s["clusters"][0]["defaultCapacityProviderStrategy"] = strategy;
  s["services"][0]["capacityProviderStrategy"] = strategy;
  return s;
}

}  // namespace spotsim::test
