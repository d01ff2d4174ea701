// The spot market: notices before interruptions, replacements, Capacity Rebalancing, pool
// unavailability and allocation strategies, replayed traces, price-driven reclaims
// (aws-semantics.md §2.2, §2.6, §3).
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/world_fixture.hpp"

using namespace spotsim;
using namespace spotsim::testing;

namespace {

WorldConfig hazardous_world(int desired) {
  WorldConfig cfg = fleet_world(desired, 0, 0);
  cfg.duration = days(2);
  cfg.market.model = InterruptionModel::hazard;
  cfg.market.rate_per_instance_hour = 0.02;
  cfg.market.pool_reclaims_per_day = 1;
  cfg.market.reclaim_fraction = 0.5;
  return cfg;
}

bool launched_at(const World& world, SimTime t) {
  const auto& all = const_cast<World&>(world).fleet().instances();
  return std::any_of(all.begin(), all.end(), [&](const Ec2Instance& i) { return i.launched == t; });
}

}  // namespace

TEST_CASE("every interruption gives its notice exactly noticeSeconds before termination", "[spot]") {
  // SP-1: the notice is issued `notice` (default two minutes) before EC2 terminates the instance.
  for (const SimTime notice : {seconds(120), seconds(90)}) {
    WorldConfig cfg = hazardous_world(10);
    cfg.market.notice = notice;
    World world(cfg);
    const RunResult result = world.run();
    REQUIRE(result.instances.interrupted > 5);
    int checked = 0;
    for (const Ec2Instance& i : world.fleet().instances()) {
      if (i.cause != TerminationCause::spot_interruption || !i.terminated_at) continue;
      REQUIRE(i.notice_at);
      CHECK(*i.terminated_at - *i.notice_at == notice);
      ++checked;
    }
    CHECK(checked == static_cast<int>(result.instances.interrupted));
  }
}

TEST_CASE("the group replaces an interrupted instance once it is gone, without Capacity Rebalancing", "[spot]") {
  // ASG-25: "doesn't replace Spot Instances until after the Amazon EC2 Spot service interrupts the
  // instances"; ASG-1: the group maintains desired capacity.
  World world(hazardous_world(10));
  world.run();
  int interrupted = 0;
  for (const Ec2Instance& i : world.fleet().instances()) {
    if (i.cause != TerminationCause::spot_interruption || !i.terminated_at) continue;
    ++interrupted;
    CHECK(launched_at(world, *i.terminated_at));
    // Nothing was launched at the notice.
    CHECK_FALSE(launched_at(world, *i.notice_at));
  }
  CHECK(interrupted > 0);
  CHECK(world.fleet().instances().size() == static_cast<std::size_t>(10 + interrupted));
}

TEST_CASE("with Capacity Rebalancing the replacement starts at the rebalance recommendation", "[spot]") {
  // ASG-22: on a rebalance recommendation the group launches a new Spot instance and terminates
  // the old one once the new one passes its health check (launch before terminate).
  WorldConfig cfg = hazardous_world(4);
  cfg.market.pool_reclaims_per_day = 0;
  cfg.market.rate_per_instance_hour = 0.05;
  cfg.market.rebalance = RebalanceConfig{minutes(10), 1.0};
  cfg.groups[0].capacity_rebalance = true;
  World world(cfg);
  const RunResult result = world.run();
  REQUIRE(result.instances.rebalance_recommendations > 0);
  int rebalanced = 0;
  for (const Ec2Instance& i : world.fleet().instances()) {
    if (!i.rebalance_at || !i.replaced_by) continue;
    const Ec2Instance& replacement = world.fleet().at(*i.replaced_by);
    CHECK(replacement.launched == *i.rebalance_at);
    if (i.cause == TerminationCause::capacity_rebalance) {
      ++rebalanced;
      // Terminated when the replacement booted, before any notice came.
      CHECK(*i.terminated_at == replacement.launched + cfg.ec2.boot_time);
      CHECK_FALSE(i.notice_at);
    }
  }
  CHECK(rebalanced > 0);
  CHECK(result.instances.interrupted == 0);  // every recommended instance was replaced in time
}

