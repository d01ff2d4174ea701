// Requests through the target group to the tasks (issue 4; aws-semantics.md §7; design.md "Traffic
// and dropped requests"). Every run here also checks conservation ("Must show 1").
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/queueing.hpp"
#include "models/target_group_health.hpp"
#include "tests/traffic_fixture.hpp"

using namespace spotsim;
using namespace spotsim::testing;

namespace {

double reason(const RequestCounts& c, DropReason r) { return c[r]; }

}  // namespace

TEST_CASE("steady load below capacity is served without drops at the M/M/c latency", "[traffic]") {
  // 4 tasks of 100 rps (c = 4 slots of 25/s at 40 ms) offered 280 rps: 70 % per task.
  World world(traffic_world(3, 4, 280, 100));
  world.run_until(minutes(10));
  const RequestCounts warm = world.traffic().totals();
  world.run_until(hours(1));
  const RequestCounts steady = difference(world.traffic().totals(), warm);
  CHECK(steady.offered == Approx(280.0 * 3000));
  CHECK(steady.dropped_total() == Approx(0).margin(1e-6));
  const RunResult result = world.finish();
  check_conservation(result, world);
  const MmcQueue q{70, 25, 4};
  CHECK(*result.requests->p50 == Approx(*q.response_quantile(0.5)).epsilon(0.02));
  CHECK(*result.requests->p99 == Approx(*q.response_quantile(0.99)).epsilon(0.02));
}

TEST_CASE("with no registered target every request is no_target (503)", "[traffic][alb]") {
  // ALB-4: HTTP 503 when "the target groups for the load balancer have no registered targets".
  World world(traffic_world(1, 0, 50, 100));
  const RunResult result = world.run();
  check_conservation(result, world);
  CHECK(result.requests->offered == Approx(50.0 * 3600));
  CHECK(reason(*result.requests, DropReason::no_target) == Approx(result.requests->offered));
  CHECK(result.requests->served == Approx(0).margin(1e-6));
}

TEST_CASE("when every target is unhealthy the load balancer fails open and routes to all", "[traffic][alb]") {
  // ALB-3: "If a target group contains only unhealthy registered targets, the load balancer routes
  // requests to all those targets". The first tasks are `initial` for 150 s (§10.5 default) but
  // their app answers 10 s after RUNNING: in between they serve under fail-open.
  World world(traffic_world(2, 2, 100, 100));
  world.run_until(minutes(3));
  SimTime ready = 0, healthy = kNever;
  for (const EcsTask& t : world.service(0).tasks()) {
    REQUIRE(t.running_at);
    const Target* target = world.target_group(0).find(0, t.id);
    REQUIRE(target != nullptr);
    ready = std::max(ready, target->ready);
    healthy = std::min(healthy, target->healthy_at);
  }
  REQUIRE(healthy - ready > seconds(60));
  world.run_until(ready + seconds(1));
  std::vector<Route> routes;
  CHECK(world.target_group(0).routes(ready + seconds(1), routes) == RoutingMode::fail_open);
  CHECK(routes.size() == 2);
  const RequestCounts before = world.traffic().totals();
  world.run_until(healthy - seconds(1));
  const RequestCounts open = difference(world.traffic().totals(), before);
  CHECK(open.offered > 0);
  CHECK(open.dropped_total() == Approx(0).margin(1e-6));
  check_conservation(world.finish(), world);
}

TEST_CASE("a new target receives traffic only once it is healthy", "[traffic][alb]") {
  // ALB-2: "Before a target can receive requests … it must pass the initial health checks" — while
  // other targets are healthy (no fail-open).
  World world(traffic_world(3, 4, 200, 100));
  world.run_until(minutes(10));
  world.service(0).set_desired(world.engine(), 5);
  world.run_until(minutes(12));
  REQUIRE(world.service(0).tasks().size() == 5);
  const EcsTask& added = world.service(0).tasks().back();
  REQUIRE(added.running_at);
  const Target* target = world.target_group(0).find(0, added.id);
  REQUIRE(target != nullptr);
  CHECK(target->healthy_at - target->registered == seconds(150));
  world.run_until(target->healthy_at - seconds(1));
  CHECK(world.traffic().requests_routed_to(0, added.id) == 0);
  world.run_until(target->healthy_at + seconds(10));
  // From then on it takes its fifth of the load: 40 rps for 10 s.
  CHECK(world.traffic().requests_routed_to(0, added.id) == Approx(400).epsilon(0.01));
  check_conservation(world.finish(), world);
}

