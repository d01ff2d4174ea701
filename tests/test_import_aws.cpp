// `spotsim import aws` (issue 6 Must-show 6 and 7, contract.md "Command line"): the CLI outputs in
// tests/data/import/aws/ are written after the AWS CLI reference's output examples (account
// 123456789012, us-west-2, target group my-targets/73e2d6bc24d8a067, describe-target-group-
// attributes' documented attribute list), one file per command.
#include <algorithm>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/tools_test_support.hpp"

namespace spotsim::test {
namespace {

const fs::path kAwsDir = fs::path(SPOTSIM_SOURCE_DIR) / "tests/data/import/aws";

std::vector<std::string> every_aws_file() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kAwsDir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}


}  // namespace

// Must-show 6: import aws -> a scenario `validate` accepts and `run` runs.
TEST_CASE("import: aws CLI outputs become a scenario that validates and runs") {
  const fs::path dir = scratch_dir("import-aws-ok");
  const fs::path scenario = dir / "scenario.json";
  std::vector<std::string> args = {"import", "aws", "-o", scenario.string()};
  for (const auto& f : every_aws_file()) args.push_back(f);
  const Run imported = run_cli_in_process(args);
  INFO(imported.output);
  REQUIRE(imported.exit_code == 0);
  // What AWS does not describe is said on stderr ("assumed: ...") and kept in the description.
  CHECK(contains(imported.output, "assumed: service capacity"));
  CHECK(contains(imported.output, "assumed: step scaling policy \"my-step-scale-out-policy\" left out"));

  const auto doc = nlohmann::json::parse(read_text(scenario));
  CHECK(doc["name"] == "demo-cluster");
  CHECK(doc["region"] == "us-west-2");                 // from the ARNs
  CHECK(doc["start"] == "2024-02-05T00:00:00Z");       // the first RequestCount datapoint
  CHECK(contains(doc["description"].get<std::string>(), "Assumed: "));
  CHECK(doc["taskDefinitions"].size() == 1);           // describe-task-definition's singular taskDefinition
  CHECK(doc["taskDefinitions"][0]["family"] == "my-http-service");
  CHECK(doc["capacityProviders"].size() == 2);         // FARGATE too, as AWS prints it
  // The attributes file is attached by its name, <TargetGroupName>.attributes.json.
  CHECK(doc["TargetGroupAttributes"]["my-targets"].size() == 5);
  // Only the target tracking policy: the step policy's alarm is not in describe-scaling-policies.
  REQUIRE(doc["ScalingPolicies"].size() == 1);
  CHECK(doc["ScalingPolicies"][0]["PolicyType"] == "TargetTrackingScaling");
  // Traces are referenced where they lie, relative to the scenario's folder.
  const auto& spot = doc["market"]["prices"]["spot"];
  const fs::path history = dir / spot["describeSpotPriceHistory"].get<std::string>();
  CHECK(fs::equivalent(history, kAwsDir / "describe-spot-price-history.json"));
  // c5.large is priced in all three zones by the history; m5.large only in us-west-2a (the Windows
  // record does not count): it gets the assumed 35 % of On-Demand (0.096 in us-west-2).
  CHECK_FALSE(spot["fixed"].contains("c5.large"));
  CHECK(spot["fixed"]["m5.large"].get<double>() == Approx(0.0336));
  const auto& traffic = doc["workload"]["traffic"];
  REQUIRE(traffic.size() == 1);
  CHECK(traffic[0]["targetGroup"] == "my-targets");
  CHECK(fs::equivalent(dir / traffic[0]["requests"]["cloudwatch"].get<std::string>(), kAwsDir / "my-targets.requests.json"));
  CHECK(doc["workload"]["services"]["my-http-service"]["requestsPerSecondPerTask"] == 100);

  const Run validated = run_cli_in_process({"validate", scenario.string()});
  INFO(validated.output);
  CHECK(validated.exit_code == 0);
  const Run ran = run_cli_in_process({"run", scenario.string(), "--duration", "1d", "--quiet", "-o", (dir / "results").string()});
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  const auto summary = nlohmann::json::parse(read_text(dir / "results/summary.json"));
  CHECK(summary["requests"]["offered"].get<double>() > 0);
  CHECK(summary["cost"]["total_usd"].get<double>() > 0);
}

// Must-show 7 (import half): an unrecognised file is bad input, exit 2, naming the file and the kinds.
TEST_CASE("import: aws rejects a file that is no describe output it knows") {
  const fs::path dir = scratch_dir("import-aws-unknown");
  write_text(dir / "instances.json", R"({"Reservations": []})");
  const fs::path out = dir / "scenario.json";
  const Run r = run_cli_in_process({"import", "aws", "-o", out.string(), (kAwsDir / "describe-clusters.json").string(),
                                    (dir / "instances.json").string()});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "instances.json"));
  CHECK(contains(r.output, "\"Reservations\""));
  CHECK(contains(r.output, "\"AutoScalingGroups\" (aws autoscaling describe-auto-scaling-groups)"));
  CHECK(contains(r.output, "MetricDataResults"));
  CHECK_FALSE(fs::exists(out));  // nothing partial written (design.md "Bad input and failure")
}

TEST_CASE("import: aws needs to know which target group attributes belong to") {
  const fs::path dir = scratch_dir("import-aws-attributes");
  // Two target groups: a file named after neither cannot be placed.
  auto tgs = nlohmann::json::parse(read_text(kAwsDir / "describe-target-groups.json"));
  auto second = tgs["TargetGroups"][0];
  second["TargetGroupName"] = "other-targets";
  second["TargetGroupArn"] = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/other-targets/1111111111111111";
  tgs["TargetGroups"].push_back(second);
  write_text(dir / "tgs.json", tgs.dump());
  write_text(dir / "attrs.json", read_text(kAwsDir / "my-targets.attributes.json"));
  const Run r = run_cli_in_process({"import", "aws", "-o", (dir / "s.json").string(), (dir / "tgs.json").string(),
                                    (dir / "attrs.json").string()});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "attrs.json"));
  CHECK(contains(r.output, "--target-group-attributes NAME="));
  // Named with the option, it goes to that group: the import gets past the attributes and stops
  // only at the loader, since no service uses these target groups.
  const Run named = run_cli_in_process({"import", "aws", "-o", (dir / "s.json").string(), "--target-group-attributes",
                                        "other-targets=" + (dir / "attrs.json").string(), (dir / "tgs.json").string(),
                                        (dir / "attrs.json").string()});
  CHECK(named.exit_code == 2);
  CHECK_FALSE(contains(named.output, "does not name its target group"));
  CHECK(contains(named.output, "is not used by any service"));
}

}  // namespace spotsim::test
