// Auto Scaling group: capacity limits, the On-Demand/Spot split, AZ balance, scale-in victims,
// scale-in protection (aws-semantics.md §2).
#include <catch2/catch.hpp>

#include "tests/world_fixture.hpp"

using namespace spotsim;
using namespace spotsim::testing;

namespace {

struct SplitRow {
  int base, percentage, desired, on_demand, spot;
};

// ASG-6: AWS's "Example: Scaling behavior" table of the mixed instances guide, every row, plus
// rounding cases where the percentage yields a fraction (rounded up in favour of On-Demand).
const SplitRow kSplitTable[] = {
    // Example 1: base of 10, 50/50 % On-Demand/Spot
    {10, 50, 10, 10, 0}, {10, 50, 20, 15, 5}, {10, 50, 30, 20, 10}, {10, 50, 40, 25, 15},
    // Example 2: base of 0, 0/100 %
    {0, 0, 10, 0, 10}, {0, 0, 20, 0, 20}, {0, 0, 30, 0, 30}, {0, 0, 40, 0, 40},
    // Example 3: base of 0, 60/40 %
    {0, 60, 10, 6, 4}, {0, 60, 20, 12, 8}, {0, 60, 30, 18, 12}, {0, 60, 40, 24, 16},
    // Example 4: base of 0, 100/0 %
    {0, 100, 10, 10, 0}, {0, 100, 20, 20, 0}, {0, 100, 30, 30, 0}, {0, 100, 40, 40, 0},
    // Fractions round up in favour of On-Demand.
    {0, 50, 3, 2, 1}, {0, 50, 1, 1, 0}, {0, 20, 4, 1, 3}, {1, 20, 7, 3, 4}, {2, 0, 5, 2, 3}, {5, 50, 3, 3, 0},
};

}  // namespace

TEST_CASE("the On-Demand share follows ASG-6's closed form", "[asg]") {
  for (const SplitRow& row : kSplitTable) {
    INFO("base " << row.base << " pct " << row.percentage << " desired " << row.desired);
    CHECK(on_demand_count(row.desired, row.base, row.percentage) == row.on_demand);
  }
}

TEST_CASE("a group at each desired capacity of AWS's split table launches exactly that many On-Demand and Spot instances", "[asg]") {
  // ASG-6, as whole simulations: the group starts empty and reaches desired on its own.
  for (const SplitRow& row : kSplitTable) {
    INFO("base " << row.base << " pct " << row.percentage << " desired " << row.desired);
    World world(fleet_world(row.desired, row.base, row.percentage));
    world.run_until(minutes(10));
    const Counts c = alive_counts(world);
    CHECK(c.on_demand == row.on_demand);
    CHECK(c.spot == row.spot);
    CHECK(world.group(0).stats().launched_on_demand == static_cast<std::uint64_t>(row.on_demand));
    CHECK(world.group(0).stats().launched_spot == static_cast<std::uint64_t>(row.spot));
  }
}

TEST_CASE("growing and shrinking a mixed group keeps the split of the new desired capacity", "[asg]") {
  // ASG-6 table read across (10 -> 40 -> 20), and ASG-17: scale-in first decides which purchase
  // option to terminate so the rest keeps the split.
  World world(fleet_world(10, 10, 50));
  world.run_until(minutes(5));
  world.group(0).set_desired(world.engine(), 40);
  world.run_until(minutes(10));
  CHECK(alive_counts(world).on_demand == 25);
  CHECK(alive_counts(world).spot == 15);
  world.group(0).set_desired(world.engine(), 20);
  world.run_until(minutes(15));
  CHECK(alive_counts(world).on_demand == 15);
  CHECK(alive_counts(world).spot == 5);
}

TEST_CASE("desired capacity is clamped to the group's limits", "[asg]") {
  // ASG-1: desired within [MinSize, MaxSize]; ASG-2: new limits drag desired along.
  WorldConfig cfg = fleet_world(2, 0, 100);
  cfg.groups[0].min_size = 1;
  cfg.groups[0].max_size = 4;
  World world(cfg);
  world.run_until(0);
  AutoScalingGroup& g = world.group(0);
  g.set_desired(world.engine(), 9);
  CHECK(g.desired() == 4);
  g.set_desired(world.engine(), 0);
  CHECK(g.desired() == 1);
  g.update(world.engine(), 3, std::nullopt, std::nullopt);
  CHECK(g.desired() == 3);
  g.update(world.engine(), std::nullopt, 3, 2);
  CHECK(g.desired() == 3);  // desired below the new minimum is raised to it
}

