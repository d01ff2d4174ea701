// `spotsim import terraform PLAN.json` (issue 6 Must-show 6 and 7, tools/import_terraform.hpp).
// tests/data/import/terraform/plan.json is `terraform show -json` of a plan (format_version 1.2,
// Terraform 1.7) over the seed article's stack: an ASG with a mixed instances policy whose
// on_demand_percentage_above_base_capacity goes 50 -> 20, its launch template, a capacity provider,
// the cluster and its capacity providers, the ECS service and task definition, the target group,
// an Application Auto Scaling target and target tracking policy, and an aws_lb spotsim ignores.
#include <algorithm>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/tools_test_support.hpp"
#include "tools/import_terraform.hpp"
#include "tools/input_error.hpp"

namespace spotsim::test {
namespace {

const fs::path kPlan = fs::path(SPOTSIM_SOURCE_DIR) / "tests/data/import/terraform/plan.json";
const char* const kPercent = "/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/OnDemandPercentageAboveBaseCapacity";


}  // namespace

// Must-show 6: base and planned scenarios that both load and run, differing exactly in the change.
TEST_CASE("import: terraform plan gives base and planned scenarios differing only in the on-demand share") {
  const fs::path dir = scratch_dir("import-terraform-ok");
  const Run r = run_cli_in_process({"import", "terraform", kPlan.string(), "-o", (dir / "demo").string()});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.output, "aws_autoscaling_group.ecs: mixed_instances_policy[0].instances_distribution[0]."
                           "on_demand_percentage_above_base_capacity (50 -> 20)"));
  CHECK(contains(r.output, "changed (1):"));  // nothing else in the plan changes

  auto base = nlohmann::json::parse(read_text(dir / "demo.base.json"));
  auto planned = nlohmann::json::parse(read_text(dir / "demo.planned.json"));
  const nlohmann::json::json_pointer percent(kPercent);
  CHECK(base[percent] == 50);
  CHECK(planned[percent] == 20);
  CHECK(base["region"] == "eu-west-1");  // the provider's region
  CHECK(base["TargetGroupAttributes"]["demo-api-tg"][0]["Value"] == "30");
  CHECK(base["taskDefinitions"][0]["containerDefinitions"][0]["portMappings"][0]["containerPort"] == 3000);
  // Exactly one difference besides the names: the variant with the base's share is the base.
  CHECK(base["name"] != planned["name"]);
  planned[percent] = 50;
  planned["name"] = base["name"];
  CHECK(planned == base);

  for (const char* file : {"demo.base.json", "demo.planned.json"}) {
    const Run validated = run_cli_in_process({"validate", (dir / file).string()});
    INFO(validated.output);
    CHECK(validated.exit_code == 0);
    const Run ran = run_cli_in_process(
        {"run", (dir / file).string(), "--duration", "1d", "--quiet", "-o", (dir / ("results-" + std::string(file))).string()});
    INFO(ran.output);
    CHECK(ran.exit_code == 0);
  }
}

TEST_CASE("import: terraform plan with defaults keeps the defaults' world and replaces same-named resources") {
  // compare --terraform-plan's path: BASE supplies what the plan does not describe.
  nlohmann::ordered_json defaults = {{"spotsim", 1},
                                     {"name", "mine"},
                                     {"region", "eu-west-1"},
                                     {"duration", "2d"},
                                     {"market", {{"prices", {{"spot", {{"fixed", {{"m5.large", 0.04}, {"c5.large", 0.03}}}}}}}}},
                                     {"workload",
                                      {{"traffic", {{{"targetGroup", "demo-api-tg"}, {"requests", {{"rps", 120}}}}}},
                                       {"services", {{"demo-api", {{"requestsPerSecondPerTask", 80}}}}}}}};
  const TerraformImport t = import_terraform_plan(kPlan, defaults);
  CHECK(t.base["duration"] == "2d");
  CHECK(t.variant["workload"]["services"]["demo-api"]["requestsPerSecondPerTask"] == 80);
  CHECK(t.base["AutoScalingGroups"].size() == 1);
  CHECK(t.variant["AutoScalingGroups"][0]["MixedInstancesPolicy"]["InstancesDistribution"]
                  ["OnDemandPercentageAboveBaseCapacity"] == 20);
  REQUIRE(t.changed.size() == 1);
  CHECK(contains(t.changed[0], "on_demand_percentage_above_base_capacity"));
}

