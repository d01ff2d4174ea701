// Application Auto Scaling of an ECS service's desired count (aws-semantics.md §6, SAS-4..SAS-9,
// §10.3, §10.4): step scaling on AWS's worked example, target tracking on ALBRequestCountPerTarget and
// CPU, cooldowns, MinCapacity/MaxCapacity, deployments, scaling from 0.
#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/service_autoscaling.hpp"

using namespace spotsim;

namespace {

constexpr int kNoChange = -1;  // what feed() returns when the scaler leaves the desired count alone

ScalingPolicyConfig step_policy(std::string name, ComparisonOperator op, double threshold, AdjustmentType type,
                                std::vector<StepAdjustment> steps) {
  StepScalingPolicy sp;
  sp.adjustment_type = type;
  sp.steps = std::move(steps);
  sp.alarm.metric = ScalingMetric::ecs_service_average_cpu_utilization;
  sp.alarm.threshold = threshold;
  sp.alarm.comparison = op;
  ScalingPolicyConfig p;
  p.name = std::move(name);
  p.step_scaling = sp;
  return p;
}

ScalingPolicyConfig request_count_policy(double target, std::size_t target_group = 0) {
  TargetTrackingPolicy tt;
  tt.metric = ScalingMetric::alb_request_count_per_target;
  tt.target_group = target_group;
  tt.target_value = target;
  ScalingPolicyConfig p;
  p.name = "requests";
  p.target_tracking = tt;
  return p;
}

ScalingPolicyConfig cpu_policy(double target) {
  TargetTrackingPolicy tt;
  tt.metric = ScalingMetric::ecs_service_average_cpu_utilization;
  tt.target_value = target;
  ScalingPolicyConfig p;
  p.name = "cpu";
  p.target_tracking = tt;
  return p;
}

// A service as the scaler sees it: the world applies each new desired count; `running` is set by
// the test (tasks take time to start, or cannot be placed).
struct Service {
  ServiceAutoScaler scaler;
  int desired = 0;
  int running = 0;
  bool deploying = false;

  int feed(int minute, std::optional<double> cpu, std::optional<double> requests_per_target = std::nullopt) {
    ServiceScalingInput in;
    in.cpu_utilization = cpu;
    in.request_count_per_target = {requests_per_target};
    in.running = running;
    in.desired = desired;
    in.deployment_in_progress = deploying;
    const std::optional<int> to = scaler.on_datapoint(minutes(minute), in);
    if (!to) return kNoChange;
    desired = *to;
    return *to;
  }
  int cpu(int minute, double value) { return feed(minute, value); }
  int requests(int minute, double per_target) { return feed(minute, std::nullopt, per_target); }
};

Service service(int min, int max, std::vector<ScalingPolicyConfig> policies, int desired, int running,
                ServiceAutoScalingSettings settings = {}) {
  return Service{ServiceAutoScaler({0, min, max}, std::move(policies), settings), desired, running, false};
}

}  // namespace

// ---- Step scaling (SAS-9) ----

