// The load balancer and traffic blocks of a scenario (contract.md "Scenario file"; aws-semantics.md
// §7): TargetGroups, TargetGroupAttributes, spotsim's `alb` block, services' loadBalancers,
// workload.traffic, the traffic fields of workload.services and workload.callGraph, loaded into
// WorldConfig with AWS's defaults, every problem at its JSON pointer.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/scenario_test_support.hpp"
#include "tests/temp_dir.hpp"
#include "tests/tools_test_support.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;
using namespace spotsim::test;
using nlohmann::json;

namespace {

const std::string& kTgArn = kSmallTgArn;

std::size_t error_count(const json& doc) {
  try {
    load(doc);
  } catch (const InputError& e) {
    return e.diagnostics().size();
  }
  return 0;
}


// A second service, small-auth, on the same cluster and task definition family, with its own
// capacity: a callee for call-graph tests.
json with_second_service(json s) {
  json service = s["services"][0];
  service["serviceName"] = "small-auth";
  service["serviceArn"] = "arn:aws:ecs:eu-west-1:123456789012:service/small/small-auth";
  service.erase("loadBalancers");
  s["services"].push_back(service);
  s["workload"]["services"]["small-auth"] = {{"requestsPerSecondPerTask", 200}};
  return s;
}

}  // namespace

// contract.md: the seed article's ALB target group — success codes 200-399, default health checks
// (ALB-1: interval 30, timeout 5, thresholds 5 and 2), deregistration delay 300 s, round robin —
// and the demo-api service registered with it on container port 3000.
TEST_CASE("the demo's target group and load balancer link load as the article sets them", "[scenario][traffic]") {
  const Scenario s = demo_scenario();
  const WorldConfig& w = s.world;
  REQUIRE(w.target_groups.size() == 1);
  const TargetGroupConfig& tg = w.target_groups[0];
  CHECK(tg.name == "demo-api-tg");
  CHECK(tg.arn == "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/demo-api-tg/0123456789abcdef");
  CHECK(tg.health_check_enabled);
  CHECK(tg.health.interval == seconds(30));
  CHECK(tg.health.timeout == seconds(5));
  CHECK(tg.health.healthy_threshold == 5);
  CHECK(tg.health.unhealthy_threshold == 2);
  CHECK(tg.health.initial == InitialHealth::healthy_threshold);  // §10.5: AWS's worked 150 s
  CHECK_FALSE(tg.health.first_check);                            // one interval after registration
  CHECK(tg.matcher == "200-399");
  CHECK(tg.deregistration_delay == seconds(300));
  CHECK(tg.slow_start == 0);
  CHECK(tg.algorithm == RoutingAlgorithm::round_robin);
  CHECK(tg.deregistration_propagation == seconds(12));
  CHECK(tg.idle_timeout == seconds(60));

  REQUIRE(w.services.size() == 1);
  CHECK(w.services[0].has_load_balancer);
  CHECK(w.services[0].target_groups == std::vector<std::size_t>{0});
  const ServiceTraffic& t = w.services[0].workload.traffic;
  CHECK_FALSE(t.requests_per_second_per_task);
  CHECK(t.cpu_seconds_per_request == 0.004);
  CHECK(t.concurrency_per_task == 64);
  CHECK(t.mean_latency == milliseconds(40));
  CHECK(t.request_timeout == seconds(30));

  // One week of diurnal synthetic traffic around 300 requests per second.
  REQUIRE(w.traffic.size() == 1);
  CHECK(w.traffic[0].target_group == 0);
  CHECK_FALSE(w.traffic[0].rps.empty());
  const double mean = w.traffic[0].rps.integral_ms(0, w.duration) / static_cast<double>(w.duration);
  CHECK(mean == Approx(300).epsilon(0.02));
  CHECK(w.call_graph.empty());
  // Simulated now: only the scaling blocks remain (issue 5).
  CHECK(s.not_simulated.empty());  // every block is simulated
}

