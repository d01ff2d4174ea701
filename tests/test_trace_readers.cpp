// Trace readers (tools/trace_readers.hpp): real files from /work/shared/data, files in the shapes the
// AWS CLI and boto3 write, and every kind of bad input with the place its message must name.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/sim_time.hpp"
#include "tests/temp_dir.hpp"
#include "tools/trace_readers.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(SPOTSIM_SHARED_DIR) / "data";

using test_support::TempDir;

using test_support::at;

using test_support::errors_of;

// One error, at `where`, whose message contains `text`.
template <typename Read>
void require_error(Read&& read, const std::string& where, const std::string& text) {
  const auto errors = errors_of(read);
  REQUIRE(!errors.empty());
  INFO(errors.front().str());
  CHECK(errors.front().where == where);
  CHECK_THAT(errors.front().message, Catch::Contains(text));
}

std::string record(const char* type, const char* zone, const char* price, const char* time,
                   const char* product = "Linux/UNIX") {
  return std::string("{\"AvailabilityZone\": \"") + zone + "\", \"InstanceType\": \"" + type +
         "\", \"ProductDescription\": \"" + product + "\", \"SpotPrice\": \"" + price +
         "\", \"Timestamp\": \"" + time + "\"}";
}

std::string page(const std::vector<std::string>& records, const std::string& next_token = "") {
  std::string s = "{\n    \"SpotPriceHistory\": [\n";
  for (std::size_t i = 0; i < records.size(); ++i)
    s += "        " + records[i] + (i + 1 < records.size() ? ",\n" : "\n");
  s += "    ]";
  if (!next_token.empty()) s += ",\n    \"NextToken\": \"" + next_token + "\"";
  return s + "\n}\n";
}

// Pool us-east-1a: 10:00 0.0369, 11:00 0.04, 12:00 0.038; pool us-east-1b: 10:30 0.035. Newest first
// within each page, as AWS prints them, with a Windows record that must be ignored.
const std::string kPage1 =
    page({record("m5.large", "us-east-1a", "0.038000", "2024-02-01T12:00:00+00:00"),
          record("m5.large", "us-east-1b", "0.035000", "2024-02-01T10:30:00+00:00"),
          record("m5.large", "us-east-1a", "0.200000", "2024-02-01T10:45:00+00:00", "Windows")},
         "eyJ2IjoyfQ==");
const std::string kPage2 = page({record("m5.large", "us-east-1a", "0.040000", "2024-02-01T11:00:00Z"),
                                 record("m5.large", "us-east-1a", "0.036900", "2024-02-01T10:00:00.000Z")});

}  // namespace

// ---------------------------------------------------------------------------------------------
// CSV

// data/README.md 1a: 869 rows, c5a.2xlarge in us-east-1b..f, newest first, 2023-11-11 -> 2023-12-30.
// Counts, first and last prices per AZ computed from the file with Python's csv module.
TEST_CASE("the real c5a.2xlarge price history CSV loads into five pools") {
  const std::int64_t start = at("2023-11-11T00:00:00Z");
  const auto pools = read_spot_price_csv(
      kData / "spot_price_history" / "soso0024_c5a2xlarge_use1" / "spot_price_history.csv", "prices.csv",
      start);
  REQUIRE(pools.size() == 5);
  struct Expected {
    const char* pool;
    std::size_t steps;
    const char* first_time;
    double first, last;
  };
  for (const Expected& e :
       {Expected{"c5a.2xlarge/us-east-1b", 176, "2023-11-11 20:32:38+00:00", 0.1619, 0.1964},
        Expected{"c5a.2xlarge/us-east-1c", 173, "2023-11-11 20:17:26+00:00", 0.1578, 0.1696},
        Expected{"c5a.2xlarge/us-east-1d", 170, "2023-11-11 19:47:27+00:00", 0.1687, 0.1848},
        Expected{"c5a.2xlarge/us-east-1e", 180, "2023-11-11 19:18:33+00:00", 0.1677, 0.1567},
        Expected{"c5a.2xlarge/us-east-1f", 170, "2023-11-11 18:17:54+00:00", 0.1638, 0.1544}}) {
    INFO(e.pool);
    REQUIRE(pools.count(e.pool) == 1);
    const StepFunction& f = pools.at(e.pool);
    CHECK(f.size() == e.steps);
    CHECK(f.times().front() == at(e.first_time) - start);
    CHECK(f.values().front() == Approx(e.first));
    CHECK(f.values().back() == Approx(e.last));
    CHECK(f.value_at(0) == Approx(e.first));  // before the first record: the first price
    CHECK(f.value_at(days(400)) == Approx(e.last));
  }
  // The newest row of the file: us-east-1e at 2023-12-30 21:17:02.
  CHECK(pools.at("c5a.2xlarge/us-east-1e").times().back() == at("2023-12-30T21:17:02Z") - start);
}

