#pragma once
// Internal to the scenario loader: the state shared by its parts (scenario.cpp: top level and
// entry points; scenario_groups.cpp: Auto Scaling groups, launch templates, scheduled actions;
// scenario_market.cpp: market and ec2).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/world.hpp"
#include "tools/json_reader.hpp"

namespace spotsim {

// Where a group's settings came from, for messages about it after it is mapped.
struct GroupSource {
  std::string pointer;                     // "/AutoScalingGroups/0"
  std::vector<std::string> type_pointers;  // where each of config.instance_types was named
  std::string zones_pointer;               // its AvailabilityZones
  std::string user_data_pointer;           // its launch template's UserData, if it has one
  bool can_run_spot = false;               // OnDemandPercentageAboveBaseCapacity < 100
  bool uses_mixed_policy = false;
};

struct LoadContext {
  Diagnostics& diag;
  std::filesystem::path base_dir;
  WorldConfig& world;
  std::vector<GroupSource> groups;  // parallel to world.groups

  // Every "type/az" pool of every group, in group order.
  std::vector<std::string> pool_keys() const;
  bool has_pool(const std::string& key) const;
};

void load_groups(const Node& root, LoadContext& ctx);  // AutoScalingGroups + LaunchTemplateVersions
void load_scheduled_actions(const Node& root, LoadContext& ctx);
void load_market(const Node& root, LoadContext& ctx);
void load_ec2(const Node& root, LoadContext& ctx);
// contract.md `validate`: warnings for known spot pitfalls, each naming the setting and AWS guidance.
void add_spot_pitfall_warnings(LoadContext& ctx);

// A trace file named at `node`, resolved against the scenario's folder. Records an error at the
// node's pointer and returns nullopt if it is not a readable file.
std::optional<std::filesystem::path> trace_file(const Node& node, const LoadContext& ctx);

}  // namespace spotsim
