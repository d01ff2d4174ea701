// The embedded default scenario end to end (issue 5): the seed article's cluster runs with
// `spotsim run` and no arguments, its control loops act, and its own pitfall — a 300 s
// deregistration delay with a 1-minute stop timeout (contract.md's validate warnings) — has the
// consequence the warning announces.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/traffic_fixture.hpp"
#include "tools/default_scenario.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;
using namespace spotsim::testing;

namespace {

Scenario default_scenario() {
  return load_scenario_text(default_scenario_json(), "default", std::filesystem::current_path());
}

}  // namespace

TEST_CASE("the default scenario's week: requests conserved, scaling loops acting, few drops", "[default][scaling]") {
  const Scenario s = default_scenario();
  World world(s.world);
  const RunResult result = world.run();
  check_conservation(result, world);
  CHECK(result.scaling.service_scale_out > 0);  // CPU target tracking follows the diurnal load (SAS-4)
  CHECK(result.scaling.service_scale_in > 0);
  CHECK(result.scaling.asg_scale_out > 0);      // managed scaling makes room for the tasks (CP-7)
  CHECK(result.requests->dropped_total() / result.requests->offered < 0.001);
  CHECK(result.cost.savings_ratio() > 1.0);
}

TEST_CASE("the default scenario's pitfall: drained tasks are still deregistering when the spot instance dies", "[default][seed]") {
  // The warning (AG-3 + SP-1): deregistration_delay 300 s + stop timeout 60 s > the 120 s notice.
  // Its consequence: the tasks drained at the notice are killed with the instance while still
  // DEACTIVATING, and what they hold is lost (target_lost, ALB-9).
  const Scenario s = default_scenario();
  bool warned = false;
  for (const auto& d : s.warnings) warned = warned || d.str().find("deregistration_delay.timeout_seconds 300") != std::string::npos;
  CHECK(warned);
  World world(s.world);
  world.run_until(days(1) + hours(14));  // the daily peak: the most tasks
  InstanceId victim{};
  bool found = false;
  for (std::uint32_t id : world.fleet().alive_ids()) {
    const Ec2Instance& i = world.fleet().at(InstanceId{id});
    if (i.option != PurchaseOption::spot || i.notice_at) continue;
    for (const EcsTask& t : world.service(0).tasks())
      if (t.live() && t.state == TaskState::running && t.ec2 == i.id) found = true;
    if (found) {
      victim = i.id;
      break;
    }
  }
  REQUIRE(found);
  const std::uint64_t killed = world.service(0).stats().killed_by_termination;
  const RequestCounts before = world.traffic().totals();
  world.schedule_interruption_notice(victim, world.engine().now() + seconds(1));
  world.run_until(world.engine().now() + minutes(10));
  CHECK(world.service(0).stats().killed_by_termination > killed);
  for (const EcsTask& t : world.service(0).tasks())
    if (t.ec2 == victim && t.stop_reason == TaskStopReason::draining) {
      REQUIRE(t.stopped_at);
      CHECK(*t.stopped_at - *t.stop_requested_at < seconds(300));  // never finished deregistering
    }
  const RequestCounts after = difference(world.traffic().totals(), before);
  CHECK(after[DropReason::target_lost] > 0);
  check_conservation(world.finish(), world);
}