TEST_CASE("a CSV may order its columns freely, omit ProductDescription and end lines with CRLF") {
  TempDir dir;
  const auto file = dir.write("p.csv",
                              "Extra,SpotPrice,AvailabilityZone,Timestamp,InstanceType\r\n"
                              "x,0.0369,us-east-1a,2024-02-01T10:00:00Z,m5.large\r\n"
                              "\"y,z\",\"0.04\",us-east-1a,2024-02-01T11:00:00Z,m5.large\r\n");
  const auto pools = read_spot_price_csv(file, "p.csv", at("2024-02-01T10:00:00Z"));
  REQUIRE(pools.size() == 1);
  const StepFunction& f = pools.at("m5.large/us-east-1a");
  CHECK(f.times() == std::vector<SimTime>{0, hours(1)});
  CHECK(f.values() == std::vector<double>{0.0369, 0.04});
}

TEST_CASE("a CSV keeps only Linux/UNIX rows and counts an exact duplicate once") {
  TempDir dir;
  const auto file = dir.write("p.csv",
                              "Timestamp,InstanceType,ProductDescription,SpotPrice,AvailabilityZone\n"
                              "2024-02-01 10:00:00+00:00,m5.large,Linux/UNIX (Amazon VPC),0.0369,us-east-1a\n"
                              "2024-02-01 10:00:00+00:00,m5.large,Linux/UNIX (Amazon VPC),0.0369,us-east-1a\n"
                              "2024-02-01 11:00:00+00:00,m5.large,Windows,0.2,us-east-1a\n"
                              "2024-02-01 12:00:00+00:00,m5.large,SUSE Linux,0.1,us-east-1a\n");
  const auto pools = read_spot_price_csv(file, "p.csv", at("2024-02-01T10:00:00Z"));
  REQUIRE(pools.size() == 1);
  CHECK(pools.at("m5.large/us-east-1a").size() == 1);
  CHECK(pools.at("m5.large/us-east-1a").value_at(hours(5)) == 0.0369);
}

// The brief's rule: timestamps monotonic over the file, direction set by the first two distinct ones.
TEST_CASE("a CSV row whose timestamp goes back is an error naming its line") {
  TempDir dir;
  const auto file = dir.write("p.csv",
                              "Timestamp,InstanceType,SpotPrice,AvailabilityZone\n"
                              "2024-02-01T10:00:00Z,m5.large,0.03,us-east-1a\n"
                              "2024-02-01T12:00:00Z,m5.large,0.04,us-east-1b\n"
                              "2024-02-01T11:00:00Z,m5.large,0.05,us-east-1a\n");
  require_error(
      [&] { read_spot_price_csv(file, "p.csv", 0); }, "line 4",
      "timestamp 2024-02-01T11:00:00Z goes back after 2024-02-01T12:00:00Z; expected timestamps in order");
  const auto errors = errors_of([&] { read_spot_price_csv(file, "p.csv", 0); });
  CHECK(errors.front().str() ==
        "p.csv: line 4: error: timestamp 2024-02-01T11:00:00Z goes back after 2024-02-01T12:00:00Z; expected "
        "timestamps in order (oldest first, as set by lines 2 and 3)");
}

