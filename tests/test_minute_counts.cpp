// The world's per-minute fleet figures are kept as instances change, not recounted by walking the
// fleet (issue 8, "Speed and scale"): the timeseries' instance columns (Ec2Fleet::tally) and what
// managed scaling reads of each group (World::group_fleet_counts: CP-5 N, CP-9 busy instances, the
// §1.3 newest launch). Here they must equal a recount over the whole fleet — the walk they replace —
// at every minute of a run with interruptions, replacements, scale-in and managed scaling.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "models/world.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;

namespace {

// The walk World::sample did (timeseries columns; SP-1: a notice makes the instance draining).
Ec2Fleet::Tally minute_recount_tally(World& world) {
  Ec2Fleet::Tally t;
  for (std::uint32_t id : world.fleet().alive_ids()) {
    const Ec2Instance& i = world.fleet().at(InstanceId{id});
    if (i.state == InstanceState::pending)
      ++t.pending;
    else if (i.notice_at || i.terminating_at)
      ++t.draining;
    else
      ++(i.option == PurchaseOption::spot ? t.spot : t.on_demand);
  }
  return t;
}

// The walk World::scaling_minute did for a group (aws-semantics.md CP-5, CP-9, §1.3).
World::GroupFleetCounts minute_recount_group(World& world, std::uint32_t group) {
  World::GroupFleetCounts c;
  for (std::uint32_t id : world.fleet().alive_ids()) {
    const Ec2Instance& i = world.fleet().at(InstanceId{id});
    if (i.group != group || i.terminating_at) continue;
    c.newest_launch = std::max(c.newest_launch.value_or(i.launched), i.launched);
    if (i.state == InstanceState::pending) continue;
    ++c.running;
    const auto ci = world.container_instance_of(i.id);
    if (ci && world.cluster(ci->first).has_tasks(ci->second)) ++c.busy;
  }
  return c;
}

}  // namespace

TEST_CASE("minute counts: kept fleet tallies equal a recount of the fleet at every minute of a churning run", "[minute]") {
  // Two capacity providers with managed termination protection (CP-12), spot instances interrupted
  // often (SP-1) and by pool reclaims, services scaling with the diurnal load (SAS-4).
  Scenario s = load_scenario_file(std::filesystem::path(SPOTSIM_SOURCE_DIR) / "scenarios" /
                                  "demo-api-prod-two-providers.json");
  s.world.duration = days(3);
  s.world.market.model = InterruptionModel::hazard;
  s.world.market.rate_per_instance_hour = 0.5;
  s.world.market.pool_reclaims_per_day = 3;
  s.world.market.reclaim_fraction = 0.5;
  REQUIRE(s.world.capacity_providers.size() == 2);
  World world(s.world);
  int mismatched_minutes = 0, busy_changes = 0, drained_minutes = 0;
  std::vector<int> busy_before(world.group_count(), 0);
  for (SimTime t = 0; t <= s.world.duration; t += minutes(1)) {
    // Half a minute past as well: between ticks, after the events of the minute's instant.
    for (const SimTime at : {t, t + seconds(30)}) {
      world.run_until(at);
      const Ec2Fleet::Tally kept = world.fleet().tally(), walked = minute_recount_tally(world);
      bool same = kept.pending == walked.pending && kept.draining == walked.draining && kept.spot == walked.spot &&
                  kept.on_demand == walked.on_demand;
      drained_minutes += walked.draining > 0 ? 1 : 0;
      for (std::uint32_t g = 0; g < world.group_count(); ++g) {
        const World::GroupFleetCounts k = world.group_fleet_counts(g), w = minute_recount_group(world, g);
        same = same && k.running == w.running && k.busy == w.busy && k.newest_launch == w.newest_launch;
        busy_changes += k.busy != busy_before[g] ? 1 : 0;
        busy_before[g] = k.busy;
      }
      if (!same) ++mismatched_minutes;
    }
  }
  INFO("drained " << drained_minutes << ", busy changes " << busy_changes << ", notices " << world.interruption_notices());
  CHECK(mismatched_minutes == 0);
  // The run churned: instances drained, busy counts moved, instances were interrupted and replaced.
  CHECK(drained_minutes > 10);
  CHECK(busy_changes > 10);
  CHECK(world.interruption_notices() > 20);  // 39 with this seed
}
