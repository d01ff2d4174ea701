// Bad traffic input (issue 4 Must show 6: "trace with non-monotonic or duplicate timestamps,
// negative or NaN values, unknown column, an empty file, a target group not used by any service —
// clear errors with file and line"). One TEST_CASE per bad input. Each writes a small scenario (one
// service behind one target group) and its trace into a scratch folder, then
//   - loads it in-process: the first problem must name the trace file (or the scenario for
//     scenario-level problems), the line (or JSON pointer), and say what was expected and found;
//   - runs `spotsim validate` through the CLI in-process: exit code 2 and the same "file: place:
//     error: ..." line on the output. The target-group case also goes through `spotsim run`.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/temp_dir.hpp"
#include "tests/tools_test_support.hpp"
#include "tools/cli.hpp"
#include "tools/scenario.hpp"

using namespace spotsim;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string& kTgArn = test::kSmallTgArn;

// small_ecs_scenario() with its service behind target group small-api-tg, offered `requests`.
json scenario_with(const json& requests) { return test::small_alb_scenario(requests); }

using test::Run;
Run cli(std::vector<std::string> args) { return test::run_cli_in_process(std::move(args)); }

// A scenario and its trace file in a scratch folder.
class Case {
 public:
  // Writes `trace` as `trace_name` (gzip left to the tests of the readers) beside scenario.json.
  Case(const std::string& trace_name, const std::string& trace, const json& requests) {
    if (!trace_name.empty()) trace_ = dir_.write(trace_name, trace);
    scenario_ = dir_.write("scenario.json", scenario_with(requests).dump(2));
  }
  explicit Case(const json& scenario) { scenario_ = dir_.write("scenario.json", scenario.dump(2)); }

  const fs::path& trace() const { return trace_; }
  const fs::path& scenario() const { return scenario_; }
  const test_support::TempDir& dir() const { return dir_; }

  // Loading in-process fails, the first problem in `file` at `where`, its message containing each
  // of `parts`; `spotsim validate` exits 2 printing "file: where: error: " and the parts.
  void rejects(const fs::path& file, const std::string& where, const std::vector<std::string>& parts) const {
    const auto errors = test_support::errors_of([&] { (void)load_scenario_file(scenario_); });
    REQUIRE(!errors.empty());
    const Diagnostic& d = errors.front();
    INFO(d.str());
    CHECK(d.severity == Diagnostic::Severity::error);
    CHECK(d.file == file.lexically_normal().generic_string());
    CHECK(d.where == where);
    for (const auto& p : parts) CHECK_THAT(d.message, Catch::Contains(p));

    const Run r = cli({"validate", scenario_.string()});
    INFO(r.output);
    CHECK(r.exit_code == kExitBadInput);
    CHECK_THAT(r.output, Catch::Contains(d.str()));
  }

 private:
  test_support::TempDir dir_;
  fs::path trace_;
  fs::path scenario_;
};

const json kCsv = {{"csv", "trace.csv"}, {"time", "minute"}, {"value", "count"}, {"per", "1m"}};
const std::string kHeader = "minute,count\n";

// One get-metric-data page with `values` (JSON text, so NaN can be written as Python writes it).
std::string cloudwatch_page(const std::vector<std::string>& timestamps, const std::string& values) {
  std::string ts;
  for (const auto& t : timestamps) ts += (ts.empty() ? "\"" : ", \"") + t + "\"";
  return "{\n  \"MetricDataResults\": [\n    {\n      \"Id\": \"m1\",\n      \"Label\": \"RequestCount\",\n"
         "      \"Timestamps\": [" + ts + "],\n      \"Values\": [" + values + "],\n"
         "      \"StatusCode\": \"Complete\"\n    }\n  ],\n  \"Messages\": []\n}\n";
}

}  // namespace

// ---- timestamps out of order or repeated

TEST_CASE("bad traffic input: a CSV trace whose times go back", "[bad-input][traffic]") {
  const Case c("trace.csv", kHeader + "1998-04-30 21:30:00,2\n1998-04-30 21:32:00,3\n1998-04-30 21:31:00,4\n", kCsv);
  c.rejects(c.trace(), "line 4",
            {"time \"1998-04-30 21:31:00\" goes back after \"1998-04-30 21:32:00\" on line 3",
             "expected times in order (oldest first, as set by lines 2 and 3)"});
}

