// The ECS blocks of a scenario (contract.md "Scenario file"; aws-semantics.md §4, §5): clusters,
// taskDefinitions, services, workload.services, deployments and spotsim's `ecs` block, loaded into
// WorldConfig with AWS's defaults, every problem at its JSON pointer.
#include <catch2/catch.hpp>

#include "tests/scenario_test_support.hpp"
#include "tests/tools_test_support.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;
using namespace spotsim::test;
using nlohmann::json;

namespace {


}  // namespace

// contract.md: the seed article's service — bitnami/node on port 3000 with a dynamic host port,
// 512 cpu units, memoryReservation 1024, spread over AZs then binpack on cpu.
TEST_CASE("the demo's cluster, task definition and service load as the article sets them", "[scenario][ecs]") {
  const Scenario s = demo_scenario();
  const WorldConfig& w = s.world;
  REQUIRE(w.clusters.size() == 1);
  CHECK(w.clusters[0].name == "DemoApiClusterProd");
  REQUIRE(w.task_definitions.size() == 1);
  const TaskDefinition& td = w.task_definitions[0];
  CHECK(td.family_revision() == "demo-api:1");
  CHECK(td.arn == "arn:aws:ecs:eu-west-1:123456789012:task-definition/demo-api:1");
  CHECK(td.network_mode == "bridge");
  CHECK_FALSE(td.cpu);
  CHECK_FALSE(td.memory);
  REQUIRE(td.containers.size() == 1);
  const ContainerDefinition& c = td.containers[0];
  CHECK(c.name == "demo-api");
  CHECK(c.cpu == 512);
  CHECK(c.memory == 2048);
  CHECK(c.memory_reservation == 1024);
  CHECK(c.essential);
  REQUIRE(c.port_mappings.size() == 1);
  CHECK(c.port_mappings[0].container_port == 3000);
  CHECK(c.port_mappings[0].host_port == 0);  // dynamic
  CHECK_FALSE(c.stop_timeout);               // the agent's ECS_CONTAINER_STOP_TIMEOUT (1m) applies
  CHECK_FALSE(c.health_check);
  CHECK(td.reserved_cpu() == 512);
  CHECK(td.reserved_memory_mib() == 1024);
  CHECK(td.static_host_ports().empty());

  REQUIRE(w.services.size() == 1);
  const EcsServiceConfig& svc = w.services[0];
  CHECK(svc.name == "demo-api");
  CHECK(svc.cluster == "DemoApiClusterProd");
  CHECK(svc.task_definition == 0);
  CHECK(svc.desired_count == 2);
  CHECK(svc.deployment.maximum_percent == 200);
  CHECK(svc.deployment.minimum_healthy_percent == 100);
  CHECK_FALSE(svc.deployment.circuit_breaker);
  REQUIRE(svc.placement_strategy.size() == 2);
  CHECK(svc.placement_strategy[0].type == PlacementStrategyType::spread);
  CHECK(svc.placement_strategy[0].field == "attribute:ecs.availability-zone");
  CHECK(svc.placement_strategy[1].type == PlacementStrategyType::binpack);
  CHECK(svc.placement_strategy[1].field == "cpu");
  CHECK(svc.placement_constraints.empty());
  CHECK(svc.health_check_grace_period == 0);
  CHECK(svc.has_load_balancer);
  CHECK(svc.capacity_provider_strategy == std::vector<std::string>{"DemoApiClusterProd-cp"});
  CHECK(svc.workload.image_pull == seconds(20));
  CHECK(svc.workload.app_start == seconds(10));
  CHECK_FALSE(svc.workload.shutdown);
  CHECK(w.deployments.empty());
  CHECK(s.not_simulated.empty());  // every block is simulated
}

