#include "models/cloudwatch.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace spotsim {

const char* to_string(AlarmState state) {
  switch (state) {
    case AlarmState::insufficient_data: return "INSUFFICIENT_DATA";
    case AlarmState::ok: return "OK";
    case AlarmState::alarm: return "ALARM";
  }
  return "?";
}

bool breaches(ComparisonOperator op, double value, double threshold) {
  switch (op) {
    case ComparisonOperator::greater_than_or_equal: return value >= threshold;
    case ComparisonOperator::greater_than: return value > threshold;
    case ComparisonOperator::less_than: return value < threshold;
    case ComparisonOperator::less_than_or_equal: return value <= threshold;
  }
  return false;
}

MetricAlarmConfig alarm_config(const StepAlarm& alarm) {
  return {alarm.threshold, alarm.comparison, alarm.evaluation_periods, alarm.datapoints_to_alarm};
}

MetricAlarm::MetricAlarm(MetricAlarmConfig config) : config_(config) {
  if (config_.evaluation_periods < 1 || config_.datapoints_to_alarm < 1 ||
      config_.datapoints_to_alarm > config_.evaluation_periods)
    throw std::invalid_argument("MetricAlarm: DatapointsToAlarm must be from 1 to EvaluationPeriods, not " +
                                std::to_string(config_.datapoints_to_alarm) + " of " +
                                std::to_string(config_.evaluation_periods));
  range_.assign(static_cast<std::size_t>(config_.evaluation_periods), std::nullopt);
}

AlarmState MetricAlarm::on_datapoint(const std::optional<double>& value) {
  // The datapoint leaving the range takes its counts with it; the new one brings its own.
  std::optional<double>& slot = range_[next_];
  if (slot) {
    --present_;
    breaching_ -= breaches(config_.comparison, *slot, config_.threshold) ? 1 : 0;
  }
  slot = value;
  if (value) {
    ++present_;
    breaching_ += breaches(config_.comparison, *value, config_.threshold) ? 1 : 0;
  }
  next_ = next_ + 1 == range_.size() ? 0 : next_ + 1;
  if (present_ == 0)
    state_ = AlarmState::insufficient_data;
  else
    state_ = breaching_ >= config_.datapoints_to_alarm ? AlarmState::alarm : AlarmState::ok;
  return state_;
}

std::optional<double> MetricAlarm::aggregate(MetricAggregation how) const {
  std::optional<double> acc;
  int present = 0;
  for (const auto& v : range_) {
    if (!v) continue;
    ++present;
    if (!acc) {
      acc = *v;
      continue;
    }
    switch (how) {
      case MetricAggregation::average: *acc += *v; break;
      case MetricAggregation::minimum: *acc = std::min(*acc, *v); break;
      case MetricAggregation::maximum: *acc = std::max(*acc, *v); break;
    }
  }
  if (acc && how == MetricAggregation::average) *acc /= present;
  return acc;
}

TargetTrackingAlarms::TargetTrackingAlarms(double target, int high_datapoints, int low_datapoints,
                                           double scale_in_margin)
    : high_({target, ComparisonOperator::greater_than, high_datapoints, high_datapoints}),
      low_({target * (1.0 - scale_in_margin), ComparisonOperator::less_than, low_datapoints, low_datapoints}) {}

void TargetTrackingAlarms::on_datapoint(const std::optional<double>& value) {
  high_.on_datapoint(value);
  low_.on_datapoint(value);
}

}  // namespace spotsim