TEST_CASE("in a newest-first CSV a row that goes forward is an error") {
  TempDir dir;
  const auto file = dir.write("p.csv",
                              "Timestamp,InstanceType,SpotPrice,AvailabilityZone\n"
                              "2024-02-01T12:00:00Z,m5.large,0.03,us-east-1a\n"
                              "2024-02-01T12:00:00Z,m5.large,0.03,us-east-1b\n"
                              "2024-02-01T11:00:00Z,m5.large,0.04,us-east-1b\n"
                              "2024-02-01T11:30:00Z,m5.large,0.05,us-east-1a\n");
  require_error([&] { read_spot_price_csv(file, "p.csv", 0); }, "line 5",
                "goes forward after 2024-02-01T11:00:00Z; expected timestamps in order (newest first");
}

TEST_CASE("CSV errors name the line and what was wrong") {
  TempDir dir;
  const std::string header = "Timestamp,InstanceType,SpotPrice,AvailabilityZone\n";
  const std::string good = "2024-02-01T10:00:00Z,m5.large,0.03,us-east-1a\n";
  const auto read = [&](const std::string& content) {
    return [&dir, content] { read_spot_price_csv(dir.write("p.csv", content), "p.csv", 0); };
  };
  SECTION("a missing column") {
    require_error(read("Timestamp,InstanceType,AvailabilityZone\n2024-02-01T10:00:00Z,m5.large,us-east-1a\n"),
                  "line 1", "missing column \"SpotPrice\"");
  }
  SECTION("a row with too few fields") {
    require_error(read(header + good + "2024-02-01T11:00:00Z,m5.large,0.03\n"), "line 3",
                  "expected 4 fields as in the header, found 3");
  }
  SECTION("a row with too many fields") {
    require_error(read(header + "2024-02-01T11:00:00Z,m5.large,0.03,us-east-1a,x\n"), "line 2",
                  "expected 4 fields as in the header, found more");
  }
  SECTION("an unreadable timestamp") {
    require_error(read(header + good + "yesterday,m5.large,0.03,us-east-1a\n"), "line 3",
                  "cannot read timestamp \"yesterday\"");
  }
  SECTION("an unreadable price") {
    require_error(read(header + "2024-02-01T11:00:00Z,m5.large,$0.03,us-east-1a\n"), "line 2",
                  "cannot read spot price \"$0.03\"");
  }
  SECTION("a negative, NaN or infinite price") {
    for (const char* bad : {"-0.01", "nan", "inf"}) {
      INFO(bad);
      require_error(read(header + good + "2024-02-01T11:00:00Z,m5.large," + bad + ",us-east-1a\n"), "line 3",
                    "spot price must be a finite number >= 0");
    }
  }
  SECTION("an empty instance type") {
    require_error(read(header + "2024-02-01T11:00:00Z,,0.03,us-east-1a\n"), "line 2",
                  "expected an instance type");
  }
  SECTION("an unterminated quote") {
    require_error(read(header + "2024-02-01T11:00:00Z,\"m5.large,0.03,us-east-1a\n"), "line 2",
                  "unterminated quoted field");
  }
  SECTION("an empty file") { require_error(read(""), "", "empty file"); }
  SECTION("a file holding the header only") { require_error(read(header), "", "no spot price rows"); }
  SECTION("a file with Windows rows only") {
    require_error(read("Timestamp,InstanceType,ProductDescription,SpotPrice,AvailabilityZone\n"
                       "2024-02-01T10:00:00Z,m5.large,Windows,0.2,us-east-1a\n"),
                  "", "no Linux/UNIX spot price record (1 records of other products skipped)");
  }
  SECTION("the same pool and time with two prices") {
    require_error(
        read(header + good + "2024-02-01T10:00:00Z,m5.large,0.04,us-east-1a\n"), "line 3",
        "conflicting spot prices for m5.large/us-east-1a at 2024-02-01T10:00:00Z: 0.04 here, 0.03 at line 2");
  }
}

