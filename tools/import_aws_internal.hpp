#pragma once
// Pieces the two importers share (tools/import_aws_defaults.cpp); not part of the CLI's interface.
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spotsim {

// The instance types and Availability Zones an AutoScalingGroups entry launches into, as far as
// the document shows them (Overrides, else the launch template version's InstanceType).
struct GroupPools {
  std::vector<std::string> types, zones;
  bool can_run_spot = false;  // a mixed instances policy with OnDemandPercentageAboveBaseCapacity < 100
};
std::vector<GroupPools> group_pools(const nlohmann::ordered_json& scenario);

// "…:targetgroup/<name>/<id>" -> "<name>"; empty when the ARN has no such part.
std::string target_group_name_of_arn(const std::string& arn);

// complete_scenario (import_aws.hpp), with the pools ("m5.large/eu-west-1a") a spot price trace
// already prices: only the others get an assumed fixed price.
void complete_scenario(nlohmann::ordered_json& scenario, std::vector<std::string>& assumed,
                       const std::set<std::string>& priced_pools);

// The top-level keys in the order contract.md writes them (others after, in their order).
void order_scenario_keys(nlohmann::ordered_json& scenario);

// j[key] when j is an object that has it, else nullptr.
inline const nlohmann::ordered_json* json_member(const nlohmann::ordered_json& j, const std::string& key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// j[key] when it is a string, else "".
inline std::string json_string_member(const nlohmann::ordered_json& j, const std::string& key) {
  const nlohmann::ordered_json* v = json_member(j, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace spotsim
