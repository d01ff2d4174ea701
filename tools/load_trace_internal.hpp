#pragma once
// Internals shared by the load-trace readers (load_trace*.cpp, alb_access_logs.cpp); not part of
// the program's interface. Tests include it for the gzip reader.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sim_time.hpp"
#include "tools/input_error.hpp"
#include "tools/load_trace.hpp"
#include "tools/text_input.hpp"

namespace spotsim::load_trace_detail {

// Trace times (epoch or relative ms) must lie within ±kMaxTraceMs: about ±3,000 years, so sums and
// differences of two of them, and of durations, never overflow.
inline constexpr std::int64_t kMaxTraceMs = std::int64_t{100'000'000'000'000};

// Shared with the spot price readers (text_input.hpp).
using text_input::format_instant;
using text_input::format_number;
using text_input::json_text;
using text_input::Problems;
using text_input::quote_value;

// The whole file, gunzipped when it starts with gzip's magic bytes. Refuses directories and files
// (or decompressed contents) above kMaxTraceFileBytes; a FIFO without a writer reads as empty.
// Errors: InputError(display_name, "", "cannot read file: ...").
std::string read_input_file(const std::filesystem::path& file, const std::string& display_name);

// gzip (RFC 1952), one member or several back to back.
bool is_gzip(std::string_view bytes);
// False when the program was built without zlib's header (then gunzip always throws).
bool gzip_supported();
// Throws InputError(display_name, "", ...) on corrupt or truncated data, or output above max_output.
std::string gunzip(std::string_view compressed, const std::string& display_name, std::size_t max_output);

std::string duration_text(SimTime ms);  // "1m", "1h30m", "2d", "250ms", "-5s"
// A decimal number covering the whole text, a leading '+' allowed ("+5"); NaN/Inf parse (callers
// range-check).
inline std::optional<double> parse_number(std::string_view text) {
  return text_input::parse_number(text, text_input::LeadingPlus::accepted);
}

// A file trace: intervals [start, start + per) each with a value (requests in the interval, or
// a rate when values_are_rates), sorted by start, at least `per` apart.
struct TraceData {
  struct Interval {
    std::int64_t start = 0;  // epoch ms when absolute, else ms relative to an arbitrary origin
    double value = 0;
  };
  std::vector<Interval> intervals;
  SimTime per = 0;
  bool absolute = true;
  bool values_are_rates = false;
};

struct Alignment {
  bool absolute = false;  // place trace instants against the scenario start; else the first interval at 0
  SimTime offset = 0;     // simulated time 0 = anchor + offset
};

// Where the spec lives, for messages about it.
struct SpecPlace {
  std::string file;     // the scenario file
  std::string pointer;  // JSON pointer of `requests`
  InputError error(const std::string& key, const std::string& message) const;  // at pointer + "/" + key
};

// The offered-rate profile of a file trace over [0, duration): alignment, scale, loop (load_trace.hpp).
LoadTrace build_profile(const TraceData& data, const Alignment& align, std::int64_t start_epoch_ms, SimTime duration,
                        double scale, bool loop, const SpecPlace& place, const std::string& source);

// ---- CSV (load_trace_csv.cpp)
enum class TimeFormat { automatic, iso8601, epoch_seconds, epoch_millis, relative };
struct CsvOptions {
  std::optional<std::string> time_column, value_column;
  std::optional<SimTime> per;
  TimeFormat time_format = TimeFormat::automatic;
  std::optional<SimTime> time_unit;
  std::int64_t utc_offset_ms = 0;  // added to ISO times without an offset: local = UTC + offset
  bool values_are_rates = false;
  std::string spec_where;  // "scenario.json: /workload/traffic/0/requests", named in column errors
};
TraceData read_csv_trace(const std::filesystem::path& file, const std::string& display_name, const CsvOptions& options);

// ---- CloudWatch get-metric-data JSON (load_trace_cloudwatch.cpp)
struct CloudWatchOptions {
  std::optional<SimTime> period;
  std::optional<std::string> id;
};
TraceData read_cloudwatch_trace(const std::filesystem::path& file, const std::string& display_name,
                                const CloudWatchOptions& options);

}  // namespace spotsim::load_trace_detail
