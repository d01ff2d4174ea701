// sim/sim_time.hpp: integer-millisecond time, the duration forms users write (Go's syntax, as
// ecs.config takes it, plus bare seconds), and ISO 8601 instants in and out.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "sim/sim_time.hpp"

namespace spotsim {

TEST_CASE("named constructors count milliseconds") {
  STATIC_REQUIRE(milliseconds(40) == 40);
  STATIC_REQUIRE(seconds(90) == 90'000);
  STATIC_REQUIRE(minutes(15) == 900'000);
  STATIC_REQUIRE(hours(1) == 3'600'000);
  STATIC_REQUIRE(days(7) == 604'800'000);
  CHECK(to_seconds(seconds(90)) == 90.0);
  CHECK(to_hours(minutes(90)) == 1.5);
}

TEST_CASE("parse_duration reads single-unit durations") {
  CHECK(parse_duration("90s") == seconds(90));
  CHECK(parse_duration("15m") == minutes(15));
  CHECK(parse_duration("7d") == days(7));
  CHECK(parse_duration("1h") == hours(1));
  CHECK(parse_duration("40ms") == milliseconds(40));
  CHECK(parse_duration("0s") == 0);
}

TEST_CASE("parse_duration reads compound durations, bare seconds and fractions") {
  CHECK(parse_duration("1m30s") == seconds(90));
  CHECK(parse_duration("1h30m") == minutes(90));
  CHECK(parse_duration("2h0m5s") == hours(2) + seconds(5));
  CHECK(parse_duration("120") == seconds(120));  // a bare integer is seconds
  CHECK(parse_duration("1.5h") == minutes(90));
  CHECK(parse_duration("0.25s") == milliseconds(250));
}

TEST_CASE("parse_duration rejects what is not a duration") {
  CHECK(parse_duration("") == std::nullopt);
  CHECK(parse_duration("-5s") == std::nullopt);    // negative
  CHECK(parse_duration("5x") == std::nullopt);     // unknown unit
  CHECK(parse_duration("s") == std::nullopt);      // unit without a number
  CHECK(parse_duration("1e9d") == std::nullopt);   // no exponents
  CHECK(parse_duration("1m30") == std::nullopt);   // a bare number only as the whole text
  CHECK(parse_duration("1.h") == std::nullopt);    // a point needs digits after it
  CHECK(parse_duration(" 5s") == std::nullopt);
  CHECK(parse_duration("5 s") == std::nullopt);
}

TEST_CASE("parse_duration rejects durations beyond 290 years, so SimTime cannot overflow") {
  CHECK(parse_duration("105850d") == days(105'850));  // 290 years of 365 days: the limit
  CHECK(parse_duration("105851d") == std::nullopt);
  CHECK(parse_duration("999999999999999999999d") == std::nullopt);
  CHECK(parse_duration("2562047788015215ms") == std::nullopt);
}

TEST_CASE("parse_iso8601_ms reads UTC instants with T or space, Z or a zero offset") {
  // 2024-02-05 is day 19,758 of the Unix epoch.
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00Z") == std::int64_t{1'707'091'200'000});
  CHECK(parse_iso8601_ms("2023-12-30 21:17:02+00:00") == std::int64_t{1'703'971'022'000});
  CHECK(parse_iso8601_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_ms("1969-12-31T23:59:59Z") == -1000);
}

TEST_CASE("parse_iso8601_ms honours numeric offsets") {
  const auto utc = parse_iso8601_ms("2024-02-05T00:00:00Z");
  CHECK(parse_iso8601_ms("2024-02-05T02:00:00+02:00") == utc);
  CHECK(parse_iso8601_ms("2024-02-05T02:00:00+0200") == utc);
  CHECK(parse_iso8601_ms("2024-02-04T19:00:00-05:00") == utc);
  CHECK(parse_iso8601_ms("2024-02-05T05:30:00+05:30") == utc);
}

TEST_CASE("parse_iso8601_ms keeps fractional seconds to the millisecond") {
  const std::int64_t base = 1'707'091'200'000;
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00.5Z") == base + 500);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00.250Z") == base + 250);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00.123456Z") == base + 123);  // truncated
}

TEST_CASE("parse_iso8601_ms rejects impossible dates and garbage") {
  CHECK(parse_iso8601_ms("2024-13-01") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-00-10") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-04-31T00:00:00Z") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-30T00:00:00Z") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-05T24:00:00Z") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00Q") == std::nullopt);
  CHECK(parse_iso8601_ms("garbage") == std::nullopt);
  CHECK(parse_iso8601_ms("") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00.Z") == std::nullopt);
}

TEST_CASE("February 29 is a date only in leap years") {
  CHECK(parse_iso8601_ms("2024-02-29T00:00:00Z").has_value());
  CHECK(parse_iso8601_ms("2000-02-29T00:00:00Z").has_value());  // divisible by 400
  CHECK(parse_iso8601_ms("2023-02-29T00:00:00Z") == std::nullopt);
  CHECK(parse_iso8601_ms("1900-02-29T00:00:00Z") == std::nullopt);  // divisible by 100
}

TEST_CASE("parse_iso8601_ms rejects second 60 and offsets that are malformed or out of range") {
  CHECK(parse_iso8601_ms("2016-12-31T23:59:60Z") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00+24:00") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00+02:60") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00+02:") == std::nullopt);
  CHECK(parse_iso8601_ms("2024-02-05T00:00:00+2:00") == std::nullopt);
}

TEST_CASE("format_iso8601 writes UTC with a Z and drops milliseconds") {
  CHECK(format_iso8601(1'707'091'200'000) == "2024-02-05T00:00:00Z");
  CHECK(format_iso8601(1'703'971'022'999) == "2023-12-30T21:17:02Z");
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601(-1) == "1969-12-31T23:59:59Z");  // floors, not truncates
  CHECK(format_iso8601(-1000) == "1969-12-31T23:59:59Z");
  CHECK(format_iso8601(-1001) == "1969-12-31T23:59:58Z");
}

TEST_CASE("format_iso8601 and parse_iso8601_ms round-trip whole seconds") {
  for (const char* text : {"2024-02-05T00:00:00Z", "2023-12-30T21:17:02Z", "2024-02-29T23:59:59Z",
                           "2000-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2100-03-01T12:34:56Z",
                           "1960-06-15T08:00:00Z"}) {
    const auto ms = parse_iso8601_ms(text);
    REQUIRE(ms.has_value());
    CHECK(format_iso8601(*ms) == text);
  }
  for (std::int64_t ms = -days(800); ms < days(800); ms += hours(7) + seconds(13)) {
    const auto back = parse_iso8601_ms(format_iso8601(ms));
    REQUIRE(back.has_value());
    CHECK(*back == ms);
  }
}

}  // namespace spotsim