TEST_CASE("with Capacity Rebalancing a notice without a recommendation launches a replacement at once", "[spot]") {
  // ASG-23: on the two-minute notice the group "attempts to launch a replacement immediately".
  WorldConfig cfg = hazardous_world(4);
  cfg.groups[0].capacity_rebalance = true;
  World world(cfg);
  world.run();
  int checked = 0;
  for (const Ec2Instance& i : world.fleet().instances()) {
    if (!i.notice_at) continue;
    CHECK(launched_at(world, *i.notice_at));
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("an unavailable pool sends launches to the next pool of the allocation strategy, counting failures", "[spot]") {
  // ASG-8, ASG-11: "If a pool runs out of Spot capacity … continue … by drawing from the next lowest
  // priced pool"; ASG-7: capacity-optimized prefers the pools with the lowest interruption risk.
  SECTION("lowest-price") {
    WorldConfig cfg = fleet_world(4, 0, 0, {"us-east-1a"}, {"m5.large", "c5.large"});
    cfg.market.spot_price_by_type["c5.large"] = StepFunction(0.02);  // cheaper
    cfg.groups[0].spot_allocation_strategy = SpotAllocationStrategy::lowest_price;
    cfg.groups[0].spot_instance_pools = 1;
    cfg.market.unavailability.push_back({"c5.large/us-east-1a", 0, hours(1)});
    World world(cfg);
    world.run_until(minutes(5));
    for (const Ec2Instance& i : world.fleet().instances())
      CHECK(world.market().pool(i.pool).instance_type == "m5.large");
    CHECK(world.group(0).stats().launch_failures == 4);
    // Once the pool is back, new launches go to it again.
    world.run_until(hours(1) + minutes(1));
    world.group(0).set_desired(world.engine(), 6);
    world.run_until(hours(1) + minutes(5));
    int c5 = 0;
    for (const Ec2Instance& i : world.fleet().instances()) c5 += world.market().pool(i.pool).instance_type == "c5.large";
    CHECK(c5 == 2);
  }
  SECTION("capacity-optimized") {
    WorldConfig cfg = fleet_world(3, 0, 0, {"us-east-1a"}, {"m5.large", "c5.large"});
    cfg.market.model = InterruptionModel::advisor;
    cfg.market.advisor_bucket = {{"m5.large", 3}, {"c5.large", 0}};  // c5.large: <5 %, the deeper pool
    cfg.groups[0].spot_allocation_strategy = SpotAllocationStrategy::capacity_optimized;
    World plain(cfg);
    plain.run_until(minutes(5));
    for (const Ec2Instance& i : plain.fleet().instances())
      CHECK(plain.market().pool(i.pool).instance_type == "c5.large");
    cfg.market.unavailability.push_back({"c5.large/us-east-1a", 0, hours(1)});
    World world(cfg);
    world.run_until(minutes(5));
    for (const Ec2Instance& i : world.fleet().instances())
      CHECK(world.market().pool(i.pool).instance_type == "m5.large");
    CHECK(world.group(0).stats().launch_failures == 3);
  }
}

TEST_CASE("when every pool of an AZ is unavailable, balanced-best-effort launches in another AZ", "[spot]") {
  // ASG-12: "If the attempt fails … attempts to launch in other Availability Zones until it
  // succeeds"; balanced-only keeps to the AZ and retries later.
  WorldConfig cfg = fleet_world(2, 0, 0, {"us-east-1a", "us-east-1b"});
  cfg.market.unavailability.push_back({"m5.large/us-east-1b", 0, minutes(30)});
  World world(cfg);
  world.run_until(minutes(5));
  CHECK(alive_per_az(world) == std::vector<int>{2, 0});
  CHECK(world.group(0).stats().launch_failures == 1);

  cfg.groups[0].capacity_distribution = CapacityDistribution::balanced_only;
  World strict(cfg);
  strict.run_until(minutes(5));
  CHECK(alive_per_az(strict) == std::vector<int>{1, 0});
  strict.run_until(minutes(31));
  CHECK(alive_per_az(strict) == std::vector<int>{1, 1});
}

TEST_CASE("a replayed availability trace reclaims the pool on a drop and blocks launches at zero", "[spot]") {
  WorldConfig cfg = fleet_world(2, 0, 0, {"us-east-1a"});
  cfg.market.model = InterruptionModel::trace;
  AvailabilityTrace trace;
  trace.gap = minutes(10);
  trace.loop = false;
  trace.counts = {2, 2, 0, 0, 2, 2};  // capacity gone from 20 min to 40 min
  cfg.market.traces["*"] = trace;
  World world(cfg);
  world.run_until(minutes(25));
  // Both instances got their notice at 20 min; the replacements cannot launch.
  CHECK(world.interruption_notices() == 2);
  CHECK(world.fleet().alive_count() == 0);
  CHECK(world.group(0).stats().launch_failures > 0);
  world.run_until(minutes(45));
  CHECK(world.fleet().alive_count() == 2);
}

TEST_CASE("under the price model a price above SpotMaxPrice interrupts the pool's instances", "[spot]") {
  // SP-4, ASG-10: price is a cause of interruption only when a max price is set.
  WorldConfig cfg = fleet_world(2, 0, 0, {"us-east-1a"});
  cfg.market.model = InterruptionModel::price;
  StepFunction price;
  price.add(0, 0.03);
  price.add(hours(1), 0.05);
  price.add(hours(2), 0.03);
  cfg.market.spot_price_by_type["m5.large"] = price;
  cfg.groups[0].spot_max_price = 0.04;
  cfg.duration = hours(3);
  World world(cfg);
  world.run_until(hours(1) + minutes(5));
  CHECK(world.interruption_notices() == 2);
  CHECK(world.fleet().alive_count() == 0);  // no launch while the price is above the max
  world.run_until(hours(2) + minutes(5));
  CHECK(world.fleet().alive_count() == 2);
}

TEST_CASE("the same scenario and seed give the same run; another seed another", "[spot][determinism]") {
  auto fingerprint = [](std::uint64_t seed) {
    WorldConfig cfg = hazardous_world(10);
    cfg.seed = seed;
    World world(cfg);
    const RunResult r = world.run();
    std::vector<SimTime> notices;
    for (const Ec2Instance& i : world.fleet().instances())
      if (i.notice_at) notices.push_back(*i.notice_at);
    return std::make_pair(notices, r.cost.total_usd());
  };
  CHECK(fingerprint(3) == fingerprint(3));
  CHECK(fingerprint(3) != fingerprint(4));
}

TEST_CASE("each spot allocation strategy picks its pool from the market's prices and capacity", "[spot]") {
  // ASG-7: lowest-price takes the cheapest pool; capacity-optimized the deepest (lowest risk);
  // capacity-optimized-prioritized the deepest, then the override priority; price-capacity-optimized
  // the cheapest among the deepest.
  auto first_type = [](SpotAllocationStrategy strategy, std::vector<std::string> types) {
    WorldConfig cfg = fleet_world(1, 0, 0, {"us-east-1a"}, types);
    cfg.market.model = InterruptionModel::advisor;
    cfg.market.advisor_bucket = {{"m5.large", 0}, {"m6i.large", 0}, {"c5.large", 4}};
    cfg.market.spot_price_by_type["m5.large"] = StepFunction(0.05);
    cfg.market.spot_price_by_type["m6i.large"] = StepFunction(0.03);
    cfg.market.spot_price_by_type["c5.large"] = StepFunction(0.01);  // cheapest, riskiest
    cfg.groups[0].spot_allocation_strategy = strategy;
    World world(cfg);
    world.run_until(minutes(1));
    return world.market().pool(world.fleet().at(InstanceId{0}).pool).instance_type;
  };
  const std::vector<std::string> order{"m5.large", "m6i.large", "c5.large"};
  CHECK(first_type(SpotAllocationStrategy::lowest_price, order) == "c5.large");
  CHECK(first_type(SpotAllocationStrategy::capacity_optimized, order) == "m5.large");
  CHECK(first_type(SpotAllocationStrategy::capacity_optimized_prioritized, order) == "m5.large");
  CHECK(first_type(SpotAllocationStrategy::capacity_optimized_prioritized, {"m6i.large", "m5.large", "c5.large"}) == "m6i.large");
  CHECK(first_type(SpotAllocationStrategy::price_capacity_optimized, order) == "m6i.large");
}

TEST_CASE("Capacity Rebalancing neither replaces nor terminates a protected instance", "[spot]") {
  // ASG-24: "Protected instances are not terminated by Capacity Rebalancing"; the instance waits for
  // its interruption, after which the group replaces it (ASG-1).
  WorldConfig cfg = hazardous_world(4);
  cfg.market.pool_reclaims_per_day = 0;
  cfg.market.rate_per_instance_hour = 0.05;
  cfg.market.rebalance = RebalanceConfig{minutes(10), 1.0};
  cfg.groups[0].capacity_rebalance = true;
  cfg.groups[0].new_instances_protected_from_scale_in = true;
  World world(cfg);
  const RunResult result = world.run();
  REQUIRE(result.instances.rebalance_recommendations > 0);
  CHECK(world.group(0).stats().rebalance_terminations == 0);
  for (const Ec2Instance& i : world.fleet().instances()) {
    CHECK_FALSE(i.replaced_by);
    if (i.rebalance_at && i.terminated_at) CHECK(i.cause == TerminationCause::spot_interruption);
  }
}