TEST_CASE("service_autoscaling: AWS's step-scaling example goes 10 -> 11 -> 14 -> 13 -> 10", "[service_autoscaling]") {
  // SAS-9, AAS-application-auto-scaling-step-scaling-policies: current and desired capacity 10,
  // PercentChangeInCapacity; scale-out alarm at 60 (+10 % from 60 to 70, +30 % from 70 up), scale-in
  // alarm at 40 (−10 % from 40 down to 30, −30 % below 30). Bounds are relative to each threshold.
  const auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 60,
                               AdjustmentType::percent_change_in_capacity, {{0.0, 10.0, 10}, {10.0, std::nullopt, 30}});
  const auto in = step_policy("in", ComparisonOperator::less_than_or_equal, 40,
                              AdjustmentType::percent_change_in_capacity, {{-10.0, 0.0, -10}, {std::nullopt, -10.0, -30}});
  Service s = service(1, 100, {out, in}, 10, 10);

  CHECK(s.cpu(1, 50) == kNoChange);  // between 40 and 60: unchanged
  CHECK(s.cpu(2, 60) == 11);         // +10 % of 10
  s.running = 11;                    // "Application Auto Scaling increases the current capacity to 11"
  for (int m = 3; m <= 7; ++m) CHECK(s.cpu(m, 50) == kNoChange);
  CHECK(s.cpu(8, 70) == 14);  // 30 % of 11 = 3.3 → 3 (past the 300 s cooldown)
  s.running = 14;
  for (int m = 9; m <= 13; ++m) CHECK(s.cpu(m, 50) == kNoChange);
  CHECK(s.cpu(14, 40) == 13);  // 10 % of 14 = 1.4 → 1
  s.running = 13;
  for (int m = 15; m <= 19; ++m) CHECK(s.cpu(m, 50) == kNoChange);
  CHECK(s.cpu(20, 30) == 10);  // 30 % of 13 = 3.9 → 3
  REQUIRE(s.scaler.last_activity());
  CHECK(s.scaler.last_activity()->direction == ScalingDirection::scale_in);
  CHECK(s.scaler.last_activity()->policy == 1);
}

TEST_CASE("service_autoscaling: step bounds are lower-inclusive above the threshold and upper-inclusive below it",
          "[service_autoscaling]") {
  // SAS-9 as the archived guide words the same example: one breach threshold of 50, zero-adjustment
  // steps next to it. 60 is the lower bound of [10, 20) above; 40 the upper bound of (−20, −10] below.
  const auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 50,
                               AdjustmentType::percent_change_in_capacity,
                               {{0.0, 10.0, 0}, {10.0, 20.0, 10}, {20.0, std::nullopt, 30}});
  const auto in = step_policy("in", ComparisonOperator::less_than_or_equal, 50,
                              AdjustmentType::percent_change_in_capacity,
                              {{-10.0, 0.0, 0}, {-20.0, -10.0, -10}, {std::nullopt, -20.0, -30}});
  {
    Service s = service(1, 100, {out, in}, 10, 10);
    CHECK(s.cpu(1, 59.9) == kNoChange);  // in [0, 10): adjustment 0
    CHECK(s.cpu(2, 60) == 11);           // exactly 10 above: [10, 20)
  }
  {
    Service s = service(1, 100, {out, in}, 10, 10);
    CHECK(s.cpu(1, 40.1) == kNoChange);  // in (−10, 0]: adjustment 0
    CHECK(s.cpu(2, 40) == 9);            // exactly 10 below: (−20, −10]
  }
  {
    Service s = service(1, 100, {out, in}, 10, 10);
    CHECK(s.cpu(1, 30) == 7);  // exactly 20 below: (−∞, −20], not (−20, −10]; −30 % of 10
  }
}

TEST_CASE("service_autoscaling: PercentChangeInCapacity rounds as AWS documents", "[service_autoscaling]") {
  // SAS-9: > 1 rounded down (12.7 → 12); (0, 1) → 1 (.67 → 1); (−1, 0) → −1; < −1 rounded up
  // toward zero (−6.67 → −6); whole results are exact.
  CHECK(percent_change(127, 10) == 12);
  CHECK(percent_change(67, 1) == 1);
  CHECK(percent_change(3, 20) == 1);
  CHECK(percent_change(58, -1) == -1);
  CHECK(percent_change(667, -1) == -6);
  CHECK(percent_change(10, 10) == 1);
  CHECK(percent_change(10, -10) == -1);
  CHECK(percent_change(14, -10) == -1);
  CHECK(percent_change(13, -30) == -3);
  CHECK(percent_change(0, 50) == 0);
  // MinAdjustmentMagnitude: "adds 25 percent … minimum amount of 2 … capacity of 4 … adds 2".
  CHECK(percent_change(4, 25, 2) == 2);
  CHECK(percent_change(4, -25, 2) == -2);
  CHECK(percent_change(40, 25, 2) == 10);  // already above the minimum
  CHECK(percent_change(0, 25, 2) == 2);    // decision: a base of 0 still moves by the minimum
}