// SCH-3, SCH-7, SCH-8, AG-4, §10.7: what absent settings become, in WorldConfig and in scenario.json.
TEST_CASE("absent ECS settings take AWS's defaults and are written into the resolved scenario", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  auto& service = doc["services"][0];
  service.erase("deploymentConfiguration");
  service.erase("placementStrategy");
  service.erase("schedulingStrategy");
  auto& td = doc["taskDefinitions"][0];
  td.erase("networkMode");
  td["containerDefinitions"][0]["healthCheck"] = {{"command", {"CMD-SHELL", "curl -f localhost:8080/"}}};
  doc.erase("workload");
  const Scenario s = load(doc);
  const EcsServiceConfig& svc = s.world.services[0];
  CHECK(svc.deployment.maximum_percent == 200);
  CHECK(svc.deployment.minimum_healthy_percent == 100);
  REQUIRE(svc.placement_strategy.size() == 1);
  CHECK(svc.placement_strategy[0].type == PlacementStrategyType::spread);
  CHECK(svc.placement_strategy[0].field == "attribute:ecs.availability-zone");
  CHECK(svc.workload.image_pull == seconds(20));
  const TaskDefinition& t = s.world.task_definitions[0];
  CHECK(t.network_mode == "bridge");
  REQUIRE(t.containers[0].health_check);
  CHECK(t.containers[0].health_check->interval == seconds(30));
  CHECK(t.containers[0].health_check->timeout == seconds(5));
  CHECK(t.containers[0].health_check->retries == 3);
  CHECK(t.containers[0].health_check->start_period == 0);
  CHECK(s.world.ecs.spot_drain_poll == seconds(1));
  CHECK(s.world.ecs.circuit_breaker_min_threshold == 3);

  const json& r = s.resolved;
  CHECK(r["services"][0]["deploymentConfiguration"]["maximumPercent"] == 200);
  CHECK(r["services"][0]["deploymentConfiguration"]["minimumHealthyPercent"] == 100);
  CHECK(r["services"][0]["deploymentConfiguration"]["deploymentCircuitBreaker"]["enable"] == false);
  CHECK(r["services"][0]["placementStrategy"] ==
        json::parse(R"([{"type": "spread", "field": "attribute:ecs.availability-zone"}])"));
  CHECK(r["services"][0]["schedulingStrategy"] == "REPLICA");
  CHECK(r["taskDefinitions"][0]["networkMode"] == "bridge");
  CHECK(r["taskDefinitions"][0]["containerDefinitions"][0]["essential"] == true);
  CHECK(r["taskDefinitions"][0]["containerDefinitions"][0]["healthCheck"]["retries"] == 3);
  CHECK(r["workload"]["services"]["small-api"]["startup"]["imagePull"] == "20s");
  CHECK(r["ecs"]["placementRetry"] == "1m");
  CHECK(r["ecs"]["circuitBreakerMinThreshold"] == 3);
  // Reloading the resolved scenario gives the same world.
  CHECK(load(r).resolved == r);
}

TEST_CASE("the ecs block sets the scheduler's tunables and the circuit breaker's minimum", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  doc["ecs"] = {{"spotDrainPoll", "2s"}, {"placementRetry", "5m"}, {"healthyAfterRunning", 0},
                {"circuitBreakerMinThreshold", 10}};
  const Scenario s = load(doc);
  CHECK(s.world.ecs.spot_drain_poll == seconds(2));
  CHECK(s.world.ecs.placement_retry == minutes(5));
  CHECK(s.world.ecs.healthy_after_running == 0);
  CHECK(s.world.ecs.circuit_breaker_min_threshold == 10);
  doc["ecs"]["circuitBreakerMinThreshold"] = 5;
  CHECK(has_problem_at(doc, "/ecs/circuitBreakerMinThreshold", "expected 3 (current API reference) or 10"));
  doc["ecs"] = {{"placementRetry", 0}, {"spotDrainPol", "1s"}};
  CHECK(has_problem_at(doc, "/ecs/placementRetry", "at least 1s"));
  CHECK(has_problem_at(doc, "/ecs/spotDrainPol", "did you mean \"spotDrainPoll\""));
}

TEST_CASE("task-level cpu and memory are read as AWS prints them", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  auto& td = doc["taskDefinitions"][0];
  td["cpu"] = "512";
  td["memory"] = "1 GB";
  td["containerDefinitions"][0].erase("memoryReservation");
  CHECK(load(doc).world.task_definitions[0].cpu == 512);
  CHECK(load(doc).world.task_definitions[0].memory == 1024);
  td["cpu"] = "0.5 vCPU";
  td["memory"] = 2048;
  CHECK(load(doc).world.task_definitions[0].cpu == 512);
  CHECK(load(doc).world.task_definitions[0].memory == 2048);
  td["cpu"] = "half";
  CHECK(has_problem_at(doc, "/taskDefinitions/0/cpu", "expected cpu units such as \"512\""));
  td["cpu"] = "64";  // RegisterTaskDefinition: 128 to 196608 units on EC2
  CHECK(has_problem_at(doc, "/taskDefinitions/0/cpu", "expected from 128 to 196608 cpu units"));
  td["cpu"] = "128";  // below the container's 256
  CHECK(has_problem_at(doc, "/taskDefinitions/0/cpu", "the containers reserve 256 cpu units"));
}