TEST_CASE("bad traffic input: a CSV trace with a duplicate time", "[bad-input][traffic]") {
  const Case c("trace.csv", kHeader + "1998-04-30 21:30:00,2\n1998-04-30 21:31:00,3\n1998-04-30 21:31:00,4\n", kCsv);
  c.rejects(c.trace(), "line 4", {"duplicate time \"1998-04-30 21:31:00\" (also on line 3)", "expected each interval once"});
}

TEST_CASE("bad traffic input: CloudWatch timestamps out of order or repeated within a result", "[bad-input][traffic]") {
  const json spec = {{"cloudwatch", "cw.json"}};
  {
    const Case c("cw.json",
                 cloudwatch_page({"2024-02-05T10:10:00Z", "2024-02-05T10:05:00Z", "2024-02-05T10:15:00Z"}, "1, 2, 3"),
                 spec);
    c.rejects(c.trace(), "/MetricDataResults/0/Timestamps/2",
              {"timestamp 2024-02-05T10:15:00Z is later than 2024-02-05T10:05:00Z at /MetricDataResults/0/Timestamps/1",
               "expected one order throughout a result", "here newest first"});
  }
  {
    const Case c("cw.json", cloudwatch_page({"2024-02-05T10:10:00Z", "2024-02-05T10:10:00Z"}, "1, 1"), spec);
    c.rejects(c.trace(), "/MetricDataResults/0/Timestamps/1",
              {"duplicate timestamp 2024-02-05T10:10:00Z (also at /MetricDataResults/0/Timestamps/0)"});
  }
}

// ---- negative and NaN values

TEST_CASE("bad traffic input: a negative value in a CSV trace", "[bad-input][traffic]") {
  const Case c("trace.csv", kHeader + "1998-04-30 21:30:00,2\n1998-04-30 21:31:00,-3\n", kCsv);
  c.rejects(c.trace(), "line 3", {"negative value \"-3\" in column \"count\"", "expected a number of requests >= 0"});
  // A rate column says so.
  json rates = kCsv;
  rates["valueKind"] = "rps";
  const Case r("trace.csv", kHeader + "1998-04-30 21:30:00,-0.5\n", rates);
  r.rejects(r.trace(), "line 2", {"negative value \"-0.5\"", "expected a rate >= 0 (requests per second)"});
}

TEST_CASE("bad traffic input: a NaN value in a CSV trace", "[bad-input][traffic]") {
  const Case c("trace.csv", kHeader + "1998-04-30 21:30:00,2\n1998-04-30 21:31:00,NaN\n", kCsv);
  c.rejects(c.trace(), "line 3",
            {"value \"NaN\" in column \"count\" is not a finite number", "expected a number of requests >= 0"});
}

TEST_CASE("bad traffic input: a CSV value column holding text", "[bad-input][traffic]") {
  const Case c("trace.csv", kHeader + "1998-04-30 21:30:00,2\n1998-04-30 21:31:00,lots\n", kCsv);
  c.rejects(c.trace(), "line 3",
            {"cannot read value \"lots\" in column \"count\" as a number", "expected a number of requests >= 0"});
}

TEST_CASE("bad traffic input: NaN and negative values in CloudWatch output", "[bad-input][traffic]") {
  const json spec = {{"cloudwatch", "cw.json"}};
  const std::vector<std::string> ts = {"2024-02-05T10:10:00Z", "2024-02-05T10:05:00Z", "2024-02-05T10:00:00Z"};
  {
    // Python's json module, the AWS CLI's, writes NaN for a non-finite float; JSON has no NaN.
    const Case c("cw.json", cloudwatch_page(ts, "12.0, NaN, 3.0"), spec);
    c.rejects(c.trace(), "line 7, column 24",
              {"invalid JSON: NaN is not a JSON number", "expected a request count >= 0 (RequestCount Sum)"});
  }
  {
    const Case c("cw.json", cloudwatch_page(ts, "12.0, -Infinity, 3.0"), spec);
    c.rejects(c.trace(), "line 7, column 24", {"invalid JSON: -Infinity is not a JSON number"});
  }
  {
    const Case c("cw.json", cloudwatch_page(ts, "12.0, -4, 3.0"), spec);
    c.rejects(c.trace(), "/MetricDataResults/0/Values/1",
              {"expected a request count >= 0 (RequestCount Sum), found -4"});
  }
}

// ---- an unknown column

