#pragma once
// A dated-value profile: a piecewise-constant function of simulated time (spot prices, load,
// availability). Point i holds from times[i] until times[i+1]; before the first point the function
// takes `initial` (by default the first point's value). Traces drive the world through one pending
// event per trace: next_change_after() tells the owner when to look again.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "sim/sim_time.hpp"

namespace spotsim {

class StepFunction {
 public:
  StepFunction() = default;
  explicit StepFunction(double constant) : initial_(constant), has_initial_(true) {}

  // Appends a step; times must be strictly increasing (readers check and report bad input before).
  // A step repeating the current value is dropped.
  void add(SimTime at, double value);
  void set_initial(double value) { initial_ = value; has_initial_ = true; }
  // Room for `steps` steps in all (a profile whose length is known: no doubling's slack).
  void reserve(std::size_t steps);
  // Shares `other`'s step times if they are the same as this one's: per-minute load profiles of
  // one run all step on the same grid (a year: 525,600 times, 4 MB each).
  void share_times_with(const StepFunction& other);

  bool empty() const { return times().empty(); }
  std::size_t size() const { return times().size(); }
  const std::vector<SimTime>& times() const { return times_ ? *times_ : kNoTimes; }
  const std::vector<double>& values() const { return values_ ? *values_ : kNoValues; }

  double value_at(SimTime t) const;
  // Time of the first step strictly after t, if any.
  std::optional<SimTime> next_change_after(SimTime t) const;
  // Integral of the function over [a, b), in value × milliseconds (b < a gives the negative).
  double integral_ms(SimTime a, SimTime b) const;
  // Same, in value × hours: the cost of a $/h price over an interval.
  double integral_hours(SimTime a, SimTime b) const { return integral_ms(a, b) / 3'600'000.0; }

 private:
  double before_first() const;
  void make_own();
  // The steps are shared between copies and copied on the first change (copy-on-write): a
  // scenario's profiles are copied into every World run from it (sweeps, compare, the CLI) and
  // never changed after loading, so each long profile is held once. Null: no steps.
  std::shared_ptr<std::vector<SimTime>> times_;
  std::shared_ptr<std::vector<double>> values_;
  static inline const std::vector<SimTime> kNoTimes{};
  static inline const std::vector<double> kNoValues{};
  double initial_ = 0;
  bool has_initial_ = false;
};

}  // namespace spotsim
