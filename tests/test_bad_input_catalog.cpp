// The bad-input catalog (issue 8, "Hostile input"): malformed files of every kind the program reads —
// scenarios, sweeps, load traces (CSV, CloudWatch), spot price histories, AWS CLI outputs, Terraform
// plans — each run through the real binary under `timeout`, must exit 2 with a message naming the file
// and the place (a line, or a JSON pointer), never crash (a signal), hang (the timeout) or report an
// internal error, and leave no results folder behind. House rule (contract.md "Exit codes"): 2 is bad
// input, and the message names the file and place.
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/tools_test_support.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::quote;
using test::Run;
using test::scratch_dir;
using test::write_text;

struct BadCase {
  std::string name;                                        // what is wrong
  std::vector<std::pair<std::string, std::string>> files;  // written into the case's folder
  std::string command;                                     // spotsim arguments; {dir} is the folder
  std::vector<std::string> expect;                         // each must appear in the output ({dir} too)
  std::function<void(const fs::path&)> setup = nullptr;    // anything files cannot express
};

// The real binary under `timeout`: a hang fails the case (exit 124) instead of the suite, a crash
// shows as a signal (exit -1), and neither takes the test process down.
Run run_bounded(const std::string& args) {
  Run r;
  const std::string command = "timeout 60 " + quote(SPOTSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// A scenario whose only traffic reads `requests` (a trace spec naming a file in the case folder).
std::string traffic_scenario(const json& requests) { return test::small_alb_scenario(requests).dump(2); }
const json kCsvTrace = {{"csv", "trace.csv"}, {"time", "minute"}, {"value", "count"}, {"per", "1m"}};
const json kCloudWatchTrace = {{"cloudwatch", "metric.json"}};

// small_ecs_scenario() with one value replaced (JSON pointer), as text.
std::string scenario_with(const std::string& pointer, const json& value) {
  json s = test::small_ecs_scenario();
  s[json::json_pointer(pointer)] = value;
  return s.dump(2);
}

// The small ALB scenario offered `rps` for 365 days.
std::string traffic_per_second_year(double rps) {
  json s = test::small_alb_scenario({{"rps", rps}});
  s["duration"] = "365d";
  return s.dump(2);
}

std::string cloudwatch(const std::string& timestamps, const std::string& values) {
  return R"({"MetricDataResults": [{"Id": "m1", "Label": "RequestCount", "Timestamps": [)" + timestamps +
         R"(], "Values": [)" + values + R"(], "StatusCode": "Complete"}], "Messages": []})";
}

std::string spot_history(const std::string& entries) { return R"({"SpotPriceHistory": [)" + entries + "]}"; }
std::string spot_entry(const std::string& price, const std::string& time) {
  return R"({"AvailabilityZone": "eu-west-1a", "InstanceType": "m5.large", "ProductDescription": "Linux/UNIX", "SpotPrice": ")" +
         price + R"(", "Timestamp": ")" + time + R"("})";
}
std::string priced_scenario() {
  json s = test::small_ecs_scenario();
  s["market"]["prices"]["spot"] = {{"describeSpotPriceHistory", "prices.json"}};
  return s.dump(2);
}

std::string sweep(const std::string& body) {
  return R"({"spotsim_sweep": 1, "base": "scenario.json", )" + body + "}";
}

