// Load traces (tools/load_trace.hpp): the real per-minute traces in /work/shared/data, CloudWatch
// get-metric-data output as the CLI prints it, synthetic and constant load, alignment, scale and loop,
// and every kind of bad input with the place its message must name.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/synthetic_load.hpp"
#include "sim/sim_time.hpp"
#include "tests/temp_dir.hpp"
#include "tools/load_trace.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const fs::path kTraces = fs::path(SPOTSIM_SHARED_DIR) / "data" / "load_traces";
const std::string kPointer = "/workload/traffic/0/requests";

using test_support::TempDir;

using test_support::at;

struct Options {
  fs::path base_dir = kTraces;
  std::int64_t start = 0;  // epoch ms of the scenario start
  SimTime duration = days(1);
  double scale = 1.0;
  bool loop = false;
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
};

LoadTrace load(const Json& spec, const Options& o = {}) {
  return read_load_trace(spec, "scenario.json", kPointer, o.base_dir, o.start, o.duration, o.scale, o.loop, o.seed,
                         "workload.traffic/api-tg", o.replication);
}

using test_support::errors_of;

// The first error is in `file` at `where` and its message contains `text`.
template <typename Read>
void require_error(Read&& read, const std::string& file, const std::string& where, const std::string& text) {
  const auto errors = errors_of(read);
  REQUIRE(!errors.empty());
  INFO(errors.front().str());
  CHECK_THAT(errors.front().file, Catch::EndsWith(file));
  CHECK(errors.front().where == where);
  CHECK_THAT(errors.front().message, Catch::Contains(text));
}

double max_value(const StepFunction& f) { return *std::max_element(f.values().begin(), f.values().end()); }