TEST_CASE("service_autoscaling: MinAdjustmentMagnitude through a step policy", "[service_autoscaling]") {
  auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 70,
                         AdjustmentType::percent_change_in_capacity, {{0.0, std::nullopt, 25}});
  out.step_scaling->min_adjustment_magnitude = 2;
  Service s = service(1, 100, {out}, 4, 4);
  CHECK(s.cpu(1, 80) == 6);  // 25 % of 4 is 1, raised to 2
}

TEST_CASE("service_autoscaling: ChangeInCapacity and ExactCapacity steps", "[service_autoscaling]") {
  const auto change = step_policy("add", ComparisonOperator::greater_than, 70, AdjustmentType::change_in_capacity,
                                  {{0.0, std::nullopt, 3}});
  Service s = service(1, 100, {change}, 5, 5);
  CHECK(s.cpu(1, 70) == kNoChange);  // GreaterThanThreshold: 70 does not breach
  CHECK(s.cpu(2, 71) == 8);
  const auto exact = step_policy("exact", ComparisonOperator::less_than, 10, AdjustmentType::exact_capacity,
                                 {{std::nullopt, 0.0, 2}});
  Service t = service(1, 100, {exact}, 7, 7);
  CHECK(t.cpu(1, 5) == 2);
}

TEST_CASE("service_autoscaling: a step alarm needs M of N datapoints and sizes the breach by its aggregation",
          "[service_autoscaling]") {
  // SAS-9: the alarm is M of N on 1-minute datapoints; MetricAggregationType (default Average) is
  // applied to the most recent datapoints to pick the step.
  auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 60, AdjustmentType::change_in_capacity,
                         {{0.0, 20.0, 1}, {20.0, std::nullopt, 5}});
  out.step_scaling->alarm.evaluation_periods = 3;
  out.step_scaling->alarm.datapoints_to_alarm = 2;
  {
    Service s = service(1, 100, {out}, 10, 10);
    CHECK(s.cpu(1, 90) == kNoChange);  // 1 of 3
    CHECK(s.cpu(2, 50) == kNoChange);  // still 1 of 3
    CHECK(s.cpu(3, 70) == 11);         // 2 of 3; average (90 + 50 + 70) / 3 = 70 → [0, 20) → +1
  }
  {
    auto max_out = out;
    max_out.step_scaling->aggregation = MetricAggregation::maximum;
    Service s = service(1, 100, {max_out}, 10, 10);
    s.cpu(1, 90);
    s.cpu(2, 50);
    CHECK(s.cpu(3, 70) == 15);  // maximum 90 → [20, ∞) → +5
  }
}

TEST_CASE("service_autoscaling: step cooldown: a larger step within it adds only the difference", "[service_autoscaling]") {
  // SAS-6 / AAS step-scaling cooldown: "increase the capacity by 2 … If the alarm triggers again during
  // the cooldown period but at a more aggressive step adjustment of 3, the previous increase of 2 is
  // considered part of the current capacity. Therefore, only 1 is added."
  const auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 60, AdjustmentType::change_in_capacity,
                               {{0.0, 20.0, 2}, {20.0, std::nullopt, 3}});
  Service s = service(1, 100, {out}, 10, 10);
  CHECK(s.cpu(1, 65) == 12);
  s.running = 12;                     // the new tasks run, the metric still breaches
  CHECK(s.cpu(2, 65) == kNoChange);   // +2 again is not larger within the cooldown
  CHECK(s.cpu(3, 85) == 13);          // the +3 step: 10 + 3, one more than 12
  s.running = 13;
  CHECK(s.cpu(7, 65) == kNoChange);   // cooldown restarted at minute 3 (300 s): ends at minute 8
  CHECK(s.cpu(8, 65) == 15);          // past it, still in ALARM: the adjustment applies again
}

