// contract.md `validate`: the ECS pitfalls of a spot-backed cluster are warnings naming the setting
// and AWS's guidance (aws-semantics.md §4.1, AG-2, AG-5). Each appears for a scenario that has the
// pitfall, and none for a scenario without them.
#include <catch2/catch.hpp>

#include "tests/tools_test_support.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;
using namespace spotsim::test;
using nlohmann::json;

namespace {

std::string warnings_of(const json& doc) {
  const Scenario s = load_scenario(doc, "test.json", fs::current_path());
  std::string all;
  for (const auto& w : s.warnings) all += w.str() + "\n";
  return all;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a spot cluster without ECS pitfalls has no warnings", "[scenario][ecs][warnings]") {
  CHECK(warnings_of(small_ecs_scenario()).empty());
}

// The demo drains on spot notices and stops containers after 1m, so the only pitfall it has is
// AG-5's Spot caveat: minimumHealthyPercent 100 (the CLI's default) on a group that runs spot.
// The demo's two pitfalls: AG-5's Spot caveat on minimumHealthyPercent 100, and the seed article's
// own — a 300 s deregistration delay with a 1-minute stop timeout, beyond the notice (AG-3).
TEST_CASE("the demo's ECS warnings are AG-5's Spot caveat and the 300 s deregistration delay", "[scenario][ecs][warnings]") {
  const Scenario s = load_scenario_file(fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json");
  REQUIRE(s.warnings.size() == 2);
  CHECK(s.warnings[0].where == "/services/0/deploymentConfiguration/minimumHealthyPercent");
  CHECK(s.warnings[0].message.find("If you use Spot Instances and minimumHealthyPercent is greater than or equal "
                                   "to 100%") != std::string::npos);
  CHECK(s.warnings[1].where == "/TargetGroupAttributes/demo-api-tg");
  CHECK(s.warnings[1].message.find("deregistration_delay.timeout_seconds 300") != std::string::npos);
  CHECK(s.warnings[1].message.find("360 s together, beyond the 120 s spot notice") != std::string::npos);
}

TEST_CASE("a deregistration delay plus stop timeout within the notice is not warned about", "[scenario][ecs][warnings]") {
  json doc = load_scenario_file(fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json").resolved;
  doc["TargetGroupAttributes"]["demo-api-tg"] = json::array({{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", "30"}}});
  const std::string w = warnings_of(doc);
  CHECK(w.find("deregistration_delay") == std::string::npos);
}

// §4.1: the agent joins the cluster ECS_CLUSTER names, "default" when unset.
TEST_CASE("a group whose ECS_CLUSTER names no cluster of the scenario is warned about", "[scenario][ecs][warnings]") {
  json doc = small_ecs_scenario();
  doc["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"] =
      base64("echo ECS_CLUSTER=smal >> /etc/ecs/ecs.config\necho ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n");
  const std::string w = warnings_of(doc);
  INFO(w);
  CHECK(w.find("/LaunchTemplateVersions/0/LaunchTemplateData/UserData: warning: group \"small-asg\"'s launch template "
               "sets ECS_CLUSTER=smal, which names no cluster of the scenario (\"small\")") != std::string::npos);
  // ... and the cluster its service runs in then gets no instances.
  CHECK(w.find("/clusters/0/clusterName: warning: no Auto Scaling group's launch template sets ECS_CLUSTER=small") !=
        std::string::npos);

  doc["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"] =
      base64("echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n");
  CHECK(warnings_of(doc).find("no ECS_CLUSTER, so the agent's default \"default\"") != std::string::npos);
}

// §4.1, AG-5: without spot draining, tasks die with the instance; warned once per group.
TEST_CASE("spot draining off on a spot group is warned about once", "[scenario][ecs][warnings]") {
  json doc = small_ecs_scenario();
  doc["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"] = base64("echo ECS_CLUSTER=small >> /etc/ecs/ecs.config\n");
  const std::string w = warnings_of(doc);
  INFO(w);
  CHECK(count(w, "ECS_ENABLE_SPOT_INSTANCE_DRAINING") == 1);
  CHECK(w.find("die at the termination") != std::string::npos);
}

// AG-5: "If both minimumHealthyPercent and maximumPercent are 100%, then the service can't remove
// existing tasks, and also cannot start replacement tasks."
TEST_CASE("minimumHealthyPercent 100 with maximumPercent 100 is warned about", "[scenario][ecs][warnings]") {
  json doc = small_ecs_scenario();
  doc["services"][0]["deploymentConfiguration"] = {{"maximumPercent", 100}, {"minimumHealthyPercent", 100}};
  const std::string w = warnings_of(doc);
  INFO(w);
  CHECK(w.find("/services/0/deploymentConfiguration/minimumHealthyPercent: warning: service \"small-api\" has "
               "minimumHealthyPercent 100 and maximumPercent 100") != std::string::npos);
  CHECK(w.find("can't remove existing tasks, and also cannot start replacement tasks") != std::string::npos);
  // On an all-On-Demand group the deadlock remains (scale-in drains too) but the Spot caveat does not.
  doc["AutoScalingGroups"][0]["MixedInstancesPolicy"]["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"] = 100;
  const std::string on_demand = warnings_of(doc);
  CHECK(on_demand.find("maximumPercent 100") != std::string::npos);
  CHECK(on_demand.find("If you use Spot Instances") == std::string::npos);
}

// AG-5's Spot caveat, also when the 100 % is the default (the warning then points at the service's
// deploymentConfiguration, or the service).
TEST_CASE("minimumHealthyPercent of 100 on spot capacity is warned about", "[scenario][ecs][warnings]") {
  json doc = small_ecs_scenario();
  doc["services"][0].erase("deploymentConfiguration");
  const std::string w = warnings_of(doc);
  INFO(w);
  CHECK(w.find("/services/0: warning: service \"small-api\" has minimumHealthyPercent 100 on spot capacity (group "
               "\"small-asg\")") != std::string::npos);
  CHECK(w.find("will not have enough time to replace the task before the Spot Instance terminates") != std::string::npos);
  CHECK(w.find("maximumPercent 100") == std::string::npos);
}

// AG-2: "Anything above the 120 seconds (2 minute notification for Spot) will result in a Spot termination."
TEST_CASE("a container stop timeout longer than the spot notice is warned about", "[scenario][ecs][warnings]") {
  json doc = small_ecs_scenario();
  doc["taskDefinitions"][0]["containerDefinitions"][0]["stopTimeout"] = 180;
  std::string w = warnings_of(doc);
  INFO(w);
  CHECK(w.find("/taskDefinitions/0/containerDefinitions/0/stopTimeout: warning: container \"api\" of small-api:1 "
               "has stopTimeout 180 s, longer than the 120 s spot interruption notice") != std::string::npos);
  // A revision only a deployment runs is checked too; one nothing runs is not.
  doc["taskDefinitions"][0]["containerDefinitions"][0]["stopTimeout"] = 120;
  doc["taskDefinitions"][1]["containerDefinitions"][0]["stopTimeout"] = 300;
  CHECK(warnings_of(doc).empty());
  doc["deployments"] = {{{"at", "1h"}, {"service", "small-api"}, {"taskDefinition", "small-api:2"}}};
  CHECK(warnings_of(doc).find("/taskDefinitions/1/containerDefinitions/0/stopTimeout: warning:") != std::string::npos);
  doc["market"]["noticeSeconds"] = 600;  // a what-if with a longer notice
  CHECK(warnings_of(doc).empty());
}