// Requests over [a, b): the integral of the rate (per second) over milliseconds.
double requests(const StepFunction& f, SimTime a, SimTime b) { return f.integral_ms(a, b) / 1000.0; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// The real per-minute traces (data/README.md §4)

TEST_CASE("the WorldCup98 per-minute trace loads: every request, gap minutes at zero") {
  const std::int64_t first = at("1998-04-30T21:30:00Z");
  const Json spec = {{"csv", "worldcup98_per_minute/requestdata-20240630.csv"},
                     {"time", "minute"},
                     {"value", "count"},
                     {"per", "1m"}};
  const LoadTrace t = load(spec, {.duration = days(90)});
  CHECK_THAT(t.source, Catch::EndsWith("worldcup98_per_minute/requestdata-20240630.csv"));
  // 1998-04-30 21:30 -> 1998-07-26 21:59 inclusive.
  CHECK(t.period == at("1998-07-26T22:00:00Z") - first);
  // All 1,352,804,107 requests (data/README.md), within rounding.
  CHECK(std::abs(requests(t.rps, 0, days(90)) - 1'352'804'107.0) < 1.0);
  // The first minutes: 2, 11, 16 requests.
  CHECK(t.rps.value_at(0) == Approx(2.0 / 60));
  CHECK(t.rps.value_at(minutes(1)) == Approx(11.0 / 60));
  CHECK(t.rps.value_at(minutes(2) + seconds(59)) == Approx(16.0 / 60));
  // 1998-05-08 03:22 is absent from the file (no requests): zero, between 158 and 79.
  const SimTime gap = at("1998-05-08T03:22:00Z") - first;
  CHECK(t.rps.value_at(gap - 1) == Approx(158.0 / 60));
  CHECK(t.rps.value_at(gap) == 0);
  CHECK(t.rps.value_at(gap + seconds(59)) == 0);
  CHECK(t.rps.value_at(gap + minutes(1)) == Approx(79.0 / 60));
  // The peak, 229,426 requests in the minute of 1998-07-07 21:41.
  CHECK(max_value(t.rps) == Approx(229'426.0 / 60));
  CHECK(t.rps.value_at(at("1998-07-07T21:41:30Z") - first) == Approx(229'426.0 / 60));
  // No loop: nothing after the trace.
  CHECK(t.rps.value_at(t.period) == 0);
  CHECK(t.rps.value_at(days(89)) == 0);
  CHECK(!t.alb_counts);
  // One step per change at most.
  CHECK(t.rps.size() <= 125'300 + 2 * 10 + 1);
}

TEST_CASE("a two-column CSV needs neither column names nor per: the same profile") {
  const LoadTrace named = load({{"csv", "worldcup98_per_minute/requestdata-20240630.csv"},
                                {"time", "minute"},
                                {"value", "count"},
                                {"per", "1m"}},
                               {.duration = days(90)});
  const LoadTrace bare = load({{"csv", "worldcup98_per_minute/requestdata-20240630.csv"}}, {.duration = days(90)});
  CHECK(bare.period == named.period);
  CHECK(bare.rps.times() == named.rps.times());
  CHECK(bare.rps.values() == named.rps.values());
}

TEST_CASE("the NASA per-minute trace loads; its outage is zero; absolute alignment honours utcOffset") {
  const Json spec = {{"csv", "nasa_http_per_minute/requestdata-20240626.csv"},
                     {"time", "minute"},
                     {"value", "count"},
                     {"per", "1m"}};
  const LoadTrace t = load(spec, {.duration = days(62)});
  CHECK(std::abs(requests(t.rps, 0, days(62)) - 3'461'612.0) < 0.01);
  CHECK(t.rps.value_at(0) == Approx(42.0 / 60));
  CHECK(t.period == days(62));  // 1995-07-01 00:00 -> 1995-08-31 23:59 inclusive
  // Jul 28 13:32 -> Aug 1 00:00 is not in the logs: zero throughout.
  const std::int64_t first = at("1995-07-01T00:00:00Z");
  const SimTime from = at("1995-07-28T13:33:00Z") - first, to = at("1995-08-01T00:00:00Z") - first;
  CHECK(t.rps.value_at(from - 1) > 0);
  CHECK(requests(t.rps, from, to) == 0);
  CHECK(t.rps.value_at(to) > 0);

  // The timestamps are EDT (-04:00): local midnight of Jul 1 is 04:00 UTC.
  Json absolute = spec;
  absolute["align"] = "absolute";
  absolute["utcOffset"] = "-04:00";
  const LoadTrace a = load(absolute, {.start = at("1995-07-01T00:00:00Z"), .duration = days(63)});
  CHECK(a.rps.value_at(hours(4) - 1) == 0);  // before the trace: no data, no requests
  CHECK(a.rps.value_at(hours(4)) == Approx(42.0 / 60));
  CHECK(std::abs(requests(a.rps, 0, days(63)) - 3'461'612.0) < 0.01);
}

TEST_CASE("the MAF trace loads: minute indexes as relative times") {
  const Json spec = {{"csv", "azure_functions_maf_via_spothedge/cleaned.csv"},
                     {"time", "Time (min)"},
                     {"value", "Requests"},
                     {"per", "1m"},
                     {"loop", nullptr}};
  Json good = spec;
  good.erase("loop");
  const LoadTrace t = load(good, {.duration = days(40)});
  CHECK(t.period == minutes(48'405));  // contiguous minutes 0..48404
  CHECK(t.rps.value_at(0) == Approx(4033.0 / 60));
  CHECK(t.rps.value_at(minutes(3)) == Approx(200.0 / 60));
  CHECK(max_value(t.rps) == Approx(180'555'399.0 / 60));
  CHECK(requests(t.rps, 0, days(40)) == Approx(12'495'810'846.0).epsilon(1e-12));
  // SpotHedge scales it by 1/10000.
  const LoadTrace scaled = load(good, {.duration = days(40), .scale = 1e-4});
  CHECK(requests(scaled.rps, 0, days(40)) == Approx(1'249'581.0846).epsilon(1e-12));
  // "timeUnit" says the same as "per" here.
  Json unit = good;
  unit["timeUnit"] = "1m";
  unit.erase("per");
  unit["per"] = 60;  // integer seconds
  CHECK(load(unit, {.duration = days(40)}).rps.values() == t.rps.values());
  // Relative times cannot be placed against the scenario start.
  Json absolute = good;
  absolute["align"] = "absolute";
  require_error([&] { load(absolute); }, "scenario.json", kPointer + "/align", "relative");
  // An unknown spec key is named at its pointer.
  require_error([&] { load(spec); }, "scenario.json", kPointer + "/loop", "unknown key \"loop\"");
}

// ---------------------------------------------------------------------------------------------
// CSV forms and alignment

TEST_CASE("CSV: ISO times with offsets, epoch seconds, newest-first rows, CRLF, quotes, rates") {
  TempDir dir;
  // Every 5 minutes; 10:10 missing (no requests).
  dir.write("iso.csv",
            "timestamp,requests,host\r\n"
            "2024-02-05T10:00:00Z,300,a\r\n"
            "\"2024-02-05T12:05:00+02:00\",600,\"b,c\"\r\n"
            "\r\n"
            "2024-02-05 10:15,900,d\r\n");
  dir.write("epoch.csv",
            "t,n\n"
            "1707127500,900\n"  // 10:05 ... newest first
            "1707127200,300\n"
            "1707128100,900\n");
  const Options o{.base_dir = dir.path(), .start = at("2024-02-05T10:00:00Z"), .duration = hours(1)};
  const LoadTrace iso = load({{"csv", "iso.csv"}, {"time", "timestamp"}, {"value", "requests"}, {"per", "5m"}}, o);
  CHECK(iso.period == minutes(20));
  CHECK(iso.rps.value_at(0) == Approx(1.0));
  CHECK(iso.rps.value_at(minutes(5)) == Approx(2.0));
  CHECK(iso.rps.value_at(minutes(10)) == 0);
  CHECK(iso.rps.value_at(minutes(15)) == Approx(3.0));
  CHECK(iso.rps.value_at(minutes(20)) == 0);
  CHECK(requests(iso.rps, 0, hours(1)) == Approx(1800));

  // Epoch seconds, newest first in part: rejected (not monotonic).
  require_error([&] { load({{"csv", "epoch.csv"}, {"per", "5m"}}, o); }, "epoch.csv", "line 4", "goes forward after");
  dir.write("epoch.csv", "t,n\n1707128100,900\n1707127500,600\n1707127200,300\n");
  const LoadTrace epoch = load({{"csv", "epoch.csv"}, {"per", "5m"}, {"align", "absolute"}}, o);
  CHECK(epoch.rps.value_at(0) == Approx(1.0));
  CHECK(epoch.rps.value_at(minutes(5)) == Approx(2.0));
  CHECK(epoch.rps.value_at(minutes(10)) == 0);
  CHECK(epoch.rps.value_at(minutes(15)) == Approx(3.0));

  // valueKind "rps": the values are rates already.
  dir.write("rate.csv", "minute,rps\n0,10\n1,20\n");
  const LoadTrace rate = load({{"csv", "rate.csv"}, {"per", "1m"}, {"valueKind", "rps"}}, o);
  CHECK(rate.rps.value_at(0) == 10);
  CHECK(rate.rps.value_at(minutes(1)) == 20);
  CHECK(rate.rps.value_at(minutes(2)) == 0);
  // Without per, the smallest spacing: 1 minute here, times counted in timeUnit.
  const LoadTrace inferred = load({{"csv", "rate.csv"}, {"timeUnit", "1m"}, {"valueKind", "rps"}}, o);
  CHECK(inferred.rps.values() == rate.rps.values());
  CHECK(inferred.period == minutes(2));
}

TEST_CASE("alignment: first interval at 0 by default, an offset into the trace, absolute placement") {
  TempDir dir;
  // 10:00 -> 60 requests, 10:01 -> 120, 10:02 -> 0 rows absent, 10:03 -> 180: rates 1, 2, 0, 3.
  dir.write("t.csv", "time,count\n2024-02-05T10:00:00Z,60\n2024-02-05T10:01:00Z,120\n2024-02-05T10:03:00Z,180\n");
  const Json base = {{"csv", "t.csv"}, {"per", "1m"}};
  Options o{.base_dir = dir.path(), .start = at("2024-02-05T09:58:00Z"), .duration = minutes(10)};
  CHECK(load(base, o).rps.value_at(0) == 1);

  Json skip = base;
  skip["offset"] = "1m";  // start one minute into the trace
  const LoadTrace s = load(skip, o);
  CHECK(s.rps.value_at(0) == 2);
  CHECK(s.rps.value_at(minutes(1)) == 0);
  CHECK(s.rps.value_at(minutes(2)) == 3);
  CHECK(s.rps.value_at(minutes(3)) == 0);

  Json late = base;
  late["offset"] = "-90s";  // traffic begins 90 s into the run
  const LoadTrace l = load(late, o);
  CHECK(l.rps.value_at(0) == 0);
  CHECK(l.rps.value_at(seconds(89)) == 0);
  CHECK(l.rps.value_at(seconds(90)) == 1);
  CHECK(l.rps.times().front() == 0);

  Json absolute = base;
  absolute["align"] = "absolute";  // start is 09:58: two empty minutes first
  const LoadTrace a = load(absolute, o);
  CHECK(a.rps.value_at(minutes(2) - 1) == 0);
  CHECK(a.rps.value_at(minutes(2)) == 1);
  CHECK(a.rps.value_at(minutes(5)) == 3);
  CHECK(a.rps.value_at(minutes(6)) == 0);
  CHECK(a.rps.value_at(minutes(9)) == 0);
}

TEST_CASE("scale multiplies, loop repeats the trace over the duration, no loop means zero after it") {
  TempDir dir;
  dir.write("t.csv", "time,count\n0,60\n1,120\n3,180\n");  // rates 1, 2, 0, 3; period 4 minutes
  const Json spec = {{"csv", "t.csv"}, {"per", "1m"}};
  Options o{.base_dir = dir.path(), .duration = minutes(10), .scale = 2.0};
  const LoadTrace once = load(spec, o);
  CHECK(once.period == minutes(4));
  CHECK(once.rps.value_at(0) == 2);
  CHECK(once.rps.value_at(minutes(3)) == 6);
  CHECK(once.rps.value_at(minutes(4)) == 0);  // after the trace: no requests
  CHECK(once.rps.value_at(minutes(9)) == 0);
  CHECK(requests(once.rps, 0, minutes(10)) == Approx(2 * 360));

  o.loop = true;
  const LoadTrace looped = load(spec, o);
  CHECK(looped.period == minutes(4));
  const std::vector<double> expected = {2, 4, 0, 6, 2, 4, 0, 6, 2, 4};
  for (std::size_t m = 0; m < expected.size(); ++m) {
    INFO("minute " << m);
    CHECK(looped.rps.value_at(minutes(static_cast<std::int64_t>(m)) + seconds(30)) == expected[m]);
  }
  // 2.5 passes of 720 requests.
  CHECK(requests(looped.rps, 0, minutes(10)) == Approx(2 * 360 * 2 + 2 * 180));
  // Steps stop at the duration.
  CHECK(looped.rps.times().back() < minutes(10));

  // A loop entered part-way (offset) and an absolute trace that starts after `start` (extended back).
  Json shifted = spec;
  shifted["offset"] = "3m";
  CHECK(load(shifted, o).rps.value_at(0) == 6);
  CHECK(load(shifted, o).rps.value_at(minutes(1)) == 2);
  dir.write("abs.csv", "time,count\n2024-02-05T10:00:00Z,60\n2024-02-05T10:01:00Z,120\n");
  Options ao{.base_dir = dir.path(), .start = at("2024-02-05T09:59:00Z"), .duration = minutes(4), .loop = true};
  const LoadTrace back = load({{"csv", "abs.csv"}, {"per", "1m"}, {"align", "absolute"}}, ao);
  CHECK(back.rps.value_at(0) == 2);  // 09:59 is 10:01 of the previous pass
  CHECK(back.rps.value_at(minutes(1)) == 1);
  CHECK(back.rps.value_at(minutes(2)) == 2);
  CHECK(back.rps.value_at(minutes(3)) == 1);

  // A loop of one constant value is one step.
  dir.write("flat.csv", "time,count\n0,60\n1,60\n");
  const LoadTrace flat = load({{"csv", "flat.csv"}, {"per", "1m"}}, {.base_dir = dir.path(), .duration = days(365), .loop = true});
  CHECK(flat.rps.size() == 1);
  CHECK(flat.rps.value_at(days(300)) == 1);
}

TEST_CASE("a profile that would need too many steps is refused, not built") {
  TempDir dir;
  dir.write("ms.csv", "time,count\n0,1\n1,0\n");  // 1 ms intervals alternating: 2 steps per 2 ms
  require_error(
      [&] {
        load({{"csv", "ms.csv"}, {"timeFormat", "epochMillis"}},
             {.base_dir = dir.path(), .duration = days(365), .loop = true});
      },
      "scenario.json", kPointer, "more than 50,000,000 steps");
  require_error([&] { load({{"synthetic", {{"meanRps", 10}, {"step", "1ms"}}}}, {.duration = days(7)}); },
                "scenario.json", kPointer + "/synthetic/step", "more than 50,000,000 steps");
}

// ---------------------------------------------------------------------------------------------
// CloudWatch get-metric-data

namespace {

// One get-metric-data page as the AWS CLI prints it, points newest first.
std::string cloudwatch_page(const std::vector<std::pair<std::string, double>>& points, const std::string& id = "m1",
                            const std::string& status = "Complete", const std::string& next_token = "") {
  Json result = {{"Id", id}, {"Label", "RequestCount"}, {"Timestamps", Json::array()}, {"Values", Json::array()},
                 {"StatusCode", status}};
  for (const auto& [time, value] : points) {
    result["Timestamps"].push_back(time);
    result["Values"].push_back(value);
  }
  Json page = {{"MetricDataResults", Json::array({result})}, {"Messages", Json::array()}};
  if (!next_token.empty()) page["NextToken"] = next_token;
  return page.dump(4) + "\n";
}

}  // namespace

TEST_CASE("CloudWatch output, newest first over two pages, gives the profile of the sorted data") {
  TempDir dir;
  // 5-minute RequestCount sums; 10:15 missing (no requests); 10:10 in both pages (overlap).
  dir.write("cw.json", cloudwatch_page({{"2024-02-05T10:25:00+00:00", 1500.0},
                                        {"2024-02-05T10:20:00+00:00", 900.0},
                                        {"2024-02-05T10:10:00+00:00", 600.0}},
                                       "m1", "PartialData", "eyJ0b2tlbiI6MX0=") +
                           cloudwatch_page({{"2024-02-05T10:10:00+00:00", 600.0},
                                            {"2024-02-05T10:05:00+00:00", 300.0},
                                            {"2024-02-05T10:00:00+00:00", 0.0}}));
  dir.write("sorted.csv",
            "time,count\n2024-02-05T10:00:00Z,0\n2024-02-05T10:05:00Z,300\n2024-02-05T10:10:00Z,600\n"
            "2024-02-05T10:20:00Z,900\n2024-02-05T10:25:00Z,1500\n");
  const Options o{.base_dir = dir.path(), .start = at("2024-02-05T10:00:00Z"), .duration = hours(1)};
  const LoadTrace cw = load({{"cloudwatch", "cw.json"}}, o);
  const LoadTrace csv = load({{"csv", "sorted.csv"}, {"per", "5m"}}, o);
  CHECK(cw.rps.times() == csv.rps.times());
  CHECK(cw.rps.values() == csv.rps.values());
  CHECK(cw.period == minutes(30));
  CHECK(cw.rps.value_at(minutes(5)) == Approx(1.0));
  CHECK(cw.rps.value_at(minutes(15)) == 0);  // the missing period
  CHECK(cw.rps.value_at(minutes(25)) == Approx(5.0));
  CHECK(requests(cw.rps, 0, hours(1)) == Approx(3300));

  // The same pages as one JSON array, a given period, absolute alignment.
  // Built piecewise: `const char* + string` trips GCC 12's -Wrestrict false positive.
  std::string pages = "[";
  pages += cloudwatch_page({{"2024-02-05T10:10:00Z", 600.0}, {"2024-02-05T10:05:00Z", 300.0}});
  pages += ",";
  pages += cloudwatch_page({{"2024-02-05T10:25:00Z", 1500.0}});
  pages += "]";
  dir.write("array.json", pages);
  const LoadTrace arr = load({{"cloudwatch", "array.json"}, {"period", 300}, {"align", "absolute"}}, o);
  CHECK(arr.rps.value_at(0) == 0);
  CHECK(arr.rps.value_at(minutes(5)) == Approx(1.0));
  CHECK(arr.rps.value_at(minutes(10)) == Approx(2.0));
  CHECK(arr.rps.value_at(minutes(15)) == 0);
  CHECK(arr.rps.value_at(minutes(25)) == Approx(5.0));
  CHECK(arr.rps.value_at(minutes(30)) == 0);

  // Several metric Ids: choose one.
  dir.write("two.json", cloudwatch_page({{"2024-02-05T10:00:00Z", 60.0}, {"2024-02-05T09:59:00Z", 120.0}}, "a") +
                            cloudwatch_page({{"2024-02-05T10:00:00Z", 600.0}, {"2024-02-05T09:59:00Z", 1200.0}}, "b"));
  require_error([&] { load({{"cloudwatch", "two.json"}}, o); }, "two.json", "", "Ids \"a\", \"b\"");
  CHECK(load({{"cloudwatch", "two.json"}, {"id", "b"}}, o).rps.value_at(0) == Approx(20.0));
  require_error([&] { load({{"cloudwatch", "two.json"}, {"id", "c"}}, o); }, "two.json", "",
                "no metric result with Id \"c\"");
}

TEST_CASE("bad CloudWatch files: errors name the JSON pointer, or the line and column") {
  TempDir dir;
  const Options o{.base_dir = dir.path(), .start = at("2024-02-05T10:00:00Z"), .duration = hours(1)};
  const auto fails = [&](const std::string& content, const std::string& where, const std::string& text) {
    dir.write("bad.json", content);
    require_error([&] { load({{"cloudwatch", "bad.json"}}, o); }, "bad.json", where, text);
  };
  fails(R"({"MetricDataResults": [{"Id": "m1", "Timestamps": ["2024-02-05T10:05:00Z", "2024-02-05T10:00:00Z"],
           "Values": [1.0], "StatusCode": "Complete"}]})",
        "/MetricDataResults/0", "\"Timestamps\" has 2 entries but \"Values\" has 1");
  fails(R"({"MetricDataResults": [{"Id": "m1", "Timestamps": ["2024-02-05T10:05:00Z", "yesterday"],
           "Values": [1.0, 2.0], "StatusCode": "Complete"}]})",
        "/MetricDataResults/0/Timestamps/1", "ISO 8601");
  fails(R"({"MetricDataResults": [{"Id": "m1", "Timestamps": ["2024-02-05T10:05:00Z", "2024-02-05T10:00:00Z"],
           "Values": [1.0, -2.0], "StatusCode": "Complete"}]})",
        "/MetricDataResults/0/Values/1", ">= 0");
  fails(R"({"MetricDataResults": [{"Id": "m1", "Timestamps": ["2024-02-05T10:05:00Z"], "Values": ["12"],
           "StatusCode": "Complete"}]})",
        "/MetricDataResults/0/Values/0", "expected a number");
  fails(R"({"MetricDataResults": [{"Id": "m1", "Timestamps": [], "Values": [], "StatusCode": "Forbidden"}]})",
        "/MetricDataResults/0/StatusCode", "the query failed");
  fails(R"({"MetricDataResults": [{"Id": "m1", "Values": [1]}]})", "/MetricDataResults/0", "missing \"Timestamps\"");
  fails(R"({"Datapoints": []})", "", "missing \"MetricDataResults\"");
  fails("", "line 1", "empty file");
  fails("{\n  \"MetricDataResults\": [\n    {\"Id\": \"m1\",,}\n  ]\n}", "line 3, column 17", "invalid JSON");
  fails(R"({"MetricDataResults": [{"Id": "m1", "Timestamps": [], "Values": [], "StatusCode": "Complete"}]})", "",
        "no datapoints");
  fails(R"({"MetricDataResults": [{"Id": "m1", "Timestamps": ["2024-02-05T10:05:00Z"], "Values": [3],
           "StatusCode": "Complete"}]})",
        "", "one datapoint only");
  // The same period twice with two values: the second page's point is named with its document.
  fails(cloudwatch_page({{"2024-02-05T10:05:00Z", 3.0}, {"2024-02-05T10:00:00Z", 1.0}}) +
            cloudwatch_page({{"2024-02-05T10:05:00Z", 4.0}}),
        "document 2 (line 19): /MetricDataResults/0/Values/0", "appears twice with different values");
  // Timestamps closer than the period given.
  dir.write("close.json", cloudwatch_page({{"2024-02-05T10:01:00Z", 3.0}, {"2024-02-05T10:00:00Z", 1.0}}));
  require_error([&] { load({{"cloudwatch", "close.json"}, {"period", "5m"}}, o); }, "close.json",
                "/MetricDataResults/0/Timestamps/0", "closer than the period (5m)");
}

