// sim/step_function.hpp: a piecewise-constant profile of simulated time (spot prices, load,
// availability). Point i holds from times[i] (inclusive) until times[i+1]; integrals are in
// value x milliseconds over [a, b).
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "sim/step_function.hpp"

namespace spotsim {
namespace {

// 2 from t=10, 5 from t=20, 1 from t=40 (milliseconds).
StepFunction three_steps() {
  StepFunction f;
  f.add(10, 2.0);
  f.add(20, 5.0);
  f.add(40, 1.0);
  return f;
}

}  // namespace

TEST_CASE("value_at takes the step at or before t, and the first value before the first step") {
  const StepFunction f = three_steps();
  CHECK(f.value_at(-100) == 2.0);  // no initial set: the first point's value
  CHECK(f.value_at(9) == 2.0);
  CHECK(f.value_at(10) == 2.0);
  CHECK(f.value_at(19) == 2.0);
  CHECK(f.value_at(20) == 5.0);  // a step applies at its own time
  CHECK(f.value_at(39) == 5.0);
  CHECK(f.value_at(40) == 1.0);
  CHECK(f.value_at(days(365)) == 1.0);
}

TEST_CASE("an initial value holds before the first step") {
  StepFunction f = three_steps();
  f.set_initial(0.0);
  CHECK(f.value_at(9) == 0.0);
  CHECK(f.value_at(10) == 2.0);
}

TEST_CASE("an empty or constant function has one value everywhere") {
  const StepFunction empty;
  CHECK(empty.empty());
  CHECK(empty.value_at(0) == 0.0);
  CHECK(empty.next_change_after(0) == std::nullopt);
  CHECK(empty.integral_ms(0, 1000) == 0.0);

  const StepFunction constant(2.5);
  CHECK(constant.value_at(-hours(5)) == 2.5);
  CHECK(constant.value_at(days(30)) == 2.5);
  CHECK(constant.next_change_after(0) == std::nullopt);
  CHECK(constant.integral_ms(0, 100) == 250.0);
}

TEST_CASE("next_change_after gives the first step strictly after t") {
  const StepFunction f = three_steps();
  CHECK(f.next_change_after(-1) == SimTime{10});
  CHECK(f.next_change_after(9) == SimTime{10});
  CHECK(f.next_change_after(10) == SimTime{20});  // strictly after: not the step at t itself
  CHECK(f.next_change_after(15) == SimTime{20});
  CHECK(f.next_change_after(39) == SimTime{40});
  CHECK(f.next_change_after(40) == std::nullopt);
  CHECK(f.next_change_after(kNever) == std::nullopt);
}

TEST_CASE("integral_ms over intervals spanning several steps matches the sum by hand") {
  StepFunction f = three_steps();
  // [0,10): 2x10  [10,20): 2x10  [20,40): 5x20  [40,50): 1x10  = 20 + 20 + 100 + 10
  CHECK(f.integral_ms(0, 50) == 150.0);
  // [15,20): 2x5  [20,40): 5x20  [40,45): 1x5  = 10 + 100 + 5
  CHECK(f.integral_ms(15, 45) == 115.0);
  // Inside one step; endpoints on steps.
  CHECK(f.integral_ms(21, 23) == 10.0);
  CHECK(f.integral_ms(20, 40) == 100.0);
  CHECK(f.integral_ms(10, 20) == 20.0);
  CHECK(f.integral_ms(30, 30) == 0.0);
  f.set_initial(0.0);
  CHECK(f.integral_ms(0, 50) == 130.0);  // the first 10 ms now count 0
}

TEST_CASE("the integral of a reversed interval is the negative") {
  const StepFunction f = three_steps();
  CHECK(f.integral_ms(45, 15) == -115.0);
  CHECK(f.integral_ms(50, 0) == -f.integral_ms(0, 50));
}

TEST_CASE("integral_hours turns a per-hour price into the cost of an interval") {
  StepFunction price;  // USD per hour
  price.add(0, 0.5);
  price.add(hours(1), 1.0);
  // 1 h at 0.5 + 2 h at 1.0
  CHECK(price.integral_hours(0, hours(3)) == Approx(2.5));
  CHECK(price.integral_hours(minutes(30), minutes(90)) == Approx(0.25 + 0.5));
}

TEST_CASE("a step repeating the current value is dropped") {
  StepFunction f;
  f.add(10, 2.0);
  f.add(20, 2.0);
  f.add(30, 3.0);
  f.add(40, 3.0);
  f.add(50, 2.0);
  CHECK(f.size() == 3);
  CHECK(f.times() == std::vector<SimTime>{10, 30, 50});
  CHECK(f.values() == std::vector<double>{2.0, 3.0, 2.0});
  CHECK(f.next_change_after(10) == SimTime{30});  // no event is scheduled for a non-change
  CHECK(f.value_at(25) == 2.0);
  CHECK(f.integral_ms(10, 60) == 2.0 * 20 + 3.0 * 20 + 2.0 * 10);
}

TEST_CASE("a constant step function keeps its constant before its first step") {
  StepFunction f(5.0);
  f.add(hours(1), 7.0);
  CHECK(f.value_at(0) == 5.0);
  CHECK(f.value_at(hours(1)) == 7.0);
  CHECK(f.integral_hours(0, hours(2)) == 12.0);
}

}  // namespace spotsim

namespace spotsim {

// Copies share their steps until one changes (copy-on-write): a World copies its scenario's
// profiles, and a year of minutes is 525,600 steps per profile.
TEST_CASE("memory - a copied step function shares its steps until one of the two changes", "[mem]") {
  StepFunction a;
  a.add(0, 1.0);
  a.add(60, 2.0);
  StepFunction b = a;
  CHECK(&b.times() == &a.times());
  b.add(120, 3.0);  // the copy gets its own steps; the original is unchanged
  CHECK(&b.times() != &a.times());
  CHECK(a.times() == std::vector<SimTime>{0, 60});
  CHECK(a.value_at(500) == 2.0);
  CHECK(b.times() == std::vector<SimTime>{0, 60, 120});
  CHECK(b.value_at(500) == 3.0);
}

TEST_CASE("memory - share_times_with shares equal step times only, values stay each one's own", "[mem]") {
  StepFunction a, b, c;
  for (SimTime t = 0; t < minutes(5); t += minutes(1)) {
    a.add(t, static_cast<double>(t));
    b.add(t, static_cast<double>(-t));
    c.add(t + 1, 1.0 + static_cast<double>(t));
  }
  b.share_times_with(a);
  c.share_times_with(a);
  CHECK(&b.times() == &a.times());
  CHECK(&c.times() != &a.times());  // another grid
  CHECK(b.value_at(minutes(3)) == static_cast<double>(-minutes(3)));
  CHECK(a.value_at(minutes(3)) == static_cast<double>(minutes(3)));
  b.add(minutes(10), 7.0);  // b's change leaves a's times alone
  CHECK(a.size() == 5);
  CHECK(b.size() == 6);
}

}  // namespace spotsim