std::vector<BadCase> catalog() {
  const std::string scenario = test::small_ecs_scenario().dump(2);
  const std::string v = "validate {dir}/scenario.json";
  std::vector<BadCase> c = {
      // ---- the scenario file itself
      {"empty scenario", {{"scenario.json", ""}}, v, {"scenario.json"}},
      {"whitespace only", {{"scenario.json", " \n\t\n"}}, v, {"scenario.json"}},
      {"truncated JSON", {{"scenario.json", scenario.substr(0, scenario.size() / 2)}}, v, {"scenario.json", "line"}},
      {"a JSON array, not an object", {{"scenario.json", "[1, 2, 3]"}}, v, {"scenario.json"}},
      {"a bare number", {{"scenario.json", "42"}}, v, {"scenario.json"}},
      {"invalid UTF-8 in a string", {{"scenario.json", "{\"spotsim\": 1, \"name\": \"caf\xC3\x28\"}"}}, v, {"scenario.json"}},
      {"20,000-deep nesting", {{"scenario.json", std::string(20'000, '[') + std::string(20'000, ']')}}, v, {"scenario.json"}},
      {"NaN is not JSON", {{"scenario.json", scenario_with("/AutoScalingGroups/0/MinSize", 1).replace(
                                                  scenario_with("/AutoScalingGroups/0/MinSize", 1).find("\"MinSize\": 1"),
                                                  12, "\"MinSize\": NaN")}},
       v, {"scenario.json", "line"}},
      {"MinSize a string", {{"scenario.json", scenario_with("/AutoScalingGroups/0/MinSize", "1")}}, v,
       {"/AutoScalingGroups/0/MinSize"}},
      {"MinSize negative", {{"scenario.json", scenario_with("/AutoScalingGroups/0/MinSize", -1)}}, v,
       {"/AutoScalingGroups/0/MinSize"}},
      {"MaxSize 1e300", {{"scenario.json", scenario_with("/AutoScalingGroups/0/MaxSize", 1e300)}}, v,
       {"/AutoScalingGroups/0/MaxSize"}},
      {"DesiredCapacity a billion", {{"scenario.json", scenario_with("/AutoScalingGroups/0/DesiredCapacity", 1'000'000'000)}},
       v, {"/AutoScalingGroups/0"}},
      {"desiredCount a billion", {{"scenario.json", scenario_with("/services/0/desiredCount", 1'000'000'000)}}, v,
       {"/services/0/desiredCount"}},
      {"negative duration", {{"scenario.json", scenario_with("/duration", "-5m")}}, v, {"/duration"}},
      {"a duration of a million years", {{"scenario.json", scenario_with("/duration", "365000000d")}}, v, {"/duration"}},
      {"a duration of 1e9 seconds as a number", {{"scenario.json", scenario_with("/duration", 1e18)}}, v, {"/duration"}},
      {"a start that is not a date", {{"scenario.json", scenario_with("/start", "2024-13-45T00:00:00Z")}}, v, {"/start"}},
      {"a seed below zero", {{"scenario.json", scenario_with("/seed", -3)}}, v, {"/seed"}},
      {"a price beyond a double (1e999)", {{"scenario.json", replace_all(scenario, "0.037", "1e999")}}, v, {"scenario.json"}},
      {"a negative spot price", {{"scenario.json", scenario_with("/market/prices/spot/fixed/m5.large", -0.01)}}, v,
       {"/market/prices/spot/fixed/m5.large"}},
      {"a directory given as the scenario", {}, v, {"scenario.json"},
       [](const fs::path& dir) { fs::create_directories(dir / "scenario.json"); }},
      {"a missing scenario", {}, v, {"scenario.json"}},
      {"a path through a file", {{"plain", "x"}}, "validate {dir}/plain/scenario.json", {"plain/scenario.json"}},
      {"a FIFO without a writer (reads as empty)", {}, v, {"scenario.json"},
       [](const fs::path& dir) { REQUIRE(::mkfifo((dir / "scenario.json").c_str(), 0600) == 0); }},
      {"a dangling symlink", {}, v, {"scenario.json"},
       [](const fs::path& dir) { fs::create_symlink(dir / "nowhere.json", dir / "scenario.json"); }},
      {"run of a bad scenario writes nothing", {{"scenario.json", scenario_with("/AutoScalingGroups/0/MinSize", -1)}},
       "run {dir}/scenario.json -o {dir}/out", {"/AutoScalingGroups/0/MinSize"}},
      // 1e9 rps for 365 days: 3e16 requests one by one would run for years (and pass 2^64 counts
      // at 1e12 rps); the fluid mode is the answer (tools/scenario.hpp kMaxPerRequestRequests).
      {"per-request mode over a year at 1e9 rps", {{"scenario.json", traffic_per_second_year(1e9)}},
       "run {dir}/scenario.json --mode per-request -o {dir}/out",
       {"scenario.json", "--mode", "per-request mode would simulate 3.15e+16 requests", "fluid mode"}},
      {"a sweep in per-request mode over a year", {{"scenario.json", traffic_per_second_year(1e9)},
                                                   {"sweep.json", R"({"spotsim_sweep": 1, "base": "scenario.json", "axes": {"/AutoScalingGroups/0/DesiredCapacity": [1, 2]}})"}},
       "sweep {dir}/sweep.json --mode per-request -o {dir}/out", {"scenario.json", "--mode", "grid point 0 of 2"}},

      // ---- load traces: CSV
      {"empty CSV trace", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", ""}}, v, {"trace.csv"}},
      {"CSV header only", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n"}}, v, {"trace.csv"}},
      {"CSV times out of order", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n0,5\n2,5\n1,5\n"}},
       v, {"trace.csv", "line 4"}},
      {"CSV duplicate times", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n0,5\n1,5\n1,6\n"}},
       v, {"trace.csv", "line 4"}},
      {"CSV negative count", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n0,5\n1,-5\n"}}, v,
       {"trace.csv", "line 3"}},
      {"CSV NaN count", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n0,5\n1,nan\n"}}, v,
       {"trace.csv", "line 3"}},
      {"CSV infinite count", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n0,5\n1,inf\n"}}, v,
       {"trace.csv", "line 3"}},
      {"CSV count of 1e308", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n0,5\n1,1e308\n"}}, v,
       {"trace.csv", "line 3"}},
      {"CSV word for a number", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n0,five\n"}}, v,
       {"trace.csv", "line 2"}},
      {"CSV a row a billion minutes out", {{"scenario.json", traffic_scenario(kCsvTrace)},
                                           {"trace.csv", "minute,count\n0,5\n1000000000000000000000,5\n"}},
       v, {"trace.csv", "line 3"}},
      {"CSV invalid UTF-8 header", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "min\xFFute,count\n0,5\n"}}, v,
       {"trace.csv"}},
      {"CSV unterminated quote", {{"scenario.json", traffic_scenario(kCsvTrace)}, {"trace.csv", "minute,count\n\"0,5\n"}}, v,
       {"trace.csv", "line 2"}},
      {"CSV a directory", {{"scenario.json", traffic_scenario(kCsvTrace)}}, v, {"trace.csv"},
       [](const fs::path& dir) { fs::create_directories(dir / "trace.csv"); }},

      // ---- load traces: CloudWatch get-metric-data
      {"CloudWatch truncated", {{"scenario.json", traffic_scenario(kCloudWatchTrace)},
                                {"metric.json", cloudwatch("\"2024-02-05T00:00:00Z\"", "5").substr(0, 40)}},
       v, {"metric.json"}},
      {"CloudWatch values shorter than timestamps",
       {{"scenario.json", traffic_scenario(kCloudWatchTrace)},
        {"metric.json", cloudwatch("\"2024-02-05T00:00:00Z\", \"2024-02-05T00:01:00Z\"", "5")}},
       v, {"metric.json", "/MetricDataResults/0"}},
      {"CloudWatch a string value", {{"scenario.json", traffic_scenario(kCloudWatchTrace)},
                                     {"metric.json", cloudwatch("\"2024-02-05T00:00:00Z\"", "\"five\"")}},
       v, {"metric.json", "/MetricDataResults/0/Values/0"}},
      {"CloudWatch a bad timestamp", {{"scenario.json", traffic_scenario(kCloudWatchTrace)},
                                      {"metric.json", cloudwatch("\"yesterday\"", "5")}},
       v, {"metric.json", "/MetricDataResults/0/Timestamps/0"}},
      {"CloudWatch duplicate timestamps",
       {{"scenario.json", traffic_scenario(kCloudWatchTrace)},
        {"metric.json", cloudwatch("\"2024-02-05T00:00:00Z\", \"2024-02-05T00:00:00Z\"", "5, 6")}},
       v, {"metric.json", "/MetricDataResults/0/Timestamps/1"}},

      // ---- describe-spot-price-history
      {"spot history a negative price", {{"scenario.json", priced_scenario()},
                                         {"prices.json", spot_history(spot_entry("-0.03", "2024-02-04T00:00:00Z"))}},
       v, {"prices.json", "/SpotPriceHistory/0/SpotPrice"}},
      {"spot history a price that is not a number", {{"scenario.json", priced_scenario()},
                                                     {"prices.json", spot_history(spot_entry("cheap", "2024-02-04T00:00:00Z"))}},
       v, {"prices.json", "/SpotPriceHistory/0/SpotPrice"}},
      {"spot history a bad timestamp", {{"scenario.json", priced_scenario()},
                                        {"prices.json", spot_history(spot_entry("0.03", "04/02/2024"))}},
       v, {"prices.json", "/SpotPriceHistory/0/Timestamp"}},
      {"spot history empty", {{"scenario.json", priced_scenario()}, {"prices.json", ""}}, v, {"prices.json"}},

      // ---- sweep files
      {"sweep with an empty axis", {{"scenario.json", scenario}, {"sweep.json", sweep(R"("axes": {"seed": []})")}},
       "validate {dir}/sweep.json", {"sweep.json", "/axes"}},
      {"sweep a billion replications",
       {{"scenario.json", scenario}, {"sweep.json", sweep(R"("replications": 1000000000, "axes": {"seed": [1, 2]})")}},
       "validate {dir}/sweep.json", {"sweep.json", "/replications"}},
      {"sweep truncated", {{"scenario.json", scenario}, {"sweep.json", sweep(R"("axes": {"seed": [1, 2]})").substr(0, 30)}},
       "validate {dir}/sweep.json", {"sweep.json"}},
      {"sweep an axis value of the wrong type",
       {{"scenario.json", scenario}, {"sweep.json", sweep(R"("axes": {"AutoScalingGroups.0.MinSize": ["one"]})")}},
       "sweep {dir}/sweep.json -o {dir}/out", {"MinSize"}},

      // ---- importers
      {"import aws a truncated file", {{"asg.json", R"({"AutoScalingGroups": [{"AutoScalingGroupName": )"}},
       "import aws {dir}/asg.json -o {dir}/out.json", {"asg.json"}},
      {"import aws an unrecognised file", {{"x.json", R"({"Reservations": []})"}}, "import aws {dir}/x.json -o {dir}/out.json",
       {"x.json"}},
      {"import aws a directory", {}, "import aws {dir}/d -o {dir}/out.json", {"{dir}/d"},
       [](const fs::path& dir) { fs::create_directories(dir / "d"); }},
      {"import terraform not a plan", {{"plan.json", R"({"format_version": "1.2", "resource_changes": "none"})"}},
       "import terraform {dir}/plan.json -o {dir}/out", {"plan.json"}},
      {"import terraform an empty file", {{"plan.json", ""}}, "import terraform {dir}/plan.json -o {dir}/out", {"plan.json"}},
  };
  return c;
}

}  // namespace

TEST_CASE("bad input: every malformed file exits 2 naming its place, never a crash, a hang or an internal error",
          "[bad-input]") {
  const std::vector<BadCase> cases = catalog();
  CHECK(cases.size() >= 40);  // issue 8: "at least 40 malformed files"
  int n = 0;
  for (const BadCase& bad : cases) {
    const fs::path dir = scratch_dir("bad-input-" + std::to_string(n++));
    for (const auto& [name, text] : bad.files) write_text(dir / name, text);
    if (bad.setup) bad.setup(dir);
    const std::string args = replace_all(bad.command, "{dir}", dir.string());
    const Run r = run_bounded(args);
    INFO(bad.name << ": spotsim " << args << "\nexit " << r.exit_code << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("internal error") == std::string::npos);
    for (const std::string& part : bad.expect) CHECK(r.output.find(replace_all(part, "{dir}", dir.string())) != std::string::npos);
    CHECK(!fs::exists(dir / "out"));       // nothing partial written
    CHECK(!fs::exists(dir / "out.json"));
  }
}

}  // namespace spotsim