// ---------------------------------------------------------------------------------------------
// Synthetic and constant

TEST_CASE("synthetic load: the stated mean over whole days, the peak at peakHourUtc, deterministic noise") {
  const std::int64_t start = at("2024-02-05T00:00:00Z");
  const Json flat = {{"synthetic", {{"meanRps", 300}, {"dailyAmplitude", 0.6}, {"peakHourUtc", 14}}}};
  const LoadTrace t = load(flat, {.start = start, .duration = days(7)});
  CHECK(t.source == "synthetic");
  CHECK(t.period == 0);
  REQUIRE(t.synthetic);
  CHECK(t.synthetic->step == minutes(1));
  CHECK(t.rps.size() == 7 * 1440);
  CHECK(t.rps.integral_ms(0, days(7)) / static_cast<double>(days(7)) == Approx(300).epsilon(1e-12));
  CHECK(max_value(t.rps) == Approx(300 * 1.6));
  CHECK(t.rps.value_at(hours(14)) == Approx(300 * 1.6));
  CHECK(t.rps.value_at(days(3) + hours(14)) == Approx(300 * 1.6));
  CHECK(t.rps.value_at(hours(2)) == Approx(300 * 0.4));  // the trough, 12 h away
  CHECK(t.rps.value_at(hours(8)) == Approx(300).margin(1e-9));  // 6 h away: cos = 0
  // The hour is UTC of start + t: a start at 12:00 puts the peak two hours in.
  const LoadTrace noon = load(flat, {.start = at("2024-02-05T12:00:00Z"), .duration = days(1)});
  CHECK(noon.rps.value_at(hours(2)) == Approx(300 * 1.6));

  // Noise: multiplicative, mean 1 (the stated mean holds over whole days), deterministic per seed,
  // replication and stream.
  const Json noisy = {{"synthetic", {{"meanRps", 300}, {"dailyAmplitude", 0.6}, {"noise", 0.1}, {"step", "5m"}}}};
  const Options o{.start = start, .duration = days(14), .seed = 7};
  const LoadTrace a = load(noisy, o);
  const LoadTrace b = load(noisy, o);
  CHECK(a.rps.values() == b.rps.values());
  CHECK(a.rps.size() == 14 * 288);
  CHECK(a.rps.integral_ms(0, days(14)) / static_cast<double>(days(14)) == Approx(300).epsilon(0.01));
  Options other_replication = o;
  other_replication.replication = 1;
  CHECK(load(noisy, other_replication).rps.values() != a.rps.values());
  CHECK(synthetic_rps(*a.synthetic, start, days(14), 1.0, 7, "workload.traffic/api-tg", 0).values() == a.rps.values());
  CHECK(synthetic_rps(*a.synthetic, start, days(14), 1.0, 7, "workload.traffic/other", 0).values() != a.rps.values());
  // Its spread: about 10 % of the diurnal level.
  double sum_sq = 0;
  for (std::size_t k = 0; k < a.rps.size(); ++k) {
    const double level = t.rps.value_at(a.rps.times()[k] % days(1));  // noise-free at the same time of day
    sum_sq += std::pow(a.rps.values()[k] / level - 1.0, 2);
  }
  CHECK(std::sqrt(sum_sq / static_cast<double>(a.rps.size())) == Approx(0.1).epsilon(0.1));
  // Scale multiplies.
  Options scaled = o;
  scaled.scale = 0.5;
  CHECK(load(noisy, scaled).rps.values().front() == Approx(a.rps.values().front() / 2));
}

