// report.html (tools/report.hpp, issue 7): what the page carries and how it is built. That the page
// draws in a browser without a network request or an error is tests/browser's part.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/tools_test_support.hpp"
#include "tools/report.hpp"
#include "tools/report_internal.hpp"

namespace spotsim {
namespace {

using test::read_text;
using test::run_cli_in_process;
using test::scratch_dir;
using test::write_text;

// The JSON block the page's script draws from.
nlohmann::json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"spotsim-data\">";
  const auto a = html.find(open);
  REQUIRE(a != std::string::npos);
  const auto b = html.find("</script>", a);
  REQUIRE(b != std::string::npos);
  return nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
}

}  // namespace

TEST_CASE("report: the Pareto front keeps exactly the points nothing beats on both figures", "[report]") {
  // (cost, drop rate), both minimised.
  const std::vector<std::pair<double, double>> pts = {{1, 5}, {2, 3}, {3, 3}, {4, 1}, {2, 4}, {5, 0.5}, {1, 5}};
  const std::vector<bool> front = report::pareto_front(pts);
  CHECK(front == std::vector<bool>{true, true, false, true, false, true, true});  // (3,3) loses to (2,3); (2,4) to (2,3)
}

TEST_CASE("report: a 30-day series is cut to 3,000 points per column and a one-minute spike survives", "[report]") {
  report::Timeseries ts;
  ts.names = {"dropped_rps"};
  ts.columns.resize(1);
  for (int i = 0; i <= 30 * 1440; ++i) {
    ts.t_s.push_back(60.0 * i);
    ts.columns[0].push_back(i == 20'000 ? 900.0 : 1.0);
  }
  const nlohmann::json d = report::downsample(ts, {"dropped_rps", "not_a_column"}, 1500);
  const auto& ys = d["cols"]["dropped_rps"];
  CHECK(ys.size() <= 3000);
  CHECK(d["x"].size() == ys.size());
  CHECK(!d["cols"].contains("not_a_column"));
  double top = 0;
  for (const auto& y : ys) top = std::max(top, y.get<double>());
  CHECK(top == 900.0);
  // x never decreases: the page's charts need sorted points.
  for (std::size_t i = 1; i < d["x"].size(); ++i) CHECK(d["x"][i].get<double>() >= d["x"][i - 1].get<double>());
  // A short run is drawn row by row.
  ts.t_s.resize(100);
  ts.columns[0].resize(100);
  CHECK(report::downsample(ts, {"dropped_rps"}, 1500)["cols"]["dropped_rps"].size() == 100);
}

TEST_CASE("report: spotsim run writes report.html, and spotsim report rebuilds the same bytes", "[report]") {
  const auto dir = scratch_dir("report-run");
  const auto run = run_cli_in_process({"run", "--duration", "2d", "-o", (dir / "r").string(), "--quiet"});
  REQUIRE(run.exit_code == 0);
  const std::string html = read_text(dir / "r" / "report.html");
  REQUIRE(!html.empty());
  // Self-contained: Chart.js inline, no src= or href= to load anything (tests/browser proves it in Chromium).
  CHECK(html.find("Chart.js v3.9") != std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  const nlohmann::json data = page_data(html);
  CHECK(data["kind"] == "run");
  // The headline: cost, savings ratio, drop rate, p99 latency (issue 7).
  const std::string headline = data["headline"].dump();
  for (const char* k : {"cost (instances)", "savings ratio vs all On-Demand", "drop rate", "p99 latency"})
    CHECK(headline.find(k) != std::string::npos);
  for (const char* c : {"offered_rps", "served_rps", "instances_spot", "instances_on_demand", "instances_pending",
                        "instances_draining", "tasks_running", "no_target_rps", "capacity_provider_reservation",
                        "service_desired", "asg_desired", "cost_usd_cumulative", "on_demand_baseline_usd_cumulative"})
    CHECK(data["series"]["cols"].contains(c));
  // Spot prices of every pool the group launches into (spot_prices.csv), and the reservation's target.
  CHECK(data["prices"].size() == 3);
  CHECK(data["cpr_target"] == 100);
  CHECK(data["worst"]["dropped_rps"].get<double>() > 0);  // start-up drops (no target registered yet)
  CHECK(data["events"].is_null());                       // no --events

  const auto again = run_cli_in_process({"report", (dir / "r").string(), "--quiet"});
  REQUIRE(again.exit_code == 0);
  CHECK(read_text(dir / "r" / "report.html") == html);
}

TEST_CASE("report: with --events the page carries the event log, and a later run without it drops the old log", "[report]") {
  const auto dir = scratch_dir("report-events");
  REQUIRE(run_cli_in_process({"run", "--duration", "1d", "--events", "-o", dir.string(), "--quiet"}).exit_code == 0);
  const std::string log = read_text(dir / "events.jsonl");
  const auto lines = static_cast<std::size_t>(std::count(log.begin(), log.end(), '\n'));
  REQUIRE(lines > 0);
  nlohmann::json data = page_data(read_text(dir / "report.html"));
  CHECK(data["events"]["total"] == lines);
  CHECK(data["events"]["windowed"] == false);
  CHECK(data["events"]["embedded"].size() == lines);
  CHECK(data["events"]["embedded"][0] == nlohmann::json::parse(log.substr(0, log.find('\n'))));

  // The same folder again without --events: the old log is not this run's.
  REQUIRE(run_cli_in_process({"run", "--duration", "1d", "-o", dir.string(), "--quiet"}).exit_code == 0);
  CHECK(!std::filesystem::exists(dir / "events.jsonl"));
  CHECK(page_data(read_text(dir / "report.html"))["events"].is_null());
}

TEST_CASE("report: a 30-day run's page stays under 5 MB", "[report]") {
  // Issue 7: "a 30-day run's page well under 5 MB; downsample where the eye cannot tell".
  const auto dir = scratch_dir("report-30d");
  REQUIRE(run_cli_in_process({"run", "--duration", "30d", "-o", dir.string(), "--quiet"}).exit_code == 0);
  const auto size = std::filesystem::file_size(dir / "report.html");
  INFO("report.html: " << size << " bytes; timeseries.csv: " << std::filesystem::file_size(dir / "timeseries.csv"));
  CHECK(size < 2'000'000);
}

TEST_CASE("report: bad folders and bad files exit 2 naming them, and leave the old page alone", "[report]") {
  const auto dir = scratch_dir("report-bad");
  auto r = run_cli_in_process({"report", (dir / "missing").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("no such folder") != std::string::npos);
  r = run_cli_in_process({"report", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("not a results folder") != std::string::npos);

  REQUIRE(run_cli_in_process({"run", "--duration", "3h", "-o", (dir / "r").string(), "--quiet"}).exit_code == 0);
  const std::string page = read_text(dir / "r" / "report.html");
  std::string csv = read_text(dir / "r" / "timeseries.csv");
  csv.insert(csv.find('\n', csv.find('\n') + 1) + 1, "2024-02-05T00:02:00Z,oops\n");
  write_text(dir / "r" / "timeseries.csv", csv);
  r = run_cli_in_process({"report", (dir / "r").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("timeseries.csv: line 3") != std::string::npos);
  CHECK(read_text(dir / "r" / "report.html") == page);

  write_text(dir / "r" / "summary.json", "{\"scenario\": ");
  r = run_cli_in_process({"report", (dir / "r").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("summary.json") != std::string::npos);
}

TEST_CASE("report: a sweep's page marks the Pareto front of its grid points", "[report]") {
  const auto dir = scratch_dir("report-sweep");
  const std::string sweep = R"({"spotsim_sweep": 1, "base": ")" + std::string(SPOTSIM_SOURCE_DIR) + R"(/scenarios/demo-api-prod.json", "seed": 3,
    "replications": 2,
    "axes": {"AutoScalingGroups.0.MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity": [0, 100]}})";
  write_text(dir / "sweep.json", sweep);
  const auto r = run_cli_in_process({"sweep", (dir / "sweep.json").string(), "-o", (dir / "out").string(), "--duration", "6h", "--quiet", "-j", "1"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json data = page_data(read_text(dir / "out" / "report.html"));
  CHECK(data["kind"] == "sweep");
  REQUIRE(data["points"].size() == 2);
  // All On-Demand costs more and drops no fewer requests (same load, same seeds): only 0 % is on the front.
  const auto& p0 = data["points"][0];
  const auto& p1 = data["points"][1];
  CHECK(p0["figures"]["cost.total_usd"]["mean"].get<double>() < p1["figures"]["cost.total_usd"]["mean"].get<double>());
  CHECK(p0["pareto"] == true);
  CHECK(p1["pareto"] == (p1["figures"]["requests.drop_rate"]["mean"].get<double>() <
                         p0["figures"]["requests.drop_rate"]["mean"].get<double>()));
  CHECK(p0["figures"]["cost.total_usd"].contains("ci95_low"));
}

TEST_CASE("report: compare --report writes both runs, the comparison and the page", "[report]") {
  const auto dir = scratch_dir("report-compare");
  const std::string scenario = std::string(SPOTSIM_SOURCE_DIR) + "/scenarios/demo-api-prod.json";
  REQUIRE(std::filesystem::exists(scenario));
  const std::string set = "AutoScalingGroups.0.MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity=0";
  // A file in the way is refused before anything runs.
  write_text(dir / "file", "x");
  auto r = run_cli_in_process({"compare", scenario, "--set", set, "--duration", "3h", "--replications", "2", "--report",
                               (dir / "file").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("a file is in the way") != std::string::npos);

  r = run_cli_in_process({"compare", scenario, "--set", set, "--duration", "6h", "--replications", "3", "-j", "2",
                          "--report", (dir / "cmp").string()});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  for (const char* f : {"compare.json", "report.html", "base/summary.json", "base/timeseries.csv", "base/report.html",
                        "variant/summary.json", "variant/report.html"})
    CHECK(std::filesystem::exists(dir / "cmp" / f));
  const nlohmann::json data = page_data(read_text(dir / "cmp" / "report.html"));
  CHECK(data["kind"] == "compare");
  CHECK(data["base"]["kind"] == "run");
  CHECK(data["variant"]["kind"] == "run");
  // The runs on the page are the comparison's first pair: replication 0 of each, same seed.
  const nlohmann::json base = nlohmann::json::parse(read_text(dir / "cmp" / "base" / "summary.json"));
  const nlohmann::json variant = nlohmann::json::parse(read_text(dir / "cmp" / "variant" / "summary.json"));
  CHECK(base["replication"] == 0);
  CHECK(variant["replication"] == 0);
  CHECK(base["seed"] == variant["seed"]);
  CHECK(base["cost"]["total_usd"] != variant["cost"]["total_usd"]);
  bool has_cost = false;
  for (const auto& f : data["figures"]) has_cost = has_cost || f["name"] == "cost.total_usd";
  CHECK(has_cost);
}

}  // namespace spotsim
