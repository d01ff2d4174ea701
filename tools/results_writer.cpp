#include "tools/results_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "spotsim/version.hpp"
#include "tools/input_error.hpp"

namespace spotsim {
namespace {

// Money and hours are rounded to 1e-6 so the last bits of a floating-point sum never show in the
// files (same inputs, same bytes).
double round6(double v) {
  const double r = std::round(v * 1e6) / 1e6;
  return r == 0 ? 0.0 : r;  // no "-0.0"
}

nlohmann::ordered_json seconds_value(SimTime t) {
  if (t % 1000 == 0) return t / 1000;
  return static_cast<double>(t) / 1000.0;
}

}  // namespace

std::string summary_json(const Scenario& scenario, const RunResult& result) {
  const WorldConfig& w = scenario.world;
  const BillingTotals& c = result.cost;
  const FleetSummary& f = result.instances;
  nlohmann::ordered_json s;
  s["spotsim_version"] = kVersion;
  s["scenario"] = scenario.name;
  s["seed"] = w.seed;
  s["replication"] = w.replication;
  s["simulated_seconds"] = seconds_value(w.duration);
  // The total is the sum of the rounded parts, so total = spot + On-Demand holds in the file too.
  s["cost"] = {
      {"total_usd", round6(round6(c.spot_usd) + round6(c.on_demand_usd))},
      {"spot_usd", round6(c.spot_usd)},
      {"on_demand_usd", round6(c.on_demand_usd)},
      {"load_balancer_usd", 0.0},  // ALBs are not simulated yet
      {"on_demand_only_baseline_usd", round6(c.baseline_usd)},
      {"savings_ratio", round6(c.savings_ratio())},
      {"usd_per_million_requests", nullptr},  // null until requests are modelled
  };
  s["instances"] = {
      {"launched_spot", f.launched_spot},
      {"launched_on_demand", f.launched_on_demand},
      {"interruption_notices", f.interruption_notices},
      {"interrupted", f.interrupted},
      {"rebalance_recommendations", f.rebalance_recommendations},
      {"launch_failures", f.launch_failures},
      {"spot_hours", round6(f.spot_hours)},
      {"on_demand_hours", round6(f.on_demand_hours)},
      {"peak", f.peak},
  };
  // contract.md's four keys first, then the rest of TaskSummary.
  const TaskSummary& t = result.tasks;
  s["tasks"] = {
      {"started", t.started},
      {"stopped_for_draining", t.stopped_for_draining},
      {"placement_failures", t.placement_failures},
      {"peak_running", t.peak_running},
      {"killed_by_termination", t.killed_by_termination},
      {"failed_to_start", t.failed_to_start},
      {"unhealthy", t.unhealthy},
      {"placement_failures_by_reason",
       {{"cpu", t.placement_failures_cpu},
        {"memory", t.placement_failures_memory},
        {"ports", t.placement_failures_ports},
        {"constraint", t.placement_failures_constraint},
        {"no_instances", t.placement_failures_no_instances}}},
      {"deployments",
       {{"completed", t.deployments_completed}, {"failed", t.deployments_failed}, {"rollbacks", t.rollbacks}}},
  };
  s["engine"] = {{"events", result.engine.events}, {"stale_events", result.engine.stale_events}};
  s["not_simulated"] = scenario.not_simulated;
  return s.dump(2) + "\n";
}

std::string timeseries_csv(const Scenario& scenario, const RunResult& result) {
  // Columns are only ever appended: scripts read them by position too.
  std::string out =
      "time,asg_desired,instances_pending,instances_spot,instances_on_demand,instances_draining,"
      "interruption_notices,launch_failures,cost_usd_cumulative,on_demand_baseline_usd_cumulative,"
      "service_desired,tasks_running,tasks_pending,tasks_stopping,container_instances\n";
  char line[320];
  for (const TimeseriesRow& r : result.timeseries) {
    const std::string time = format_iso8601(scenario.world.start_epoch_ms + r.time);
    std::snprintf(line, sizeof line, "%s,%d,%d,%d,%d,%d,%" PRIu64 ",%" PRIu64 ",%.6f,%.6f,%d,%d,%d,%d,%d\n",
                  time.c_str(), r.asg_desired, r.instances_pending, r.instances_spot, r.instances_on_demand,
                  r.instances_draining, static_cast<std::uint64_t>(r.interruption_notices),
                  static_cast<std::uint64_t>(r.launch_failures), round6(r.cost_usd_cumulative),
                  round6(r.on_demand_baseline_usd_cumulative), r.service_desired, r.tasks_running, r.tasks_pending,
                  r.tasks_stopping, r.container_instances);
    out += line;
  }
  return out;
}

std::string resolved_scenario_json(const Scenario& scenario) { return scenario.resolved.dump(2) + "\n"; }

void write_file_atomically(const std::filesystem::path& file, std::string_view contents) {
  std::filesystem::path tmp = file;
  tmp += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(tmp.generic_string(), "", std::string("cannot write: ") + std::strerror(errno));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw InputError(tmp.generic_string(), "", "cannot write: write error (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw InputError(file.generic_string(), "", "cannot replace the file: " + ec.message());
  }
}

void write_results(const std::filesystem::path& dir, const Scenario& scenario, const RunResult& result) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(dir.generic_string(), "",
                     "cannot create the results folder" + (ec ? ": " + ec.message() : std::string(": a file is in the way")));
  // Built completely before the first file is written.
  const std::string summary = summary_json(scenario, result);
  const std::string timeseries = timeseries_csv(scenario, result);
  const std::string resolved = resolved_scenario_json(scenario);
  write_file_atomically(dir / "scenario.json", resolved);
  write_file_atomically(dir / "timeseries.csv", timeseries);
  write_file_atomically(dir / "summary.json", summary);
}

}  // namespace spotsim
