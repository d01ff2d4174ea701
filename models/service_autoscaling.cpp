#include "models/service_autoscaling.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace spotsim {

namespace {

// ceil() of a capacity computed in doubles. A value within 1e-9 of an integer is that integer, so
// 10 × 55 / 50 is 11 and not 12 when the product lands a rounding error above 11.
int ceil_capacity(double x) {
  if (!(x > 0)) return 0;  // NaN too
  const double c = std::ceil(x - 1e-9);
  if (c >= static_cast<double>(INT_MAX)) return INT_MAX;
  return static_cast<int>(c);
}

bool above_threshold(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::greater_than_or_equal:
    case ComparisonOperator::greater_than: return true;
    case ComparisonOperator::less_than:
    case ComparisonOperator::less_than_or_equal: return false;
  }
  return true;
}

// SAS-9: bounds are relative to the threshold; above it the lower bound is inclusive and the upper
// exclusive, below it the reverse. Which side a policy is on follows its alarm's operator, so a
// breach of exactly 0 (metric = threshold) lands in [0, …) for ">=" and in (…, 0] for "<=".
const StepAdjustment* find_step(const std::vector<StepAdjustment>& steps, double breach, bool above) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (const StepAdjustment& s : steps) {
    const double lo = s.lower.value_or(-inf);
    const double hi = s.upper.value_or(inf);
    if (above ? (breach >= lo && breach < hi) : (breach > lo && breach <= hi)) return &s;
  }
  return nullptr;  // outside every step (the loader rejects gaps): no action
}

std::invalid_argument bad(const std::string& policy, const std::string& what) {
  return std::invalid_argument("ServiceAutoScaler: policy \"" + policy + "\": " + what);
}

}  // namespace

int percent_change(int base, int percent, std::optional<int> min_magnitude) {
  const std::int64_t p = static_cast<std::int64_t>(base) * percent;  // 100 × the exact change
  std::int64_t delta = 0;
  if (p > 0)
    delta = p < 100 ? 1 : p / 100;  // (0, 1) → 1; > 1 rounded down
  else if (p < 0)
    delta = p > -100 ? -1 : p / 100;  // (−1, 0) → −1; < −1 rounded up (division truncates toward 0)
  // MinAdjustmentMagnitude, in the adjustment's direction. Decision: it applies to a change that
  // rounds to 0 too (a base of 0), so a +25 % policy with minimum 2 can start a service from nothing.
  if (min_magnitude && *min_magnitude > 0 && percent != 0 && std::abs(delta) < *min_magnitude)
    delta = percent > 0 ? *min_magnitude : -*min_magnitude;
  return static_cast<int>(std::clamp<std::int64_t>(delta, INT_MIN, INT_MAX));
}

const std::optional<double>& ServiceScalingInput::value(ScalingMetric metric,
                                                       std::optional<std::size_t> target_group) const {
  static const std::optional<double> none;
  switch (metric) {
    case ScalingMetric::ecs_service_average_cpu_utilization: return cpu_utilization;
    case ScalingMetric::alb_request_count_per_target:
      if (!target_group || *target_group >= request_count_per_target.size()) return none;
      return request_count_per_target[*target_group];
  }
  return none;
}

ServiceAutoScaler::ServiceAutoScaler(ScalableTargetConfig target, std::vector<ScalingPolicyConfig> policies,
                                     ServiceAutoScalingSettings settings)
    : target_(target), policies_(std::move(policies)), settings_(settings) {
  if (target_.min_capacity < 0 || target_.min_capacity > target_.max_capacity)
    throw std::invalid_argument("ServiceAutoScaler: MinCapacity " + std::to_string(target_.min_capacity) +
                                " and MaxCapacity " + std::to_string(target_.max_capacity) +
                                " need 0 <= MinCapacity <= MaxCapacity");
  if (!(settings_.scale_in_margin >= 0 && settings_.scale_in_margin < 1))
    throw std::invalid_argument("ServiceAutoScaler: scale_in_margin must be in [0, 1)");
  tt_alarms_.resize(policies_.size());
  step_alarms_.resize(policies_.size());
  for (std::size_t i = 0; i < policies_.size(); ++i) {
    const ScalingPolicyConfig& p = policies_[i];
    if (p.target_tracking.has_value() == p.step_scaling.has_value())
      throw bad(p.name, "needs exactly one of a target-tracking and a step-scaling configuration");
    if (p.target_tracking) {
      const TargetTrackingPolicy& tt = *p.target_tracking;
      if (!(tt.target_value > 0)) throw bad(p.name, "TargetValue must be > 0");
      if (tt.metric == ScalingMetric::alb_request_count_per_target && !tt.target_group)
        throw bad(p.name, "ALBRequestCountPerTarget needs a target group (ResourceLabel)");
      tt_alarms_[i].emplace(tt.target_value, settings_.high_alarm_datapoints, settings_.low_alarm_datapoints,
                            settings_.scale_in_margin);
    } else {
      const StepAlarm& a = p.step_scaling->alarm;
      if (a.metric == ScalingMetric::alb_request_count_per_target && !a.target_group)
        throw bad(p.name, "an alarm on RequestCountPerTarget needs a target group");
      step_alarms_[i].emplace(alarm_config(a));
    }
  }
}