TEST_CASE("service_autoscaling: a step scale-out never runs away from tasks that are not running", "[service_autoscaling]") {
  // SAS-7: the running count is the starting point. With the alarm still in ALARM and the cooldown
  // over, +2 from 10 running is 12 again: the desired count stays 12 while the tasks cannot be placed.
  const auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 60, AdjustmentType::change_in_capacity,
                               {{0.0, std::nullopt, 2}});
  Service s = service(1, 100, {out}, 10, 10);
  CHECK(s.cpu(1, 90) == 12);
  for (int m = 2; m <= 30; ++m) CHECK(s.cpu(m, 90) == kNoChange);
  s.running = 12;
  CHECK(s.cpu(31, 90) == 14);
}

TEST_CASE("service_autoscaling: a scale-in cooldown blocks scale-ins but not a scale-out", "[service_autoscaling]") {
  // SAS-6: "scale-in activities are blocked until the cooldown period has expired. However, if another
  // alarm triggers a scale-out activity during the cooldown period … scales out the target immediately."
  const auto in = step_policy("in", ComparisonOperator::less_than_or_equal, 40, AdjustmentType::change_in_capacity,
                              {{std::nullopt, 0.0, -1}});
  const auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 60, AdjustmentType::change_in_capacity,
                               {{0.0, std::nullopt, 1}});
  {
    Service s = service(1, 100, {in, out}, 10, 10);
    CHECK(s.cpu(1, 30) == 9);
    s.running = 9;
    for (int m = 2; m <= 5; ++m) CHECK(s.cpu(m, 30) == kNoChange);  // blocked for 300 s
    CHECK(s.cpu(6, 30) == 8);                                       // cooldown over at minute 6
  }
  {
    Service s = service(1, 100, {in, out}, 10, 10);
    CHECK(s.cpu(1, 30) == 9);
    s.running = 9;
    CHECK(s.cpu(2, 70) == 10);  // scale-out at once, inside the scale-in cooldown
    s.running = 10;
    CHECK(s.cpu(3, 30) == 9);   // and the scale-in cooldown is over: it "stops and doesn't complete"
  }
}

TEST_CASE("service_autoscaling: when a scale-out and a scale-in policy conflict, the scale-out wins", "[service_autoscaling]") {
  // SAS-4: "When policies conflict, the largest resulting capacity wins." Here a scale-in alarm on
  // requests per target and a scale-out alarm on CPU are in ALARM in the same minute.
  auto in = step_policy("in", ComparisonOperator::less_than_or_equal, 400, AdjustmentType::change_in_capacity,
                        {{std::nullopt, 0.0, -3}});
  in.step_scaling->alarm.metric = ScalingMetric::alb_request_count_per_target;
  in.step_scaling->alarm.target_group = 0;
  const auto out = step_policy("out", ComparisonOperator::greater_than_or_equal, 60, AdjustmentType::change_in_capacity,
                               {{0.0, std::nullopt, 2}});
  {
    Service s = service(1, 100, {in, out}, 10, 10);
    CHECK(s.feed(1, 50, 300) == 7);  // the scale-in alone
  }
  {
    Service s = service(1, 100, {in, out}, 10, 10);
    CHECK(s.feed(1, 70, 300) == 12);  // both in ALARM: +2 beats −3
  }
  {
    // Decision: a scale-out that cannot raise the desired count (its tasks are not running yet) still
    // keeps the scale-in away.
    Service s = service(1, 100, {in, out}, 12, 10);
    CHECK(s.feed(1, 70, 300) == kNoChange);
    CHECK(s.feed(2, 50, 300) == 7);  // the CPU alarm is OK again: from 10 running, −3
  }
}

// ---- Target tracking (SAS-4, SAS-5, SAS-6, §10.3) ----

