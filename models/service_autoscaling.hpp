#pragma once
// Application Auto Scaling of one ECS service's DesiredCount (aws-semantics.md §6): one registered
// scalable target with its target-tracking and step-scaling policies. A pure model: the world feeds
// it one set of 1-minute datapoints per minute (design.md: "one per minute per metric, not per
// target") and applies the desired count it returns.
//
// Each minute:
//  1. Every policy's alarms take the minute's datapoint (alarms evaluate even while scaling is held).
//  2. Each policy whose alarm is in ALARM proposes a capacity and a direction:
//     - target tracking (SAS-4, §10.3): out = ceil(base × metric / target), "proportionally … as fast
//       as it can"; in = ceil(running × metric / target). Decision (§10.3, the arithmetic is not
//       published): the same formula for both directions, rounded up. For a scale-in, rounding up is
//       the conservative rounding of SAS-4 and of CP-11a's ASG wording ("removing 1.5 instances … we
//       remove just one"), and it is exactly the live overview page's rule that the policy does not
//       scale in when removing capacity would push the metric back above the target (the new count n
//       satisfies running × metric / n <= target). "More gradually" then comes from the AlarmLow dead band
//       (metric below target × (1 − scale_in_margin)), its 15 datapoints (SAS-5) and the scale-in
//       cooldown — spotsim adds no further cap on the tasks removed at once. The metric is the
//       minute's datapoint (the latest of the alarm's range).
//     - step scaling (SAS-9): the step whose bounds (relative to the threshold) hold the alarm's
//       aggregated range; ChangeInCapacity / ExactCapacity / PercentChangeInCapacity from the base.
//       The adjustment's sign gives the direction (ExactCapacity: compared with the running count);
//       an adjustment of 0, or a value in no step, does nothing.
//  3. Policies combine as SAS-4 says: scale out if any policy wants to, the largest capacity winning;
//     scale in only when no policy wants to scale out and every target-tracking policy with scale-in
//     enabled wants to; the largest (most conservative) scale-in capacity wins. Decision: a
//     DisableScaleIn policy has no vote (it can never want to scale in, and would otherwise block every
//     other policy's scale-in for good). Step policies' scale-ins need no vote: each has its own alarm.
//  4. MinCapacity/MaxCapacity (SAS-7): the capacity is clamped to [Min, Max]; a scale-out applies only
//     when that raises the desired count, a scale-in only when it lowers it. So below Min a scale-out
//     first jumps to Min and a scale-in does nothing; above Max a scale-in first drops to Max and a
//     scale-out does nothing.
//
// The base (SAS-7): the RUNNING task count, not the desired count, so tasks that cannot be placed do
// not make scaling run away; a scale-out that does not raise the desired count does nothing.
//
// Cooldowns (SAS-6), one clock per direction for the scalable target, each started with the duration
// of the policy whose activity started it (ScaleOutCooldown / ScaleInCooldown, or a step policy's
// Cooldown for either):
//  - scale-out cooldown: further scale-outs still happen but are sized from the base of the activity
//    that started the cooldown ("the capacity just added counts toward the next calculation": +2
//    then a +3 step within the cooldown adds 1), so only a larger scale-out raises the desired count;
//  - scale-in cooldown: scale-ins are blocked; a scale-out proceeds at once and ends it ("stops and
//    doesn't complete"). Decision: a scale-in ends a running scale-out cooldown too, whose frozen base
//    no longer describes the service.
// While the alarm stays in ALARM its policy proposes again every minute (step scaling: "the adjustment
// applies again" once the cooldown has passed).
//
// Deployments (SAS-7): while one is in progress scale-in is off; scale-out continues.
// Scaling from 0 (SAS-7): with target tracking, when the running count is 0 and the metric shows demand
// (a datapoint > 0), one datapoint suffices and the service scales out by the minimum possible amount,
// 1 task (then clamped to [Min, Max]); a metric that has no datapoint without tasks (CPU) cannot do
// this, as on AWS. Decision: this start sets no cooldown, as the ECS guide goes on "and then resumes
// scaling based on the actual running task count".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/cloudwatch.hpp"
#include "models/service_autoscaling_config.hpp"
#include "sim/sim_time.hpp"

