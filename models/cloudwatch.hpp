#pragma once
// CloudWatch metric alarms on 1-minute datapoints: what drives Application Auto Scaling (SAS-5,
// SAS-9) and capacity-provider managed scaling (CP-11). design.md: periodic work exists only where
// its result can change, so the world hands each alarm one datapoint per minute per metric (not one
// per target) and the alarm keeps the last EvaluationPeriods of them.
//
// Evaluation ("M out of N", PutMetricAlarm's DatapointsToAlarm of EvaluationPeriods): the alarm is
// ALARM when at least M of the last N datapoints breach the threshold, otherwise OK.
//
// Missing data (std::nullopt) follows TreatMissingData = `missing`, CloudWatch's default: when every
// datapoint of the evaluation range is missing the alarm goes to INSUFFICIENT_DATA; otherwise a missing
// datapoint simply does not breach (it never counts toward M). A new alarm starts in INSUFFICIENT_DATA
// (its range is all missing) — so do Application Auto Scaling's, and SAS-4 "insufficient data means no
// scaling". Decision: CloudWatch, for a range with gaps, also looks back beyond N periods for present
// datapoints; spotsim does not, because the world publishes a datapoint every minute and a gap means
// the metric really has no value (a service with no task has no CPU datapoint).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

// ComparisonOperator and MetricAggregation are declared with the scaling configuration, the only
// place scenarios spell them; CloudWatch's alarms reuse them rather than declare a twin.
#include "models/service_autoscaling_config.hpp"

namespace spotsim {

enum class AlarmState : std::uint8_t { insufficient_data, ok, alarm };

// "INSUFFICIENT_DATA", "OK", "ALARM" (as describe-alarms prints StateValue).
const char* to_string(AlarmState state);

// Whether `value` breaches `threshold` under `op` (GreaterThanOrEqualToThreshold, …).
bool breaches(ComparisonOperator op, double value, double threshold);

struct MetricAlarmConfig {
  double threshold = 0;
  ComparisonOperator comparison = ComparisonOperator::greater_than;
  int evaluation_periods = 1;   // N, 1-minute periods (Period 60)
  int datapoints_to_alarm = 1;  // M, 1 <= M <= N
};

// The alarm behind a step-scaling policy, as the scenario's `alarm` block gives it (SAS-9).
MetricAlarmConfig alarm_config(const StepAlarm& alarm);

class MetricAlarm {
 public:
  // Throws std::invalid_argument unless 1 <= datapoints_to_alarm <= evaluation_periods (the loader
  // rejects such input first, with its JSON pointer; this guards direct use).
  explicit MetricAlarm(MetricAlarmConfig config);

  // Takes this minute's datapoint (nullopt: none was published) and returns the new state.
  AlarmState on_datapoint(const std::optional<double>& value);

  AlarmState state() const { return state_; }
  const MetricAlarmConfig& config() const { return config_; }
  // Breaching datapoints among the last N.
  int breaching_datapoints() const { return breaching_; }
  // The present datapoints among the last N reduced by `how`; nullopt when all are missing. Step
  // scaling sizes its breach with this (SAS-9: "applies your specified aggregation type to the most
  // recent metric data points").
  std::optional<double> aggregate(MetricAggregation how) const;

 private:
  MetricAlarmConfig config_;
  std::vector<std::optional<double>> range_;  // ring of the last N datapoints, missing until filled
  std::size_t next_ = 0;                      // slot the next datapoint overwrites
  // Running counts over range_, kept as datapoints enter and leave (a minute's evaluation is O(1),
  // not a rescan of the N datapoints): present ones, and those that breach.
  int present_ = 0;
  int breaching_ = 0;
  AlarmState state_ = AlarmState::insufficient_data;
};

// The pair of alarms Application Auto Scaling creates for one target-tracking policy (SAS-5):
//   AlarmHigh: metric >  target                    for `high_datapoints` of as many minutes;
//   AlarmLow:  metric <  target × (1 − margin)     for `low_datapoints` of as many minutes.
// §10.4: 3/3 and 15/15 are user-reported, hence parameters (ServiceAutoScalingSettings). The low
// threshold carries SAS-4's dead band ("usually more than 10% lower"; margin 0.10 puts AlarmLow at
// 90 % of the target). Capacity-provider managed scaling has the same shape with 1/1 and 15/15 (CP-11).
class TargetTrackingAlarms {
 public:
  TargetTrackingAlarms(double target, int high_datapoints, int low_datapoints, double scale_in_margin);

  void on_datapoint(const std::optional<double>& value);
  const MetricAlarm& high() const { return high_; }
  const MetricAlarm& low() const { return low_; }

 private:
  MetricAlarm high_;
  MetricAlarm low_;
};

}  // namespace spotsim
