#pragma once
// ALB target health, computed from state-change times rather than simulated check by check
// (design.md: 30 s checks on 5,000 targets for a month would be 432 million events). Each load
// balancer node checks each target on its own schedule and "the result lasts for the entire
// interval" (ALB-1); spotsim models one schedule per target: checks at
//   registered + first_check + k × interval,  k = 0, 1, 2, …
// A check passes when the app answers at that instant; a dead target fails it by the timeout.
//
// §10.5 ambiguity, a switch: AWS's ALB guide says a new target "must pass one health check" (ALB-2);
// the ECS best-practices guide computes interval × HealthyThresholdCount (150 s by default). The
// default, `healthy_threshold`, is AWS's worked 150 s: with the first check one interval after
// registration, a target whose app is ready becomes healthy after HealthyThresholdCount checks.
// (Practitioners measured an app ready in 12 s in service after ~90 s with 3 × 30 s checks — the
// default — and ~20 s with 2 × 10 s, which fits a first check at registration: first_check = 0.)
#include <cstdint>
#include <optional>

#include "sim/sim_time.hpp"

namespace spotsim {

enum class InitialHealth : std::uint8_t {
  healthy_threshold,  // a new target needs HealthyThresholdCount passing checks (default)
  one_check,          // a new target needs one passing check (ALB guide's wording)
};

struct TargetHealthCheck {
  SimTime interval = seconds(30);  // HealthCheckIntervalSeconds, 5-300, default 30
  SimTime timeout = seconds(5);    // HealthCheckTimeoutSeconds, default 5 (2023 guide; 6 in the 2026 API, §10.6)
  int healthy_threshold = 5;       // HealthyThresholdCount, 2-10, default 5
  int unhealthy_threshold = 2;     // UnhealthyThresholdCount, 2-10, default 2
  InitialHealth initial = InitialHealth::healthy_threshold;
  std::optional<SimTime> first_check;  // after registration; default: one interval
};

// When a target registered at `registered`, whose app answers from `ready` on, becomes healthy.
SimTime target_healthy_at(const TargetHealthCheck& hc, SimTime registered, SimTime ready);

// When a target whose app stopped answering at `died` (instance gone, process killed, hung) is
// marked unhealthy: UnhealthyThresholdCount consecutive failed checks, each failing by its timeout.
// Until then the load balancer keeps routing to it (ALB-1), and those requests are lost.
SimTime target_unhealthy_at(const TargetHealthCheck& hc, SimTime registered, SimTime died);

}  // namespace spotsim
