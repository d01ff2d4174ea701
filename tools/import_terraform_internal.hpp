#pragma once
// The Terraform importer's pieces (tools/import_terraform*.cpp): resources as `terraform show -json`
// lists them, and their mapping onto the scenario's AWS CLI shapes.
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spotsim::terraform {

using Json = nlohmann::ordered_json;

// The resource types spotsim simulates, in the scenario's order.
const std::vector<std::string>& supported_types();

struct Resource {
  std::string address;  // "module.app.aws_autoscaling_group.this"
  std::string type, name;
  std::string pointer;  // its JSON pointer in the plan file, for messages
  Json values;          // the attributes (unknown ones filled in as far as possible)
};

// A note list that keeps each sentence once, in first-seen order.
struct Notes {
  std::vector<std::string> items;
  void add(const std::string& s);
};

// The scenario's AWS blocks ("AutoScalingGroups", "LaunchTemplateVersions", …) of `resources`.
// `region` names Availability Zones where the plan gives subnets only. Throws InputError (plan file,
// the resource's pointer) where a value cannot be read, e.g. container_definitions that are not JSON.
Json aws_blocks(const std::vector<Resource>& resources, const std::string& region, const std::string& plan_file,
                Notes& assumed);

}  // namespace spotsim::terraform