TEST_CASE("service_autoscaling: target tracking on ALBRequestCountPerTarget brings requests per target to the target",
          "[service_autoscaling]") {
  // 4 tasks, target 1000 requests per target per minute (SAS-3). The load steps from 4,000 to 12,000
  // requests a minute: 1,000 → 3,000 per target. AlarmHigh needs 3 datapoints (SAS-5); then
  // ceil(4 × 3000 / 1000) = 12 at once (SAS-4: "proportionally … as fast as it can").
  Service s = service(1, 100, {request_count_policy(1000)}, 4, 4);
  for (int m = 1; m <= 5; ++m) CHECK(s.requests(m, 4000.0 / 4) == kNoChange);  // at the target
  CHECK(s.requests(6, 12000.0 / 4) == kNoChange);
  CHECK(s.requests(7, 12000.0 / 4) == kNoChange);
  CHECK(s.requests(8, 12000.0 / 4) == 12);
  // Held in the scale-out cooldown (SAS-6): tasks still starting (running 4) …
  CHECK(s.requests(9, 12000.0 / 4) == kNoChange);
  // … and tasks running but not yet healthy, so the ALB still spreads over 4 targets: from 12 running
  // that would be 36, but within the cooldown the base is the activity's own (4) and 12 is not larger.
  s.running = 12;
  CHECK(s.requests(10, 12000.0 / 4) == kNoChange);
  CHECK(s.requests(11, 12000.0 / 4) == kNoChange);
  // The targets are healthy: 12,000 over 12 = 1,000 per target, the target; nothing more happens.
  const double per_target = 12000.0 / s.desired;
  CHECK(per_target == Approx(1000));
  for (int m = 12; m <= 40; ++m) CHECK(s.requests(m, per_target) == kNoChange);
  CHECK(s.desired == 12);
}

TEST_CASE("service_autoscaling: within the scale-out cooldown only a larger scale-out goes through",
          "[service_autoscaling]") {
  // SAS-6: no further increase "unless either a larger scale out is triggered or the cooldown period ends".
  Service s = service(1, 100, {request_count_policy(1000)}, 4, 4);
  for (int m = 1; m <= 3; ++m) s.requests(m, 3000);
  REQUIRE(s.desired == 12);
  CHECK(s.requests(4, 4000) == 16);  // ceil(4 × 4000 / 1000): larger than 12
  s.running = 16;
  CHECK(s.requests(5, 3000) == kNoChange);
  CHECK(s.requests(8, 3000) == kNoChange);  // cooldown restarted at minute 4: lasts to minute 9
  CHECK(s.requests(9, 3000) == 48);         // over: from 16 running, ceil(16 × 3) = 48
}

TEST_CASE("service_autoscaling: target tracking scales in only after 15 datapoints below 90 % of the target",
          "[service_autoscaling]") {
  // SAS-5: AlarmLow is 15 of 15; SAS-4: only when the metric is "usually more than 10% lower" than
  // the target (below 900 for a target of 1000).
  Service s = service(1, 100, {request_count_policy(1000)}, 12, 12);
  for (int m = 1; m <= 30; ++m) CHECK(s.requests(m, 950) == kNoChange);  // below target, inside the dead band
  for (int m = 31; m <= 44; ++m) CHECK(s.requests(m, 850) == kNoChange);
  CHECK(s.requests(45, 900) == kNoChange);  // 900 is not below 900: the run of 15 starts over
  for (int m = 46; m <= 59; ++m) CHECK(s.requests(m, 850) == kNoChange);
  CHECK(s.requests(60, 850) == 11);  // the 15th: ceil(12 × 850 / 1000) = ceil(10.2) = 11
  // The scale-in cooldown (300 s) blocks the next ones while AlarmLow stays in ALARM.
  s.running = 11;
  for (int m = 61; m <= 64; ++m) CHECK(s.requests(m, 700) == kNoChange);
  CHECK(s.requests(65, 700) == 8);  // ceil(11 × 0.7) = ceil(7.7)
}

