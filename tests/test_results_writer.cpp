// The results files (contract.md "Results folder"; results/README.md): the tasks section of
// summary.json and the task columns of timeseries.csv, from a RunResult filled by hand.
#include "tools/results_writer.hpp"

#include <catch2/catch.hpp>

#include "tests/tools_test_support.hpp"

using namespace spotsim;
using namespace spotsim::test;
using nlohmann::json;

namespace {

Scenario small_ecs() { return load_scenario(small_ecs_scenario(), "small-ecs.json", fs::current_path()); }

}  // namespace

TEST_CASE("summary.json carries every task figure of the run", "[results][ecs]") {
  RunResult r;
  TaskSummary& t = r.tasks;
  t.started = 14, t.stopped_for_draining = 5, t.killed_by_termination = 2, t.placement_failures = 9;
  t.placement_failures_cpu = 1, t.placement_failures_memory = 2, t.placement_failures_ports = 3;
  t.placement_failures_constraint = 1, t.placement_failures_no_instances = 2, t.failed_to_start = 4, t.unhealthy = 3, t.deployments_completed = 2;
  t.deployments_failed = 1, t.rollbacks = 1, t.peak_running = 6;
  const json s = json::parse(summary_json(small_ecs(), r));
  const json expected = json::parse(R"({
    "started": 14, "stopped_for_draining": 5, "placement_failures": 9, "peak_running": 6,
    "killed_by_termination": 2, "failed_to_start": 4, "unhealthy": 3,
    "placement_failures_by_reason": {"cpu": 1, "memory": 2, "ports": 3, "constraint": 1, "no_instances": 2},
    "deployments": {"completed": 2, "failed": 1, "rollbacks": 1}
  })");
  CHECK(s["tasks"] == expected);
  // contract.md's keys keep their order: tasks between instances and engine.
  const std::string text = summary_json(small_ecs(), r);
  CHECK(text.find("\"instances\"") < text.find("\"tasks\""));
  CHECK(text.find("\"tasks\"") < text.find("\"engine\""));
}

TEST_CASE("timeseries.csv appends the task columns after the fleet's, then the traffic's", "[results][ecs]") {
  RunResult r;
  TimeseriesRow row;
  row.time = minutes(1);
  row.asg_desired = 4, row.instances_spot = 2, row.instances_on_demand = 2;
  row.service_desired = 3, row.tasks_running = 2, row.tasks_pending = 1, row.tasks_stopping = 1;
  row.container_instances = 4;
  r.timeseries.push_back(row);
  const std::string csv = timeseries_csv(small_ecs(), r);
  CHECK(csv ==
        "time,asg_desired,instances_pending,instances_spot,instances_on_demand,instances_draining,"
        "interruption_notices,launch_failures,cost_usd_cumulative,on_demand_baseline_usd_cumulative,"
        "service_desired,tasks_running,tasks_pending,tasks_stopping,container_instances,"
        "offered_rps,served_rps,dropped_rps,no_target_rps,target_lost_rps,timeout_rps,rejected_rps,cpu_utilization,"
        "capacity_provider_reservation\n"
        "2024-02-05T00:01:00Z,4,0,2,2,0,0,0,0.000000,0.000000,3,2,1,1,4,"
        "0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,,\n");
}

TEST_CASE("summary.json requests: whole numbers that add up, rounded once", "[results][traffic]") {
  // contract.md: offered == served + dropped_total exactly and dropped_total is the sum of the
  // reasons; the fluid integrals are rounded once, at the end.
  RunResult r;
  RequestSummary q;
  q.offered = 1000.4;
  q.dropped = {10.6, 2.2, 0.5, 0.0};  // no_target, target_lost, timeout, rejected
  q.served = q.offered - q.dropped_total();
  q.p50 = 0.0281234567, q.p95 = 0.1, q.p99 = 0.2;
  r.requests = q;
  r.cost.on_demand_usd = 2.0;
  const json s = json::parse(summary_json(small_ecs(), r));
  const json& req = s["requests"];
  CHECK(req["offered"] == 1000);
  CHECK(req["dropped"] == json::parse(R"({"no_target": 11, "target_lost": 2, "timeout": 1, "rejected": 0})"));
  CHECK(req["dropped_total"] == 14);
  CHECK(req["served"] == 986);
  CHECK(req["drop_rate"].get<double>() == Approx(0.014));
  CHECK(req["latency_ms"]["p50"].get<double>() == Approx(28.123457));
  CHECK(req["mode"] == "fluid");
  CHECK(s["cost"]["usd_per_million_requests"].get<double>() == Approx(2.0 / 986e-6));
  // Without traffic: zeros, and no latency.
  const json none = json::parse(summary_json(small_ecs(), RunResult{}));
  CHECK(none["requests"]["offered"] == 0);
  CHECK(none["requests"]["latency_ms"]["p99"].is_null());
  CHECK(none["cost"]["usd_per_million_requests"].is_null());
}