TEST_CASE("fluid cohorts: equal tasks integrate as one, a new task apart until its rate and state match", "[traffic][alb]") {
  // ALB-2 and round robin's equal shares (aws-semantics.md §7): a service's healthy, equal tasks get
  // equal rates and stay in equal states, so the fluid mode steps them as one cohort. A new task is
  // apart while it is not routed to, joins once it is healthy and settled; the requests routed to
  // each task survive the moves (their sum is everything routed).
  World world(traffic_world(3, 4, 200, 100));
  world.run_until(minutes(10));
  CHECK(world.traffic().cohort_count(0) == 1);
  world.service(0).set_desired(world.engine(), 5);
  world.run_until(minutes(12));
  REQUIRE(world.service(0).tasks().size() == 5);
  const EcsTask& added = world.service(0).tasks().back();
  const Target* target = world.target_group(0).find(0, added.id);
  REQUIRE(target != nullptr);
  world.run_until(target->healthy_at - seconds(1));
  CHECK(world.traffic().cohort_count(0) == 2);  // not routed to: another rate class
  CHECK(world.traffic().requests_routed_to(0, added.id) == 0);
  world.run_until(target->healthy_at + minutes(2));
  CHECK(world.traffic().cohort_count(0) == 1);  // a fifth of the load each, and settled: merged
  double routed = 0;
  for (const EcsTask& t : world.service(0).tasks()) routed += world.traffic().requests_routed_to(0, t.id);
  const RequestCounts totals = world.traffic().totals();
  CHECK(routed == Approx(totals.offered - totals.dropped_total()).epsilon(1e-9));
  check_conservation(world.finish(), world);
}

TEST_CASE("fluid cohorts: a backlogged cohort and a new empty task stay apart, and requests are conserved", "[traffic]") {
  // Overload (design.md "Traffic and dropped requests"): the old tasks hold a backlog at the cap, a
  // new one starts empty — different states, different cohorts, however equal their rates.
  World world(traffic_world(3, 4, 600, 100));
  world.run_until(minutes(10));
  CHECK(world.traffic().cohort_count(0) == 1);
  world.service(0).set_desired(world.engine(), 5);
  world.run_until(minutes(12));
  const EcsTask& added = world.service(0).tasks().back();
  const Target* target = world.target_group(0).find(0, added.id);
  REQUIRE(target != nullptr);
  world.run_until(target->healthy_at + seconds(1));
  CHECK(world.traffic().cohort_count(0) == 2);
  // 600 rps over 5 tasks of 100: still overloaded, so the new task's backlog reaches the cap too
  // (100 rps × 30 s timeout), after which the states are identical and the cohorts merge.
  world.run_until(target->healthy_at + minutes(5));
  CHECK(world.traffic().cohort_count(0) == 1);
  check_conservation(world.finish(), world);
}

TEST_CASE("1-minute metrics without the history keep the latest datapoint only", "[traffic][metrics]") {
  // aws-semantics.md §6: scaling reads each minute's datapoint; a year of history is not kept.
  WorldConfig with = traffic_world(3, 4, 280, 100);
  with.keep_metric_history = true;
  World full(with);
  World latest(traffic_world(3, 4, 280, 100));
  full.run_until(minutes(30));
  latest.run_until(minutes(30));
  const TrafficMetrics& a = full.traffic().metrics();
  const TrafficMetrics& b = latest.traffic().metrics();
  REQUIRE(a.cpu_utilization[0].size() == 30);
  REQUIRE(b.cpu_utilization[0].size() == 1);
  CHECK(b.cpu_utilization[0].back() == a.cpu_utilization[0].back());
  CHECK(b.request_count[0].back() == a.request_count[0].back());
  CHECK(b.request_count_per_target[0].back() == a.request_count_per_target[0].back());
}

namespace {

// 4 tasks spread over two spot instances (two each), 280 rps; the instance of task 0 gets a spot
// notice at 10 min and goes 120 s later (SP-1).
struct InterruptionRun {
  World world;
  InstanceId victim;
  SimTime notice = minutes(10);
  RequestCounts before;
  InterruptionRun(bool draining, TrafficMode mode = TrafficMode::fluid, SimTime deregistration_delay = seconds(30))
      : world(config(draining, mode, deregistration_delay)) {
    world.run_until(notice - seconds(1));
    victim = world.service(0).tasks().front().ec2;
    before = world.traffic().totals();
    world.schedule_interruption_notice(victim, notice);
  }
  static WorldConfig config(bool draining, TrafficMode mode, SimTime deregistration_delay) {
    WorldConfig cfg = traffic_world(2, 4, 280, 200, mode);
    cfg.groups[0].availability_zones = {"us-east-1a", "us-east-1b"};
    cfg.groups[0].on_demand_percentage_above_base = 0;
    cfg.groups[0].ecs_agent.spot_instance_draining = draining;
    cfg.services[0].deployment.minimum_healthy_percent = 50;
    cfg.target_groups[0].deregistration_delay = deregistration_delay;
    return cfg;
  }
};

}  // namespace

