#pragma once
// `spotsim import terraform PLAN.json` and `spotsim compare --terraform-plan` (issue 6): the output
// of `terraform show -json PLAN` turned into two scenarios — the prior state (base) and the planned
// values (variant) — of the resources spotsim simulates (aws_autoscaling_group, aws_launch_template,
// aws_ecs_capacity_provider, aws_ecs_cluster_capacity_providers, aws_ecs_service,
// aws_ecs_task_definition, aws_lb_target_group, aws_appautoscaling_target, aws_appautoscaling_policy),
// in the scenario file's AWS shapes. What the plan does not describe (load, market, timings) comes
// from `defaults` when given (a scenario document, e.g. the one `compare` was given as BASE), else
// from spotsim's documented assumptions, each listed in `assumed`.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spotsim {

struct TerraformImport {
  nlohmann::ordered_json base;     // prior state
  nlohmann::ordered_json variant;  // planned values
  std::vector<std::string> assumed;   // what the plan did not say and spotsim assumed
  std::vector<std::string> changed;   // the attributes the plan changes, "resource.address: attribute"
};

// Throws InputError (file, JSON pointer, expected/found) on a file that is not a plan, or a plan
// without any of the resources above.
TerraformImport import_terraform_plan(const std::filesystem::path& plan,
                                      const std::optional<nlohmann::ordered_json>& defaults = std::nullopt);

}  // namespace spotsim
