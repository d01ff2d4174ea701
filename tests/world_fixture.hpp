#pragma once
// Small worlds for model tests: one Auto Scaling group, fixed prices, no interruptions unless a test
// sets them. Tests adjust the returned config before building the World.
#include <string>
#include <vector>

#include "models/world.hpp"

namespace spotsim::testing {

inline WorldConfig fleet_world(int desired, int base, int percentage, std::vector<std::string> azs = {"us-east-1a", "us-east-1b", "us-east-1c"},
                               std::vector<std::string> types = {"m5.large"}) {
  WorldConfig cfg;
  cfg.name = "test";
  cfg.region = "us-east-1";
  cfg.duration = hours(2);
  cfg.seed = 7;
  for (const auto& type : types) {
    cfg.market.spot_price_by_type[type] = StepFunction(0.03);
    cfg.market.on_demand_price[type] = 0.096;
  }
  AutoScalingGroupConfig group;
  group.name = "asg";
  group.min_size = 0;
  group.max_size = 1000;
  group.desired_capacity = desired;
  group.availability_zones = std::move(azs);
  group.instance_types = std::move(types);
  group.on_demand_base_capacity = base;
  group.on_demand_percentage_above_base = percentage;
  group.termination_policies = {TerminationPolicy::Default};
  cfg.groups.push_back(group);
  return cfg;
}

// Active (counted) instances of group 0 by purchase option, and per AZ.
struct Counts {
  int on_demand = 0;
  int spot = 0;
};
inline Counts alive_counts(World& world) {
  Counts c;
  for (const Ec2Instance& i : world.fleet().instances())
    if (i.alive() && !i.terminating_at) ++(i.option == PurchaseOption::spot ? c.spot : c.on_demand);
  return c;
}
inline std::vector<int> alive_per_az(World& world) {
  std::vector<int> per_az(world.group(0).config().availability_zones.size(), 0);
  for (const Ec2Instance& i : world.fleet().instances()) {
    if (!i.alive() || i.terminating_at) continue;
    const auto& az = world.market().pool(i.pool).availability_zone;
    const auto& azs = world.group(0).config().availability_zones;
    for (std::size_t k = 0; k < azs.size(); ++k)
      if (azs[k] == az) ++per_az[k];
  }
  return per_az;
}

}  // namespace spotsim::testing
