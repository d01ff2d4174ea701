// The spotsim program as users run it (contract.md "Command line", "Results folder"; design.md
// "Bad input and failure"): the real binary, scenario files in a scratch folder.
#include <catch2/catch.hpp>

#include "tests/tools_test_support.hpp"

using namespace spotsim::test;
using nlohmann::json;

namespace {

// Writes `scenario` and runs `spotsim run` on it into `<dir>/out`; bad input must exit 2, name the
// file and `place`, and leave no results folder behind.
void expect_rejected(const std::string& test, const json& scenario, const std::string& place,
                     const std::string& message_part = "") {
  const fs::path dir = scratch_dir(test);
  const fs::path file = dir / "scenario.json";
  write_text(file, scenario.dump(2));
  const Run r = run_spotsim("run " + quote(file) + " -o " + quote(dir / "out"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(file.string()) != std::string::npos);
  CHECK(r.output.find(place) != std::string::npos);
  if (!message_part.empty()) CHECK(r.output.find(message_part) != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
}

}  // namespace

// contract.md "Common options": --version.
TEST_CASE("spotsim --version prints the version", "[cli]") {
  const Run r = run_spotsim("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.output.rfind("spotsim ", 0) == 0);
}

// contract.md "Results folder": summary.json, timeseries.csv, scenario.json, report.html (and
// spot_prices.csv, which the report draws); byte-identical output for the same inputs ("Nothing that
// depends on the machine ...").
TEST_CASE("a run writes the result files and a second run writes the same bytes", "[cli]") {
  const fs::path dir = scratch_dir("run-twice");
  write_text(dir / "small.json", small_scenario().dump(2));
  const Run first = run_spotsim("run " + quote(dir / "small.json") + " -o " + quote(dir / "a"));
  const Run second = run_spotsim("run " + quote(dir / "small.json") + " -o " + quote(dir / "b") + " --quiet");
  INFO(first.output << second.output);
  REQUIRE(first.exit_code == 0);
  REQUIRE(second.exit_code == 0);
  CHECK(second.output.empty());
  CHECK(first.output.find("results: ") != std::string::npos);
  for (const char* name : {"summary.json", "timeseries.csv", "scenario.json", "spot_prices.csv", "report.html"}) {
    INFO(name);
    REQUIRE(fs::exists(dir / "a" / name));
    CHECK(read_text(dir / "a" / name) == read_text(dir / "b" / name));
  }
  // No temporary file is left beside them.
  CHECK(std::distance(fs::directory_iterator(dir / "a"), fs::directory_iterator()) == 5);

  const json summary = json::parse(read_text(dir / "a" / "summary.json"));
  CHECK(summary["scenario"] == "small");
  CHECK(summary["seed"] == 3);
  CHECK(summary["simulated_seconds"] == 6 * 3600);
  CHECK(summary["cost"]["usd_per_million_requests"].is_null());
  CHECK(summary["instances"]["peak"].get<int>() >= 4);
  const std::string csv = read_text(dir / "a" / "timeseries.csv");
  CHECK(csv.rfind("time,asg_desired,instances_pending,instances_spot,instances_on_demand,instances_draining,"
                  "interruption_notices,launch_failures,cost_usd_cumulative,on_demand_baseline_usd_cumulative,"
                  "service_desired,tasks_running,tasks_pending,tasks_stopping,container_instances,"
                  "offered_rps,served_rps,dropped_rps,no_target_rps,target_lost_rps,timeout_rps,rejected_rps,"
                  "cpu_utilization,capacity_provider_reservation\n",
                  0) == 0);
  CHECK(csv.find("\n2024-02-05T00:00:00Z,") != std::string::npos);
}

// --seed and --duration change the run and are recorded in the resolved scenario.
TEST_CASE("the --seed and --duration options override the scenario file", "[cli]") {
  const fs::path dir = scratch_dir("seed-duration");
  write_text(dir / "small.json", small_scenario().dump(2));
  const Run r = run_spotsim("run " + quote(dir / "small.json") + " -o " + quote(dir / "out") +
                            " --seed 11 --duration 2h --set /market/noticeSeconds=90 --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json summary = json::parse(read_text(dir / "out" / "summary.json"));
  CHECK(summary["seed"] == 11);
  CHECK(summary["simulated_seconds"] == 7200);
  const json resolved = json::parse(read_text(dir / "out" / "scenario.json"));
  CHECK(resolved["market"]["noticeSeconds"] == 90);
  CHECK(resolved["duration"] == "2h");
}

// design.md "Bad input and failure": each bad file exits 2 naming the file and the place, and
// writes nothing.
TEST_CASE("a wrong type is rejected at its JSON pointer", "[cli][bad-input]") {
  json s = small_scenario();
  s["AutoScalingGroups"][0]["MinSize"] = "two";
  expect_rejected("wrong-type", s, "/AutoScalingGroups/0/MinSize", "expected an integer");
}

TEST_CASE("an unknown spotsim field is rejected with a suggestion", "[cli][bad-input]") {
  json s = small_scenario();
  s["market"]["noticeSecs"] = 120;
  expect_rejected("unknown-field", s, "/market/noticeSecs", "noticeSeconds");
}

// aws-semantics.md ASG-1: capacities are non-negative and MinSize <= DesiredCapacity <= MaxSize.
TEST_CASE("a negative capacity is rejected", "[cli][bad-input]") {
  json s = small_scenario();
  s["AutoScalingGroups"][0]["DesiredCapacity"] = -2;
  expect_rejected("negative-capacity", s, "/AutoScalingGroups/0/DesiredCapacity", "-2");
}

TEST_CASE("MinSize above MaxSize is rejected", "[cli][bad-input]") {
  json s = small_scenario();
  s["AutoScalingGroups"][0]["MinSize"] = 8;
  expect_rejected("min-above-max", s, "/AutoScalingGroups/0/MinSize", "greater than MaxSize");
}

TEST_CASE("a spot price trace that does not exist is rejected", "[cli][bad-input]") {
  json s = small_scenario();
  s["market"]["prices"]["spot"] = {{"describeSpotPriceHistory", "traces/missing-spot-prices.json"}};
  expect_rejected("missing-trace", s, "/market/prices/spot/describeSpotPriceHistory", "missing-spot-prices.json");
}

// The CSV reader reports the line whose timestamp breaks the order (10:00, 12:00, then 11:00).
TEST_CASE("a spot price CSV with timestamps out of order is rejected at its line", "[cli][bad-input]") {
  const fs::path dir = scratch_dir("csv-order");
  write_text(dir / "spot.csv",
             "Timestamp,InstanceType,SpotPrice,AvailabilityZone\n"
             "2024-02-05T10:00:00Z,m5.large,0.037,eu-west-1a\n"
             "2024-02-05T12:00:00Z,m5.large,0.038,eu-west-1a\n"
             "2024-02-05T11:00:00Z,m5.large,0.039,eu-west-1a\n");
  json s = small_scenario();
  s["market"]["prices"]["spot"] = {{"csv", "spot.csv"}, {"fixed", {{"m5.large", 0.037}, {"c5.large", 0.034}}}};
  write_text(dir / "scenario.json", s.dump(2));
  const Run r = run_spotsim("run " + quote(dir / "scenario.json") + " -o " + quote(dir / "out"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("spot.csv") != std::string::npos);
  CHECK(r.output.find("line 4") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("malformed base64 user data is rejected at the UserData pointer", "[cli][bad-input]") {
  json s = small_scenario();
  s["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"] = "#!/bin/bash\necho hi";
  expect_rejected("bad-base64", s, "/LaunchTemplateVersions/0/LaunchTemplateData/UserData", "base64");
}

TEST_CASE("a JSON syntax error is reported at its line and column", "[cli][bad-input]") {
  const fs::path dir = scratch_dir("syntax");
  write_text(dir / "broken.json", "{\n  \"spotsim\": 1,\n  \"name\": small\n}\n");
  const Run r = run_spotsim("run " + quote(dir / "broken.json") + " -o " + quote(dir / "out"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("broken.json: line 3, column ") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("a folder given as the scenario is a clear error", "[cli][bad-input]") {
  const fs::path dir = scratch_dir("folder");
  const Run r = run_spotsim("run " + quote(dir) + " -o " + quote(dir / "out"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("it is a folder") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
}

// contract.md `validate`: every problem of every file at once.
TEST_CASE("validate reports two problems of one file at once", "[cli][validate]") {
  const fs::path dir = scratch_dir("validate-two");
  json s = small_scenario();
  s["AutoScalingGroups"][0]["MaxSize"] = "six";
  s["ec2"] = {{"bootTme", "25s"}};
  write_text(dir / "two.json", s.dump(2));
  write_text(dir / "good.json", small_scenario().dump(2));
  const Run r = run_spotsim("validate " + quote(dir / "good.json") + " " + quote(dir / "two.json"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("good.json: ok") != std::string::npos);
  CHECK(r.output.find("two.json: /AutoScalingGroups/0/MaxSize: error") != std::string::npos);
  CHECK(r.output.find("two.json: /ec2/bootTme: error") != std::string::npos);
}

TEST_CASE("validate of good files exits 0", "[cli][validate]") {
  const Run r = run_spotsim(std::string("validate ") + SPOTSIM_SOURCE_DIR + "/scenarios/demo-api-prod.json");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("demo-api-prod.json: ok") != std::string::npos);
}

// contract.md exit codes: 2 for bad usage, with CLI11's own errors too.
TEST_CASE("bad usage exits 2", "[cli]") {
  CHECK(run_spotsim("").exit_code == 2);
  CHECK(run_spotsim("run --no-such-option").exit_code == 2);
  CHECK(run_spotsim("run --replications 3").exit_code == 2);
  CHECK(run_spotsim("run --mode batch").exit_code == 2);  // fluid or per-request
  const Run sweep = run_spotsim("sweep anything.json");  // no such file
  CHECK(sweep.exit_code == 2);
  CHECK(sweep.output.find("anything.json: error: cannot read") != std::string::npos);
}

TEST_CASE("a --set path whose parent does not exist is an error naming it", "[cli][bad-input]") {
  const fs::path dir = scratch_dir("set-parent");
  write_text(dir / "small.json", small_scenario().dump(2));
  const Run r = run_spotsim("run " + quote(dir / "small.json") + " -o " + quote(dir / "out") +
                            " --set market.nosuch.rate=1");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("/market/nosuch does not exist") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
}

// Issue 3 item 7: ECS blocks that AWS would refuse, or that spotsim cannot place, exit 2 at their
// JSON pointer and write nothing.
TEST_CASE("a service naming an unknown task definition is rejected", "[cli][bad-input][ecs]") {
  json s = small_ecs_scenario();
  s["services"][0]["taskDefinition"] = "small-api:9";
  expect_rejected("ecs-unknown-task-definition", s, "/services/0/taskDefinition",
                  "no task definition \"small-api:9\" in taskDefinitions");
}

TEST_CASE("a service naming an unknown cluster is rejected", "[cli][bad-input][ecs]") {
  json s = small_ecs_scenario();
  s["services"][0]["clusterArn"] = "arn:aws:ecs:eu-west-1:123456789012:cluster/big";
  expect_rejected("ecs-unknown-cluster", s, "/services/0/clusterArn", "no cluster named \"big\"");
}

TEST_CASE("a service naming an unknown capacity provider is rejected", "[cli][bad-input][ecs]") {
  json s = small_ecs_scenario();
  s["services"][0]["capacityProviderStrategy"] = {{{"capacityProvider", "big-cp"}, {"weight", 1}}};
  expect_rejected("ecs-unknown-capacity-provider", s, "/services/0/capacityProviderStrategy/0/capacityProvider",
                  "no capacity provider named \"big-cp\"");
}

// SCH-1: m5.large and c5.large offer 2 vCPU = 2,048 cpu units.
TEST_CASE("a task needing more cpu than any instance type of its cluster is rejected", "[cli][bad-input][ecs]") {
  json s = small_ecs_scenario();
  s["taskDefinitions"][0]["containerDefinitions"][0]["cpu"] = 4096;
  expect_rejected("ecs-task-too-big", s, "/services/0/taskDefinition", "reserves 4096 cpu units and 512 MiB");
}

// SCH-2: binpack takes cpu or memory; "pack" is no strategy.
TEST_CASE("an unsupported placement strategy is rejected", "[cli][bad-input][ecs]") {
  json s = small_ecs_scenario();
  s["services"][0]["placementStrategy"][1] = {{"type", "binpack"}, {"field", "disk"}};
  expect_rejected("ecs-binpack-disk", s, "/services/0/placementStrategy/1", "unsupported placement strategy");
  s["services"][0]["placementStrategy"][1] = {{"type", "pack"}};
  expect_rejected("ecs-pack", s, "/services/0/placementStrategy/1", "unsupported placement strategy");
}

TEST_CASE("a memberOf expression that does not parse is rejected", "[cli][bad-input][ecs]") {
  json s = small_ecs_scenario();
  s["services"][0]["placementConstraints"] = {{{"type", "memberOf"}, {"expression", "attribute:ecs.instance-type =="}}};
  expect_rejected("ecs-member-of", s, "/services/0/placementConstraints/0/expression", "does not parse");
}

// contract.md "Results folder": the tasks section and the task columns (issue 3 item 6).
TEST_CASE("a run of an ECS scenario writes the tasks section and the task columns", "[cli][ecs]") {
  const fs::path dir = scratch_dir("ecs-run");
  write_text(dir / "small-ecs.json", small_ecs_scenario().dump(2));
  const Run r = run_spotsim("run " + quote(dir / "small-ecs.json") + " -o " + quote(dir / "out") + " --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json summary = json::parse(read_text(dir / "out" / "summary.json"));
  const json& tasks = summary["tasks"];
  for (const char* key : {"started", "stopped_for_draining", "placement_failures", "peak_running",
                          "killed_by_termination", "failed_to_start"})
    CHECK(tasks.contains(key));
  CHECK(tasks["started"].get<int>() >= 3);
  // Draining replaces tasks within maximumPercent 200 % of 3 (SCH-7: at most 6 RUNNING or PENDING).
  CHECK(tasks["peak_running"].get<int>() >= 3);
  CHECK(tasks["peak_running"].get<int>() <= 6);
  CHECK(tasks["placement_failures_by_reason"].size() == 5);
  int by_reason = 0;
  for (const auto& [reason, n] : tasks["placement_failures_by_reason"].items()) by_reason += n.get<int>();
  CHECK(by_reason == tasks["placement_failures"].get<int>());  // the reasons add up
  CHECK(tasks["deployments"].size() == 3);
  const std::string csv = read_text(dir / "out" / "timeseries.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  CHECK(header.find(",service_desired,tasks_running,tasks_pending,tasks_stopping,container_instances,") != std::string::npos);
  // The last row's service_desired (the 11th column) is the service's desiredCount.
  std::stringstream last(csv.substr(csv.rfind('\n', csv.size() - 2) + 1));
  std::string field;
  for (int column = 0; column <= 10; ++column) std::getline(last, field, ',');
  CHECK(field == "3");
}

// Issue 4: the load balancer and traffic blocks. small_ecs_scenario() behind one target group, with
// 100 requests per second from `requests`.
namespace {

// A per-minute request-count CSV beside the scenario: `spotsim run` must exit 2 naming the trace
// file and `place` (its line), and write nothing.
void expect_trace_rejected(const std::string& test, const std::string& csv, const std::string& place,
                           const std::string& message_part) {
  const fs::path dir = scratch_dir(test);
  write_text(dir / "requests.csv", csv);
  const json s = small_alb_scenario({{"csv", "requests.csv"}, {"time", "time"}, {"value", "requests"}, {"per", "1m"}});
  write_text(dir / "scenario.json", s.dump(2));
  const Run r = run_spotsim("run " + quote(dir / "scenario.json") + " -o " + quote(dir / "out"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find((dir / "requests.csv").string() + (place.empty() ? "" : ": " + place)) != std::string::npos);
  CHECK(r.output.find(message_part) != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
}

}  // namespace

TEST_CASE("a scenario behind a target group with constant traffic runs", "[cli][traffic]") {
  const fs::path dir = scratch_dir("alb-run");
  write_text(dir / "small-alb.json", small_alb_scenario().dump(2));
  const Run r = run_spotsim("run " + quote(dir / "small-alb.json") + " -o " + quote(dir / "out") + " --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json resolved = json::parse(read_text(dir / "out" / "scenario.json"));
  CHECK(resolved["TargetGroups"][0]["HealthCheckIntervalSeconds"] == 30);
  CHECK(resolved["workload"]["traffic"][0]["scale"] == 1.0);
}

// Issue 4 item 6: bad load traces, each named by file and line.
TEST_CASE("a load trace with timestamps out of order is rejected at its line", "[cli][bad-input][traffic]") {
  expect_trace_rejected("trace-order",
                        "time,requests\n2024-02-05T00:00:00Z,10\n2024-02-05T00:02:00Z,12\n2024-02-05T00:01:00Z,11\n",
                        "line 4", "goes back after");
}

TEST_CASE("a load trace with a duplicate timestamp is rejected at its line", "[cli][bad-input][traffic]") {
  expect_trace_rejected("trace-duplicate",
                        "time,requests\n2024-02-05T00:00:00Z,10\n2024-02-05T00:01:00Z,12\n2024-02-05T00:01:00Z,11\n",
                        "line 4", "duplicate time");
}

TEST_CASE("a load trace with a negative value is rejected at its line", "[cli][bad-input][traffic]") {
  expect_trace_rejected("trace-negative", "time,requests\n2024-02-05T00:00:00Z,10\n2024-02-05T00:01:00Z,-3\n",
                        "line 3", "negative value \"-3\"");
}

TEST_CASE("a load trace with a NaN value is rejected at its line", "[cli][bad-input][traffic]") {
  expect_trace_rejected("trace-nan", "time,requests\n2024-02-05T00:00:00Z,10\n2024-02-05T00:01:00Z,NaN\n",
                        "line 3", "not a finite number");
}

TEST_CASE("a load trace without the named column is rejected at its header", "[cli][bad-input][traffic]") {
  expect_trace_rejected("trace-column", "time,count\n2024-02-05T00:00:00Z,10\n", "line 1", "no column \"requests\"");
}

TEST_CASE("an empty load trace is rejected", "[cli][bad-input][traffic]") {
  expect_trace_rejected("trace-empty", "", "", "empty file");
}

TEST_CASE("a target group no service uses is rejected", "[cli][bad-input][traffic]") {
  json s = small_alb_scenario();
  s["services"][0].erase("loadBalancers");
  expect_rejected("alb-unused-target-group", s, "/TargetGroups/0", "is not used by any service");
}

TEST_CASE("a loadBalancers entry naming an unknown target group is rejected", "[cli][bad-input][traffic]") {
  json s = small_alb_scenario();
  s["services"][0]["loadBalancers"][0]["targetGroupArn"] =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/big-api-tg/0123456789abcdef";
  expect_rejected("alb-unknown-target-group", s, "/services/0/loadBalancers/0/targetGroupArn",
                  "no target group with ARN");
}

TEST_CASE("an unknown target group attribute value is rejected", "[cli][bad-input][traffic]") {
  json s = small_alb_scenario();
  s["TargetGroupAttributes"] = {{"small-api-tg", {{{"Key", "load_balancing.algorithm.type"}, {"Value", "fastest"}}}}};
  expect_rejected("alb-unknown-algorithm", s, "/TargetGroupAttributes/small-api-tg/0/Value",
                  "expected one of \"round_robin\", \"least_outstanding_requests\", \"weighted_random\"");
}

// ALB-6: slow start cannot be combined with least outstanding requests.
TEST_CASE("slow start with least outstanding requests is rejected", "[cli][bad-input][traffic]") {
  json s = small_alb_scenario();
  s["TargetGroupAttributes"] = {{"small-api-tg",
                                 {{{"Key", "slow_start.duration_seconds"}, {"Value", "60"}},
                                  {{"Key", "load_balancing.algorithm.type"}, {"Value", "least_outstanding_requests"}}}}};
  expect_rejected("alb-slow-start-lor", s, "/TargetGroupAttributes/small-api-tg/0/Value",
                  "cannot be combined with the least_outstanding_requests routing algorithm");
}

TEST_CASE("a call graph with a cycle is rejected naming the services on it", "[cli][bad-input][traffic]") {
  json s = small_alb_scenario();
  json auth = s["services"][0];
  auth["serviceName"] = "small-auth";
  auth.erase("loadBalancers");
  s["services"].push_back(auth);
  s["workload"]["services"]["small-auth"] = {{"requestsPerSecondPerTask", 200}};
  s["workload"]["callGraph"] = {{{"from", "small-api"}, {"to", "small-auth"}}, {{"from", "small-auth"}, {"to", "small-api"}}};
  expect_rejected("callgraph-cycle", s, "/workload/callGraph", "small-api -> small-auth -> small-api");
}
