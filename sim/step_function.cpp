#include "sim/step_function.hpp"

#include <algorithm>

#include "sim/huge_pages.hpp"
#include "sim/prefault.hpp"

namespace spotsim {

void StepFunction::make_own() {
  // Copy-on-write (step_function.hpp): copies the steps another StepFunction also holds. A copy
  // made on another thread holds its own reference, so use_count() == 1 means nobody else can see
  // these vectors.
  if (!times_) times_ = std::make_shared<std::vector<SimTime>>();
  else if (times_.use_count() > 1) times_ = std::make_shared<std::vector<SimTime>>(*times_);
  if (!values_) values_ = std::make_shared<std::vector<double>>();
  else if (values_.use_count() > 1) values_ = std::make_shared<std::vector<double>>(*values_);
}

void StepFunction::add(SimTime at, double value) {
  if (!values().empty() && values().back() == value) return;
  make_own();
  times_->push_back(at);
  values_->push_back(value);
}

void StepFunction::reserve(std::size_t steps) {
  make_own();
  times_->reserve(steps);
  values_->reserve(steps);
  prefault::request(times_->data(), steps * sizeof(SimTime));  // (a year of per-minute load: 8 MB each)
  prefault::request(values_->data(), steps * sizeof(double));
  huge_pages::grew();
}

void StepFunction::share_times_with(const StepFunction& other) {
  if (times_ == other.times_ || !times_ || !other.times_ || *times_ != *other.times_) return;
  times_ = other.times_;
}

double StepFunction::before_first() const {
  if (has_initial_ || values().empty()) return initial_;
  return values().front();
}

double StepFunction::value_at(SimTime t) const {
  const auto it = std::upper_bound(times().begin(), times().end(), t);
  if (it == times().begin()) return before_first();
  return values()[static_cast<std::size_t>(it - times().begin()) - 1];
}

std::optional<SimTime> StepFunction::next_change_after(SimTime t) const {
  const auto it = std::upper_bound(times().begin(), times().end(), t);
  if (it == times().end()) return std::nullopt;
  return *it;
}

double StepFunction::integral_ms(SimTime a, SimTime b) const {
  if (b < a) return -integral_ms(b, a);
  double sum = 0;
  SimTime t = a;
  auto it = std::upper_bound(times().begin(), times().end(), t);
  double v = it == times().begin() ? before_first() : values()[static_cast<std::size_t>(it - times().begin()) - 1];
  while (t < b) {
    const SimTime next = it == times().end() ? b : std::min(b, *it);
    sum += v * static_cast<double>(next - t);
    t = next;
    if (it != times().end() && t == *it) {
      v = values()[static_cast<std::size_t>(it - times().begin())];
      ++it;
    }
  }
  return sum;
}

}  // namespace spotsim