// §7.1 defaults for instance targets; ALB-5..ALB-7 attribute defaults; all written into scenario.json.
TEST_CASE("absent target group settings take AWS's defaults and are written into the resolved scenario",
          "[scenario][traffic]") {
  const Scenario s = load(small_alb_scenario());
  const TargetGroupConfig& tg = s.world.target_groups.at(0);
  CHECK(tg.health.interval == seconds(30));
  CHECK(tg.health.timeout == seconds(5));
  CHECK(tg.health.healthy_threshold == 5);
  CHECK(tg.health.unhealthy_threshold == 2);
  CHECK(tg.matcher == "200");
  CHECK(tg.deregistration_delay == seconds(300));
  CHECK(tg.slow_start == 0);
  CHECK(tg.algorithm == RoutingAlgorithm::round_robin);
  REQUIRE(s.world.traffic.size() == 1);
  CHECK(s.world.traffic[0].rps.value_at(hours(3)) == 100);
  CHECK(s.world.services[0].target_groups == std::vector<std::size_t>{0});
  CHECK(s.world.services[0].workload.traffic.requests_per_second_per_task == 80);

  const json& r = s.resolved;
  const json& g = r["TargetGroups"][0];
  CHECK(g["TargetType"] == "instance");
  CHECK(g["HealthCheckEnabled"] == true);
  CHECK(g["HealthCheckIntervalSeconds"] == 30);
  CHECK(g["HealthCheckTimeoutSeconds"] == 5);
  CHECK(g["HealthyThresholdCount"] == 5);
  CHECK(g["UnhealthyThresholdCount"] == 2);
  CHECK(g["Matcher"]["HttpCode"] == "200");
  CHECK(r["TargetGroupAttributes"]["small-api-tg"] ==
        json::parse(R"([{"Key": "deregistration_delay.timeout_seconds", "Value": "300"},
                        {"Key": "slow_start.duration_seconds", "Value": "0"},
                        {"Key": "load_balancing.algorithm.type", "Value": "round_robin"}])"));
  CHECK(r["alb"]["initialHealth"] == "healthy_threshold");
  CHECK(r["alb"]["healthCheckTimeoutDefault"] == 5);
  CHECK(r["alb"]["deregistrationPropagation"] == "12s");
  CHECK_FALSE(r["alb"].contains("firstCheck"));  // default: each target group's own interval
  CHECK(r["workload"]["traffic"][0]["scale"] == 1.0);
  CHECK(r["workload"]["traffic"][0]["loop"] == true);
  CHECK(r["workload"]["services"]["small-api"]["meanLatency"] == "40ms");
  CHECK(r["workload"]["services"]["small-api"]["requestTimeout"] == "30s");
  // Reloading the resolved scenario gives the same world.
  CHECK(load(r).resolved == r);

  // A scenario without target groups gets no alb block.
  CHECK_FALSE(load(small_ecs_scenario()).resolved.contains("alb"));
}