TEST_CASE("synthetic load: the diurnal curve at every step's own time of day, whatever the step") {
  // synthetic_rps keeps one day of the diurnal factor when the step divides a day; a step that does
  // not (7 min) computes each. Both must give mean × (1 + amplitude × cos(2π (hour − peak) / 24)) at
  // the step's own time of day, from a start that is not midnight.
  SyntheticLoad load;
  load.mean_rps = 400;
  load.daily_amplitude = 0.6;
  load.peak_hour_utc = 15.5;
  const std::int64_t start = 1'700'000'000'000 + minutes(17);  // not a whole day
  for (const SimTime step : {minutes(1), minutes(7), minutes(90)}) {
    load.step = step;
    const StepFunction f = synthetic_rps(load, start, days(3), 1.0, 1, "test", 0);
    REQUIRE(f.size() == static_cast<std::size_t>((days(3) + step - 1) / step));
    for (std::size_t k = 0; k < f.size(); ++k) {
      const SimTime t = f.times()[k];
      REQUIRE(t == static_cast<SimTime>(k) * step);
      const double hour = static_cast<double>((start + t) % days(1)) / 3'600'000.0;
      const double expected = 400 * (1.0 + 0.6 * std::cos(2.0 * std::numbers::pi * (hour - 15.5) / 24.0));
      REQUIRE(f.values()[k] == Approx(expected).epsilon(1e-12));
    }
  }
}