// A replaced task definition's arn and revision, and the service's task_definition, are known only
// after apply: they take the prior values, and the import says so (tools/import_terraform.hpp).
TEST_CASE("import: terraform values known only after apply take the prior value") {
  const fs::path dir = scratch_dir("import-terraform-unknown");
  auto plan = nlohmann::json::parse(read_text(kPlan));
  for (auto& r : plan["planned_values"]["root_module"]["resources"]) {
    if (r["type"] == "aws_ecs_task_definition") r["values"].erase("revision"), r["values"].erase("arn");
    if (r["type"] == "aws_ecs_service") r["values"].erase("task_definition");
  }
  for (auto& c : plan["resource_changes"]) {
    if (c["type"] == "aws_ecs_task_definition") {
      c["change"]["actions"] = {"delete", "create"};
      c["change"]["after_unknown"] = {{"arn", true}, {"revision", true}};
    }
    if (c["type"] == "aws_ecs_service") {
      c["change"]["actions"] = {"update"};
      c["change"]["after"].erase("task_definition");
      c["change"]["after_unknown"] = {{"task_definition", true}};
    }
  }
  write_text(dir / "plan.json", plan.dump());
  const TerraformImport t = import_terraform_plan(dir / "plan.json");
  const auto said = [&](const std::string& part) {
    return std::any_of(t.assumed.begin(), t.assumed.end(), [&](const std::string& a) { return contains(a, part); });
  };
  CHECK(said("aws_ecs_service.api: task_definition is known only after apply: took its prior value"));
  CHECK(said("aws_ecs_task_definition.api: revision is known only after apply"));
  CHECK(t.variant["services"][0]["taskDefinition"] == t.base["services"][0]["taskDefinition"]);
  CHECK(t.variant["taskDefinitions"][0]["revision"] == 4);
  CHECK(std::any_of(t.changed.begin(), t.changed.end(),
                    [](const std::string& c) { return contains(c, "aws_ecs_service.api: task_definition") &&
                                                      contains(c, "known after apply"); }));
}

// Must-show 7 (import half): a plan JSON without the resources -> exit 2 with a clear message.
TEST_CASE("import: terraform plan without the simulated resources is bad input") {
  const fs::path dir = scratch_dir("import-terraform-bad");
  write_text(dir / "s3.json", R"({"format_version": "1.2", "terraform_version": "1.7.5",
    "planned_values": {"root_module": {"resources": [
      {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
       "values": {"bucket": "my-logs"}}]}},
    "resource_changes": [], "prior_state": {"values": {"root_module": {"resources": []}}}})");
  const Run r = run_cli_in_process({"import", "terraform", (dir / "s3.json").string(), "-o", (dir / "x").string()});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "s3.json: /planned_values/root_module/resources: error: none of the resources spotsim "
                           "simulates"));
  CHECK(contains(r.output, "aws_autoscaling_group"));
  CHECK(contains(r.output, "found aws_s3_bucket"));
  CHECK_FALSE(fs::exists(dir / "x.base.json"));

  write_text(dir / "state.json", R"({"format_version": "1.0", "values": {"root_module": {}}})");
  const Run state = run_cli_in_process({"import", "terraform", (dir / "state.json").string()});
  CHECK(state.exit_code == 2);
  CHECK(contains(state.output, "not a Terraform plan"));

  write_text(dir / "broken.json", "{\"planned_values\": ");
  const Run broken = run_cli_in_process({"import", "terraform", (dir / "broken.json").string()});
  CHECK(broken.exit_code == 2);
  CHECK(contains(broken.output, "broken.json: line 1"));
}

}  // namespace spotsim::test
