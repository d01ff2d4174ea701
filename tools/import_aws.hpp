#pragma once
// `spotsim import aws FILE...` (issue 6, contract.md "Command line"): a scenario built from the raw
// JSON outputs of the AWS CLI's describe-* commands, each recognised by its top-level key, plus the
// defaults for what AWS does not describe (load, spot market, timings), each listed in `assumed`.
// Also the completion both importers share (tools/import_terraform.cpp calls it): whatever a
// scenario's AWS blocks leave open gets spotsim's documented assumption, and says so.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spotsim {

struct AwsImportOptions {
  std::string name;      // --name; empty: the (first) cluster's name, else "imported"
  std::string region;    // --region; empty: from the ARNs and Availability Zones
  std::string duration;  // --duration; empty: "7d"
  // --target-group-attributes NAME=FILE: the describe-target-group-attributes output of target group
  // NAME (its output does not name the group).
  std::map<std::string, std::filesystem::path> target_group_attributes;
  // --request-count NAME=FILE: the get-metric-data output of target group NAME's RequestCount.
  std::map<std::string, std::filesystem::path> request_count;
  // Where the scenario will be written: trace files are referenced relative to its folder.
  std::filesystem::path output_dir = ".";
};

struct AwsImport {
  nlohmann::ordered_json scenario;
  std::vector<std::string> assumed;  // "what AWS did not say and spotsim assumed", one sentence each
  std::vector<std::string> ignored;  // what the files hold that spotsim does not simulate
  // Files to write beside the scenario (several spot price histories merged into one), name -> content.
  std::map<std::string, nlohmann::ordered_json> side_files;
};

// Throws InputError naming the file (and JSON pointer) of an unreadable, non-JSON or unrecognised
// file, listing the kinds expected.
AwsImport import_aws(const std::vector<std::filesystem::path>& files, const AwsImportOptions& options);

// What kinds of file `import aws` recognises, for messages: "AutoScalingGroups (aws autoscaling
// describe-auto-scaling-groups), ...".
std::string aws_import_kinds();

// Fills what a scenario's AWS blocks leave open, appending one sentence per assumption to `assumed`:
// "spotsim": 1, region (from ARNs and zones, else us-east-1), start, duration, seed, a spot price
// for every instance type a spot-capable group uses (35 % of the On-Demand catalog price), the
// interruption model, traffic for every target group without any (50 requests/s per desired task of
// the services behind it) and a capacity for every service behind a target group (100 requests/s
// per task). Leaves everything present untouched.
void complete_scenario(nlohmann::ordered_json& scenario, std::vector<std::string>& assumed);

// The region an ARN ("arn:aws:ecs:eu-west-1:123456789012:...") or an Availability Zone
// ("eu-west-1a") names; empty when it names none.
std::string region_of_arn(const std::string& arn);
std::string region_of_zone(const std::string& zone);

}  // namespace spotsim