TEST_CASE("service_autoscaling: target-tracking scale-in rounds conservatively", "[service_autoscaling]") {
  // SAS-4 "scales in more gradually", §10.3, CP-11a's "removing 1.5 instances … we remove just one":
  // the new count is ceil(running × metric / target), so it never pushes the metric above the target.
  {
    Service s = service(1, 100, {cpu_policy(50)}, 10, 10);
    for (int m = 1; m <= 14; ++m) s.cpu(m, 42.5);
    CHECK(s.cpu(15, 42.5) == 9);  // 10 × 42.5 / 50 = 8.5: removes 1, not 1.5 or 2
  }
  {
    Service s = service(1, 100, {cpu_policy(50)}, 5, 5);
    for (int m = 1; m <= 30; ++m) CHECK(s.cpu(m, 42.5) == kNoChange);  // 4.25 → 5: 4 tasks would run at 53 %
  }
  {
    // Real zeros scale in to MinCapacity (SAS-3).
    Service s = service(2, 100, {request_count_policy(1000)}, 10, 10);
    for (int m = 1; m <= 14; ++m) s.requests(m, 0);
    CHECK(s.requests(15, 0) == 2);
  }
}

TEST_CASE("service_autoscaling: a scale-out that lands on a rounding error above an integer is not rounded up",
          "[service_autoscaling]") {
  // 25 × 37.2 / 30 is 31 in exact arithmetic but 31.000000000000004 in doubles: the capacity is 31, not 32.
  Service s = service(1, 100, {cpu_policy(30)}, 25, 25);
  s.cpu(1, 37.2);
  s.cpu(2, 37.2);
  CHECK(s.cpu(3, 37.2) == 31);
}

TEST_CASE("service_autoscaling: target tracking starts from the running count, not the desired count",
          "[service_autoscaling]") {
  // SAS-7: "the actual running task count … is the value that Service Auto Scaling uses as its starting
  // point, as opposed to the desired count. This prevents excessive (runaway) scaling".
  {
    // Desired 8 but only 4 placed: 1.5 × the target needs ceil(4 × 1.5) = 6 <= 8, so nothing.
    Service s = service(1, 100, {request_count_policy(1000)}, 8, 4);
    for (int m = 1; m <= 30; ++m) CHECK(s.requests(m, 1500) == kNoChange);
    s.running = 8;
    CHECK(s.requests(31, 1500) == 12);  // once they run: ceil(8 × 1.5)
  }
  {
    // Scale-in from 6 running of 10 desired: ceil(6 × 20 / 50) = 3, where the desired count gave 4.
    Service s = service(1, 100, {cpu_policy(50)}, 10, 6);
    for (int m = 1; m <= 14; ++m) s.cpu(m, 20);
    CHECK(s.cpu(15, 20) == 3);
  }
}

TEST_CASE("service_autoscaling: a deployment blocks scale-in but not scale-out", "[service_autoscaling]") {
  // SAS-7: "Application Auto Scaling turns off scale-in processes while Amazon ECS deployments are in
  // progress. However, scale-out processes continue."
  Service s = service(1, 100, {cpu_policy(50)}, 10, 10);
  s.deploying = true;
  for (int m = 1; m <= 20; ++m) CHECK(s.cpu(m, 20) == kNoChange);
  s.deploying = false;
  CHECK(s.cpu(21, 20) == 4);  // AlarmLow is still in ALARM: ceil(10 × 20 / 50)
  s.running = 4;
  s.deploying = true;
  s.cpu(22, 100);
  s.cpu(23, 100);
  CHECK(s.cpu(24, 100) == 8);  // scale-out during the deployment
}

TEST_CASE("service_autoscaling: DisableScaleIn keeps the policy from scaling in", "[service_autoscaling]") {
  auto p = cpu_policy(50);
  p.target_tracking->disable_scale_in = true;
  Service s = service(1, 100, {p}, 10, 10);
  for (int m = 1; m <= 40; ++m) CHECK(s.cpu(m, 5) == kNoChange);
  s.cpu(41, 80);
  s.cpu(42, 80);
  CHECK(s.cpu(43, 80) == 16);  // it still scales out
}