TEST_CASE("a CSV reader reports several bad rows at once") {
  TempDir dir;
  const auto file = dir.write("p.csv",
                              "Timestamp,InstanceType,SpotPrice,AvailabilityZone\n"
                              "2024-02-01T10:00:00Z,m5.large,x,us-east-1a\n"
                              "2024-02-01T11:00:00Z,m5.large,y,us-east-1a\n");
  const auto errors = errors_of([&] { read_spot_price_csv(file, "p.csv", 0); });
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].where == "line 2");
  CHECK(errors[1].where == "line 3");
}

// ---------------------------------------------------------------------------------------------
// describe-spot-price-history JSON

TEST_CASE("two concatenated CLI pages out of order give the step function of the sorted records") {
  TempDir dir;
  const std::int64_t start = at("2024-02-01T10:00:00Z");
  const auto pools = read_spot_price_history_json(dir.write("h.json", kPage1 + kPage2), "h.json", start);
  REQUIRE(pools.size() == 2);

  StepFunction sorted;  // us-east-1a, by hand, oldest first
  sorted.add(0, 0.0369);
  sorted.add(hours(1), 0.04);
  sorted.add(hours(2), 0.038);
  const StepFunction& a = pools.at("m5.large/us-east-1a");
  CHECK(a.times() == sorted.times());
  CHECK(a.values() == sorted.values());
  CHECK(pools.at("m5.large/us-east-1b").times() == std::vector<SimTime>{minutes(30)});

  // A JSON array of the same pages, in the other order, reads the same.
  const auto as_array =
      read_spot_price_history_json(dir.write("a.json", "[" + kPage2 + "," + kPage1 + "]"), "a.json", start);
  CHECK(as_array.at("m5.large/us-east-1a").values() == sorted.values());
  CHECK(as_array.at("m5.large/us-east-1a").times() == sorted.times());
}

// A price holds until the pool's next record; before the first record the first price holds.
TEST_CASE("values and integrals of a read price history match a hand computation") {
  TempDir dir;
  const std::int64_t start = at("2024-02-01T10:00:00Z");
  const auto pools = read_spot_price_history_json(dir.write("h.json", kPage1 + kPage2), "h.json", start);
  const StepFunction& a = pools.at("m5.large/us-east-1a");
  CHECK(a.value_at(minutes(30)) == 0.0369);  // between 10:00 and 11:00
  CHECK(a.value_at(minutes(90)) == 0.04);
  CHECK(a.value_at(hours(9)) == 0.038);
  // 10:30 -> 11:30: half an hour at 0.0369 and half an hour at 0.04.
  CHECK(a.integral_hours(minutes(30), minutes(90)) == Approx(0.5 * 0.0369 + 0.5 * 0.04));
  // 09:00 -> 10:30: before the first record the first price holds.
  CHECK(a.integral_hours(-hours(1), minutes(30)) == Approx(1.5 * 0.0369));
  // 11:00 -> 13:00: an hour at 0.04, an hour at 0.038.
  CHECK(a.integral_hours(hours(1), hours(3)) == Approx(0.04 + 0.038));
}

TEST_CASE("overlapping pages with exact duplicate records are accepted") {
  TempDir dir;
  const auto pools = read_spot_price_history_json(dir.write("h.json", kPage2 + kPage2 + kPage1), "h.json",
                                                  at("2024-02-01T10:00:00Z"));
  CHECK(pools.at("m5.large/us-east-1a").size() == 3);
}

