#include "tools/results_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
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

nlohmann::ordered_json milliseconds_or_null(const std::optional<double>& seconds) {
  if (!seconds) return nullptr;
  return round6(*seconds * 1000.0);
}

// contract.md: offered == served + dropped_total exactly and dropped_total is the sum of the
// reasons. The fluid integrals are rounded once, here: each reason and offered to whole requests,
// served is what remains.
struct RoundedRequests {
  std::uint64_t offered = 0, served = 0, dropped_total = 0;
  std::array<std::uint64_t, kDropReasons> dropped{};
};

RoundedRequests round_requests(const std::optional<RequestSummary>& r) {
  RoundedRequests out;
  if (!r) return out;
  auto whole = [](double v) { return v > 0 ? static_cast<std::uint64_t>(std::llround(v)) : std::uint64_t{0}; };
  out.offered = whole(r->offered);
  for (std::size_t k = 0; k < kDropReasons; ++k) {
    out.dropped[k] = std::min(whole(r->dropped[k]), out.offered - out.dropped_total);
    out.dropped_total += out.dropped[k];
  }
  out.served = out.offered - out.dropped_total;
  return out;
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
      {"usd_per_million_requests", nullptr},
  };
  const RoundedRequests q = round_requests(result.requests);
  // Instances' cost per million requests served (null with none served).
  if (q.served > 0) s["cost"]["usd_per_million_requests"] = round6((round6(c.spot_usd) + round6(c.on_demand_usd)) / (static_cast<double>(q.served) / 1e6));
  nlohmann::ordered_json dropped = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < kDropReasons; ++k) dropped[to_string(static_cast<DropReason>(k))] = q.dropped[k];
  s["requests"] = {
      {"offered", q.offered},
      {"served", q.served},
      {"dropped_total", q.dropped_total},
      {"drop_rate", q.offered > 0 ? round6(static_cast<double>(q.dropped_total) / static_cast<double>(q.offered)) : 0.0},
      {"dropped", dropped},
      {"latency_ms",
       {{"p50", milliseconds_or_null(result.requests ? result.requests->p50 : std::nullopt)},
        {"p95", milliseconds_or_null(result.requests ? result.requests->p95 : std::nullopt)},
        {"p99", milliseconds_or_null(result.requests ? result.requests->p99 : std::nullopt)}}},
      {"mode", to_string(w.traffic_mode)},
  };
  // ALB access logs as a load source: what the real load balancer recorded, beside the simulation
  // (raw counts of the logs read, not scaled, looped or cut to the simulated period).
  nlohmann::ordered_json observed;
  for (const TrafficSource& t : w.traffic) {
    if (!t.observed) continue;
    const ObservedAlbCounts& o = *t.observed;
    nlohmann::ordered_json entry = {
        {"target_group", t.target_group < w.target_groups.size() ? w.target_groups[t.target_group].name : ""},
        {"files", o.files},
        {"from", format_iso8601(o.first_request_epoch_ms)},
        {"to", format_iso8601(o.last_request_epoch_ms)},
        {"requests", o.requests},
        {"elb_5xx", o.elb_5xx},
        {"elb_generated_5xx", o.elb_generated_5xx},
        {"elb_502", o.elb_502},
        {"elb_503", o.elb_503},
        {"elb_504", o.elb_504},
        {"target_5xx", o.target_5xx},
    };
    observed.push_back(entry);
  }
  if (!observed.is_null()) s["requests"]["observed_alb_logs"] = observed;
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
  s["scaling"] = {
      {"asg_scale_out", result.scaling.asg_scale_out},
      {"asg_scale_in", result.scaling.asg_scale_in},
      {"service_scale_out", result.scaling.service_scale_out},
      {"service_scale_in", result.scaling.service_scale_in},
  };
  // DescribeInstanceRefreshes, in spotsim's terms: one entry per refresh that started.
  nlohmann::ordered_json refreshes = nlohmann::ordered_json::array();
  for (const ScalingSummary::Refresh& r : result.scaling.instance_refreshes) {
    const InstanceRefreshProgress& p = r.progress;
    refreshes.push_back({
        {"group", r.group},
        {"started", format_iso8601(w.start_epoch_ms + p.started)},
        {"ended", p.ended ? nlohmann::ordered_json(format_iso8601(w.start_epoch_ms + *p.ended)) : nullptr},
        {"status", to_string(p.status)},
        {"min_healthy_instances", p.min_healthy},
        {"to_replace", p.to_replace},
        {"replaced", p.terminated},
        {"launched_first", p.launched_first},
        {"ignored_protected", p.ignored},
        {"batches", p.batches},
    });
  }
  s["scaling"]["instance_refreshes"] = refreshes;
  s["engine"] = {{"events", result.engine.events}, {"stale_events", result.engine.stale_events}};
  s["not_simulated"] = scenario.not_simulated;
  return s.dump(2) + "\n";
}

