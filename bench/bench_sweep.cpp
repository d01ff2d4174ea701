// The sweep's contract benchmark (contract.md § Benchmarks):
//   BM_Sweep1000  1,000 runs of the seed month (the embedded default scenario over 30 days, fluid
//                 mode) on all cores through the sweep library (tools/sweep.hpp: one grid point,
//                 1,000 replications; summaries built, no files written) — judged by wall time
//                 (target <= 30 s), reported with runs and simulated days per wall second.
// One iteration takes 15-30 s: run it alone, once:
//   build/bench/spotsim_bench --benchmark_filter=Sweep1000
#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <numeric>

#include "tools/default_scenario.hpp"
#include "tools/parallel_for.hpp"
#include "tools/sweep.hpp"

namespace {

using namespace spotsim;

constexpr int kRuns = 1000;

void BM_Sweep1000(benchmark::State& state) {
  SweepDefinition definition;
  definition.file = "bench-sweep.json";
  definition.base = "demo-api-prod.json (embedded default scenario)";
  definition.base_file = definition.base;
  definition.base_dir = std::filesystem::current_path();
  definition.base_document = parse_json_text(default_scenario_json(), definition.base_file);
  definition.replications = kRuns;
  definition.seed = 1;
  SweepOptions options;
  options.duration = "30d";
  const Sweep sweep = make_sweep(definition, options);
  std::vector<std::size_t> runs(kRuns);
  std::iota(runs.begin(), runs.end(), std::size_t{0});

  std::atomic<std::size_t> summary_bytes{0};
  for (auto _ : state) {
    run_sweep(sweep, runs, /*jobs=*/0, [&](std::size_t, const std::string& summary) { summary_bytes += summary.size(); });
  }
  benchmark::DoNotOptimize(summary_bytes.load());
  const double runs_done = static_cast<double>(state.iterations()) * kRuns;
  state.counters["runs_per_second"] = benchmark::Counter(runs_done, benchmark::Counter::kIsRate);
  state.counters["simulated_days_per_second"] = benchmark::Counter(runs_done * 30, benchmark::Counter::kIsRate);
  state.counters["threads"] = default_jobs();
}
BENCHMARK(BM_Sweep1000)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