TEST_CASE("describe-spot-price-history errors name the JSON pointer or the line and column") {
  TempDir dir;
  const auto read = [&](const std::string& content) {
    return [&dir, content] { read_spot_price_history_json(dir.write("h.json", content), "h.json", 0); };
  };
  const std::string r0 = record("m5.large", "us-east-1a", "0.03", "2024-02-01T10:00:00Z");
  const std::string r1 = record("m5.large", "us-east-1a", "0.04", "2024-02-01T11:00:00Z");
  const std::string r2 = record("m5.large", "us-east-1b", "0.05", "2024-02-01T11:00:00Z");
  SECTION("an unreadable price") {
    require_error(read(page({r0, r1, r2, record("m5.large", "us-east-1a", "cheap", "2024-02-01T12:00:00Z")})),
                  "/SpotPriceHistory/3/SpotPrice",
                  "expected a price in USD per hour like \"0.036900\", found the string \"cheap\"");
  }
  SECTION("a negative price") {
    require_error(read(page({r0, record("m5.large", "us-east-1a", "-1", "2024-02-01T12:00:00Z")})),
                  "/SpotPriceHistory/1/SpotPrice", "spot price must be a finite number >= 0");
  }
  SECTION("an unreadable timestamp") {
    require_error(read(page({record("m5.large", "us-east-1a", "0.03", "2024-13-01T10:00:00Z")})),
                  "/SpotPriceHistory/0/Timestamp", "expected an ISO 8601 timestamp");
  }
  SECTION("a price that is an object") {
    require_error(read("{\"SpotPriceHistory\": [{\"SpotPrice\": {}}]}"), "/SpotPriceHistory/0/SpotPrice",
                  "expected a string, found an object");
  }
  SECTION("a missing field") {
    require_error(
        read("{\"SpotPriceHistory\": [{\"InstanceType\": \"m5.large\", \"AvailabilityZone\": \"us-east-1a\", "
             "\"Timestamp\": \"2024-02-01T10:00:00Z\"}]}"),
        "/SpotPriceHistory/0", "missing \"SpotPrice\"");
  }
  SECTION("a record that is not an object") {
    require_error(read("{\"SpotPriceHistory\": [" + r0 + ", 7]}"), "/SpotPriceHistory/1",
                  "expected a spot price record (an object), found 7");
  }
  SECTION("a page without SpotPriceHistory") {
    require_error(read("{\"NextToken\": \"x\"}"), "", "missing \"SpotPriceHistory\"");
  }
  SECTION("a page in an array of pages") {
    require_error(read(std::string("[") + page({r0}) +
                       ", {\"SpotPriceHistory\": [{\"SpotPrice\": 5, \"Timestamp\": 5}]}]"),
                  "/1/SpotPriceHistory/0/Timestamp", "expected an ISO 8601 timestamp");
  }
  SECTION("a problem in the second of two documents") {
    // page() is 5 lines for one record, so the second document starts on line 6.
    require_error(read(page({r0}) + page({record("m5.large", "us-east-1a", "x", "2024-02-01T12:00:00Z")})),
                  "document 2 (line 6): /SpotPriceHistory/0/SpotPrice", "expected a price");
  }
  SECTION("a syntax error") {
    require_error(read("{\n  \"SpotPriceHistory\": [\n    {\"InstanceType\": m5.large}\n  ]\n}\n"),
                  "line 3, column 22", "invalid JSON");
  }
  SECTION("a syntax error in the second document counts lines from the top of the file") {
    require_error(read(page({r0}) + "{\"SpotPriceHistory\": [,]}\n"), "line 6, column 23", "invalid JSON");
  }
  SECTION("a document that never closes") {
    require_error(read(page({r0}) + "{\"SpotPriceHistory\": [\n"), "line 7, column 1", "invalid JSON");
  }
  SECTION("text that is not JSON") {
    require_error(read("SpotPriceHistory\n"), "line 1, column 1", "invalid JSON");
  }
  SECTION("an empty file") { require_error(read("  \n"), "", "empty file"); }
  SECTION("Windows records only") {
    require_error(read(page({record("m5.large", "us-east-1a", "0.2", "2024-02-01T10:00:00Z", "Windows")})),
                  "", "no Linux/UNIX spot price record (1 records of other products skipped)");
  }
  SECTION("the same pool and time with two prices") {
    require_error(
        read(page({r0}) + page({record("m5.large", "us-east-1a", "0.031", "2024-02-01T10:00:00Z")})),
        "document 2 (line 6): /SpotPriceHistory/0",
        "conflicting spot prices for m5.large/us-east-1a at 2024-02-01T10:00:00Z: 0.031 here, 0.03 at "
        "/SpotPriceHistory/0");
  }
  SECTION("nesting beyond any sensible depth") {
    // An unknown member is skipped whatever it holds, but not past 64 levels (the root is the first).
    std::string pointer = "/Foo";  // of the 65th level
    for (int i = 0; i < 63; ++i) pointer += "/0";
    require_error(read(std::string("{\"SpotPriceHistory\": [], \"Foo\": ") + std::string(100000, '[') +
                       std::string(100000, ']') + "}"),
                  pointer, "nested deeper than 64 levels");
  }
}

