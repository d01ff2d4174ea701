#include "sim/step_function.hpp"

#include <algorithm>

namespace spotsim {

void StepFunction::add(SimTime at, double value) {
  if (!values_.empty() && values_.back() == value) return;
  times_.push_back(at);
  values_.push_back(value);
}

double StepFunction::before_first() const {
  if (has_initial_ || values_.empty()) return initial_;
  return values_.front();
}

double StepFunction::value_at(SimTime t) const {
  const auto it = std::upper_bound(times_.begin(), times_.end(), t);
  if (it == times_.begin()) return before_first();
  return values_[static_cast<std::size_t>(it - times_.begin()) - 1];
}

std::optional<SimTime> StepFunction::next_change_after(SimTime t) const {
  const auto it = std::upper_bound(times_.begin(), times_.end(), t);
  if (it == times_.end()) return std::nullopt;
  return *it;
}

double StepFunction::integral_ms(SimTime a, SimTime b) const {
  if (b < a) return -integral_ms(b, a);
  double sum = 0;
  SimTime t = a;
  auto it = std::upper_bound(times_.begin(), times_.end(), t);
  double v = it == times_.begin() ? before_first() : values_[static_cast<std::size_t>(it - times_.begin()) - 1];
  while (t < b) {
    const SimTime next = it == times_.end() ? b : std::min(b, *it);
    sum += v * static_cast<double>(next - t);
    t = next;
    if (it != times_.end() && t == *it) {
      v = values_[static_cast<std::size_t>(it - times_.begin())];
      ++it;
    }
  }
  return sum;
}

}  // namespace spotsim
