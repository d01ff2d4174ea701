#include "models/synthetic_load.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "sim/random.hpp"

namespace spotsim {

StepFunction synthetic_rps(const SyntheticLoad& load, std::int64_t start_epoch_ms, SimTime duration, double scale,
                           std::uint64_t seed, std::string_view random_stream, std::uint64_t replication) {
  const SimTime step = std::max<SimTime>(load.step, 1);
  const SimTime span = std::max(duration, step);
  const std::int64_t steps = span / step + (span % step != 0 ? 1 : 0);
  RandomStream rng(seed, random_stream, replication);
  StepFunction f;
  f.reserve(static_cast<std::size_t>(steps));  // a year of minutes: 525,600 steps, without doubling's slack
  constexpr std::int64_t kDay = days(1);
  const auto diurnal_at = [&](std::int64_t k) {
    const std::int64_t ms_of_day = ((start_epoch_ms + k * step) % kDay + kDay) % kDay;
    const double hour = static_cast<double>(ms_of_day) / 3'600'000.0;
    return 1.0 + load.daily_amplitude * std::cos(2.0 * std::numbers::pi * (hour - load.peak_hour_utc) / 24.0);
  };
  // When the step divides a day, step k and step k + a day's steps fall on the same time of day:
  // one day of the diurnal factor, computed once (the same values; a year of minutes spent ~1 % of
  // a fleet run in cos).
  std::vector<double> day;
  if (kDay % step == 0)
    for (std::int64_t k = 0; k < std::min(steps, kDay / step); ++k) day.push_back(diurnal_at(k));
  for (std::int64_t k = 0; k < steps; ++k) {
    const SimTime t = k * step;
    const double diurnal = day.empty() ? diurnal_at(k) : day[static_cast<std::size_t>(k % (kDay / step))];
    double factor = 1.0;
    if (load.noise > 0) factor = std::exp(load.noise * rng.normal() - load.noise * load.noise / 2.0);
    f.add(t, std::max(0.0, scale * load.mean_rps * diurnal * factor));
  }
  return f;
}

}  // namespace spotsim
