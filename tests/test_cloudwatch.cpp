// CloudWatch metric alarms on 1-minute datapoints: M of N, missing data, the target-tracking pair
// (aws-semantics.md SAS-5, SAS-9, CP-11, §10.4).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "models/cloudwatch.hpp"

using namespace spotsim;

namespace {

MetricAlarm alarm_above(double threshold, int evaluation_periods, int datapoints_to_alarm) {
  return MetricAlarm({threshold, ComparisonOperator::greater_than, evaluation_periods, datapoints_to_alarm});
}

}  // namespace

TEST_CASE("cloudwatch: a new alarm is INSUFFICIENT_DATA until its first datapoint", "[cloudwatch]") {
  MetricAlarm a = alarm_above(50, 3, 3);
  CHECK(a.state() == AlarmState::insufficient_data);
  CHECK(a.on_datapoint(10.0) == AlarmState::ok);
  CHECK(std::string(to_string(a.state())) == "OK");
}

TEST_CASE("cloudwatch: 3 of 5 goes to ALARM on any three breaching datapoints of the last five", "[cloudwatch]") {
  // DatapointsToAlarm 3 of EvaluationPeriods 5: the breaches need not be consecutive.
  MetricAlarm a = alarm_above(50, 5, 3);
  CHECK(a.on_datapoint(60.0) == AlarmState::ok);
  CHECK(a.on_datapoint(40.0) == AlarmState::ok);
  CHECK(a.on_datapoint(60.0) == AlarmState::ok);
  CHECK(a.on_datapoint(40.0) == AlarmState::ok);
  CHECK(a.on_datapoint(60.0) == AlarmState::alarm);
  CHECK(a.breaching_datapoints() == 3);
  // The first breach leaves the range: two of five remain.
  CHECK(a.on_datapoint(40.0) == AlarmState::ok);
  CHECK(a.breaching_datapoints() == 2);
  CHECK(a.on_datapoint(60.0) == AlarmState::alarm);
}

TEST_CASE("cloudwatch: 3 of 3 needs three consecutive breaching minutes", "[cloudwatch]") {
  // SAS-5: Application Auto Scaling's AlarmHigh is 3 datapoints in 3 minutes.
  MetricAlarm a = alarm_above(50, 3, 3);
  a.on_datapoint(60.0);
  a.on_datapoint(60.0);
  CHECK(a.on_datapoint(50.0) == AlarmState::ok);  // at the threshold: GreaterThanThreshold does not breach
  a.on_datapoint(60.0);
  CHECK(a.on_datapoint(60.0) == AlarmState::ok);
  CHECK(a.on_datapoint(60.0) == AlarmState::alarm);
  CHECK(a.on_datapoint(49.0) == AlarmState::ok);
}

TEST_CASE("cloudwatch: a missing datapoint does not breach; a range of only missing data is INSUFFICIENT_DATA",
          "[cloudwatch]") {
  // TreatMissingData = missing (the default): missing never counts toward M, and only a range with
  // no datapoint at all is INSUFFICIENT_DATA.
  MetricAlarm a = alarm_above(50, 3, 2);
  CHECK(a.on_datapoint(60.0) == AlarmState::ok);
  CHECK(a.on_datapoint(std::nullopt) == AlarmState::ok);
  CHECK(a.on_datapoint(60.0) == AlarmState::alarm);  // 2 of 3 with a gap between
  CHECK(a.on_datapoint(std::nullopt) == AlarmState::ok);  // [missing, 60, missing]: 1 breach
  CHECK(a.on_datapoint(std::nullopt) == AlarmState::ok);  // [60, missing, missing]
  CHECK(a.on_datapoint(std::nullopt) == AlarmState::insufficient_data);
  CHECK_FALSE(a.aggregate(MetricAggregation::average).has_value());
  // 1 of 1 on a missing minute is not ALARM either.
  MetricAlarm one = alarm_above(50, 1, 1);
  CHECK(one.on_datapoint(std::nullopt) == AlarmState::insufficient_data);
}

TEST_CASE("cloudwatch: each comparison operator at and around the threshold", "[cloudwatch]") {
  CHECK(breaches(ComparisonOperator::greater_than_or_equal, 60, 60));
  CHECK_FALSE(breaches(ComparisonOperator::greater_than_or_equal, 59.9, 60));
  CHECK_FALSE(breaches(ComparisonOperator::greater_than, 60, 60));
  CHECK(breaches(ComparisonOperator::greater_than, 60.1, 60));
  CHECK(breaches(ComparisonOperator::less_than_or_equal, 40, 40));
  CHECK_FALSE(breaches(ComparisonOperator::less_than_or_equal, 40.1, 40));
  CHECK_FALSE(breaches(ComparisonOperator::less_than, 40, 40));
  CHECK(breaches(ComparisonOperator::less_than, 39.9, 40));
}

TEST_CASE("cloudwatch: the aggregate reduces the present datapoints of the evaluation range", "[cloudwatch]") {
  // SAS-9: step scaling sizes its breach with MetricAggregationType over the most recent datapoints.
  MetricAlarm a = alarm_above(50, 3, 1);
  a.on_datapoint(10.0);  // leaves the range below
  a.on_datapoint(60.0);
  a.on_datapoint(std::nullopt);
  a.on_datapoint(90.0);
  REQUIRE(a.aggregate(MetricAggregation::average).has_value());
  CHECK(*a.aggregate(MetricAggregation::average) == Approx(75.0));
  CHECK(*a.aggregate(MetricAggregation::minimum) == Approx(60.0));
  CHECK(*a.aggregate(MetricAggregation::maximum) == Approx(90.0));
}

TEST_CASE("cloudwatch: the target-tracking pair: AlarmHigh 3 of 3 above the target, AlarmLow 15 of 15 below 90 %",
          "[cloudwatch]") {
  // SAS-5 (3/3 and 15/15, user-reported) and SAS-4's "usually more than 10% lower" dead band.
  TargetTrackingAlarms tt(1000, 3, 15, 0.10);
  CHECK(tt.high().config().threshold == Approx(1000));
  CHECK(tt.low().config().threshold == Approx(900));
  for (int minute = 1; minute <= 14; ++minute) {
    tt.on_datapoint(899.0);
    CHECK(tt.low().state() == AlarmState::ok);
  }
  tt.on_datapoint(899.0);
  CHECK(tt.low().state() == AlarmState::alarm);
  CHECK(tt.high().state() == AlarmState::ok);
  tt.on_datapoint(900.0);  // not below 900: the 15-minute run restarts
  CHECK(tt.low().state() == AlarmState::ok);
  tt.on_datapoint(1001.0);
  tt.on_datapoint(1001.0);
  CHECK(tt.high().state() == AlarmState::ok);
  tt.on_datapoint(1001.0);
  CHECK(tt.high().state() == AlarmState::alarm);
}

TEST_CASE("cloudwatch: DatapointsToAlarm outside 1..EvaluationPeriods is refused", "[cloudwatch]") {
  CHECK_THROWS_AS(alarm_above(50, 3, 4), std::invalid_argument);
  CHECK_THROWS_AS(alarm_above(50, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(alarm_above(50, 3, 0), std::invalid_argument);
}