// ---------------------------------------------------------------------------------------------
// Files that cannot be read

TEST_CASE("every reader reports a file it cannot read as such") {
  TempDir dir;
  const fs::path missing = dir.path() / "missing.json";
  const auto cannot = [](auto read) { require_error(read, "", "cannot read file: "); };
  cannot([&] { read_spot_price_history_json(missing, "missing.json", 0); });
  cannot([&] { read_spot_price_csv(missing, "missing.json", 0); });
  cannot([&] { read_spot_advisor_buckets(missing, "missing.json", "us-east-1"); });
  cannot([&] { read_availability_trace(missing, "missing.json"); });
  require_error([&] { read_spot_price_csv(missing, "missing.json", 0); }, "", "No such file or directory");
  require_error([&] { read_availability_trace(dir.path(), "dir"); }, "",
                "cannot read file: it is a directory");
  require_error([&] { read_spot_price_history_json(dir.path(), "dir", 0); }, "", "it is a directory");

  const fs::path locked = dir.write("locked.csv", "Timestamp\n");
  fs::permissions(locked, fs::perms::none);
  if (::access(locked.c_str(), R_OK) != 0)  // root reads anything: then there is nothing to test
    require_error([&] { read_spot_price_csv(locked, "locked.csv", 0); }, "",
                  "cannot read file: Permission denied");
}

TEST_CASE("a file larger than 512 MiB is refused unread") {
  TempDir dir;
  const fs::path big = dir.write("big.json", "");
  fs::resize_file(big, kMaxTraceFileBytes + 1);  // sparse: costs no disk
  require_error([&] { read_spot_price_history_json(big, "big.json", 0); }, "", "larger than 512 MiB");
}

// ---------------------------------------------------------------------------------------------
// SkyPilot availability traces

// data/README.md 2b: preemption/1-node/aws-04-19-2023, r5.16xlarge us-east-1b, G = 34 s, 16,090 ticks.
TEST_CASE("the SkyPilot us-east-1b preemption trace has 16090 ticks 34 seconds apart") {
  const auto trace = read_availability_trace(kData / "spot_traces_skypilot" / "preemption" / "1-node" /
                                                 "aws-04-19-2023" / "us-east-1b_intel_64.json",
                                             "us-east-1b_intel_64.json");
  CHECK(trace.source == "us-east-1b_intel_64.json");
  CHECK(trace.gap == seconds(34));
  CHECK(trace.counts.size() == 16090);
  CHECK(trace.counts[0] == 0);
  CHECK(trace.counts[1] == 1);
  for (const int n : trace.counts) REQUIRE((n == 0 || n == 1));
}