std::string timeseries_csv(const Scenario& scenario, const RunResult& result) {
  // Columns are only ever appended: scripts read them by position too.
  std::string out =
      "time,asg_desired,instances_pending,instances_spot,instances_on_demand,instances_draining,"
      "interruption_notices,launch_failures,cost_usd_cumulative,on_demand_baseline_usd_cumulative,"
      "service_desired,tasks_running,tasks_pending,tasks_stopping,container_instances,"
      "offered_rps,served_rps,dropped_rps,no_target_rps,target_lost_rps,timeout_rps,rejected_rps,cpu_utilization,"
      "capacity_provider_reservation\n";
  char line[512];
  for (const TimeseriesRow& r : result.timeseries) {
    const std::string time = format_iso8601(scenario.world.start_epoch_ms + r.time);
    std::snprintf(line, sizeof line, "%s,%d,%d,%d,%d,%d,%" PRIu64 ",%" PRIu64 ",%.6f,%.6f,%d,%d,%d,%d,%d\n",
                  time.c_str(), r.asg_desired, r.instances_pending, r.instances_spot, r.instances_on_demand,
                  r.instances_draining, static_cast<std::uint64_t>(r.interruption_notices),
                  static_cast<std::uint64_t>(r.launch_failures), round6(r.cost_usd_cumulative),
                  round6(r.on_demand_baseline_usd_cumulative), r.service_desired, r.tasks_running, r.tasks_pending,
                  r.tasks_stopping, r.container_instances);
    out += line;
    out.pop_back();  // the traffic columns follow on the same line
    std::snprintf(line, sizeof line, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,", round6(r.offered_rps), round6(r.served_rps),
                  round6(r.dropped_rps), round6(r.dropped_rps_by_reason[0]), round6(r.dropped_rps_by_reason[1]),
                  round6(r.dropped_rps_by_reason[2]), round6(r.dropped_rps_by_reason[3]));
    out += line;
    if (r.cpu_utilization) {
      std::snprintf(line, sizeof line, "%.6f", round6(*r.cpu_utilization));
      out += line;
    }
    out += ',';
    if (r.capacity_provider_reservation) {
      std::snprintf(line, sizeof line, "%.6f", round6(*r.capacity_provider_reservation));
      out += line;
    }
    out += '\n';
  }
  return out;
}

