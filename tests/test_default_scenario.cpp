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

namespace {

// ASG-6: the savings ratio of a fleet of `d` instances with `od` of them On-Demand, when spot costs
// 1/price_ratio of On-Demand: d / (od + (d − od) / price_ratio).
double mix_savings(int d, int od, double price_ratio) { return d / (od + (d - od) / price_ratio); }

struct VariantRun {
  RunResult result;
  int fewest = 1 << 30, most = 0;  // instances in service (spot + On-Demand), over the week's rows
};

VariantRun run_variant(const std::string& file) {
  const Scenario s = load_scenario_file(std::filesystem::path(SPOTSIM_SOURCE_DIR) / "scenarios" / file);
  World world(s.world);
  VariantRun v{world.run()};
  for (const TimeseriesRow& r : v.result.timeseries) {
    if (r.time < hours(1)) continue;  // start-up: the first instances are still booting
    const int n = r.instances_spot + r.instances_on_demand;
    v.fewest = std::min(v.fewest, n);
    v.most = std::max(v.most, n);
  }
  return v;
}

}  // namespace

TEST_CASE("the seed's savings: 0/100 within 2.6-3.0, 50/50 near 1.5 where ASG-6 rounding lets it", "[default][seed][cost]") {
  // design.md: m5.large in eu-west-1 stable at 2.9× cheaper on spot; contract.md's savings_ratio =
  // on_demand_only_baseline_usd / (spot_usd + on_demand_usd). The default's prices say 2.9 too.
  const Scenario base = default_scenario();
  const double price_ratio =
      base.world.market.on_demand_price.at("m5.large") / base.world.market.spot_price_by_type.at("m5.large").value_at(0);
  CHECK(price_ratio == Approx(2.9).margin(0.01));

  // 0/100 without an On-Demand base: every instance on spot.
  const VariantRun all_spot = run_variant("demo-api-prod-0-100.json");
  CHECK(all_spot.result.cost.on_demand_usd == 0);
  CHECK(all_spot.result.cost.savings_ratio() >= 2.6);
  CHECK(all_spot.result.cost.savings_ratio() <= 3.0);

  // 50/50 on a fleet large enough that halves are whole: target capacity 50 % keeps 4-6 instances.
  const VariantRun spare = run_variant("demo-api-prod-target-50.json");
  CHECK(spare.result.cost.savings_ratio() == Approx(mix_savings(2, 1, price_ratio)).margin(0.05));  // 1.49

  // The default 50/50 runs 2-3 instances: ASG-6 rounds the On-Demand half up ("in favour of
  // On-Demand"), so 3 instances are 2 On-Demand + 1 spot (1.28) and 2 are 1 + 1 (1.49). The week's
  // ratio, a cost-weighted mean of the two, lies between them — below 1.5 because the fleet sits at 3
  // (one task per Availability Zone under spread placement keeps all three busy).
  const VariantRun seed = run_variant("demo-api-prod.json");
  CHECK(seed.fewest >= 2);
  CHECK(seed.most <= 3);
  CHECK(seed.result.cost.savings_ratio() >= mix_savings(3, on_demand_count(3, 0, 50), price_ratio) - 0.02);
  CHECK(seed.result.cost.savings_ratio() <= mix_savings(2, on_demand_count(2, 0, 50), price_ratio) + 0.02);

  // 0/100 with an On-Demand base of 1 (the variant the seed article mentions): on 2-3 instances the
  // base is a third to a half of the fleet, so it saves less than all-spot and more than 50/50.
  // (Managed termination protection lets scale-in take only an empty instance, the On-Demand one
  // included: the group can spend hours at 0 On-Demand + 2 spot until a scale-out restores the base.)
  const VariantRun base_1 = run_variant("demo-api-prod-spot-base-1.json");
  CHECK(base_1.result.cost.savings_ratio() > seed.result.cost.savings_ratio());
  CHECK(base_1.result.cost.savings_ratio() < all_spot.result.cost.savings_ratio());
}

TEST_CASE("the two-provider variant: an On-Demand and a spot group share the tasks by base 2, weight 1:3", "[default][scaling][capacity_provider]") {
  // scenarios/demo-api-prod-two-providers.json: the strategy of aws-semantics.md §1.6 (CP-16, CP-17)
  // over two groups, each scaled by its own capacity provider (CP-7). The spot group starts empty.
  const Scenario s = load_scenario_file(std::filesystem::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod-two-providers.json");
  REQUIRE(s.world.groups.size() == 2);
  REQUIRE(s.world.capacity_providers.size() == 2);
  World world(s.world);
  world.run_until(days(1) + hours(14));  // the daily peak: 8-9 tasks
  std::vector<int> tasks(2, 0);
  int live = 0;
  for (const EcsTask& t : world.service(0).tasks()) {
    if (!t.live() || t.state != TaskState::running) continue;
    ++tasks[world.fleet().at(t.ec2).group];
    ++live;
  }
  for (std::uint32_t id : world.fleet().alive_ids()) {
    const Ec2Instance& i = world.fleet().at(InstanceId{id});
    CHECK(i.option == (i.group == 0 ? PurchaseOption::on_demand : PurchaseOption::spot));
  }
  REQUIRE(live >= 6);
  const std::vector<int> expected = split_by_strategy(s.world.services[0].strategy, live);
  INFO("tasks " << live << ": " << tasks[0] << " On-Demand, " << tasks[1] << " spot");
  CHECK(std::abs(tasks[0] - expected[0]) <= 1);  // scale-in may stop a task off the strategy's split
  CHECK(tasks[1] > tasks[0]);
  const RunResult r = world.run();
  check_conservation(r, world);
  CHECK(r.cost.savings_ratio() > 1.0);
}

TEST_CASE("the synthetic load's noise belongs to the run: each replication its own, the same for the same seed", "[default][traffic]") {
  // design.md § Sweeps: seeds depend on (sweep seed, replication) only — every grid point sees the
  // same load noise, every replication its own. The profile is drawn again by the World for its
  // (seed, replication), whatever the scenario was loaded with.
  const Scenario s = default_scenario();
  const auto rps_of = [](WorldConfig cfg, std::uint64_t seed, std::uint64_t replication) {
    cfg.seed = seed;
    cfg.replication = replication;
    const World world(cfg);
    return world.config().traffic[0].rps;
  };
  const StepFunction loaded = s.world.traffic[0].rps;
  CHECK(rps_of(s.world, s.world.seed, 0).values() == loaded.values());  // as loaded: not drawn again
  const StepFunction r1 = rps_of(s.world, s.world.seed, 1);
  CHECK(r1.values() != loaded.values());
  CHECK(r1.times() == loaded.times());
  ScenarioOptions other_seed;
  other_seed.seed = 99;
  const Scenario s99 = load_scenario_text(default_scenario_json(), "default", std::filesystem::current_path(), other_seed);
  CHECK(rps_of(s99.world, s.world.seed, 1).values() == r1.values());  // loaded with seed 99, run with seed 1
  CHECK(rps_of(s.world, 99, 0).values() == s99.world.traffic[0].rps.values());
}
