#pragma once
// The fuzz entry points (issue 8, "Hostile input"): one per kind of file a user hands spotsim. Each
// takes arbitrary bytes, puts them where the reader expects them (a file in a per-process scratch
// folder when the reader takes a path) and calls the same reader the program calls. Bad input is a
// normal outcome: the reader's InputError (the program's exit 2) is caught and ignored. Anything else
// is a finding and is left to escape: another exception (the program's exit 3, "internal error"), a
// crash, a sanitizer report, a hang or unbounded memory.
//
// The same functions run under libFuzzer (tests/fuzz/fuzz_<name>.cpp, clang, SPOTSIM_FUZZ=ON) and in
// the ordinary test binary (tests/test_fuzz_regressions.cpp replays every seed and every committed
// regression input through them, under g++ and its sanitizers).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace spotsim::fuzz {

using FuzzFunction = int (*)(const std::uint8_t* data, std::size_t size);

// A scenario file: load_scenario_text (the JSON parser and every block's loader; nothing runs).
int fuzz_scenario(const std::uint8_t* data, std::size_t size);
// A sweep file beside a small embedded base scenario "base.json": read_sweep_file, then make_sweep
// (which loads every grid point) when the grid has at most kMaxFuzzSweepPoints points.
int fuzz_sweep(const std::uint8_t* data, std::size_t size);
// A CSV load trace through read_load_trace. An optional first line "#spec {...}" gives the spec's
// other keys (time, value, per, timeFormat, align, ...); "csv" always names the input.
int fuzz_csv_trace(const std::uint8_t* data, std::size_t size);
// A CloudWatch get-metric-data load trace through read_load_trace; "#spec {...}" as above.
int fuzz_cloudwatch_trace(const std::uint8_t* data, std::size_t size);
// aws ec2 describe-spot-price-history JSON: read_spot_price_history_json.
int fuzz_spot_price_history(const std::uint8_t* data, std::size_t size);
// The CSV form of a spot price history: read_spot_price_csv.
int fuzz_spot_price_csv(const std::uint8_t* data, std::size_t size);
// spotsim import aws: the input split at lines "---8<---" into up to 8 files, then import_aws.
int fuzz_import_aws(const std::uint8_t* data, std::size_t size);
// spotsim import terraform: a `terraform show -json` plan, import_terraform_plan.
int fuzz_import_terraform(const std::uint8_t* data, std::size_t size);

// A sweep grid larger than this is read but not loaded point by point: loading a large grid is slow
// by design (every point is a scenario), which is not what the fuzzer looks for.
inline constexpr std::size_t kMaxFuzzSweepPoints = 16;
// The line that separates files in fuzz_import_aws's input.
inline constexpr std::string_view kFileSeparator = "\n---8<---\n";

struct FuzzTarget {
  const char* name;  // fuzz_<name>, tests/fuzz/corpus/<name>/, tests/fuzz/regressions/<name>/
  FuzzFunction run;
};
const std::vector<FuzzTarget>& fuzz_targets();

}  // namespace spotsim::fuzz