// API-ECS ContainerDefinition: memory or memoryReservation without task memory; memory above the
// reservation; at least one essential container; AG-4 ranges; PortMapping by network mode.
TEST_CASE("container definitions follow AWS's registration rules", "[scenario][ecs]") {
  const std::string c0 = "/taskDefinitions/0/containerDefinitions/0";
  json doc = small_ecs_scenario();
  auto& c = doc["taskDefinitions"][0]["containerDefinitions"][0];
  c.erase("memoryReservation");
  CHECK(has_problem_at(doc, c0, "has neither memory nor memoryReservation"));
  c["memory"] = 256;
  c["memoryReservation"] = 512;
  CHECK(has_problem_at(doc, c0 + "/memoryReservation", "above the container's hard limit"));
  c["memory"] = 1024;
  c["essential"] = false;
  CHECK(has_problem_at(doc, "/taskDefinitions/0/containerDefinitions", "no container is essential"));
  c["essential"] = true;
  c["healthCheck"] = {{"interval", 2}, {"retries", 11}};
  CHECK(has_problem_at(doc, c0 + "/healthCheck/interval", "from 5 to 300"));
  CHECK(has_problem_at(doc, c0 + "/healthCheck/retries", "from 1 to 10"));
  c["healthCheck"] = {{"interval", 10}, {"timeout", 3}, {"retries", 2}, {"startPeriod", 60}};
  c["stopTimeout"] = 20;
  const ContainerDefinition loaded = load(doc).world.task_definitions[0].containers[0];
  CHECK(loaded.health_check->interval == seconds(10));
  CHECK(loaded.health_check->start_period == seconds(60));
  CHECK(loaded.stop_timeout == seconds(20));

  c["portMappings"] = {{{"containerPort", 8080}, {"hostPort", 8080}}, {{"containerPort", 9090}, {"hostPort", 8080}}};
  CHECK(has_problem_at(doc, c0 + "/portMappings/1/hostPort", "host port 8080 is mapped twice"));
  c["portMappings"] = {{{"containerPort", 8080}, {"hostPort", 80}}};
  doc["taskDefinitions"][0]["networkMode"] = "host";
  CHECK(has_problem_at(doc, c0 + "/portMappings/0/hostPort", "the host port is the container port"));
  c["portMappings"] = {{{"containerPort", 8080}}};
  CHECK(load(doc).world.task_definitions[0].static_host_ports() == std::vector<int>{8080});
  doc["taskDefinitions"][0]["networkMode"] = "none";
  CHECK(has_problem_at(doc, c0 + "/portMappings", "network mode \"none\""));
}

// UpdateService/CreateService take a task definition as an ARN, family:revision, or family (latest).
TEST_CASE("a service's task definition is found by ARN, family:revision or family", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  CHECK(load(doc).world.services[0].task_definition == 0);
  doc["services"][0]["taskDefinition"] = "small-api:2";
  CHECK(load(doc).world.services[0].task_definition == 1);
  doc["services"][0]["taskDefinition"] = "small-api";
  CHECK(load(doc).world.services[0].task_definition == 1);
  doc["services"][0]["taskDefinition"] = "arn:aws:ecs:eu-west-1:999999999999:task-definition/small-api:1";
  CHECK(load(doc).world.services[0].task_definition == 0);
  doc["services"][0]["taskDefinition"] = "small-api:3";
  CHECK(has_problem_at(doc, "/services/0/taskDefinition", "expected one of small-api:1, small-api:2"));
  doc["services"][0]["taskDefinition"] = "small-api:1";
  doc["taskDefinitions"][1]["revision"] = 1;
  CHECK(has_problem_at(doc, "/taskDefinitions/1/revision", "disagrees with taskDefinitionArn"));
}

TEST_CASE("a service's cluster is found by ARN or name", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  doc["services"][0].erase("clusterArn");
  doc["services"][0]["cluster"] = "small";
  CHECK(load(doc).world.services[0].cluster == "small");
  doc["services"][0].erase("cluster");
  CHECK(has_problem_at(doc, "/services/0", "AWS runs the service in the \"default\" cluster"));
}