// describe-target-group-attributes prints every value as a string; unknown keys are AWS's many others.
TEST_CASE("target group attributes are read as AWS prints them", "[scenario][traffic]") {
  json doc = small_alb_scenario();
  doc["TargetGroupAttributes"] = {
      {"small-api-tg",
       {{{"Key", "stickiness.enabled"}, {"Value", "false"}},
        {{"Key", "deregistration_delay.timeout_seconds"}, {"Value", "30"}},
        {{"Key", "slow_start.duration_seconds"}, {"Value", "60"}},
        {{"Key", "load_balancing.algorithm.type"}, {"Value", "weighted_random"}},
        {{"Key", "load_balancing.algorithm.anomaly_mitigation"}, {"Value", "on"}},
        {{"Key", "target_group_health.dns_failover.minimum_healthy_targets.count"}, {"Value", "1"}}}}};
  Scenario s = load(doc);
  CHECK(s.world.target_groups[0].deregistration_delay == seconds(30));
  CHECK(s.world.target_groups[0].slow_start == seconds(60));
  CHECK(s.world.target_groups[0].algorithm == RoutingAlgorithm::weighted_random);
  CHECK(s.resolved["TargetGroupAttributes"]["small-api-tg"].size() == 6);  // nothing added: all three given

  // The CLI's own output shape, {"Attributes": [...]}, pasted as it is; a JSON integer is taken too.
  doc["TargetGroupAttributes"]["small-api-tg"] = {
      {"Attributes",
       {{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", 0}},
        {{"Key", "load_balancing.algorithm.type"}, {"Value", "least_outstanding_requests"}}}}};
  s = load(doc);
  CHECK(s.world.target_groups[0].deregistration_delay == 0);
  CHECK(s.world.target_groups[0].algorithm == RoutingAlgorithm::least_outstanding_requests);
  CHECK(s.resolved["TargetGroupAttributes"]["small-api-tg"]["Attributes"].size() == 3);  // slow start added
  CHECK(load(s.resolved).resolved == s.resolved);

  const std::string a = "/TargetGroupAttributes/small-api-tg/";
  doc["TargetGroupAttributes"]["small-api-tg"] = {{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", "3601"}},
                                                  {{"Key", "slow_start.duration_seconds"}, {"Value", "29"}},
                                                  {{"Key", "load_balancing.algorithm.type"}, {"Value", "fastest"}}};
  CHECK(has_problem_at(doc, a + "0/Value", "from \"0\" to \"3600\", found the string \"3601\""));
  CHECK(has_problem_at(doc, a + "1/Value", "\"0\" (off) or a number of seconds from \"30\" to \"900\""));
  CHECK(has_problem_at(doc, a + "2/Value", "expected one of \"round_robin\", \"least_outstanding_requests\""));
  doc["TargetGroupAttributes"]["small-api-tg"] = {{{"Key", "slow_start.duration_seconds"}, {"Value", "5 minutes"}},
                                                  {{"Key", "slow_start.duration_seconds"}, {"Value", "30"}}};
  CHECK(has_problem_at(doc, a + "0/Value", "found the string \"5 minutes\""));
  CHECK(has_problem_at(doc, a + "1/Key", "listed twice"));
  // ALB-6: slow start cannot be combined with least outstanding requests.
  doc["TargetGroupAttributes"]["small-api-tg"] = {
      {{"Key", "slow_start.duration_seconds"}, {"Value", "120"}},
      {{"Key", "load_balancing.algorithm.type"}, {"Value", "least_outstanding_requests"}}};
  CHECK(has_problem_at(doc, a + "0/Value", "cannot be combined with the least_outstanding_requests"));
  // ALB-7: anomaly mitigation needs weighted_random.
  doc["TargetGroupAttributes"]["small-api-tg"] = {{{"Key", "load_balancing.algorithm.anomaly_mitigation"}, {"Value", "on"}}};
  CHECK(has_problem_at(doc, a + "0/Value", "requires the weighted_random routing algorithm"));
  doc["TargetGroupAttributes"] = {{"other-tg", json::array()}};
  CHECK(has_problem_at(doc, "/TargetGroupAttributes/other-tg", "no target group named \"other-tg\""));
  doc["TargetGroupAttributes"] = {{"small-api-tg", {{{"Value", "30"}}}}};
  CHECK(has_problem_at(doc, a + "0/Key", "missing required field"));
}

// §7.1 ranges (API-ELB TargetGroup), timeout below interval, instance/ip health checks always on,
// ALB protocols and target types, CreateTargetGroup's name rule.
TEST_CASE("target group settings follow AWS's rules", "[scenario][traffic]") {
  const std::string g = "/TargetGroups/0/";
  json doc = small_alb_scenario();
  auto& tg = doc["TargetGroups"][0];
  tg["HealthCheckIntervalSeconds"] = 4;
  tg["HealthyThresholdCount"] = 11;
  tg["UnhealthyThresholdCount"] = 1;
  CHECK(has_problem_at(doc, g + "HealthCheckIntervalSeconds", "from 5 to 300, found the number 4"));
  CHECK(has_problem_at(doc, g + "HealthyThresholdCount", "from 2 to 10"));
  CHECK(has_problem_at(doc, g + "UnhealthyThresholdCount", "from 2 to 10"));
  tg["HealthyThresholdCount"] = 3;
  tg["UnhealthyThresholdCount"] = 3;
  tg["HealthCheckIntervalSeconds"] = 10;
  tg["HealthCheckTimeoutSeconds"] = 10;
  CHECK(has_problem_at(doc, g + "HealthCheckTimeoutSeconds",
                       "HealthCheckTimeoutSeconds 10 is not below HealthCheckIntervalSeconds 10"));
  tg.erase("HealthCheckTimeoutSeconds");
  tg["HealthCheckIntervalSeconds"] = 5;  // the default timeout, 5 s, is not below it
  CHECK(has_problem_at(doc, g + "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds 5 (the default) is not below"));
  tg["HealthCheckIntervalSeconds"] = 10;
  tg["HealthCheckTimeoutSeconds"] = 121;
  CHECK(has_problem_at(doc, g + "HealthCheckTimeoutSeconds", "from 2 to 120"));
  tg["HealthCheckTimeoutSeconds"] = 4;
  const Scenario s = load(doc);
  CHECK(s.world.target_groups[0].health.interval == seconds(10));
  CHECK(s.world.target_groups[0].health.timeout == seconds(4));
  CHECK(s.world.target_groups[0].health.healthy_threshold == 3);

  tg["HealthCheckEnabled"] = false;
  CHECK(has_problem_at(doc, g + "HealthCheckEnabled", "cannot be disabled"));
  tg.erase("HealthCheckEnabled");
  tg["TargetType"] = "lambda";
  CHECK(has_problem_at(doc, g + "TargetType", "target type \"lambda\" is not supported"));
  tg["TargetType"] = "alb";
  CHECK(has_problem_at(doc, g + "TargetType", "target type \"alb\" is not supported"));
  tg["TargetType"] = "instance";
  tg["Protocol"] = "TCP";
  CHECK(has_problem_at(doc, g + "Protocol", "other load balancers' target groups are not supported"));
  tg["Protocol"] = "HTTPS";
  tg["Matcher"] = {{"HttpCode", "200-199"}};
  CHECK(has_problem_at(doc, g + "Matcher/HttpCode", "expected HTTP codes from 200 to 499"));
  tg["Matcher"] = {{"HttpCode", "200,302,400-404"}};
  CHECK(load(doc).world.target_groups[0].matcher == "200,302,400-404");
  tg["ProtocolVersion"] = "GRPC";
  tg.erase("Matcher");
  CHECK(load(doc).world.target_groups[0].matcher == "12");  // gRPC's default (§7.1)

  doc = small_alb_scenario();
  doc["TargetGroups"][0]["TargetGroupName"] = "small_api_tg";
  CHECK(has_problem_at(doc, g + "TargetGroupName", "at most 32 letters, digits or hyphens"));
  doc = small_alb_scenario();
  doc["TargetGroups"][0]["TargetGroupArn"] = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/other-tg/01";
  CHECK(has_problem_at(doc, g + "TargetGroupArn", "expected an ARN with targetgroup/small-api-tg/<id>"));
  doc = small_alb_scenario();
  doc["TargetGroups"].push_back(doc["TargetGroups"][0]);
  CHECK(has_problem_at(doc, "/TargetGroups/1/TargetGroupName", "two target groups are named \"small-api-tg\""));
  doc["TargetGroups"][1] = {{"Protocol", "HTTP"}};
  CHECK(has_problem_at(doc, "/TargetGroups/1/TargetGroupName", "missing required field"));
}

// The §10.5 and §10.6 switches and the timings AWS does not publish, for every target group.
TEST_CASE("the alb block sets the initial health rule, the first check and the default timeout", "[scenario][traffic]") {
  json doc = small_alb_scenario();
  doc["alb"] = {{"initialHealth", "one_check"},
                {"firstCheck", 0},
                {"healthCheckTimeoutDefault", 6},
                {"deregistrationPropagation", "15s"},
                {"idleTimeout", 120}};
  Scenario s = load(doc);
  const TargetGroupConfig& tg = s.world.target_groups[0];
  CHECK(tg.health.initial == InitialHealth::one_check);
  CHECK(tg.health.first_check == 0);
  CHECK(tg.health.timeout == seconds(6));  // the 2026 API's HTTP default, when the group gives none
  CHECK(tg.deregistration_propagation == seconds(15));
  CHECK(tg.idle_timeout == seconds(120));
  CHECK(s.resolved["TargetGroups"][0]["HealthCheckTimeoutSeconds"] == 6);
  doc["TargetGroups"][0]["HealthCheckTimeoutSeconds"] = 5;  // given: the switch does not apply
  CHECK(load(doc).world.target_groups[0].health.timeout == seconds(5));

  doc["alb"] = {{"initialHealth", "two_checks"}, {"healthCheckTimeoutDefault", 7}, {"firstCheck", "6m"},
                {"deregistrationDelay", 10}};
  CHECK(has_problem_at(doc, "/alb/initialHealth", "expected one of \"healthy_threshold\", \"one_check\""));
  CHECK(has_problem_at(doc, "/alb/healthCheckTimeoutDefault", "expected 5 (the 2023 ALB guide) or 6"));
  CHECK(has_problem_at(doc, "/alb/firstCheck", "at most 5m"));
  CHECK(has_problem_at(doc, "/alb/deregistrationDelay", "unknown field"));
}

// ECS CreateService: targetGroupArn with containerName and containerPort of the task definition; at
// most five target groups; awsvpc tasks need ip targets, bridge and host tasks instance targets.
TEST_CASE("a service's loadBalancers name a target group, a container and its port", "[scenario][traffic]") {
  const std::string lb = "/services/0/loadBalancers/0";
  json doc = small_alb_scenario();
  auto& entry = doc["services"][0]["loadBalancers"][0];
  entry.erase("targetGroupArn");
  entry["targetGroupName"] = "small-api-tg";
  CHECK(load(doc).world.services[0].target_groups == std::vector<std::size_t>{0});
  entry["targetGroupName"] = "big-api-tg";
  CHECK(has_problem_at(doc, lb + "/targetGroupName", "no target group named \"big-api-tg\" in TargetGroups"));
  CHECK(error_count(doc) == 1);  // not also "small-api-tg is not used by any service"
  entry.erase("targetGroupName");
  entry["targetGroupArn"] = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/big-api-tg/01";
  CHECK(has_problem_at(doc, lb + "/targetGroupArn", "no target group with ARN"));
  // Without an ARN in TargetGroups, the name inside the service's ARN decides.
  doc["TargetGroups"][0].erase("TargetGroupArn");
  entry["targetGroupArn"] = kTgArn;
  CHECK(load(doc).world.services[0].target_groups == std::vector<std::size_t>{0});

  entry["containerName"] = "web";
  CHECK(has_problem_at(doc, lb + "/containerName", "task definition small-api:1 has no container named \"web\" (its containers: \"api\")"));
  entry["containerName"] = "api";
  entry["containerPort"] = 80;
  CHECK(has_problem_at(doc, lb + "/containerPort", "maps no containerPort 80 (its portMappings: 8080)"));
  entry.erase("containerPort");
  CHECK(has_problem_at(doc, lb + "/containerPort", "missing required field"));
  entry["containerPort"] = 8080;
  const json valid = entry;  // a copy: `entry` dangles once the array grows or is replaced
  doc["services"][0]["loadBalancers"].push_back(valid);
  CHECK(has_problem_at(doc, "/services/0/loadBalancers/1", "listed twice"));
  doc["services"][0]["loadBalancers"] = json::array();
  for (int i = 0; i < 6; ++i) doc["services"][0]["loadBalancers"].push_back(valid);
  CHECK(has_problem_at(doc, "/services/0/loadBalancers", "at most 5 load balancers"));
  doc["services"][0]["loadBalancers"] = {{{"loadBalancerName", "classic"}, {"containerName", "api"}, {"containerPort", 8080}}};
  CHECK(has_problem_at(doc, lb + "/loadBalancerName", "Classic Load Balancers are not supported"));

  doc = small_alb_scenario();
  doc["taskDefinitions"][0]["networkMode"] = "awsvpc";
  doc["taskDefinitions"][0]["containerDefinitions"][0]["portMappings"] = {{{"containerPort", 8080}}};
  CHECK(has_problem_at(doc, lb, "ECS requires target type ip for awsvpc tasks"));
  doc["TargetGroups"][0]["TargetType"] = "ip";
  CHECK(load(doc).world.services[0].target_groups == std::vector<std::size_t>{0});
  doc = small_alb_scenario();
  doc["TargetGroups"][0]["TargetType"] = "ip";
  CHECK(has_problem_at(doc, lb, "target type ip, which is incompatible with the bridge network mode"));
}

// UpdateService to a revision without the registered container or port would fail.
TEST_CASE("a deployment's task definition must have the service's load balancer container", "[scenario][traffic]") {
  json doc = small_alb_scenario();
  doc["taskDefinitions"][1]["containerDefinitions"][0]["portMappings"][0]["containerPort"] = 9090;
  doc["deployments"] = {{{"at", "1h"}, {"service", "small-api"}, {"taskDefinition", "small-api:2"}}};
  CHECK(has_problem_at(doc, "/deployments/0/taskDefinition",
                       "the service registers container \"api\" port 8080 with target group \"small-api-tg\" "
                       "(/services/0/loadBalancers/0), but container \"api\" of small-api:2 maps no containerPort 8080"));
}

// Issue 4 item 6: "a target group not used by any service" is bad input.
TEST_CASE("a target group no service uses is an error", "[scenario][traffic]") {
  json doc = small_alb_scenario();
  doc["services"][0].erase("loadBalancers");
  CHECK(has_problem_at(doc, "/TargetGroups/0", "target group \"small-api-tg\" is not used by any service"));
  CHECK(has_problem_at(doc, "/TargetGroups/0", "all its workload.traffic would be dropped"));
  doc["workload"].erase("traffic");
  CHECK(has_problem_at(doc, "/TargetGroups/0", "is not used by any service"));
}

TEST_CASE("workload.traffic names a target group and gives the load, scaled and looped", "[scenario][traffic]") {
  json doc = small_alb_scenario();
  auto& t = doc["workload"]["traffic"][0];
  t["scale"] = 2.5;
  t["loop"] = false;
  Scenario s = load(doc);
  CHECK(s.world.traffic[0].rps.value_at(hours(1)) == 250);
  CHECK(s.resolved["workload"]["traffic"][0]["loop"] == false);
  t["scale"] = 0;
  CHECK(has_problem_at(doc, "/workload/traffic/0/scale", "expected a number above 0, found the number 0"));
  t["scale"] = -1;
  CHECK(has_problem_at(doc, "/workload/traffic/0/scale", "found the number -1"));
  t["scale"] = 1;
  t["loops"] = true;
  CHECK(has_problem_at(doc, "/workload/traffic/0/loops", "did you mean \"loop\""));
  t.erase("loops");
  t["targetGroup"] = "big-api-tg";
  CHECK(has_problem_at(doc, "/workload/traffic/0/targetGroup", "no target group named \"big-api-tg\""));
  t["targetGroup"] = "small-api-tg";
  t["requests"] = {{"rps", -5}};
  CHECK(has_problem_at(doc, "/workload/traffic/0/requests/rps"));
  t["requests"] = 250;
  CHECK(has_problem_at(doc, "/workload/traffic/0/requests", "expected an object"));
  t.erase("requests");
  CHECK(has_problem_at(doc, "/workload/traffic/0/requests", "missing required field"));
  // Two sources for one target group: each its own entry (a base load and a spike).
  doc = small_alb_scenario();
  doc["workload"]["traffic"].push_back({{"targetGroup", "small-api-tg"}, {"requests", {{"rps", 20}}}});
  CHECK(load(doc).world.traffic.size() == 2);
}

// One ALB access-log entry in AWS's documented format (alb_format_reference/load-balancer-access-logs.md):
// sent at `time` after 1 ms of target processing, with the two status codes ("-" for none).
std::string alb_entry(const std::string& time, const std::string& elb_status, const std::string& target_status) {
  return "http " + time + " app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 " +
         elb_status + " " + target_status + " 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - " +
         "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
         "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 " + time +
         " \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"" + target_status + "\" \"-\" \"-\"\n";
}

// issue 4 ("ALB access logs as a source too ... the logs' own 5xx counts are reported beside it"):
// the counts reach the world with the traffic they came with, raw, whatever `scale` says.
TEST_CASE("ALB access logs as the load: the logs' own counts reach the world as TrafficSource::observed",
          "[scenario][traffic]") {
  test_support::TempDir dir;
  // Two files (one gzipped, one with a blank line), in a directory: 8 requests over 10:00:00-10:00:05.
  dir.write("logs/a.log", alb_entry("2024-02-05T10:00:00.500000Z", "200", "200") +
                              alb_entry("2024-02-05T10:00:01.500000Z", "502", "-") +  // the load balancer's 502
                              alb_entry("2024-02-05T10:00:01.600000Z", "503", "-") + "\n" +
                              alb_entry("2024-02-05T10:00:02.000000Z", "504", "-"));
  dir.write_gz("logs/b.log", alb_entry("2024-02-05T10:00:03.000000Z", "500", "500") +  // the target's 500
                                 alb_entry("2024-02-05T10:00:03.500000Z", "503", "503") +  // the target's own 503
                                 alb_entry("2024-02-05T10:00:04.000000Z", "404", "404") +
                                 alb_entry("2024-02-05T10:00:05.001000Z", "200", "200"));
  json doc = small_alb_scenario();
  doc["workload"]["traffic"][0]["requests"] = {{"albAccessLogs", (dir.path() / "logs").string()}};
  doc["workload"]["traffic"][0]["scale"] = 3;
  doc["workload"]["traffic"].push_back({{"targetGroup", "small-api-tg"}, {"requests", {{"rps", 5}}}});
  const Scenario s = load(doc);
  REQUIRE(s.world.traffic.size() == 2);
  const TrafficSource& t = s.world.traffic[0];
  REQUIRE(t.observed);
  const ObservedAlbCounts& o = *t.observed;
  CHECK(o.requests == 8);  // raw: not 24, though the profile is scaled
  CHECK(o.elb_5xx == 5);
  CHECK(o.elb_generated_5xx == 3);
  CHECK(o.target_5xx == 2);
  CHECK(o.elb_502 == 1);
  CHECK(o.elb_503 == 1);  // the target's own 503 is not the load balancer's "no registered target"
  CHECK(o.elb_504 == 1);
  CHECK(o.first_request_epoch_ms == test_support::at("2024-02-05T10:00:00.499Z"));
  CHECK(o.last_request_epoch_ms == test_support::at("2024-02-05T10:00:05Z"));
  CHECK(o.files == 2);
  // The profile is the scaled one: 3 x 2 requests in the second from 10:00:03 (request times are 1 ms
  // before the logged response times: 03.499 and 03.999).
  CHECK(t.rps.value_at(seconds(3)) == 6);
  CHECK(t.rps.integral_ms(0, seconds(6)) / 1000 == Approx(24));
  // Other forms have none.
  CHECK_FALSE(s.world.traffic[1].observed);
}

// A service behind a target group with traffic, or called by one that gets requests, must say
// how many requests its tasks serve: exactly one of the two capacity fields.
TEST_CASE("a service that gets requests needs a capacity", "[scenario][traffic]") {
  json doc = small_alb_scenario();
  doc["workload"]["services"]["small-api"].erase("requestsPerSecondPerTask");
  CHECK(has_problem_at(doc, "/workload/services/small-api",
                       "service \"small-api\" gets requests (it is behind target group \"small-api-tg\", which has "
                       "workload.traffic) but workload.services.small-api gives neither"));
  doc["workload"]["services"]["small-api"]["cpuSecondsPerRequest"] = 0.01;
  const Scenario s = load(doc);
  CHECK(s.world.services[0].workload.traffic.cpu_seconds_per_request == 0.01);
  CHECK_FALSE(s.world.services[0].workload.traffic.requests_per_second_per_task);
  doc["workload"]["services"]["small-api"]["requestsPerSecondPerTask"] = 10;
  CHECK(has_problem_at(doc, "/workload/services/small-api/cpuSecondsPerRequest", "found both"));
  doc["workload"]["services"]["small-api"].erase("requestsPerSecondPerTask");
  doc["taskDefinitions"][0]["containerDefinitions"][0]["cpu"] = 0;
  CHECK(has_problem_at(doc, "/workload/services/small-api/cpuSecondsPerRequest",
                       "task definition small-api:1 of service \"small-api\" reserves no cpu units"));
  doc = small_alb_scenario();
  doc["workload"]["services"]["small-api"]["requestsPerSecondPerTask"] = 0;
  CHECK(has_problem_at(doc, "/workload/services/small-api/requestsPerSecondPerTask", "above 0"));
  doc["workload"]["services"]["small-api"]["requestsPerSecondPerTask"] = 50;
  doc["workload"]["services"]["small-api"]["meanLatency"] = 0;
  CHECK(has_problem_at(doc, "/workload/services/small-api/meanLatency", "at least"));
  doc["workload"]["services"]["small-api"]["meanLatency"] = "25ms";
  doc["workload"]["services"]["small-api"]["concurrencyPerTask"] = 32;
  doc["workload"]["services"]["small-api"]["requestTimeout"] = "10s";
  const ServiceTraffic t = load(doc).world.services[0].workload.traffic;
  CHECK(t.mean_latency == milliseconds(25));
  CHECK(t.concurrency_per_task == 32);
  CHECK(t.request_timeout == seconds(10));
}

// design.md "Call graph": services call services with per-edge multipliers; a cycle names its services.
TEST_CASE("workload.callGraph names services, with calls per request, and has no cycle", "[scenario][traffic]") {
  json doc = with_second_service(small_alb_scenario());
  doc["workload"]["callGraph"] = {{{"from", "small-api"}, {"to", "small-auth"}, {"callsPerRequest", 2}}};
  Scenario s = load(doc);
  REQUIRE(s.world.call_graph.size() == 1);
  CHECK(s.world.call_graph[0].from == 0);
  CHECK(s.world.call_graph[0].to == 1);
  CHECK(s.world.call_graph[0].calls_per_request == 2);
  CHECK(std::find(s.not_simulated.begin(), s.not_simulated.end(), "workload.callGraph") == s.not_simulated.end());
  doc["workload"]["callGraph"][0].erase("callsPerRequest");
  s = load(doc);
  CHECK(s.world.call_graph[0].calls_per_request == 1);
  CHECK(s.resolved["workload"]["callGraph"][0]["callsPerRequest"] == 1.0);

  // The callee gets requests through the call: it needs a capacity too.
  doc["workload"]["services"]["small-auth"].erase("requestsPerSecondPerTask");
  CHECK(has_problem_at(doc, "/workload/services/small-auth",
                       "service \"small-api\", which gets requests, calls it (workload.callGraph)"));
  doc["workload"]["services"]["small-auth"]["requestsPerSecondPerTask"] = 200;

  doc["workload"]["callGraph"][0]["callsPerRequest"] = 0;
  CHECK(has_problem_at(doc, "/workload/callGraph/0/callsPerRequest", "above 0"));
  doc["workload"]["callGraph"][0]["callsPerRequest"] = 1e6;
  CHECK(has_problem_at(doc, "/workload/callGraph/0/callsPerRequest", "from 0 to 1000"));
  doc["workload"]["callGraph"][0]["callsPerRequest"] = 1;
  doc["workload"]["callGraph"][0]["to"] = "small-orders";
  CHECK(has_problem_at(doc, "/workload/callGraph/0/to", "no service named \"small-orders\""));
  doc["workload"]["callGraph"][0]["to"] = "small-auth";
  doc["workload"]["callGraph"][0]["calls"] = 1;
  CHECK(has_problem_at(doc, "/workload/callGraph/0/calls", "unknown field"));
  doc["workload"]["callGraph"][0].erase("calls");
  doc["workload"]["callGraph"].push_back({{"from", "small-auth"}, {"to", "small-api"}});
  const std::string p = problems(doc);
  INFO(p);
  CHECK(p.find("test.json: /workload/callGraph") != std::string::npos);
  CHECK(p.find("small-api -> small-auth -> small-api") != std::string::npos);
}
