// Fleet-scale benchmarks (contract.md § Benchmarks; issue 8 "Speed and scale"):
//   BM_LargeFleetYear   365 days, up to 2,000 instances, 20 services sharing one cluster, per-minute
//                       traffic, hazard interruptions with pool reclaims, service and cluster auto
//                       scaling (bench/large_fleet_scenario.hpp) — judged by wall time per run
//                       (target <= 10 s) and peak memory (target <= 1 GiB: counter peak_rss_mib, the
//                       process's high-water mark, so run it alone); reported as simulated days per
//                       wall second and events per second.
//   BM_FleetDays/D      the same fleet (2,000 instances at most) over D = 1, 7, 30, 365 days;
//   BM_FleetSize/N      30 days at N = 10, 100, 1,000, 2,000 instances at most — the scaling study
//                       of bench/README.md (wall time and events against days and against fleet size).
// Loading (parsing the JSON, drawing the per-minute load profiles) is timed too: it is part of what
// a user waits for. One iteration of the year takes seconds: run it alone, e.g.
//   build/bench/spotsim_bench --benchmark_filter=LargeFleetYear
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <filesystem>

#include "bench/large_fleet_scenario.hpp"
#include "models/world.hpp"
#include "tools/scenario.hpp"

namespace {

using namespace spotsim;

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void run_fleet(benchmark::State& state, const bench::LargeFleetShape& shape) {
  const std::string text = bench::large_fleet_scenario(shape).dump();
  double days = 0, events = 0, peak_instances = 0;
  for (auto _ : state) {
    const Scenario scenario = load_scenario_text(text, "large-fleet.json", std::filesystem::current_path());
    World world(scenario.world);
    const RunResult result = world.run();
    days += shape.days;
    events += static_cast<double>(result.engine.events);
    peak_instances = result.instances.peak;
    benchmark::DoNotOptimize(result.cost);
  }
  state.counters["simulated_days_per_second"] = benchmark::Counter(days, benchmark::Counter::kIsRate);
  state.counters["events_per_second"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["events"] = benchmark::Counter(events, benchmark::Counter::kAvgIterations);
  state.counters["peak_instances"] = peak_instances;
  state.counters["peak_rss_mib"] = peak_rss_mib();
}

void BM_LargeFleetYear(benchmark::State& state) { run_fleet(state, {365, 2000, 20}); }
BENCHMARK(BM_LargeFleetYear)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_FleetDays(benchmark::State& state) { run_fleet(state, {static_cast<int>(state.range(0)), 2000, 20}); }
BENCHMARK(BM_FleetDays)->Arg(1)->Arg(7)->Arg(30)->Arg(365)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_FleetSize(benchmark::State& state) { run_fleet(state, {30, static_cast<int>(state.range(0)), 20}); }
BENCHMARK(BM_FleetSize)->Arg(10)->Arg(100)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
