#pragma once
// Readers for the trace files a scenario points at: spot price history (the JSON that
// `aws ec2 describe-spot-price-history` prints, or CSV), the Spot Instance Advisor feed, and SkyPilot
// availability/preemption traces. Every problem is reported through InputError, naming the file and
// the line (CSV, JSON syntax) or the JSON pointer; a reader collects up to 20 problems before giving up.
// A file that cannot be opened gives InputError(display_name, "", "cannot read file: <reason>").
// Files larger than kMaxTraceFileBytes are refused unread.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "models/spot_market.hpp"  // AvailabilityTrace
#include "sim/step_function.hpp"
#include "tools/input_error.hpp"

namespace spotsim {

inline constexpr std::uintmax_t kMaxTraceFileBytes = std::uintmax_t{512} << 20;  // 512 MiB

// Spot prices per pool, keyed "instanceType/availabilityZone" ("c5a.2xlarge/us-east-1b"); values in
// USD/h as step functions over simulated time: ms relative to start_epoch_ms (negative for records
// before the start). A record's price holds until the pool's next record; before a pool's first
// record the function holds that first record's price (StepFunction's default), so a trace that
// starts after the scenario start is extended backwards rather than leaving the pool unpriced.
// Only Linux records are kept: ProductDescription "Linux/UNIX" or "Linux/UNIX (Amazon VPC)" (a record
// without ProductDescription is kept). Records may come in any order (AWS prints newest first); exact
// duplicates (same pool, time and price: overlapping pages) count once; the same pool and time with
// two prices is an error. A file with no Linux record is an error. Timestamps are ISO 8601 with "Z" or
// a numeric offset ("2024-02-01T10:00:00+00:00", "2023-12-30 21:17:02+00:00"); without one, UTC.
//
// JSON: describe-spot-price-history output exactly as the CLI prints it,
//   {"SpotPriceHistory": [{"AvailabilityZone": "us-east-1a", "InstanceType": "m5.large",
//     "ProductDescription": "Linux/UNIX", "SpotPrice": "0.036900",
//     "Timestamp": "2024-02-01T10:00:00+00:00"}, ...], "NextToken": "..."}
// several such pages back to back in one file, or a JSON array of pages. SpotPrice is a string (a
// JSON number is accepted too); unknown fields are ignored.
std::map<std::string, StepFunction> read_spot_price_history_json(const std::filesystem::path& file,
                                                                 const std::string& display_name,
                                                                 std::int64_t start_epoch_ms);
// CSV: a header row naming at least Timestamp, InstanceType, SpotPrice, AvailabilityZone (any order;
// ProductDescription optional; other columns ignored), then one record per row, as boto3/pandas dumps
// of describe_spot_price_history write it. Timestamps must be monotonic over the file, all
// non-decreasing or all non-increasing (the first two distinct timestamps set the direction).
// CRLF line ends, blank lines and RFC 4180 quoting ("a,b") are accepted.
std::map<std::string, StepFunction> read_spot_price_csv(const std::filesystem::path& file,
                                                        const std::string& display_name,
                                                        std::int64_t start_epoch_ms);

// The Spot Instance Advisor feed (spot-advisor-data.json): instance type -> interruption-frequency
// bucket r (0: <5 %, ... 4: >20 %; aws-semantics.md SP-8) of the region's Linux entries,
// spot_advisor[region]["Linux"][type].r. An unknown region is an error listing the feed's regions.
std::map<std::string, int> read_spot_advisor_buckets(const std::filesystem::path& file,
                                                     const std::string& display_name,
                                                     const std::string& region);

// A SkyPilot-format availability/preemption trace, {"metadata": {"gap_seconds": G}, "data": [n0, ...]}:
// data[k] = spot instances obtainable at tick k, ticks G seconds apart (other keys, e.g. "prices",
// are ignored). Returns source = display_name, gap = G, offset 0, loop true (the loader sets those).
AvailabilityTrace read_availability_trace(const std::filesystem::path& file, const std::string& display_name);

}  // namespace spotsim