int ServiceAutoScaler::apply_bounds(int desired) const {
  return std::clamp(desired, target_.min_capacity, target_.max_capacity);
}

const TargetTrackingAlarms* ServiceAutoScaler::target_tracking_alarms(std::size_t i) const {
  return i < tt_alarms_.size() && tt_alarms_[i] ? &*tt_alarms_[i] : nullptr;
}

const MetricAlarm* ServiceAutoScaler::step_alarm(std::size_t i) const {
  return i < step_alarms_.size() && step_alarms_[i] ? &*step_alarms_[i] : nullptr;
}

SimTime ServiceAutoScaler::scale_out_cooldown(std::size_t i) const {
  const ScalingPolicyConfig& p = policies_[i];
  return p.target_tracking ? p.target_tracking->scale_out_cooldown : p.step_scaling->cooldown;
}

SimTime ServiceAutoScaler::scale_in_cooldown(std::size_t i) const {
  const ScalingPolicyConfig& p = policies_[i];
  return p.target_tracking ? p.target_tracking->scale_in_cooldown : p.step_scaling->cooldown;
}

ServiceAutoScaler::Wish ServiceAutoScaler::target_tracking_wish(std::size_t i, const ServiceScalingInput& in,
                                                                int out_base) const {
  const TargetTrackingPolicy& tt = *policies_[i].target_tracking;
  const TargetTrackingAlarms& alarms = *tt_alarms_[i];
  Wish w;
  const std::optional<double>& v = in.value(tt.metric, tt.target_group);
  if (!v) return w;  // SAS-4: insufficient data, no scaling
  if (in.running == 0) {
    // SAS-7: from 0, one datapoint showing demand, then the minimum possible amount.
    if (*v > 0) {
      w.out = 1;
      w.from_zero = true;
    }
  } else if (alarms.high().state() == AlarmState::alarm) {
    w.out = ceil_capacity(static_cast<double>(out_base) * *v / tt.target_value);
  }
  // DisableScaleIn is applied where the policies vote (on_datapoint): such a policy has no say on scale-in.
  if (alarms.low().state() == AlarmState::alarm)
    w.in = ceil_capacity(static_cast<double>(in.running) * *v / tt.target_value);
  return w;
}

ServiceAutoScaler::Wish ServiceAutoScaler::step_wish(std::size_t i, const ServiceScalingInput& in, int out_base) const {
  const StepScalingPolicy& sp = *policies_[i].step_scaling;
  const MetricAlarm& alarm = *step_alarms_[i];
  Wish w;
  if (alarm.state() != AlarmState::alarm) return w;
  const std::optional<double> metric = alarm.aggregate(sp.aggregation);
  if (!metric) return w;
  const StepAdjustment* step = find_step(sp.steps, *metric - sp.alarm.threshold, above_threshold(sp.alarm.comparison));
  if (!step || (step->adjustment == 0 && sp.adjustment_type != AdjustmentType::exact_capacity)) return w;
  switch (sp.adjustment_type) {
    case AdjustmentType::exact_capacity:
      // Direction from the running count, the starting point (SAS-7).
      if (step->adjustment > in.running) w.out = step->adjustment;
      if (step->adjustment < in.running) w.in = step->adjustment;
      break;
    case AdjustmentType::change_in_capacity:
      if (step->adjustment > 0) w.out = out_base + step->adjustment;
      else w.in = in.running + step->adjustment;
      break;
    case AdjustmentType::percent_change_in_capacity:
      if (step->adjustment > 0)
        w.out = out_base + percent_change(out_base, step->adjustment, sp.min_adjustment_magnitude);
      else
        w.in = in.running + percent_change(in.running, step->adjustment, sp.min_adjustment_magnitude);
      break;
  }
  return w;
}

