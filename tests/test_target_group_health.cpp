// ALB target health from state-change times (aws-semantics.md ALB-1, ALB-2, §10.5).
#include <catch2/catch.hpp>

#include "models/target_group_health.hpp"

using namespace spotsim;

TEST_CASE("with AWS's defaults a ready target is healthy after 150 s", "[target_group]") {
  // §10.5: interval × HealthyThresholdCount = 30 s × 5 (the ECS best-practices figure), the default.
  const TargetHealthCheck hc;
  CHECK(target_healthy_at(hc, seconds(100), seconds(100)) == seconds(100) + seconds(150));
}

TEST_CASE("the one-check switch makes a new target healthy at its first passing check", "[target_group]") {
  // ALB-2: "After your target is registered, it must pass one health check to be considered healthy."
  TargetHealthCheck hc;
  hc.initial = InitialHealth::one_check;
  CHECK(target_healthy_at(hc, 0, 0) == seconds(30));
  CHECK(target_healthy_at(hc, 0, seconds(31)) == seconds(60));  // the next check on the grid
}

TEST_CASE("an app ready in 12 s is in service after about 90 s with 3 x 30 s checks", "[target_group]") {
  // design.md "Observed behaviour": ~90 s with 3 × 30 s; ~20 s with 2 × 10 s when the first check
  // runs at registration.
  TargetHealthCheck hc;
  hc.healthy_threshold = 3;
  CHECK(target_healthy_at(hc, 0, seconds(12)) == seconds(90));
  TargetHealthCheck fast;
  fast.interval = seconds(10);
  fast.healthy_threshold = 2;
  fast.first_check = 0;
  CHECK(target_healthy_at(fast, seconds(2), seconds(12)) == seconds(22));
}

TEST_CASE("a dead target is marked unhealthy after the unhealthy threshold of failed checks", "[target_group]") {
  // ALB-1: out of service after UnhealthyThresholdCount consecutive failures, each failing by its
  // timeout; until then the target keeps receiving requests.
  const TargetHealthCheck hc;  // 30 s, 5 s timeout, 2 failures
  // Registered at 0: checks at 30, 60, 90, ...; dies at 100 -> fails at 120 and 150 -> unhealthy at 155.
  CHECK(target_unhealthy_at(hc, 0, seconds(100)) == seconds(155));
  // Dying exactly on a check: that check fails.
  CHECK(target_unhealthy_at(hc, 0, seconds(90)) == seconds(125));
  // The detection time is between (U-1) × interval + timeout and U × interval + timeout.
  for (SimTime died = seconds(30); died < seconds(300); died += seconds(7)) {
    const SimTime detect = target_unhealthy_at(hc, 0, died) - died;
    CHECK(detect >= seconds(35));
    CHECK(detect <= seconds(65));
  }
}
