// `spotsim check` (contract.md "Command line" and exit codes; issue 6 Must show 5): thresholds on a
// real run's folder and on a sweep's aggregate, the JUnit XML and Markdown reports, bad input.
#include "tools/check.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/temp_dir.hpp"
#include "tests/tools_test_support.hpp"

using namespace spotsim;
using namespace spotsim::test;
using spotsim::test_support::TempDir;
using nlohmann::json;

namespace {

std::string number(double v) { return json(v).dump(); }

// `spotsim run` of the small scenario with traffic into tmp/run; its summary.json.
json small_run(const TempDir& tmp) {
  const fs::path scenario = tmp.write("small.json", small_alb_scenario().dump());
  const Run r = run_cli_in_process({"run", scenario.string(), "--duration", "3h", "-o", (tmp.path() / "run").string(), "--quiet"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return json::parse(read_text(tmp.path() / "run" / "summary.json"));
}

// A sweep's aggregate as the sweep command writes it (issue 6's format): two grid points.
const char* kSweepSummary = R"({
  "spotsim_version": "0.6.0", "sweep": "od-share", "scenario": "demo-api-prod", "seed": 7, "replications": 5, "runs": 10,
  "axes": { "/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/OnDemandPercentageAboveBaseCapacity": [20, 50] },
  "points": [
    { "point": 0, "settings": { "/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/OnDemandPercentageAboveBaseCapacity": 20 },
      "runs": 5,
      "figures": { "cost.total_usd": { "mean": 25.7, "sd": 0.9, "ci95_low": 24.6, "ci95_high": 26.8 },
                   "requests.drop_rate": { "mean": 0.0021, "sd": 0.0004, "ci95_low": 0.0016, "ci95_high": 0.0026 },
                   "cost.savings_ratio": { "mean": 1.77, "sd": 0.06, "ci95_low": 1.7, "ci95_high": 1.84 } } },
    { "point": 1, "settings": { "/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/OnDemandPercentageAboveBaseCapacity": 50 },
      "runs": 5,
      "figures": { "cost.total_usd": { "mean": 35.0, "sd": 0.8, "ci95_low": 34.0, "ci95_high": 36.0 },
                   "requests.drop_rate": { "mean": 0.0004, "sd": 0.0001, "ci95_low": 0.0003, "ci95_high": 0.0005 },
                   "cost.savings_ratio": { "mean": 1.3, "sd": 0.03, "ci95_low": 1.26, "ci95_high": 1.34 } } }
  ]
})";

// Keeps a test from appending to a real job summary when the suite itself runs in GitHub Actions.
struct NoStepSummary {
  NoStepSummary() { ::unsetenv("GITHUB_STEP_SUMMARY"); }
};

}  // namespace