TEST_CASE("a dead target without draining gets lost traffic until the health checks notice", "[traffic][alb]") {
  // ALB-1: out of service after UnhealthyThresholdCount consecutive failed checks (2 × 30 s, each
  // failing by its 5 s timeout); until then the load balancer keeps routing to the dead target
  // (ALB-9: 502). Spot draining off (§4.1 default): nothing deregisters the tasks first.
  InterruptionRun run(false);
  run.world.run_until(run.notice + minutes(10));
  const RequestCounts after = difference(run.world.traffic().totals(), run.before);
  double expected = 0;
  int ghosts = 0;
  for (const EcsTask& t : run.world.service(0).tasks()) {
    if (t.ec2 != run.victim) continue;
    const Target* target = run.world.target_group(0).find(0, t.id);
    REQUIRE(target != nullptr);
    CHECK(target->died == run.notice + seconds(120));
    const SimTime undetected = target->unhealthy_at - target->died;
    CHECK(undetected >= seconds(35));
    CHECK(undetected <= seconds(65));
    expected += 70.0 * to_seconds(undetected);  // a quarter of 280 rps each
    ++ghosts;
  }
  CHECK(ghosts == 2);
  // Plus what was in the two tasks when they died (Little: 2 × 70 rps × ~21 ms).
  CHECK(reason(after, DropReason::target_lost) == Approx(expected).epsilon(0.01));
  CHECK(reason(after, DropReason::timeout) == Approx(0).margin(1e-6));
  check_conservation(run.world.finish(), run.world);
}

TEST_CASE("the seed article's point: spot draining turns an interruption's lost requests into none", "[traffic][seed]") {
  // AG-1/AG-5: with ECS_ENABLE_SPOT_INSTANCE_DRAINING the notice drains the instance, ECS
  // deregisters the tasks (ALB-5) and replaces them; they finish their requests and stop before
  // the instance goes. Without it the tasks die with the instance and the load balancer keeps
  // sending them requests for the health-check detection time (ALB-1).
  InterruptionRun on(true), off(false);
  on.world.run_until(on.notice + minutes(10));
  off.world.run_until(off.notice + minutes(10));
  const RequestCounts with = difference(on.world.traffic().totals(), on.before);
  const RequestCounts without = difference(off.world.traffic().totals(), off.before);
  CHECK(with.dropped_total() < 1.0);
  const double lost_seconds = reason(without, DropReason::target_lost) / (2 * 70.0);  // two dead targets at 70 rps
  CHECK(lost_seconds > 35);
  CHECK(lost_seconds < 66);
  check_conservation(on.world.finish(), on.world);
  check_conservation(off.world.finish(), off.world);
}

TEST_CASE("a 300 s deregistration delay with a 1 min stop timeout loses long requests in flight", "[traffic][seed]") {
  // AG-3 + SP-1: the drained tasks are still DEACTIVATING (300 s) when the instance dies 120 s after
  // the notice; long requests (60 s) still in them are lost (target_lost, ALB-9).
  WorldConfig cfg = InterruptionRun::config(true, TrafficMode::fluid, seconds(300));
  cfg.services[0].workload.traffic.requests_per_second_per_task = 2;  // c = 120 slots of 60 s
  cfg.services[0].workload.traffic.mean_latency = seconds(60);
  cfg.services[0].workload.traffic.request_timeout = seconds(600);
  cfg.traffic[0].rps = StepFunction(4);
  World world(cfg);
  world.run_until(minutes(30) - seconds(1));
  const InstanceId victim = world.service(0).tasks().front().ec2;
  const RequestCounts before = world.traffic().totals();
  world.schedule_interruption_notice(victim, minutes(30));
  world.run_until(minutes(40));
  const RequestCounts after = difference(world.traffic().totals(), before);
  for (const EcsTask& t : world.service(0).tasks())
    if (t.ec2 == victim) {
      // Asked to stop for draining, killed with the instance while still deregistering.
      CHECK(t.stop_reason == TaskStopReason::draining);
      CHECK(*t.stopped_at == minutes(32));
    }
  // Each of the two tasks held ~60 requests at deregistration; ~e^(-119/60) of them remain at death.
  CHECK(reason(after, DropReason::target_lost) > 5);
  CHECK(reason(after, DropReason::target_lost) < 40);
  check_conservation(world.finish(), world);
}

