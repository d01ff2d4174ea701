#pragma once
// Load traces: every form of workload.traffic[].requests (contract.md "Scenario file") turned into
// the offered request rate over simulated time.
//
// Forms (exactly one source key; unknown keys are errors, at their JSON pointer):
//
//  {"rps": 250}                        constant (requests per second, finite, >= 0).
//
//  {"csv": "file.csv", "time": "minute", "value": "count", "per": "1m"}
//     A header row, then one row per interval: the interval's start in the `time` column, the number
//     of requests in it in the `value` column: rps = value / per. Rows may run oldest or newest
//     first (not mixed); a gap longer than `per` between two rows means zero requests in the missing
//     intervals (the WorldCup98 and NASA per-minute traces leave out empty minutes), never "the last
//     value holds". Rows closer together than `per` are an error, and so are, each at its line: a
//     repeated time, a row out of the file's order, a value that is not a number (text, empty), is
//     negative or not finite (NaN, inf), and an empty file (at line 1) or one with a header only (at
//     the line after it). Other keys:
//       time, value  column names (exact, after trimming spaces). May be left out when the file has
//                    exactly two columns: then the first is the time, the second the value.
//       per          the interval each value counts ("1m", "5m", "1s", or integer seconds). Default:
//                    the smallest spacing between consecutive rows (then at least two rows).
//       valueKind    "count" (default: requests per interval) or "rps" (the value is a rate already).
//       timeFormat   "auto" (default), "iso8601", "epochSeconds", "epochMillis" or "relative". The
//                    time column holds one of
//                      - an ISO 8601 date-time, "2024-02-05T10:05:00Z", "1998-04-30 21:30:00",
//                        "1998-04-30 21:30", fractional seconds and "Z"/"+02:00" offsets allowed;
//                        without an offset the time is UTC, or `utcOffset` ("-04:00") if given;
//                      - a number of seconds since the Unix epoch ("auto": numbers >= 1e8, i.e.
//                        from 1973 on; "epochMillis": milliseconds);
//                      - a relative time, a number of `timeUnit`s (default `per`): "Time (min)" =
//                        0, 1, 2 ... is a minute index with per "1m" ("auto": numbers below 1e8).
//                    "auto" decides from the first row; every row must then have that form.
//       timeUnit     unit of relative times ("1m", "1s", ...); default `per`.
//       utcOffset    "+HH:MM"/"-HH:MM" for ISO times written without one (NASA's logs are -04:00).
//
//  {"cloudwatch": "get-metric-data.json"}
//     `aws cloudwatch get-metric-data` output exactly as the CLI prints it:
//       {"MetricDataResults": [{"Id": "m1", "Label": "RequestCount", "Timestamps": [...],
//         "Values": [...], "StatusCode": "Complete"}], "Messages": []}
//     each timestamp the start of a period; the values are RequestCount Sum per period (finite,
//     >= 0; NaN and Infinity, which Python's json writes, are errors): rps = value / period. Within
//     one result the timestamps run one way, newest first (AWS's default) or oldest first, each once:
//     a disorder or repeat there is an error. Several pages back to back in one file (a loop over
//     NextToken), or a JSON array of pages, in any order; the same timestamp in two pages with the
//     same value counts once (overlapping pages), with two values is an error. Missing periods mean
//     zero.
//     StatusCode "Complete" or "PartialData" (a page of a longer answer); "InternalError" or
//     "Forbidden" is an error. Other keys:
//       period  the metric's period ("5m", 300); default: the smallest spacing between timestamps.
//       id      which result to use when the file holds several metric Ids (otherwise an error
//               listing them).
//
//  {"albAccessLogs": "dir or file" | ["file", ...]}   (see tools/alb_access_logs.hpp)
//     Requests counted per `per` bucket (default "1s") at their request time; `requestTime`:
//     "computed" (default: response time minus the processing times) or "requestCreationTime".
//     The logs' own outcome counts come back in LoadTrace::alb_counts, raw: `scale`, `loop` and the
//     simulated window shape the profile only, never these counts. The scenario loader hands them
//     to the world as TrafficSource::observed (models/target_group_config.hpp).
//
//  {"synthetic": {"meanRps": 300, "dailyAmplitude": 0.6, "peakHourUtc": 14, "noise": 0.1,
//                 "step": "1m"}}
//     Step k covers simulated time [k·step, (k+1)·step) over the whole duration with
//       rps_k = scale · meanRps · (1 + dailyAmplitude · cos(2π (h_k − peakHourUtc) / 24)) · ε_k
//     where h_k is the UTC hour of day (fractional) at the step's start, start + k·step, and
//       ε_k = exp(noise · z_k − noise² / 2), z_k standard normal,
//     a log-normal factor of mean exactly 1 (standard deviation ≈ noise when small), drawn in step
//     order from RandomStream(seed, random_stream, replication): deterministic for a seed, different
//     per replication and per traffic entry. meanRps is required (>= 0); dailyAmplitude in [0, 1]
//     (default 0), peakHourUtc in [0, 24) (default 14), noise in [0, 5] (default 0), step default 1m.
//     Over whole days with noise 0 the mean is meanRps exactly (the cosine sums to zero over any
//     whole number of days when the step divides a day).
//
// Alignment, for the file forms (csv, cloudwatch, albAccessLogs):
//     "align": "first" (default) — the trace's first interval starts at simulated time 0;
//     "align": "absolute" — trace timestamps are real instants, placed against the scenario's
//              `start` (useful for CloudWatch exports and access logs of the period simulated);
//              needs absolute times (not relative CSV times).
//     "offset": a duration (may be negative: "-1h"): simulated time 0 corresponds to the anchor
//              (the first timestamp, or `start`) plus offset. "offset": "2d" starts the simulation
//              two days into the trace; "-1h" lets traffic begin one hour into the run.
//
// Scale and loop: `scale` multiplies every rate. With `loop`, the trace repeats with period
// LoadTrace::period (first interval start to last interval end) over the whole simulated duration
// (in both directions: with "absolute" alignment a trace that starts after `start` is also
// extended backwards). Without `loop` the rate is 0 outside the trace: before its first interval
// and after its last.
//
// The profile is built over [0, duration) only: one step at 0, then one per change of value (a
// repeat is never stored). It is refused when it would need more than kMaxLoadSteps steps; files
// above kMaxTraceFileBytes (512 MiB, also after gunzip) are refused unread. Every CSV, JSON and
// access-log file may be gzipped (recognised by its magic bytes).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/sim_time.hpp"
#include "models/synthetic_load.hpp"  // SyntheticLoad, synthetic_rps
#include "sim/step_function.hpp"
#include "tools/alb_access_logs.hpp"
#include "tools/input_error.hpp"