// SCH-2 (at most 5 strategies), SCH-4 (constraints: distinctInstance has no expression; memberOf
// parses; at most 10).
TEST_CASE("placement strategies and constraints are checked", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  auto& service = doc["services"][0];
  service["placementStrategy"] = {{{"type", "random"}, {"field", "cpu"}}};
  CHECK(has_problem_at(doc, "/services/0/placementStrategy/0", "random takes no field"));
  service["placementStrategy"] = json::array();
  for (int i = 0; i < 6; ++i) service["placementStrategy"].push_back({{"type", "spread"}, {"field", "instanceId"}});
  CHECK(has_problem_at(doc, "/services/0/placementStrategy", "at most 5"));
  service["placementStrategy"] = {{{"type", "spread"}, {"field", "host"}}, {{"type", "random"}}};
  service["placementConstraints"] = {{{"type", "distinctInstance"}},
                                     {{"type", "memberOf"}, {"expression", "attribute:ecs.instance-type =~ m5.*"}}};
  const Scenario s = load(doc);
  CHECK(s.world.services[0].placement_strategy[1].type == PlacementStrategyType::random);
  REQUIRE(s.world.services[0].placement_constraints.size() == 2);
  CHECK(s.world.services[0].placement_constraints[0].type == PlacementConstraintType::distinct_instance);
  CHECK(s.world.services[0].placement_constraints[1].expression == "attribute:ecs.instance-type =~ m5.*");
  service["placementConstraints"][0]["expression"] = "attribute:ecs.instance-type == m5.large";
  CHECK(has_problem_at(doc, "/services/0/placementConstraints/0/expression", "distinctInstance takes no expression"));
  service["placementConstraints"] = {{{"type", "memberOf"}}};
  CHECK(has_problem_at(doc, "/services/0/placementConstraints/0/expression", "memberOf needs an expression"));
  service["placementConstraints"] = json::array();
  for (int i = 0; i < 11; ++i) service["placementConstraints"].push_back({{"type", "distinctInstance"}});
  CHECK(has_problem_at(doc, "/services/0/placementConstraints", "at most 10"));
}

TEST_CASE("capacity providers named by clusters and services must exist", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  doc["clusters"][0]["capacityProviders"] = {"small-cp", "FARGATE", "other-cp"};
  CHECK(has_problem_at(doc, "/clusters/0/capacityProviders/2", "no capacity provider named \"other-cp\""));
  doc["clusters"][0]["capacityProviders"] = {"FARGATE"};
  CHECK(has_problem_at(doc, "/clusters/0/defaultCapacityProviderStrategy/0/capacityProvider",
                       "not among this cluster's capacityProviders"));
  doc = small_ecs_scenario();
  // No strategy and no launchType: the cluster's default strategy (CreateService).
  CHECK(load(doc).world.services[0].capacity_provider_strategy == std::vector<std::string>{"small-cp"});
  doc["services"][0]["launchType"] = "EC2";
  CHECK(load(doc).world.services[0].capacity_provider_strategy.empty());
  doc["services"][0]["capacityProviderStrategy"] = {{{"capacityProvider", "FARGATE_SPOT"}}};
  CHECK(has_problem_at(doc, "/services/0/capacityProviderStrategy/0/capacityProvider", "Fargate"));
  doc["services"][0]["launchType"] = "FARGATE";
  CHECK(has_problem_at(doc, "/services/0/launchType", "launch type FARGATE is not supported"));
  doc["services"][0].erase("launchType");
  doc["services"][0]["schedulingStrategy"] = "DAEMON";
  CHECK(has_problem_at(doc, "/services/0/schedulingStrategy", "DAEMON services are not supported yet"));
}

TEST_CASE("workload.services gives each service's start and stop timings", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  doc["workload"]["services"]["small-api"] = {{"startup", {{"imagePull", "45s"}, {"appStart", 8}}},
                                              {"shutdown", "3s"},
                                              {"requestsPerSecondPerTask", 100},
                                              {"requestTimeout", "30s"}};
  const Scenario s = load(doc);
  CHECK(s.world.services[0].workload.image_pull == seconds(45));
  CHECK(s.world.services[0].workload.app_start == seconds(8));
  CHECK(s.world.services[0].workload.shutdown == seconds(3));
  CHECK(s.not_simulated.empty());
  doc["workload"]["services"]["small-api"]["cpuSecondsPerRequest"] = 0.01;
  CHECK(has_problem_at(doc, "/workload/services/small-api/cpuSecondsPerRequest", "found both"));
  doc["workload"]["services"]["small-api"].erase("cpuSecondsPerRequest");
  doc["workload"]["services"]["small-api"]["startup"]["pull"] = "1s";
  CHECK(has_problem_at(doc, "/workload/services/small-api/startup/pull", "unknown field"));
  doc["workload"]["services"]["small-api"]["startup"].erase("pull");
  doc["workload"]["services"]["other-api"] = {{"shutdown", "1s"}};
  CHECK(has_problem_at(doc, "/workload/services/other-api", "no service named \"other-api\""));
}