TEST_CASE("an under-provisioned callee fails its callers' requests, counted once at the entry", "[traffic][call_graph]") {
  // api -> auth (×1), api -> orders (×2); orders has half the capacity its calls need, so half of
  // them time out and an api request succeeds only if both its orders calls do: (1/2)^2.
  WorldConfig cfg = traffic_world(6, 4, 100, 100);
  EcsServiceConfig auth = cfg.services[0];
  auth.name = "auth";
  auth.desired_count = 2;
  auth.target_groups.clear();
  auth.has_load_balancer = false;
  EcsServiceConfig orders = auth;
  orders.name = "orders";
  orders.workload.traffic.requests_per_second_per_task = 50;
  cfg.services.push_back(auth);
  cfg.services.push_back(orders);
  cfg.call_graph = {{0, 1, 1.0}, {0, 2, 2.0}};
  World world(cfg);
  world.run_until(minutes(15));
  const RequestCounts before = world.traffic().totals();
  world.run_until(hours(1));
  const RequestCounts steady = difference(world.traffic().totals(), before);
  CHECK(steady.offered == Approx(100.0 * 2700));  // the entry's requests only, never the calls
  CHECK(steady.dropped_total() / steady.offered == Approx(0.75).epsilon(0.01));
  CHECK(reason(steady, DropReason::timeout) == Approx(steady.dropped_total()).epsilon(1e-6));
  const RunResult result = world.finish();
  check_conservation(result, world);
  CHECK(world.traffic().ledgers()[2].arrived > world.traffic().ledgers()[0].arrived);  // orders got 2 calls per request
}

TEST_CASE("1-minute metrics: RequestCount, RequestCountPerTarget and the service's CPU utilisation", "[traffic][metrics]") {
  // The datapoints scaling alarms on (aws-semantics.md §6: ALBRequestCountPerTarget is the target
  // group's RequestCount over its healthy targets; ECSServiceAverageCPUUtilization the tasks' CPU
  // used over reserved). 280 rps over 4 healthy tasks of 100 rps: 16,800 per minute, 4,200 per
  // target, 70 % CPU.
  WorldConfig cfg = traffic_world(3, 4, 280, 100);
  cfg.keep_metric_history = true;
  World world(cfg);
  world.run_until(minutes(30));
  const TrafficMetrics& m = world.traffic().metrics();
  REQUIRE(m.request_count[0].size() == 30);
  CHECK(m.request_count[0][20] == Approx(280.0 * 60));
  CHECK(m.request_count_per_target[0][20] == Approx(280.0 * 60 / 4));
  CHECK(m.cpu_utilization[0][20] == Approx(70.0).epsilon(1e-6));
  CHECK(m.cpu_utilization[0][0] == 0);  // no task ran in the first minute
  check_conservation(world.finish(), world);
}

TEST_CASE("slow start ramps a new target's share linearly, only beside healthy targets", "[traffic][alb]") {
  // ALB-6: targets enter slow start when they become healthy, "only when there is at least one
  // healthy target that is not in slow start mode"; the load balancer "linearly increases the
  // number of requests that it can send" over slow_start.duration_seconds (here 100 s), stepped in
  // TargetGroup::kSlowStartSteps at the mid-step weight.
  WorldConfig cfg = traffic_world(3, 4, 200, 100);
  cfg.target_groups[0].slow_start = seconds(100);
  World world(cfg);
  world.run_until(minutes(10));
  std::vector<Route> routes;
  world.target_group(0).routes(minutes(10), routes);
  REQUIRE(routes.size() == 4);
  for (const Route& r : routes) CHECK(r.weight == 1.0);  // the first targets had no healthy peer
  world.service(0).set_desired(world.engine(), 5);
  world.run_until(minutes(12));
  const EcsTask& added = world.service(0).tasks().back();
  const Target* target = world.target_group(0).find(0, added.id);
  REQUIRE(target != nullptr);
  const SimTime healthy = target->healthy_at;
  auto weight_at = [&](SimTime t) {
    world.run_until(t);
    world.target_group(0).routes(t, routes);
    for (const Route& r : routes)
      if (&world.target_group(0).targets()[r.target] == target) return r.weight;
    return -1.0;
  };
  CHECK(weight_at(healthy + seconds(5)) == Approx(0.05));
  CHECK(weight_at(healthy + seconds(51)) == Approx(0.55));
  CHECK(weight_at(healthy + seconds(100)) == Approx(1.0));
  // Over the ramp it got what the linear ramp gives: ∫ w/(4 + w) × 200 rps ≈ 1,890 requests.
  double expected = 0;
  for (int k = 0; k < 10; ++k) {
    const double w = (k + 0.5) / 10;
    expected += w / (4 + w) * 200 * 10;
  }
  const double before = world.traffic().requests_routed_to(0, added.id);
  CHECK(before == Approx(expected).epsilon(0.001));
  check_conservation(world.finish(), world);
}