TEST_CASE("summary.json reports the access logs' own 5xx counts beside the simulated drops", "[results][traffic]") {
  // Issue 4: ALB access logs as a load source — "the logs' own 5xx counts are reported beside it".
  Scenario s = small_ecs();
  TrafficSource source;
  ObservedAlbCounts o;
  o.requests = 120, o.elb_5xx = 7, o.elb_generated_5xx = 5, o.target_5xx = 2, o.elb_502 = 3, o.elb_503 = 1, o.elb_504 = 1;
  o.first_request_epoch_ms = 1'707'091'200'000;  // 2024-02-05T00:00:00Z
  o.last_request_epoch_ms = 1'707'091'260'000;
  o.files = 2;
  source.observed = o;
  s.world.traffic.push_back(source);
  const json summary = json::parse(summary_json(s, RunResult{}));
  const json& logs = summary["requests"]["observed_alb_logs"];
  REQUIRE(logs.size() == 1);
  CHECK(logs[0]["requests"] == 120);
  CHECK(logs[0]["elb_generated_5xx"] == 5);
  CHECK(logs[0]["target_5xx"] == 2);
  CHECK(logs[0]["elb_502"] == 3);
  CHECK(logs[0]["from"] == "2024-02-05T00:00:00Z");
  CHECK(logs[0]["files"] == 2);
  CHECK_FALSE(json::parse(summary_json(small_ecs(), RunResult{}))["requests"].contains("observed_alb_logs"));
}

TEST_CASE("summary.json scaling: actions and every instance refresh with its outcome", "[results][scaling]") {
  // contract.md's `scaling` section; the refreshes as DescribeInstanceRefreshes reports them
  // (Status Successful / Failed / InProgress), times in the scenario's clock.
  RunResult r;
  r.scaling.asg_scale_out = 7, r.scaling.asg_scale_in = 6, r.scaling.service_scale_out = 3, r.scaling.service_scale_in = 2;
  InstanceRefreshProgress done;
  done.started = hours(1), done.ended = hours(1) + minutes(24), done.status = RefreshStatus::successful;
  done.min_healthy = 3, done.to_replace = 3, done.terminated = 3, done.launched_first = 3, done.batches = 3;
  InstanceRefreshProgress running;
  running.started = hours(5), running.min_healthy = 9, running.to_replace = 10, running.terminated = 1, running.batches = 1;
  r.scaling.instance_refreshes = {{"asg-a", done}, {"asg-b", running}};
  const json s = json::parse(summary_json(small_ecs(), r));
  const json expected = json::parse(R"({
    "asg_scale_out": 7, "asg_scale_in": 6, "service_scale_out": 3, "service_scale_in": 2,
    "instance_refreshes": [
      {"group": "asg-a", "started": "2024-02-05T01:00:00Z", "ended": "2024-02-05T01:24:00Z", "status": "Successful",
       "min_healthy_instances": 3, "to_replace": 3, "replaced": 3, "launched_first": 3, "ignored_protected": 0, "batches": 3},
      {"group": "asg-b", "started": "2024-02-05T05:00:00Z", "ended": null, "status": "InProgress",
       "min_healthy_instances": 9, "to_replace": 10, "replaced": 1, "launched_first": 0, "ignored_protected": 0, "batches": 1}
    ]
  })");
  CHECK(s["scaling"] == expected);
}
