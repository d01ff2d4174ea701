// The benchmarks' main(): Google Benchmark's, after what the spotsim program does first
// (tools/main.cpp) — the heap on huge pages (sim/huge_pages.hpp) — so a benchmark times what a user
// of the CLI waits for. SPOTSIM_HUGE_PAGES=0 times it without.
#include <benchmark/benchmark.h>

#include "sim/huge_pages.hpp"

int main(int argc, char** argv) {
  spotsim::huge_pages::enable();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