// contract.md "deployments": a new revision for a service at a time, or an instance refresh of a group.
TEST_CASE("scheduled deployments name a service and a task definition", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  doc["deployments"] = {{{"at", "2h"}, {"service", "small-api"}, {"taskDefinition", "small-api:2"}},
                        {{"at", "4h"}, {"service", "small-api"}, {"taskDefinition", "small-api:1"}, {"failsToStart", true}},
                        {{"at", "5h"}, {"instanceRefresh", "small-asg"}, {"MinHealthyPercentage", 90}}};
  const Scenario s = load(doc);
  REQUIRE(s.world.deployments.size() == 2);
  CHECK(s.world.deployments[0].at == hours(2));
  CHECK(s.world.deployments[0].service == 0);
  CHECK(s.world.deployments[0].task_definition == 1);
  CHECK_FALSE(s.world.deployments[0].fails_to_start);
  CHECK(s.world.deployments[1].fails_to_start);
  CHECK(s.resolved["deployments"][0]["failsToStart"] == false);
  CHECK(s.not_simulated.empty());  // instance refreshes are simulated (issue 5)
  REQUIRE(s.world.instance_refreshes.size() == 1);
  CHECK(s.world.instance_refreshes[0].group == "small-asg");
  CHECK(s.world.instance_refreshes[0].at == hours(5));
  CHECK(s.world.instance_refreshes[0].min_healthy_percentage == 90);
  doc["deployments"][0]["service"] = "other";
  CHECK(has_problem_at(doc, "/deployments/0/service", "no service named \"other\""));
  doc["deployments"][0]["service"] = "small-api";
  doc["deployments"][0]["taskDefinition"] = "big-api:1";
  CHECK(has_problem_at(doc, "/deployments/0/taskDefinition", "no task definition \"big-api:1\""));
  doc["deployments"][0]["taskDefinition"] = "small-api:2";
  doc["deployments"][2]["MinHealthyPercentage"] = 120;
  CHECK(has_problem_at(doc, "/deployments/2/MinHealthyPercentage", "from 0 to 100"));
  doc["deployments"][2]["MinHealthyPercentage"] = 90;
  doc["deployments"][1]["failToStart"] = true;
  CHECK(has_problem_at(doc, "/deployments/1/failToStart", "did you mean \"failsToStart\""));
}

// RefreshPreferences [API-ASG]: MinHealthyPercentage defaults to 90, ScaleInProtectedInstances to
// Wait (CLI/SDK), InstanceWarmup to the group's DefaultInstanceWarmup or HealthCheckGracePeriod.
TEST_CASE("an instanceRefresh deployment takes RefreshPreferences' names and defaults", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  doc["deployments"] = {{{"at", "5h"}, {"instanceRefresh", "small-asg"}}};
  Scenario s = load(doc);
  REQUIRE(s.world.instance_refreshes.size() == 1);
  CHECK(s.world.instance_refreshes[0].min_healthy_percentage == 90);
  CHECK(s.world.instance_refreshes[0].scale_in_protected_instances == ScaleInProtectedInstances::Wait);
  CHECK_FALSE(s.world.instance_refreshes[0].instance_warmup);
  CHECK(s.resolved["deployments"][0]["MinHealthyPercentage"] == 90);
  CHECK(s.resolved["deployments"][0]["ScaleInProtectedInstances"] == "Wait");
  CHECK(s.resolved["deployments"][0]["MaxHealthyPercentage"] == 100);
  CHECK(s.world.instance_refreshes[0].max_healthy_percentage == 100);
  CHECK_FALSE(s.resolved["deployments"][0].contains("failsToStart"));
  doc["deployments"][0]["MinHealthyPercentage"] = 50;
  doc["deployments"][0]["InstanceWarmup"] = 300;
  doc["deployments"][0]["ScaleInProtectedInstances"] = "Refresh";
  s = load(doc);
  CHECK(s.world.instance_refreshes[0].min_healthy_percentage == 50);
  CHECK(s.world.instance_refreshes[0].instance_warmup == seconds(300));
  CHECK(s.world.instance_refreshes[0].scale_in_protected_instances == ScaleInProtectedInstances::Refresh);
  doc["deployments"][0]["MaxHealthyPercentage"] = 150;
  CHECK(load(doc).world.instance_refreshes[0].max_healthy_percentage == 150);
  doc["deployments"][0]["MaxHealthyPercentage"] = 99;
  CHECK(has_problem_at(doc, "/deployments/0/MaxHealthyPercentage", "from 100 to 200"));
  doc["deployments"][0]["MinHealthyPercentage"] = 0;
  doc["deployments"][0]["MaxHealthyPercentage"] = 110;
  CHECK(has_problem_at(doc, "/deployments/0/MaxHealthyPercentage", "at most 100 above MinHealthyPercentage"));
  doc["deployments"][0]["MinHealthyPercentage"] = 50;
  doc["deployments"][0].erase("MaxHealthyPercentage");
  doc["deployments"][0]["ScaleInProtectedInstances"] = "refresh";
  CHECK(has_problem_at(doc, "/deployments/0/ScaleInProtectedInstances", "Refresh"));
  doc["deployments"][0]["ScaleInProtectedInstances"] = "Ignore";
  doc["deployments"][0]["instanceRefresh"] = "other-asg";
  CHECK(has_problem_at(doc, "/deployments/0/instanceRefresh", "no Auto Scaling group is named \"other-asg\""));
  doc["deployments"][0]["instanceRefresh"] = "small-asg";
  doc["deployments"][0].erase("at");
  CHECK(has_problem_at(doc, "/deployments/0/at", "missing"));
}