TEST_CASE("constant load: rps times scale, everywhere") {
  const LoadTrace t = load({{"rps", 250}}, {.scale = 2.0});
  CHECK(t.rps.value_at(-1) == 500);
  CHECK(t.rps.value_at(0) == 500);
  CHECK(t.rps.value_at(days(100)) == 500);
  CHECK(t.period == 0);
  CHECK(t.source == "constant 250 rps");
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST_CASE("bad CSV traces: each error names the file and the line") {
  TempDir dir;
  const Options o{.base_dir = dir.path(), .duration = hours(1)};
  const Json spec = {{"csv", "bad.csv"}, {"time", "minute"}, {"value", "count"}, {"per", "1m"}};
  const auto fails = [&](const std::string& content, const std::string& where, const std::string& text) {
    dir.write("bad.csv", content);
    require_error([&] { load(spec, o); }, "bad.csv", where, text);
  };
  const std::string header = "minute,count\n";
  fails(header + "1998-04-30 21:30:00,2\n1998-04-30 21:32:00,3\n1998-04-30 21:31:00,4\n", "line 4",
        "goes back after \"1998-04-30 21:32:00\" on line 3");
  fails(header + "1998-04-30 21:30:00,2\n1998-04-30 21:31:00,3\n1998-04-30 21:31:00,4\n", "line 4",
        "duplicate time \"1998-04-30 21:31:00\" (also on line 3)");
  fails(header + "1998-04-30 21:30:00,2\n1998-04-30 21:31:00,-3\n", "line 3", "negative value \"-3\"");
  fails(header + "1998-04-30 21:30:00,nan\n", "line 2", "not a finite number");
  fails(header + "1998-04-30 21:30:00,inf\n", "line 2", "not a finite number");
  fails(header + "1998-04-30 21:30:00,12 requests\n", "line 2", "cannot read value \"12 requests\"");
  fails(header + "1998-04-30 21:30:00,\n", "line 2", "empty value");
  fails(header + "1998-04-31 21:30:00,2\n", "line 2", "cannot read time \"1998-04-31 21:30:00\"");
  fails(header + "1998-04-30 21:30:00,2\n1998-04-30 21:31:00,3,4\n", "line 3", "expected 2 fields");
  fails(header + "1998-04-30 21:30:00,2\n1998-04-30 21:30:30,3\n", "line 3", "30s apart, closer than \"per\" (1m)");
  fails(header + "1998-04-30 21:30:00,2\n\"1998-04-30 21:31:00,3\n", "line 3", "unterminated quoted field");
  fails("", "line 1", "empty file: expected a header row naming the time and value columns, then one row per "
        "interval; found nothing");
  fails("\n\n", "line 1", "found only blank lines");
  fails(header, "line 2", "no data rows after the header on line 1");
  fails("minute,requests\n1998-04-30 21:30:00,2\n", "line 1",
        "no column \"count\" (the \"value\" of scenario.json: /workload/traffic/0/requests); the header has "
        "\"minute\", \"requests\"");
  // A time format that changes within the file.
  fails(header + "1998-04-30 21:30:00,2\n898,3\n", "line 3", "as in the first row");
  // Several problems are all reported, each at its line.
  dir.write("bad.csv", header + "1998-04-30 21:30:00,-1\n1998-04-30 21:31:00,x\n");
  const auto errors = errors_of([&] { load(spec, o); });
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].where == "line 2");
  CHECK(errors[1].where == "line 3");

  // Columns not named, more than two of them.
  dir.write("three.csv", "a,b,c\n1,2,3\n");
  require_error([&] { load({{"csv", "three.csv"}, {"per", "1m"}}, o); }, "three.csv", "line 1",
                "name the time and value columns");
  // Relative times with no unit.
  dir.write("rel.csv", "minute,count\n0,1\n1,2\n");
  require_error([&] { load({{"csv", "rel.csv"}}, o); }, "rel.csv", "line 2", "\"timeUnit\"");
  // A missing file.
  require_error([&] { load({{"csv", "nope.csv"}}, o); }, "nope.csv", "", "cannot read file");
}