std::optional<int> ServiceAutoScaler::on_datapoint(SimTime now, const ServiceScalingInput& in) {
  for (std::size_t i = 0; i < policies_.size(); ++i) {
    const ScalingPolicyConfig& p = policies_[i];
    if (tt_alarms_[i]) tt_alarms_[i]->on_datapoint(in.value(p.target_tracking->metric, p.target_tracking->target_group));
    if (step_alarms_[i])
      step_alarms_[i]->on_datapoint(in.value(p.step_scaling->alarm.metric, p.step_scaling->alarm.target_group));
  }

  // SAS-6: within a scale-out cooldown a scale-out is sized from the base of the activity that started
  // it, so what that activity added counts toward this one and only a larger scale-out goes through.
  const bool out_cooling = scale_out_until_ && now < *scale_out_until_;
  const int out_base = out_cooling ? scale_out_base_ : in.running;

  struct Pick {
    std::size_t policy = 0;
    int capacity = 0;
    bool from_zero = false;
  };
  std::optional<Pick> out, tt_in, step_in;
  int tt_voters = 0;
  int tt_votes = 0;
  // Largest capacity wins in both directions (SAS-4); ties go to the first policy listed.
  const auto keep_largest = [](std::optional<Pick>& best, Pick candidate) {
    if (!best || candidate.capacity > best->capacity) best = candidate;
  };
  for (std::size_t i = 0; i < policies_.size(); ++i) {
    const bool tt = policies_[i].target_tracking.has_value();
    const Wish w = tt ? target_tracking_wish(i, in, out_base) : step_wish(i, in, out_base);
    if (w.out) keep_largest(out, {i, *w.out, w.from_zero});
    if (tt && !policies_[i].target_tracking->disable_scale_in) {
      ++tt_voters;
      if (w.in) {
        ++tt_votes;
        keep_largest(tt_in, {i, *w.in, false});
      }
    } else if (!tt && w.in) {
      keep_largest(step_in, {i, *w.in, false});
    }
  }

  const int from = in.desired;
  if (out) {
    // Any policy that wants to scale out decides the minute: no scale-in happens beside it.
    const int to = apply_bounds(out->capacity);  // below Min: jumps to Min (SAS-7)
    if (to <= from) return std::nullopt;         // not larger: held (SAS-6), or above Max (SAS-7)
    if (!out->from_zero) {
      // Decision: the SAS-7 start from 0 sets no cooldown; "then resumes scaling based on the actual
      // running task count" (ECS-service-auto-scaling).
      scale_out_until_ = now + scale_out_cooldown(out->policy);
      scale_out_base_ = out_base;
    }
    scale_in_until_.reset();  // SAS-6: a scale-out ends the scale-in cooldown
    last_ = ScalingActivity{now, out->policy, ScalingDirection::scale_out, from, to};
    return to;
  }

  if (in.deployment_in_progress) return std::nullopt;                // SAS-7
  if (scale_in_until_ && now < *scale_in_until_) return std::nullopt;  // SAS-6
  std::optional<Pick> scale_in = step_in;
  if (tt_in && tt_voters > 0 && tt_votes == tt_voters) keep_largest(scale_in, *tt_in);  // SAS-4: all TT agree
  if (!scale_in) return std::nullopt;
  const int to = apply_bounds(scale_in->capacity);  // above Max: drops to Max (SAS-7)
  if (to >= from) return std::nullopt;               // below Min: nothing (SAS-7)
  scale_in_until_ = now + scale_in_cooldown(scale_in->policy);
  scale_out_until_.reset();
  last_ = ScalingActivity{now, scale_in->policy, ScalingDirection::scale_in, from, to};
  return to;
}

}  // namespace spotsim