std::string spot_prices_csv(const Scenario& scenario) {
  // The pools the groups launch into, each with the price the market uses for it (per pool, else
  // per type: SpotMarketConfig), at the start and at each change within the run.
  const SpotMarketConfig& market = scenario.world.market;
  std::vector<std::string> pools;
  for (const AutoScalingGroupConfig& g : scenario.world.groups)
    for (const std::string& type : g.instance_types)
      for (const std::string& az : g.availability_zones) {
        std::string pool = type;
        pool += '/';
        pool += az;
        if (std::find(pools.begin(), pools.end(), pool) == pools.end()) pools.push_back(pool);
      }
  std::sort(pools.begin(), pools.end());
  std::string out = "time,pool,spot_price_usd_per_hour\n";
  char line[64];
  for (const std::string& pool : pools) {
    const StepFunction* price = nullptr;
    if (auto it = market.spot_price_by_pool.find(pool); it != market.spot_price_by_pool.end()) {
      price = &it->second;
    } else if (auto t = market.spot_price_by_type.find(pool.substr(0, pool.find('/'))); t != market.spot_price_by_type.end()) {
      price = &t->second;
    }
    if (!price) continue;
    for (std::optional<SimTime> at = SimTime{0}; at && *at <= scenario.world.duration; at = price->next_change_after(*at)) {
      std::snprintf(line, sizeof line, ",%.6f\n", round6(price->value_at(*at)));
      out += format_iso8601(scenario.world.start_epoch_ms + *at);
      out += ',';
      out += pool;
      out += line;
    }
  }
  return out;
}

std::string resolved_scenario_json(const Scenario& scenario) { return scenario.resolved.dump(2) + "\n"; }

namespace {

// Creates the results folder; true if it did not exist before.
bool create_results_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  const bool created = std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(dir.generic_string(), "",
                     "cannot create the results folder" + (ec ? ": " + ec.message() : std::string(": a file is in the way")));
  return created;
}

std::filesystem::path temporary_beside(const std::filesystem::path& file) {
  std::filesystem::path tmp = file;
  tmp += ".tmp-" + std::to_string(::getpid());
  return tmp;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& file, std::string_view contents) {
  const std::filesystem::path tmp = temporary_beside(file);
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

EventLogFile::EventLogFile(const std::filesystem::path& dir, std::int64_t start_epoch_ms)
    : dir_(dir),
      file_(dir / "events.jsonl"),
      tmp_(temporary_beside(file_)),
      created_dir_(create_results_folder(dir)),
      out_(tmp_, std::ios::binary | std::ios::trunc),
      log_(out_, start_epoch_ms) {
  if (!out_) {
    const int error = errno;
    std::error_code ignored;
    if (created_dir_) std::filesystem::remove(dir_, ignored);
    throw InputError(tmp_.generic_string(), "", std::string("cannot write: ") + std::strerror(error));
  }
}

EventLogFile::~EventLogFile() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(tmp_, ignored);
  if (created_dir_ && std::filesystem::is_empty(dir_, ignored)) std::filesystem::remove(dir_, ignored);
}

void EventLogFile::commit() {
  const bool written = log_.flush();
  out_.close();
  if (!written || out_.fail()) throw InputError(tmp_.generic_string(), "", "cannot write: write error (disk full?)");
  std::error_code ec;
  std::filesystem::rename(tmp_, file_, ec);
  if (ec) throw InputError(file_.generic_string(), "", "cannot replace the file: " + ec.message());
  committed_ = true;
}

void write_results(const std::filesystem::path& dir, const Scenario& scenario, const RunResult& result,
                   EventLogFile* events) {
  create_results_folder(dir);
  // Built completely before the first file is written.
  const std::string summary = summary_json(scenario, result);
  const std::string timeseries = timeseries_csv(scenario, result);
  const std::string resolved = resolved_scenario_json(scenario);
  const std::string prices = spot_prices_csv(scenario);
  write_file_atomically(dir / "scenario.json", resolved);
  write_file_atomically(dir / "spot_prices.csv", prices);
  write_file_atomically(dir / "timeseries.csv", timeseries);
  if (events != nullptr) {
    events->commit();
  } else {
    // An events.jsonl left by an earlier run into this folder is not this run's: the report would
    // list its events beside this run's charts.
    std::error_code ignored;
    std::filesystem::remove(dir / "events.jsonl", ignored);
  }
  write_file_atomically(dir / "summary.json", summary);
}

}  // namespace spotsim