TEST_CASE("bad traffic input: a CSV trace without the column the scenario names", "[bad-input][traffic]") {
  const Case c("trace.csv", "minute,requests\n1998-04-30 21:30:00,2\n", kCsv);
  c.rejects(c.trace(), "line 1",
            {"no column \"count\" (the \"value\" of " + c.scenario().string() + ": /workload/traffic/0/requests)",
             "the header has \"minute\", \"requests\""});
  json time = kCsv;
  time["time"] = "timestamp";
  const Case t("trace.csv", kHeader + "1998-04-30 21:30:00,2\n", time);
  t.rejects(t.trace(), "line 1", {"no column \"timestamp\" (the \"time\" of", "the header has \"minute\", \"count\""});
  // Columns not named, and more than the two a trace can do without names.
  const Case three("trace.csv", "minute,count,bytes\n1998-04-30 21:30:00,2,100\n", {{"csv", "trace.csv"}, {"per", "1m"}});
  three.rejects(three.trace(), "line 1",
                {"the header has 3 columns (\"minute\", \"count\", \"bytes\")", "name the time and value columns"});
}

// ---- an empty file

TEST_CASE("bad traffic input: an empty CSV trace, or a header alone", "[bad-input][traffic]") {
  const Case c("trace.csv", "", kCsv);
  c.rejects(c.trace(), "line 1", {"empty file: expected a header row", "found nothing"});
  const Case blank("trace.csv", "\n \n", kCsv);
  blank.rejects(blank.trace(), "line 1", {"empty file", "found only blank lines"});
  const Case header("trace.csv", kHeader, kCsv);
  header.rejects(header.trace(), "line 2",
                 {"no data rows after the header on line 1: expected one row per interval, found the end of the file"});
}

TEST_CASE("bad traffic input: an empty CloudWatch file", "[bad-input][traffic]") {
  const Case c("cw.json", "", {{"cloudwatch", "cw.json"}});
  c.rejects(c.trace(), "line 1",
            {"empty file: expected the JSON output of aws cloudwatch get-metric-data, found nothing"});
  const Case space("cw.json", "\n\n", {{"cloudwatch", "cw.json"}});
  space.rejects(space.trace(), "line 1", {"found only whitespace"});
}

TEST_CASE("bad traffic input: empty ALB access logs", "[bad-input][traffic]") {
  const Case c("alb.log", "", {{"albAccessLogs", "alb.log"}});
  c.rejects(c.trace(), "line 1",
            {"no requests in the access logs: expected ALB access-log entries, one per line, found an empty file"});
  // A folder of empty logs names the first.
  const Case d("logs/a.log", "\n", {{"albAccessLogs", "logs"}});
  d.dir().write("logs/b.log", "");
  d.rejects(d.trace(), "line 1", {"found only blank lines (and the 1 other file read holds none either)"});
}

// ---- a target group no service uses (scenario level: a JSON pointer in the scenario)

TEST_CASE("bad traffic input: a target group not used by any service", "[bad-input][traffic]") {
  json doc = scenario_with({{"rps", 50}});
  doc["services"][0].erase("loadBalancers");
  const Case c(doc);
  c.rejects(c.scenario(), "/TargetGroups/0",
            {"target group \"small-api-tg\" is not used by any service",
             "expected a services[].loadBalancers entry with its targetGroupArn, found none (the services are "
             "\"small-api\" and none of them has one)",
             "traffic to it could never be served", "all its workload.traffic would be dropped"});
  // `spotsim run` refuses it too, writing nothing.
  const fs::path out = c.dir().path() / "out";
  const Run r = cli({"run", c.scenario().string(), "-o", out.string(), "--quiet"});
  INFO(r.output);
  CHECK(r.exit_code == kExitBadInput);
  CHECK_THAT(r.output, Catch::Contains(c.scenario().string() + ": /TargetGroups/0: error: target group"));
  CHECK_FALSE(fs::exists(out));

  // Without traffic it is still an error: no task could ever serve what it would be sent.
  doc["workload"].erase("traffic");
  const Case quiet(doc);
  quiet.rejects(quiet.scenario(), "/TargetGroups/0", {"is not used by any service", "could never be served"});
}

// ---- the scenarios users start from load with no new error

TEST_CASE("the shipped scenarios still validate", "[bad-input][traffic]") {
  for (const fs::path& file : {fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json",
                              fs::path(SPOTSIM_SHARED_DIR) / "spec" / "examples" / "demo-api-prod.json"}) {
    const Run r = cli({"validate", file.string()});
    INFO(r.output);
    CHECK(r.exit_code == kExitOk);
    CHECK_THAT(r.output, !Catch::Contains("error:"));
  }
}