TEST_CASE("availability trace errors name the JSON pointer") {
  TempDir dir;
  const auto read = [&](const std::string& content) {
    return [&dir, content] { read_availability_trace(dir.write("t.json", content), "t.json"); };
  };
  SECTION("a negative count") {
    require_error(read(R"({"metadata": {"gap_seconds": 60}, "data": [1, 1, -1]})"), "/data/2",
                  "expected a count of instances (an integer >= 0), found -1");
  }
  SECTION("a fractional count") {
    require_error(read(R"({"metadata": {"gap_seconds": 60}, "data": [0.5]})"), "/data/0", "found 0.5");
  }
  SECTION("a zero gap") {
    require_error(read(R"({"metadata": {"gap_seconds": 0}, "data": [1]})"), "/metadata/gap_seconds",
                  "expected a positive number of seconds");
  }
  SECTION("a missing gap") { require_error(read(R"({"data": [1]})"), "/metadata/gap_seconds", "missing"); }
  SECTION("no ticks") {
    require_error(read(R"({"metadata": {"gap_seconds": 60}, "data": []})"), "/data", "no ticks");
  }
  SECTION("trailing text") {
    require_error(read("{\"metadata\": {\"gap_seconds\": 60}, \"data\": [1]}\n}"), "line 2, column 1",
                  "invalid JSON");
  }
}

TEST_CASE("a fractional gap is kept to the millisecond") {
  TempDir dir;
  const auto trace = read_availability_trace(
      dir.write("t.json", R"({"metadata": {"gap_seconds": 0.5}, "data": [2.0, 1]})"), "t");
  CHECK(trace.gap == milliseconds(500));
  CHECK(trace.counts == std::vector<int>{2, 1});
}

// ---------------------------------------------------------------------------------------------
// Spot Advisor feed

// data/README.md 2a: "us-east-1 Linux m5.large s=66 r=3 (15-20%), c5.large s=59 r=0".
TEST_CASE("the 2025 Spot Advisor feed puts m5.large in us-east-1 in bucket 3") {
  const auto buckets = read_spot_advisor_buckets(kData / "spot_advisor" / "spot-advisor-data.2025-06-28.json",
                                                 "spot-advisor-data.json", "us-east-1");
  CHECK(buckets.at("m5.large") == 3);
  CHECK(buckets.at("c5.large") == 0);
  CHECK(buckets.at("t3.small") == 0);
  CHECK(buckets.size() > 500);
}

TEST_CASE("Spot Advisor errors name the region or the JSON pointer") {
  TempDir dir;
  const auto file = kData / "spot_advisor" / "spot-advisor-data.2025-06-28.json";
  require_error([&] { read_spot_advisor_buckets(file, "feed.json", "moon-1"); }, "/spot_advisor",
                "no region \"moon-1\"; the feed has ");
  const auto read = [&](const std::string& content) {
    return
        [&dir, content] { read_spot_advisor_buckets(dir.write("a.json", content), "a.json", "us-east-1"); };
  };
  require_error(read(R"({"spot_advisor": {"us-east-1": {"Linux": {"m5.large": {"s": 66, "r": 7}}}}})"),
                "/spot_advisor/us-east-1/Linux/m5.large/r", "expected a bucket index 0-4, found 7");
  require_error(read(R"({"spot_advisor": {"us-east-1": {"Linux": {"m5.large": {"s": 66}}}}})"),
                "/spot_advisor/us-east-1/Linux/m5.large", "missing \"r\"");
  require_error(read(R"({"spot_advisor": {"us-east-1": {"Windows": {}}}})"), "/spot_advisor/us-east-1",
                "no \"Linux\" entries");
  require_error(read(R"({"ranges": []})"), "", "not a Spot Instance Advisor feed");
}

}  // namespace spotsim