TEST_CASE("service_autoscaling: several target-tracking policies: out if any, in only if all, largest wins",
          "[service_autoscaling]") {
  // SAS-4: "scale out if any policy wants to; scale in only if all do … the largest resulting capacity wins".
  const std::vector<ScalingPolicyConfig> both{cpu_policy(50), request_count_policy(1000)};
  {
    Service s = service(1, 100, both, 10, 10);
    for (int m = 1; m <= 2; ++m) CHECK(s.feed(m, 75, 500) == kNoChange);
    CHECK(s.feed(3, 75, 500) == 15);  // CPU wants 15; requests are low but cannot hold a scale-out
  }
  {
    Service s = service(1, 100, both, 10, 10);
    for (int m = 1; m <= 30; ++m) CHECK(s.feed(m, 20, 1000) == kNoChange);  // CPU low, requests at target
    for (int m = 31; m <= 44; ++m) CHECK(s.feed(m, 20, 700) == kNoChange);
    CHECK(s.feed(45, 20, 700) == 7);  // both low for 15: CPU wants 4, requests 7; the largest wins
  }
  {
    Service s = service(1, 100, both, 10, 10);
    s.feed(1, 60, 2000);
    s.feed(2, 60, 2000);
    CHECK(s.feed(3, 60, 2000) == 20);  // CPU wants 12, requests 20
  }
  {
    // A DisableScaleIn policy has no say on scale-in: the other policy scales in alone.
    auto cpu_out_only = cpu_policy(50);
    cpu_out_only.target_tracking->disable_scale_in = true;
    Service s = service(1, 100, {cpu_out_only, request_count_policy(1000)}, 10, 10);
    for (int m = 1; m <= 14; ++m) s.feed(m, 50, 700);
    CHECK(s.feed(15, 50, 700) == 7);
  }
}

TEST_CASE("service_autoscaling: without datapoints nothing scales", "[service_autoscaling]") {
  // SAS-4: "Insufficient data means no scaling." A missing minute also breaks AlarmHigh's 3 of 3.
  Service s = service(1, 100, {cpu_policy(50)}, 4, 4);
  for (int m = 1; m <= 30; ++m) CHECK(s.feed(m, std::nullopt) == kNoChange);
  CHECK(s.scaler.target_tracking_alarms(0)->high().state() == AlarmState::insufficient_data);
  s.cpu(31, 90);
  s.feed(32, std::nullopt);
  CHECK(s.cpu(33, 90) == kNoChange);
  s.cpu(34, 90);
  CHECK(s.cpu(35, 90) == 8);
}

// ---- Capacity limits and scaling from 0 (SAS-7, SAS-8) ----

TEST_CASE("service_autoscaling: MinCapacity is applied first at registration", "[service_autoscaling]") {
  // API-AAS RegisterScalableTarget changes the current capacity "to a value that is inside of this
  // range": a service at desired 1 registered with MinCapacity 2 goes to 2 before any datapoint.
  const ServiceAutoScaler sas({0, 2, 10}, {cpu_policy(50)});
  CHECK(sas.apply_bounds(1) == 2);
  CHECK(sas.apply_bounds(0) == 2);
  CHECK(sas.apply_bounds(5) == 5);
  CHECK(sas.apply_bounds(12) == 10);
}

TEST_CASE("service_autoscaling: below MinCapacity a scale-out jumps to Min and a scale-in does nothing",
          "[service_autoscaling]") {
  // SAS-7.
  {
    Service s = service(3, 10, {cpu_policy(50)}, 1, 1);
    s.cpu(1, 60);
    s.cpu(2, 60);
    CHECK(s.cpu(3, 60) == 3);  // ceil(1 × 60 / 50) = 2, below Min: Min
  }
  {
    Service s = service(3, 10, {cpu_policy(50)}, 1, 1);
    for (int m = 1; m <= 30; ++m) CHECK(s.cpu(m, 5) == kNoChange);
    CHECK(s.desired == 1);
  }
}

