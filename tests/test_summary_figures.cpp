// The named figures of a summary.json (tools/summary_figures.hpp), from a real run's summary.
#include "tools/summary_figures.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "tests/tools_test_support.hpp"
#include "tools/results_writer.hpp"

using namespace spotsim;
using namespace spotsim::test;

TEST_CASE("summary figures: every numeric leaf by dotted path, in the file's order, identity left out", "[summary_figures]") {
  const nlohmann::ordered_json s = nlohmann::ordered_json::parse(R"({
    "spotsim_version": "0.1.0", "scenario": "x", "seed": 7, "replication": 3, "simulated_seconds": 3600,
    "cost": {"total_usd": 1.5, "savings_ratio": 2.0},
    "requests": {"offered": 10, "dropped": {"no_target": 1}, "latency_ms": {"p50": null}, "mode": "fluid"},
    "scaling": {"asg_scale_out": 2, "instance_refreshes": [{"batches": 3}]},
    "not_simulated": []
  })");
  const std::vector<Figure> f = summary_figures(s);
  REQUIRE(f.size() == 7);
  CHECK(f[0].name == "simulated_seconds");
  CHECK(f[1].name == "cost.total_usd");
  CHECK(f[1].value == 1.5);
  CHECK(f[2].name == "cost.savings_ratio");
  CHECK(f[3].name == "requests.offered");
  CHECK(f[4].name == "requests.dropped.no_target");
  CHECK(f[5].name == "requests.latency_ms.p50");
  CHECK(std::isnan(f[5].value));
  CHECK(f[6].name == "scaling.asg_scale_out");
  CHECK(has_figure(f, "cost.total_usd"));
  CHECK_FALSE(has_figure(f, "seed"));
  CHECK_FALSE(has_figure(f, "requests.mode"));
}

TEST_CASE("summary figures: a run's summary.json has the figures contract.md names", "[summary_figures]") {
  const Scenario s = load_scenario(small_ecs_scenario(), "small-ecs.json", fs::current_path());
  World world(s.world);
  const RunResult r = world.run();
  const std::vector<Figure> f = summary_figures(nlohmann::ordered_json::parse(summary_json(s, r)));
  for (const char* name : {"cost.total_usd", "cost.savings_ratio", "requests.drop_rate", "instances.interrupted",
                           "tasks.started", "scaling.asg_scale_out", "engine.events"})
    CHECK(has_figure(f, name));
}
