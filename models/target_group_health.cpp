#include "models/target_group_health.hpp"

#include <algorithm>

namespace spotsim {
namespace {

// The first check at or after `t` (checks at registered + first + k × interval, k >= 0).
SimTime first_check_at_or_after(const TargetHealthCheck& hc, SimTime registered, SimTime t) {
  const SimTime first = registered + hc.first_check.value_or(hc.interval);
  if (t <= first) return first;
  const SimTime k = (t - first + hc.interval - 1) / hc.interval;
  return first + k * hc.interval;
}

}  // namespace

SimTime target_healthy_at(const TargetHealthCheck& hc, SimTime registered, SimTime ready) {
  const SimTime first_pass = first_check_at_or_after(hc, registered, ready);
  const int needed = hc.initial == InitialHealth::one_check ? 1 : std::max(1, hc.healthy_threshold);
  return first_pass + (needed - 1) * hc.interval;
}

SimTime target_unhealthy_at(const TargetHealthCheck& hc, SimTime registered, SimTime died) {
  const SimTime first_fail = first_check_at_or_after(hc, registered, died);
  return first_fail + (std::max(1, hc.unhealthy_threshold) - 1) * hc.interval + hc.timeout;
}

}  // namespace spotsim