TEST_CASE("service_autoscaling: above MaxCapacity a scale-in drops to Max and a scale-out does nothing",
          "[service_autoscaling]") {
  // SAS-7.
  {
    Service s = service(1, 10, {request_count_policy(1000)}, 12, 12);
    for (int m = 1; m <= 30; ++m) CHECK(s.requests(m, 3000) == kNoChange);
  }
  {
    Service s = service(1, 10, {request_count_policy(1000)}, 12, 12);
    for (int m = 1; m <= 14; ++m) s.requests(m, 850);
    CHECK(s.requests(15, 850) == 10);  // ceil(10.2) = 11, above Max: Max
  }
  {
    // A scale-out is capped at Max.
    Service s = service(1, 20, {request_count_policy(1000)}, 4, 4);
    s.requests(1, 9000);
    s.requests(2, 9000);
    CHECK(s.requests(3, 9000) == 20);
  }
}

TEST_CASE("service_autoscaling: from 0 tasks one datapoint showing demand starts 1 task", "[service_autoscaling]") {
  // SAS-7: "when actual capacity is 0 and the metric indicates that there is workload demand, Service
  // Auto Scaling waits for one data point … scales out by the minimum possible amount as a starting
  // point and then resumes scaling based on the actual running task count."
  Service s = service(0, 10, {request_count_policy(1000)}, 0, 0);
  for (int m = 1; m <= 5; ++m) CHECK(s.requests(m, 0) == kNoChange);  // no demand
  CHECK(s.requests(6, 300) == 1);   // one datapoint, not AlarmHigh's three
  CHECK(s.requests(7, 300) == kNoChange);  // still placing: desired is already 1
  s.running = 1;
  // Then ordinary target tracking from the running count, with no cooldown left by the start.
  s.requests(8, 2500);
  s.requests(9, 2500);
  CHECK(s.requests(10, 2500) == 3);
  // CPU has no datapoint without tasks: a CPU policy cannot start a service from 0.
  Service cpu = service(0, 10, {cpu_policy(50)}, 0, 0);
  for (int m = 1; m <= 10; ++m) CHECK(cpu.feed(m, std::nullopt) == kNoChange);
}

TEST_CASE("service_autoscaling: configurations the loader must reject are refused", "[service_autoscaling]") {
  CHECK_THROWS_AS(ServiceAutoScaler({0, 5, 2}, {cpu_policy(50)}), std::invalid_argument);
  CHECK_THROWS_AS(ServiceAutoScaler({0, -1, 2}, {cpu_policy(50)}), std::invalid_argument);
  CHECK_THROWS_AS(ServiceAutoScaler({0, 1, 2}, {cpu_policy(0)}), std::invalid_argument);
  auto no_group = request_count_policy(1000);
  no_group.target_tracking->target_group.reset();
  CHECK_THROWS_AS(ServiceAutoScaler({0, 1, 2}, {no_group}), std::invalid_argument);
  ScalingPolicyConfig neither;
  CHECK_THROWS_AS(ServiceAutoScaler({0, 1, 2}, {neither}), std::invalid_argument);
  auto bad_alarm = step_policy("x", ComparisonOperator::greater_than, 1, AdjustmentType::change_in_capacity, {});
  bad_alarm.step_scaling->alarm.datapoints_to_alarm = 2;
  CHECK_THROWS_AS(ServiceAutoScaler({0, 1, 2}, {bad_alarm}), std::invalid_argument);
}

TEST_CASE("service_autoscaling: the §10.4 switch: 3 of 3 low-alarm datapoints scale in after 3 minutes",
          "[service_autoscaling]") {
  // §10.4: a 2025 report sees 3 of 3 for AlarmLow; the datapoint counts are settings.
  ServiceAutoScalingSettings three;
  three.low_alarm_datapoints = 3;
  Service s = service(1, 100, {cpu_policy(50)}, 10, 10, three);
  CHECK(s.cpu(1, 20) == kNoChange);
  CHECK(s.cpu(2, 20) == kNoChange);
  CHECK(s.cpu(3, 20) == 4);
}