TEST_CASE("launches balance the Availability Zones first", "[asg]") {
  // ASG-11, ASG-12: new instances go to the AZ with the fewest instances.
  World world(fleet_world(7, 0, 50));
  world.run_until(minutes(5));
  const std::vector<int> per_az = alive_per_az(world);
  CHECK(per_az == std::vector<int>{3, 2, 2});
}

namespace {

// Three instances at t = 0 (one per AZ), a fourth at 1 h (to the first AZ), then a scale-in to 3
// at 2 h with the given policies: returns the victim's launch time and AZ index.
std::pair<SimTime, std::string> scale_in_victim(std::vector<TerminationPolicy> policies) {
  WorldConfig cfg = fleet_world(3, 0, 100);
  cfg.duration = hours(3);
  cfg.groups[0].termination_policies = std::move(policies);
  World world(cfg);
  world.run_until(hours(1));
  world.group(0).set_desired(world.engine(), 4);
  world.run_until(hours(2));
  world.group(0).set_desired(world.engine(), 3);
  world.run_until(hours(2) + seconds(1));
  for (const Ec2Instance& i : world.fleet().instances())
    if (i.cause == TerminationCause::scale_in) return {i.launched, world.market().pool(i.pool).availability_zone};
  return {-1, ""};
}

}  // namespace

TEST_CASE("scale-in chooses victims by AZ balance first, then by the termination policies in list order", "[asg]") {
  // ASG-13: AZ balance takes precedence over the policies ("some newer instances are terminated
  // before older instances"); ASG-18: policies apply in the order listed, each breaking ties.
  SECTION("OldestInstance still picks within the most populated AZ") {
    const auto [launched, az] = scale_in_victim({TerminationPolicy::OldestInstance});
    CHECK(az == "us-east-1a");
    CHECK(launched == 0);
  }
  SECTION("NewestInstance picks the newest there") {
    const auto [launched, az] = scale_in_victim({TerminationPolicy::NewestInstance});
    CHECK(az == "us-east-1a");
    CHECK(launched == hours(1));
  }
  SECTION("the first listed policy decides; later ones only break its ties") {
    CHECK(scale_in_victim({TerminationPolicy::NewestInstance, TerminationPolicy::OldestInstance}).first == hours(1));
    CHECK(scale_in_victim({TerminationPolicy::OldestInstance, TerminationPolicy::NewestInstance}).first == 0);
    // OldestLaunchTemplate ties (one template version), so OldestInstance decides.
    CHECK(scale_in_victim({TerminationPolicy::OldestLaunchTemplate, TerminationPolicy::OldestInstance}).first == 0);
  }
}

TEST_CASE("protected instances are kept while desired still drops", "[asg]") {
  // ASG-20, ASG-21: "its desired capacity is decremented. However, the Auto Scaling group can't
  // terminate the required number of instances until their instance scale-in protection settings
  // are disabled."
  WorldConfig cfg = fleet_world(3, 0, 100);
  cfg.groups[0].new_instances_protected_from_scale_in = true;
  World world(cfg);
  world.run_until(minutes(5));
  AutoScalingGroup& g = world.group(0);
  g.set_desired(world.engine(), 1);
  world.run_until(minutes(10));
  CHECK(g.desired() == 1);
  CHECK(world.fleet().alive_count() == 3);
  CHECK(g.scale_in_blocked() == 2);

  // Removing protection from one instance lets the group terminate it.
  g.set_protection(world.engine(), InstanceId{1}, false);
  world.run_until(minutes(11));
  CHECK(world.fleet().alive_count() == 2);
  CHECK_FALSE(world.fleet().at(InstanceId{1}).alive());
  CHECK(g.scale_in_blocked() == 1);
}

TEST_CASE("an unhealthy instance is replaced, but not within the health check grace period", "[asg]") {
  // ASG-27 (terminate-and-launch, ASG-15) and ASG-28 (grace period from launch).
  WorldConfig cfg = fleet_world(1, 0, 100);
  cfg.groups[0].health_check_grace_period = seconds(300);
  World world(cfg);
  world.run_until(seconds(60));
  CHECK_FALSE(world.group(0).mark_unhealthy(world.engine(), InstanceId{0}));
  world.run_until(seconds(400));
  CHECK(world.group(0).mark_unhealthy(world.engine(), InstanceId{0}));
  world.run_until(seconds(401));
  REQUIRE(world.fleet().instances().size() == 2);
  CHECK(world.fleet().at(InstanceId{0}).cause == TerminationCause::unhealthy);
  CHECK(world.fleet().at(InstanceId{1}).launched == seconds(400));
  CHECK(world.group(0).stats().replacements == 1);
}
