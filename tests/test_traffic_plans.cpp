// Routing plans followed by difference (models/traffic_fluid.cpp, follow_group_plan): under round
// robin every routed target gets the same share (ALB-7), so when targets join or leave the healthy
// set (ALB-2, ALB-5) or stop answering, a service's plan moves only those tasks between its routed
// and unrouted rows instead of being rebuilt over every live task. The answer must be the rebuild's
// bit for bit — requests, drops by reason, per-service ledgers, requests routed to each task, the
// cohorts — on fleets with task churn, interruptions and scaling; slow start's ramps (ALB-6) and
// least outstanding requests (ALB-7) give unequal shares, which are never followed by difference.
#include <catch2/catch.hpp>

#include <filesystem>

#include "bench/large_fleet_scenario.hpp"
#include "models/world.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;

namespace {

// The benchmark's fleet, small; `mixed`: its first group ramps targets in (slow start) and its
// second routes by least outstanding requests, the others stay round robin.
WorldConfig plans_fleet_config(bool rebuild_plans, bool mixed) {
  const std::string text = bench::large_fleet_scenario({2, 300, 6}).dump();
  WorldConfig c = load_scenario_text(text, "fleet.json", std::filesystem::current_path()).world;
  c.traffic_rebuild_plans = rebuild_plans;
  if (mixed) {
    REQUIRE(c.target_groups.size() >= 3);
    c.target_groups[0].slow_start = seconds(120);
    c.target_groups[1].algorithm = RoutingAlgorithm::least_outstanding_requests;
  }
  return c;
}

void plans_compare(bool mixed) {
  World followed(plans_fleet_config(false, mixed));
  World rebuilt(plans_fleet_config(true, mixed));
  for (SimTime t = minutes(30); t <= hours(48); t += minutes(30)) {
    followed.run_until(t);
    rebuilt.run_until(t);
    const RequestCounts a = followed.traffic().totals(), b = rebuilt.traffic().totals();
    REQUIRE(a.offered == b.offered);
    REQUIRE(a.served == b.served);
    for (std::size_t r = 0; r < kDropReasons; ++r) REQUIRE(a.dropped[r] == b.dropped[r]);
    const auto& la = followed.traffic().ledgers();
    const auto& lb = rebuilt.traffic().ledgers();
    REQUIRE(la.size() == lb.size());
    for (std::size_t v = 0; v < la.size(); ++v) {
      REQUIRE(la[v].arrived == lb[v].arrived);
      REQUIRE(la[v].completed == lb[v].completed);
      REQUIRE(la[v].dropped == lb[v].dropped);
      REQUIRE(followed.traffic().cohort_count(static_cast<std::uint32_t>(v)) ==
              rebuilt.traffic().cohort_count(static_cast<std::uint32_t>(v)));
    }
  }
  int routed_mismatches = 0;
  for (std::size_t v = 0; v < followed.config().services.size(); ++v) {
    const auto tasks = static_cast<std::uint32_t>(rebuilt.service(v).tasks().size());
    REQUIRE(followed.service(v).tasks().size() == tasks);
    for (std::uint32_t t = 0; t < tasks; ++t)
      if (followed.traffic().requests_routed_to(static_cast<std::uint32_t>(v), t) !=
          rebuilt.traffic().requests_routed_to(static_cast<std::uint32_t>(v), t))
        ++routed_mismatches;
  }
  CHECK(routed_mismatches == 0);
  // Both ways were taken: the comparison is not of two rebuilds.
  const Traffic::PlanUpdates f = followed.traffic().plan_updates(), r = rebuilt.traffic().plan_updates();
  CHECK(r.followed == 0);
  CHECK(f.followed > 100);
  if (!mixed) CHECK(f.followed > 2 * f.rebuilt);  // (all round robin: most changes followed)
  CHECK(f.followed + f.rebuilt == r.rebuilt);
}

}  // namespace

// ALB-2, ALB-5, ALB-7: round robin's equal shares; targets join when healthy, leave when deregistered.
TEST_CASE("traffic plans: following round robin's shares by difference gives the rebuild's bits") {
  plans_compare(false);
}

// ALB-6 slow start and ALB-7 least outstanding requests beside round robin in one cluster.
TEST_CASE("traffic plans: slow start and least outstanding requests beside round robin, same bits") {
  plans_compare(true);
}