TEST_CASE("bad load specs: errors name the JSON pointer in the scenario") {
  const auto fails = [&](const Json& spec, const std::string& where, const std::string& text) {
    require_error([&] { load(spec); }, "scenario.json", where, text);
  };
  fails(Json::object(), kPointer, "no load source");
  fails({{"rps", 1}, {"csv", "a.csv"}}, kPointer, "more than one load source");
  fails({{"rps", -1}}, kPointer + "/rps", "expected a number from 0");
  fails({{"rps", "fast"}}, kPointer + "/rps", "the string \"fast\"");
  fails({{"rps", 1}, {"per", "1m"}}, kPointer + "/per", "unknown key \"per\" for a constant load");
  fails({{"csv", ""}}, kPointer + "/csv", "expected a CSV file name");
  fails({{"csv", "a.csv"}, {"per", "soon"}}, kPointer + "/per", "expected a duration");
  fails({{"csv", "a.csv"}, {"per", "0s"}}, kPointer + "/per", "at least 1ms");
  fails({{"csv", "a.csv"}, {"align", "last"}}, kPointer + "/align", "\"first\", \"absolute\"");
  fails({{"csv", "a.csv"}, {"utcOffset", "EDT"}}, kPointer + "/utcOffset", "-04:00");
  fails({{"csv", "a.csv"}, {"timeFormat", "excel"}}, kPointer + "/timeFormat", "\"epochSeconds\"");
  fails({{"cloudwatch", "a.json"}, {"value", "x"}}, kPointer + "/value", "unknown key \"value\" for a CloudWatch");
  fails({{"synthetic", 300}}, kPointer + "/synthetic", "expected an object");
  fails({{"synthetic", {{"dailyAmplitude", 0.5}}}}, kPointer + "/synthetic", "missing \"meanRps\"");
  fails({{"synthetic", {{"meanRps", 10}, {"dailyAmplitude", 1.5}}}}, kPointer + "/synthetic/dailyAmplitude",
        "from 0 to 1");
  fails({{"synthetic", {{"meanRps", 10}, {"peakHourUtc", 24}}}}, kPointer + "/synthetic/peakHourUtc", "(excluded)");
  fails({{"synthetic", {{"meanRps", 10}, {"amplitude", 0.5}}}}, kPointer + "/synthetic/amplitude", "unknown key");
  fails({{"albAccessLogs", Json::array()}}, kPointer + "/albAccessLogs", "empty array");
  fails({{"albAccessLogs", {"a.log", 3}}}, kPointer + "/albAccessLogs/1", "found 3");
  require_error([&] { load(Json::array()); }, "scenario.json", kPointer, "expected an object");
  require_error([&] { load({{"rps", 1}}, {.scale = -1}); }, "scenario.json", "/workload/traffic/0/scale",
                "scale factor >= 0");
}

}  // namespace spotsim
