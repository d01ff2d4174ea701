// The scenario loader (contract.md "Scenario file"): AWS shapes in, WorldConfig out, every problem
// named by file and JSON pointer.
#include "tools/scenario.hpp"

#include <catch2/catch.hpp>

#include "tests/scenario_test_support.hpp"
#include "tests/tools_test_support.hpp"
#include "tools/default_scenario.hpp"

using namespace spotsim;
using namespace spotsim::test;
using nlohmann::json;

// contract.md: the reference scenario, with the seed article's launch template user data
// (ECS_ENABLE_SPOT_INSTANCE_DRAINING=true, ECS_CONTAINER_STOP_TIMEOUT=1m).
TEST_CASE("the demo scenario loads with the article's settings", "[scenario]") {
  const Scenario s = load_scenario_file(fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json");
  CHECK(s.name == "demo-api-prod");
  CHECK(s.world.region == "eu-west-1");
  CHECK(s.world.duration == days(7));
  CHECK(s.world.seed == 1);
  CHECK(format_iso8601(s.world.start_epoch_ms) == "2024-02-05T00:00:00Z");
  REQUIRE(s.world.groups.size() == 1);
  const AutoScalingGroupConfig& g = s.world.groups[0];
  CHECK(g.name == "DemoApiClusterProd-asg");
  CHECK(g.min_size == 1);
  CHECK(g.max_size == 10);
  CHECK(g.desired_capacity == 2);
  CHECK(g.instance_types == std::vector<std::string>{"m5.large"});
  CHECK(g.availability_zones.size() == 3);
  CHECK(g.on_demand_base_capacity == 0);
  CHECK(g.on_demand_percentage_above_base == 50);
  CHECK(g.spot_allocation_strategy == SpotAllocationStrategy::price_capacity_optimized);
  CHECK(g.termination_policies == std::vector<TerminationPolicy>{TerminationPolicy::OldestLaunchTemplate,
                                                                 TerminationPolicy::ClosestToNextInstanceHour,
                                                                 TerminationPolicy::OldestInstance});
  CHECK(g.new_instances_protected_from_scale_in);
  CHECK(g.health_check_grace_period == seconds(300));
  CHECK(g.launch_template_name == "DemoApiClusterProd");
  CHECK(g.launch_template_version == 1);
  REQUIRE(g.ecs_agent.cluster);
  CHECK(*g.ecs_agent.cluster == "DemoApiClusterProd");
  CHECK(g.ecs_agent.spot_instance_draining);
  CHECK(g.ecs_agent.container_stop_timeout == seconds(60));
  CHECK(s.world.market.on_demand_price.at("m5.large") == Approx(0.107));
  CHECK(s.world.market.spot_price_by_type.at("m5.large").value_at(0) == Approx(0.0369));
  CHECK(s.world.market.model == InterruptionModel::advisor);
  CHECK(s.world.market.notice == seconds(120));
  CHECK(s.world.ec2.boot_time == seconds(25));
  CHECK(s.world.ec2.agent_registration == seconds(15));
  // No fleet warning (spot draining on, stop timeout 1m); its ECS warning: test_scenario_ecs_warnings.cpp.
  for (const auto& w : s.warnings)
    CHECK((w.where.rfind("/services/", 0) == 0 || w.where.rfind("/TargetGroupAttributes/", 0) == 0));
}

TEST_CASE("the embedded default scenario is the demo scenario", "[scenario]") {
  const Scenario embedded = load_scenario_text(default_scenario_json(), "embedded", fs::current_path());
  const Scenario file = load_scenario_file(fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json");
  CHECK(embedded.name == "demo-api-prod");
  CHECK(embedded.resolved == file.resolved);
}

// contract.md "Common options": --set PATH=VALUE with a JSON pointer or a dotted path.
TEST_CASE("the --set option changes the scenario by JSON pointer and by dotted path", "[scenario][set]") {
  ScenarioOptions o;
  o.set = {"/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/OnDemandPercentageAboveBaseCapacity=20",
           "AutoScalingGroups.0.MaxSize=12", "market.prices.spot.fixed.m5.large=0.05", "region=eu-west-1",
           "description=\"a what-if\""};
  const Scenario s = load_scenario_text(small_scenario().dump(), "small.json", fs::current_path(), o);
  CHECK(s.world.groups[0].on_demand_percentage_above_base == 20);
  CHECK(s.world.groups[0].max_size == 12);
  CHECK(s.world.market.spot_price_by_type.at("m5.large").value_at(0) == Approx(0.05));
  CHECK(s.description == "a what-if");
  CHECK(s.resolved["AutoScalingGroups"][0]["MaxSize"] == 12);
}

TEST_CASE("a problem in a value set on the command line says so", "[scenario][set]") {
  ScenarioOptions o;
  o.set = {"AutoScalingGroups.0.MinSize=-1"};
  try {
    load_scenario_text(small_scenario().dump(), "small.json", fs::current_path(), o);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("/AutoScalingGroups/0/MinSize") != std::string::npos);
    CHECK(std::string(e.what()).find("(set on the command line)") != std::string::npos);
  }
}

// ASG-1 (DesiredCapacity absent: MinSize), ASG-4/5/7/8/9 (InstancesDistribution defaults).
TEST_CASE("absent AWS settings take AWS's defaults and are written into the resolved scenario", "[scenario]") {
  json doc = small_scenario();
  auto& group = doc["AutoScalingGroups"][0];
  group.erase("DesiredCapacity");
  group["MixedInstancesPolicy"].erase("InstancesDistribution");
  doc.erase("region");
  doc["AutoScalingGroups"][0]["AvailabilityZones"] = {"us-east-1a", "us-east-1b"};
  doc.erase("start");
  doc.erase("seed");
  doc["market"].erase("interruptions");
  const Scenario s = load(doc);
  const AutoScalingGroupConfig& g = s.world.groups[0];
  CHECK(g.desired_capacity == 1);
  CHECK(g.on_demand_base_capacity == 0);
  CHECK(g.on_demand_percentage_above_base == 100);
  CHECK(g.spot_allocation_strategy == SpotAllocationStrategy::lowest_price);
  CHECK(g.spot_instance_pools == 2);
  CHECK(s.world.region == "us-east-1");
  CHECK(s.world.seed == 1);
  const json& r = s.resolved;
  CHECK(r["region"] == "us-east-1");
  CHECK(r["start"] == "2024-01-01T00:00:00Z");
  CHECK(r["seed"] == 1);
  CHECK(r["AutoScalingGroups"][0]["DesiredCapacity"] == 1);
  const json& dist = r["AutoScalingGroups"][0]["MixedInstancesPolicy"]["InstancesDistribution"];
  CHECK(dist["OnDemandPercentageAboveBaseCapacity"] == 100);
  CHECK(dist["SpotAllocationStrategy"] == "lowest-price");
  CHECK(dist["SpotInstancePools"] == 2);
  CHECK(r["market"]["noticeSeconds"] == 120);
  CHECK(r["market"]["interruptions"]["model"] == "advisor");
  CHECK(r["ec2"]["bootTime"] == "25s");
  CHECK(r["ec2"]["pendingTime"] == "17s");
}

TEST_CASE("a group with a plain launch template runs its type On-Demand only", "[scenario]") {
  json doc = small_scenario();
  auto& group = doc["AutoScalingGroups"][0];
  group.erase("MixedInstancesPolicy");
  group["LaunchTemplate"] = {{"LaunchTemplateName", "small-lt"}, {"Version", "1"}};
  doc["market"]["prices"].erase("spot");  // no spot pool, so no spot price needed
  const Scenario s = load(doc);
  const AutoScalingGroupConfig& g = s.world.groups[0];
  CHECK(g.instance_types == std::vector<std::string>{"m5.large"});
  CHECK(g.on_demand_percentage_above_base == 100);
  CHECK(g.on_demand_base_capacity == 0);
}

TEST_CASE("$Latest picks the highest launch template version", "[scenario]") {
  json doc = small_scenario();
  json v2 = doc["LaunchTemplateVersions"][0];
  v2["VersionNumber"] = 2;
  v2["DefaultVersion"] = false;
  v2["LaunchTemplateData"]["UserData"] = base64("echo ECS_CLUSTER=second >> /etc/ecs/ecs.config\n");
  doc["LaunchTemplateVersions"].push_back(v2);
  CHECK(load(doc).world.groups[0].launch_template_version == 2);
  CHECK(*load(doc).world.groups[0].ecs_agent.cluster == "second");
  doc["AutoScalingGroups"][0]["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]["Version"] =
      "$Default";
  CHECK(load(doc).world.groups[0].launch_template_version == 1);
}

TEST_CASE("scheduled actions become offsets from the scenario start", "[scenario]") {
  json doc = small_scenario();
  doc["ScheduledUpdateGroupActions"] = {{{"AutoScalingGroupName", "small-asg"},
                                         {"ScheduledActionName", "morning"},
                                         {"StartTime", "2024-02-05T02:30:00+00:00"},
                                         {"DesiredCapacity", 5}}};
  const Scenario s = load(doc);
  REQUIRE(s.world.scheduled_actions.size() == 1);
  CHECK(s.world.scheduled_actions[0].at == minutes(150));
  CHECK(s.world.scheduled_actions[0].desired_capacity == 5);
  CHECK_FALSE(s.world.scheduled_actions[0].min_size);

  doc["ScheduledUpdateGroupActions"][0]["Recurrence"] = "0 8 * * *";
  CHECK(has_problem_at(doc, "/ScheduledUpdateGroupActions/0/Recurrence", "recurring scheduled actions are not supported yet"));
  doc["ScheduledUpdateGroupActions"][0].erase("Recurrence");
  doc["ScheduledUpdateGroupActions"][0]["AutoScalingGroupName"] = "other";
  CHECK(has_problem_at(doc, "/ScheduledUpdateGroupActions/0/AutoScalingGroupName", "no Auto Scaling group"));
}

// ASG-18: Default must be last; custom (Lambda) policies are not simulated.
TEST_CASE("termination policies follow AWS's rules", "[scenario]") {
  json doc = small_scenario();
  doc["AutoScalingGroups"][0]["TerminationPolicies"] = {"Default", "OldestInstance"};
  CHECK(has_problem_at(doc, "/AutoScalingGroups/0/TerminationPolicies/0", "must be the last"));
  doc["AutoScalingGroups"][0]["TerminationPolicies"] = {"arn:aws:lambda:eu-west-1:123456789012:function:pick"};
  CHECK(has_problem_at(doc, "/AutoScalingGroups/0/TerminationPolicies/0", "custom termination policies are not supported"));
  doc["AutoScalingGroups"][0]["TerminationPolicies"] = {"NewestInstance", "Default"};
  CHECK(load(doc).world.groups[0].termination_policies ==
        std::vector<TerminationPolicy>{TerminationPolicy::NewestInstance, TerminationPolicy::Default});
}

// contract.md: unknown AWS fields are ignored (pasted CLI output), unknown spotsim fields are errors.
TEST_CASE("unknown AWS fields are ignored and unknown spotsim fields are errors", "[scenario]") {
  json doc = small_scenario();
  doc["AutoScalingGroups"][0]["ServiceLinkedRoleARN"] = "arn:aws:iam::123456789012:role/x";
  doc["AutoScalingGroups"][0]["Instances"] = json::array();
  CHECK(problems(doc).empty());
  doc["durration"] = "1d";
  CHECK(has_problem_at(doc, "/durration", "did you mean \"duration\""));
  doc.erase("durration");
  doc["ec2"] = {{"bootTime", "30s"}, {"coldStart", "1m"}};
  CHECK(has_problem_at(doc, "/ec2/coldStart", "unknown field"));
  doc.erase("ec2");
  doc["workload"] = {{"traffic", json::array()}, {"requests", 1}};
  CHECK(has_problem_at(doc, "/workload/requests", "unknown field"));
}

TEST_CASE("loading reports every problem of a document at once", "[scenario]") {
  json doc = small_scenario();
  doc["spotsim"] = 2;
  doc["duration"] = "-1d";
  doc["seed"] = -4;
  doc["AutoScalingGroups"][0]["AvailabilityZones"] = json::array();
  doc["market"]["noticeSeconds"] = 4000;
  doc["market"]["interruptions"]["ratePerInstanceHour"] = "often";
  const std::string p = problems(doc);
  for (const char* pointer : {"/spotsim:", "/duration:", "/seed:", "/AutoScalingGroups/0/AvailabilityZones:",
                              "/market/noticeSeconds:", "/market/interruptions/ratePerInstanceHour:"}) {
    INFO(pointer << "\n" << p);
    CHECK(p.find(pointer) != std::string::npos);
  }
}

TEST_CASE("every instance type needs a price and every spot pool a spot price", "[scenario]") {
  json doc = small_scenario();
  doc["AutoScalingGroups"][0]["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"][1]["InstanceType"] = "z9.huge";
  CHECK(has_problem_at(doc, "/AutoScalingGroups/0/MixedInstancesPolicy/LaunchTemplate/Overrides/1/InstanceType",
                       "unknown instance type \"z9.huge\""));
  doc["market"]["prices"]["onDemand"] = {{"z9.huge", 1.5}};
  CHECK(has_problem_at(doc, "/market/prices/spot", "no spot price for pool z9.huge/eu-west-1a"));
  doc["market"]["prices"]["spot"]["fixed"]["z9.huge/eu-west-1a"] = 0.5;
  doc["market"]["prices"]["spot"]["fixed"]["z9.huge/eu-west-1b"] = 0.5;
  const Scenario s = load(doc);
  CHECK(s.world.market.on_demand_price.at("z9.huge") == 1.5);
  CHECK(s.world.market.spot_price_by_pool.count("z9.huge/eu-west-1b") == 1);
}

TEST_CASE("interruption model settings are checked against the model", "[scenario]") {
  json doc = small_scenario();
  doc["market"]["interruptions"] = {{"model", "advisor"}, {"ratePerInstanceHour", 0.1}};
  CHECK(has_problem_at(doc, "/market/interruptions/ratePerInstanceHour", "unknown field"));
  doc["market"]["interruptions"] = {{"model", "trace"}, {"traces", {{"m5.large/eu-west-1z", {{"file", "x.json"}}}}}};
  CHECK(has_problem_at(doc, "/market/interruptions/traces/m5.large~1eu-west-1z", "no group launches into pool"));
  doc["market"]["interruptions"] = {{"model", "hazard"}, {"ratePerInstanceHour", 0.01},
                                    {"poolReclaim", {{"ratePerPoolDay", 1}, {"fraction", 0.3}, {"spread", "2m"}}}};
  doc["market"]["unavailability"] = {{{"pool", "c5.large/eu-west-1b"}, {"from", "1h"}, {"for", "30m"}}};
  doc["market"]["rebalanceRecommendation"] = {{"leadTime", "15m"}, {"probability", 0.4}};
  const Scenario s = load(doc);
  CHECK(s.world.market.model == InterruptionModel::hazard);
  CHECK(s.world.market.rate_per_instance_hour == 0.01);
  CHECK(s.world.market.pool_reclaims_per_day == 1);
  CHECK(s.world.market.reclaim_fraction == 0.3);
  CHECK(s.world.market.reclaim_spread == minutes(2));
  REQUIRE(s.world.market.unavailability.size() == 1);
  CHECK(s.world.market.unavailability[0].from == hours(1));
  CHECK(s.world.market.unavailability[0].duration == minutes(30));
  REQUIRE(s.world.market.rebalance);
  CHECK(s.world.market.rebalance->lead_time == minutes(15));
  doc["market"]["unavailability"][0]["pool"] = "r5.large/eu-west-1a";
  CHECK(has_problem_at(doc, "/market/unavailability/0/pool", "no group launches into pool"));
}

// contract.md `validate`: warnings for known spot pitfalls, naming the setting and AWS guidance.
TEST_CASE("a spot group without spot draining gets a warning", "[scenario][warnings]") {
  json doc = small_scenario();
  doc["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"] =
      base64("echo ECS_CLUSTER=small >> /etc/ecs/ecs.config\necho ECS_CONTAINER_STOP_TIMEOUT=5m >> /etc/ecs/ecs.config\n");
  const Scenario s = load(doc);
  std::string all;
  for (const auto& w : s.warnings) all += w.str() + "\n";
  INFO(all);
  CHECK(all.find("/LaunchTemplateVersions/0/LaunchTemplateData/UserData: warning:") != std::string::npos);
  CHECK(all.find("ECS_ENABLE_SPOT_INSTANCE_DRAINING") != std::string::npos);
  CHECK(all.find("ECS_CONTAINER_STOP_TIMEOUT (5m)") != std::string::npos);
}

TEST_CASE("a JSON syntax error names its line and column", "[scenario]") {
  try {
    parse_json_text("{\n  \"a\": [1, 2,,]\n}", "x.json");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == "line 2, column 14");
  }
}

// design.md "Bad input and failure": no input crashes the program.
TEST_CASE("a document nested thousands of levels deep is refused, not a stack overflow", "[scenario]") {
  const std::string deep = "{\"spotsim\": 1, \"TargetGroups\": [" + std::string(100000, '[') + std::string(100000, ']') + "]}";
  try {
    parse_json_text(deep, "deep.json");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("deep.json: line 1, column ") != std::string::npos);
    CHECK(std::string(e.what()).find("nest deeper than") != std::string::npos);
  }
}