namespace spotsim {

inline constexpr std::size_t kMaxLoadSteps = 50'000'000;  // steps of one profile, rows of one file
// The largest value a trace row may hold (a rate, or a count per bucket): 1e12, as `rps` and `scale`
// (load_trace.cpp kMaxRps). Beyond it the run's request counts would not fit their 64-bit integers.
inline constexpr double kMaxTraceValue = 1e12;


struct LoadTrace {
  StepFunction rps;    // offered requests per second over simulated time (ms since the scenario start)
  SimTime period = 0;  // length of one pass of a file trace (what `loop` repeats); 0: synthetic, constant
  std::string source;  // for messages and reports: the file, or "synthetic", "constant"
  // From ALB access logs only: the logs' own outcome counts, reported beside the simulation.
  std::optional<AlbLogCounts> alb_counts;
  // From the synthetic form only: its parameters (see synthetic_rps).
  std::optional<SyntheticLoad> synthetic;
};

// `spec` is the JSON value of `requests` (an object: the caller checked); `pointer` its JSON pointer
// in `scenario_file` for messages ("/workload/traffic/0/requests"); relative file names resolve
// against base_dir. `random_stream` names the noise stream of the synthetic form
// ("workload.traffic/<targetGroup>"); `replication` selects its numbers. Throws InputError: problems
// of the spec at their JSON pointer in scenario_file, problems of a file at its line (CSV, logs) or
// JSON pointer (CloudWatch). `scale` must be finite and >= 0 (reported at the pointer's sibling
// "scale").
LoadTrace read_load_trace(const nlohmann::json& spec, const std::string& scenario_file, const std::string& pointer,
                          const std::filesystem::path& base_dir, std::int64_t start_epoch_ms, SimTime duration,
                          double scale, bool loop, std::uint64_t seed, std::string_view random_stream,
                          std::uint64_t replication);


}  // namespace spotsim