namespace spotsim {

// One minute of a service's scaling inputs.
struct ServiceScalingInput {
  std::optional<double> cpu_utilization;  // ECSServiceAverageCPUUtilization, % (nullopt: no datapoint)
  // RequestCountPerTarget per target group, indexed like WorldConfig's target groups (nullopt or out
  // of range: no datapoint). Only the groups this target's policies name are read.
  std::vector<std::optional<double>> request_count_per_target;
  int running = 0;  // RUNNING tasks: the starting point (SAS-7)
  int desired = 0;  // the service's desired count now
  bool deployment_in_progress = false;  // SAS-7: scale-in off

  // The minute's datapoint of `metric` (for ALBRequestCountPerTarget, of `target_group`). By
  // reference: an optional<double> copied through the stack (flag byte stored, 16 bytes loaded back)
  // stalled store forwarding on every call, ~8 % of BM_SeedMonth with the alarms' by-value parameter.
  const std::optional<double>& value(ScalingMetric metric, std::optional<std::size_t> target_group) const;
};

enum class ScalingDirection : std::uint8_t { scale_out, scale_in };

// The last change the scaler made (for results: who scaled, when, from what to what).
struct ScalingActivity {
  SimTime at = 0;
  std::size_t policy = 0;  // index into the policies given to the constructor
  ScalingDirection direction = ScalingDirection::scale_out;
  int from = 0;
  int to = 0;
};

// SAS-9 PercentChangeInCapacity: `percent` of `base`, rounded as AWS rounds (> 1 down, (0, 1) → 1,
// (−1, 0) → −1, < −1 up toward zero), then raised to `min_magnitude` (MinAdjustmentMagnitude) in the
// adjustment's direction. Exact integer arithmetic: 10 % of 14 is 1, never 1.4000000000000001.
int percent_change(int base, int percent, std::optional<int> min_magnitude = std::nullopt);

class ServiceAutoScaler {
 public:
  // `policies` are the scalable target's own (ScalingPolicyConfig::target is not read). Throws
  // std::invalid_argument on what the scenario loader should reject first, with a JSON pointer: Min > Max, a
  // negative Min, a policy with neither or both configurations, a target value <= 0, a request-count
  // metric without a target group, an alarm with DatapointsToAlarm outside 1..EvaluationPeriods.
  ServiceAutoScaler(ScalableTargetConfig target, std::vector<ScalingPolicyConfig> policies,
                    ServiceAutoScalingSettings settings = {});

  // Registration (API-AAS RegisterScalableTarget: "it changes the resource's current capacity to a
  // value that is inside of this range"): the desired count to start from, clamped to [Min, Max].
  // A service registered at desired 1 with MinCapacity 2 starts at 2 before any datapoint.
  int apply_bounds(int desired) const;

  // One minute's datapoints at `now`; returns the new desired count when it changes.
  std::optional<int> on_datapoint(SimTime now, const ServiceScalingInput& in);

  const ScalableTargetConfig& target() const { return target_; }
  const std::vector<ScalingPolicyConfig>& policies() const { return policies_; }
  const std::optional<ScalingActivity>& last_activity() const { return last_; }
  // The alarms of policy `i` (target tracking: nullptr for a step policy, and the reverse).
  const TargetTrackingAlarms* target_tracking_alarms(std::size_t i) const;
  const MetricAlarm* step_alarm(std::size_t i) const;

 private:
  // What one policy wants this minute: a scale-out capacity, a scale-in capacity, or neither.
  struct Wish {
    std::optional<int> out;
    std::optional<int> in;
    bool from_zero = false;  // the SAS-7 scale-out from 0 running tasks
  };
  Wish target_tracking_wish(std::size_t i, const ServiceScalingInput& in, int out_base) const;
  Wish step_wish(std::size_t i, const ServiceScalingInput& in, int out_base) const;
  SimTime scale_out_cooldown(std::size_t policy) const;
  SimTime scale_in_cooldown(std::size_t policy) const;

  ScalableTargetConfig target_;
  std::vector<ScalingPolicyConfig> policies_;
  ServiceAutoScalingSettings settings_;
  std::vector<std::optional<TargetTrackingAlarms>> tt_alarms_;  // [policy], target tracking only
  std::vector<std::optional<MetricAlarm>> step_alarms_;         // [policy], step scaling only

  std::optional<SimTime> scale_out_until_;  // scale-out cooldown end
  int scale_out_base_ = 0;                  // the base of the activity that started it
  std::optional<SimTime> scale_in_until_;   // scale-in cooldown end
  std::optional<ScalingActivity> last_;
};

}  // namespace spotsim