// Must show 5: a breached threshold exits 1 and the JUnit file lists the breached figure; the same
// folder under thresholds it meets exits 0 with no failure in the report.
TEST_CASE("check: a real run's folder passes thresholds above its figures and fails one below", "[check]") {
  NoStepSummary guard;
  TempDir tmp;
  const json s = small_run(tmp);
  const double cost = s["cost"]["total_usd"].get<double>();
  const double drop_rate = s["requests"]["drop_rate"].get<double>();
  const double savings = s["cost"]["savings_ratio"].get<double>();
  REQUIRE(cost > 0);
  REQUIRE(savings > 1);
  const std::string dir = (tmp.path() / "run").string();
  const std::string junit = (tmp.path() / "junit.xml").string();

  const Run pass = run_cli_in_process({"check", dir, "--max-cost-usd", number(cost * 1.01), "--max-drop-rate",
                                       number(drop_rate + 0.001), "--min-savings-ratio", number(savings * 0.99), "--max",
                                       "instances.peak=100", "--junit", junit});
  INFO(pass.output);
  CHECK(pass.exit_code == 0);
  CHECK(pass.output.find("PASS cost.total_usd = " + number(cost) + " <= ") != std::string::npos);
  CHECK(pass.output.find("FAIL") == std::string::npos);
  const std::string passed_xml = read_text(junit);
  CHECK(passed_xml.find("tests=\"4\" failures=\"0\"") != std::string::npos);
  CHECK(passed_xml.find("<failure") == std::string::npos);

  const Run fail = run_cli_in_process({"check", dir, "--max-cost-usd", number(cost * 0.99), "--min-savings-ratio",
                                       number(savings * 0.99), "--junit", junit});
  INFO(fail.output);
  CHECK(fail.exit_code == 1);
  CHECK(fail.output.find("FAIL cost.total_usd = " + number(cost) + " > " + number(cost * 0.99)) != std::string::npos);
  CHECK(fail.output.find("PASS cost.savings_ratio") != std::string::npos);
  const std::string failed_xml = read_text(junit);
  CHECK(failed_xml.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(failed_xml.find("<failure message=\"cost.total_usd = " + number(cost) + ", above the maximum " +
                        number(cost * 0.99) + "\"") != std::string::npos);
  CHECK(failed_xml.find("name=\"cost.total_usd &lt;= ") != std::string::npos);  // '<' escaped in the name
}

TEST_CASE("check: a sweep's aggregate is checked point by point, named by its settings", "[check]") {
  NoStepSummary guard;
  TempDir tmp;
  tmp.write("sweep/summary.json", kSweepSummary);
  const std::string dir = (tmp.path() / "sweep").string();
  const std::string junit = (tmp.path() / "junit.xml").string(), markdown = (tmp.path() / "summary.md").string();

  // The seed article's question: drops under 0.1 %. The 20 % point breaches it, the 50 % point not.
  const Run r = run_cli_in_process({"check", dir, "--max-drop-rate", "0.001", "--junit", junit, "--markdown", markdown});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("FAIL point 0 (/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/"
                      "OnDemandPercentageAboveBaseCapacity=20): requests.drop_rate = 0.0021 > 0.001") != std::string::npos);
  CHECK(r.output.find("PASS point 1 (") != std::string::npos);
  const std::string xml = read_text(junit);
  CHECK(xml.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(xml.find("classname=\"spotsim.check.demo-api-prod\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"point 0 (/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/"
                 "OnDemandPercentageAboveBaseCapacity=20): requests.drop_rate = 0.0021, above the maximum 0.001\"") !=
        std::string::npos);
  const std::string md = read_text(markdown);
  CHECK(md.find("1 of 2 checks failed") != std::string::npos);
  CHECK(md.find("| result | point | figure | value | threshold |") != std::string::npos);
  CHECK(md.find("| ❌ FAIL | point 0 (") != std::string::npos);
  CHECK(md.find("`requests.drop_rate` | 0.0021 | ≤ 0.001 |") != std::string::npos);

  // Both points under $40 and above 1.2× savings: exit 0.
  const Run ok = run_cli_in_process({"check", dir, "--max-cost-usd", "40", "--min", "cost.savings_ratio=1.2"});
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("check: all 4 checks passed") != std::string::npos);
}

TEST_CASE("check: the Markdown is appended to GITHUB_STEP_SUMMARY without --markdown", "[check]") {
  TempDir tmp;
  tmp.write("sweep/summary.json", kSweepSummary);
  const fs::path step_summary = tmp.write("step-summary.md", "earlier step\n");
  ::setenv("GITHUB_STEP_SUMMARY", step_summary.c_str(), 1);
  const Run r = run_cli_in_process({"check", (tmp.path() / "sweep").string(), "--max-cost-usd", "30"});
  ::unsetenv("GITHUB_STEP_SUMMARY");
  INFO(r.output);
  CHECK(r.exit_code == 1);  // point 1 costs $35
  const std::string md = read_text(step_summary);
  CHECK(md.rfind("earlier step\n### spotsim check ", 0) == 0);
  CHECK(md.find("`cost.total_usd` | 35 | ≤ 30 |") != std::string::npos);
}

TEST_CASE("check: a null figure cannot meet a threshold", "[check]") {
  NoStepSummary guard;
  TempDir tmp;
  tmp.write("run/summary.json", R"({"scenario": "idle", "requests": {"latency_ms": {"p99": null}}, "cost": {"total_usd": 1}})");
  const Run r = run_cli_in_process({"check", (tmp.path() / "run").string(), "--max", "requests.latency_ms.p99=500"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("FAIL requests.latency_ms.p99 = null") != std::string::npos);
}

TEST_CASE("check: XML escaping of names and messages", "[check]") {
  CHECK(xml_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  CHECK(xml_escape(std::string("tab\there\nnul\x01")) == "tab&#9;here&#10;nul?");
  CHECK(xml_escape("€ and ✅ stay") == "€ and ✅ stay");  // UTF-8 passes through

  CheckReport r;
  r.dir = "results/<odd & dir>";
  r.scenario = "a\"b";
  CheckOutcome breach;
  breach.threshold.figure = "cost.total_usd";
  breach.threshold.limit = 1;
  breach.value = 2;
  r.outcomes.push_back(breach);
  const std::string xml = junit_xml(r);
  CHECK(xml.find("results/&lt;odd &amp; dir&gt;") != std::string::npos);
  CHECK(xml.find("classname=\"spotsim.check.a&quot;b\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"cost.total_usd = 2, above the maximum 1\" type=\"threshold\">") != std::string::npos);
}

TEST_CASE("check: closest figure names for a typo", "[check]") {
  const std::vector<std::string> names = {"cost.total_usd", "requests.drop_rate", "requests.dropped_total", "instances.peak"};
  const auto close = closest_names("requests.drop_rat", names, 2);
  REQUIRE(close.size() == 2);
  CHECK(close[0] == "requests.drop_rate");
}

// design.md § "Bad input and failure": exit 2 with the file and the problem; no report written.
TEST_CASE("check: bad input exits 2 and writes no report", "[check][bad-input]") {
  NoStepSummary guard;
  TempDir tmp;
  tmp.write("sweep/summary.json", kSweepSummary);
  tmp.write("empty/.keep", "");
  tmp.write("broken/summary.json", "{\"cost\": {\"total_usd\": 1,}");
  tmp.write("bad-sweep/summary.json", R"({"points": [{"point": 0, "figures": {"cost.total_usd": 3}}]})");
  const std::string sweep = (tmp.path() / "sweep").string();
  const std::string junit = (tmp.path() / "junit.xml").string();
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{sweep}, "no threshold given"},
      {{sweep, "--max", "requests.drop_rat=0.001"}, "no figure \"requests.drop_rat\" in this summary; closest: requests.drop_rate"},
      {{sweep, "--min", "savings=1.5"}, "closest: "},
      {{sweep, "--max", "requests.drop_rate"}, "expected FIGURE=VALUE"},
      {{sweep, "--max", "requests.drop_rate=lots"}, "expected a finite number as the threshold, found \"lots\""},
      {{sweep, "--max-cost-usd", "cheap"}, "--max-cost-usd"},
      {{(tmp.path() / "empty").string(), "--max-cost-usd", "1"}, "empty/summary.json: error: no summary.json here"},
      {{(tmp.path() / "nowhere").string(), "--max-cost-usd", "1"}, "no such results folder"},
      {{(tmp.path() / "broken").string(), "--max-cost-usd", "1"}, "broken/summary.json: line 1"},
      {{(tmp.path() / "bad-sweep").string(), "--max-cost-usd", "1"}, "/points/0/figures/cost.total_usd"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.begin(), "check");
    args.insert(args.end(), {"--junit", junit});
    const Run r = run_cli_in_process(args);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.expected) != std::string::npos);
    CHECK_FALSE(fs::exists(junit));
  }
}