// SCH-1: a task no instance type could hold is never placed; the message names the figures.
TEST_CASE("a task needing more than any instance type of its cluster offers is an error", "[scenario][ecs]") {
  json doc = small_ecs_scenario();
  doc["taskDefinitions"][1]["containerDefinitions"][0]["memoryReservation"] = 9000;
  doc["deployments"] = {{{"at", "1h"}, {"service", "small-api"}, {"taskDefinition", "small-api:2"}}};
  CHECK(has_problem_at(doc, "/deployments/0/taskDefinition",
                       "small-api:2 reserves 256 cpu units and 9000 MiB, more than any instance type joining cluster "
                       "\"small\" offers (m5.large 2048 cpu units / 8192 MiB, c5.large 2048 cpu units / 4096 MiB"));
  doc.erase("deployments");
  doc["taskDefinitions"][0]["cpu"] = "4096";
  doc["taskDefinitions"][0]["containerDefinitions"][0]["cpu"] = 4096;
  CHECK(has_problem_at(doc, "/services/0/taskDefinition", "small-api:1 reserves 4096 cpu units and 512 MiB"));
}

// CP-14: managed draining is on by default for a capacity provider; it makes the group's scale-in
// drain instances first. A capacity provider must name a group of the scenario.
TEST_CASE("a capacity provider's managed draining reaches the group it names", "[scenario][ecs]") {
  CHECK(demo_scenario().world.groups[0].managed_draining);  // the demo: managedDraining ENABLED

  json doc = demo_scenario().resolved;
  doc["capacityProviders"][0]["autoScalingGroupProvider"]["managedDraining"] = "DISABLED";
  CHECK_FALSE(load(doc).world.groups[0].managed_draining);
  doc["capacityProviders"][0]["autoScalingGroupProvider"].erase("managedDraining");
  CHECK(load(doc).world.groups[0].managed_draining);

  doc["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroupArn"] =
      "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:x:autoScalingGroupName/nope";
  CHECK(has_problem_at(doc, "/capacityProviders/0/autoScalingGroupProvider/autoScalingGroupArn", "\"nope\""));
}

// A container instance registers its type's vCPUs and memory with ECS (aws-semantics.md SCH-1 places
// on them); a type the built-in catalog lacks, even priced by the scenario, could never run a task.
TEST_CASE("a group joining an ECS cluster with an instance type the catalog lacks is refused, naming the type",
          "[scenario][ecs]") {
  json doc = json::parse(read_text(fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json"));
  doc["AutoScalingGroups"][0]["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] = {{{"InstanceType", "m7i.large"}}};
  doc["market"]["prices"]["spot"]["fixed"]["m7i.large"] = 0.04;
  doc["market"]["prices"]["onDemand"]["m7i.large"] = 0.1008;
  CHECK(has_problem_at(doc, "/AutoScalingGroups/0", "instance type m7i.large is not in spotsim's built-in instance catalog"));
  // The same group with a type the catalog has loads.
  doc["AutoScalingGroups"][0]["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] = {{{"InstanceType", "m5.large"}}};
  CHECK(problems(doc).empty());
}
