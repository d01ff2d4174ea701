#pragma once
// ECS service auto scaling as a scenario describes it (`aws application-autoscaling
// describe-scalable-targets` and `describe-scaling-policies`; aws-semantics.md §6). The runtime
// models are models/service_autoscaling and models/cloudwatch.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/sim_time.hpp"

namespace spotsim {

// A registered scalable target: ecs:service:DesiredCount of one service.
struct ScalableTargetConfig {
  std::size_t service = 0;  // index into WorldConfig::services (ResourceId service/<cluster>/<service>)
  int min_capacity = 0;     // MinCapacity (SAS-8: may be 0 for ECS)
  int max_capacity = 0;     // MaxCapacity
};

enum class ScalingMetric : std::uint8_t {
  ecs_service_average_cpu_utilization,  // ECSServiceAverageCPUUtilization (SAS-2)
  alb_request_count_per_target,         // ALBRequestCountPerTarget (SAS-3); needs a target group
};

// TargetTrackingScalingPolicyConfiguration.
struct TargetTrackingPolicy {
  ScalingMetric metric = ScalingMetric::ecs_service_average_cpu_utilization;
  std::optional<std::size_t> target_group;  // ALBRequestCountPerTarget: from ResourceLabel
  double target_value = 50;
  SimTime scale_out_cooldown = seconds(300);  // SAS-6: 300 s for ECS services
  SimTime scale_in_cooldown = seconds(300);
  bool disable_scale_in = false;
};

enum class AdjustmentType : std::uint8_t { change_in_capacity, exact_capacity, percent_change_in_capacity };
enum class MetricAggregation : std::uint8_t { average, minimum, maximum };
enum class ComparisonOperator : std::uint8_t {
  greater_than_or_equal, greater_than, less_than, less_than_or_equal,
};

// StepAdjustment: bounds relative to the alarm threshold (SAS-9); absent = unbounded.
struct StepAdjustment {
  std::optional<double> lower;  // MetricIntervalLowerBound
  std::optional<double> upper;  // MetricIntervalUpperBound
  int adjustment = 0;           // ScalingAdjustment
};

// The CloudWatch alarm that drives a step policy. describe-scaling-policies only names alarms, so
// the scenario gives it beside the policy as spotsim's own `alarm` block (as `aws cloudwatch
// describe-alarms` would print it: MetricName, Threshold, ComparisonOperator, EvaluationPeriods,
// DatapointsToAlarm, Period 60).
struct StepAlarm {
  ScalingMetric metric = ScalingMetric::ecs_service_average_cpu_utilization;
  std::optional<std::size_t> target_group;
  double threshold = 0;
  ComparisonOperator comparison = ComparisonOperator::greater_than_or_equal;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
};

// StepScalingPolicyConfiguration.
struct StepScalingPolicy {
  AdjustmentType adjustment_type = AdjustmentType::change_in_capacity;
  std::vector<StepAdjustment> steps;
  SimTime cooldown = seconds(300);  // SAS-6
  MetricAggregation aggregation = MetricAggregation::average;
  std::optional<int> min_adjustment_magnitude;
  StepAlarm alarm;
};

struct ScalingPolicyConfig {
  std::string name;         // PolicyName
  std::size_t target = 0;   // index into WorldConfig::scalable_targets
  std::optional<TargetTrackingPolicy> target_tracking;  // exactly one of these two
  std::optional<StepScalingPolicy> step_scaling;
};

// §10.4 and SAS-5: datapoints of Application Auto Scaling's target-tracking alarms (user-reported).
struct ServiceAutoScalingSettings {
  int high_alarm_datapoints = 3;  // AlarmHigh: 3 of 3 one-minute datapoints
  int low_alarm_datapoints = 15;  // AlarmLow: 15 of 15 (3 of 3 in a 2025 report)
  double scale_in_margin = 0.10;  // SAS-4: scale in only "usually more than 10% lower" than the target
};

}  // namespace spotsim
