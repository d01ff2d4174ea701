#pragma once
// Simulated time: integer milliseconds since the scenario's start. Doubles appear only in rates,
// prices and reports, so the main loop never compares times with an epsilon.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spotsim {

using SimTime = std::int64_t;  // milliseconds
inline constexpr SimTime kNever = INT64_MAX;

constexpr SimTime milliseconds(std::int64_t n) { return n; }
constexpr SimTime seconds(std::int64_t n) { return n * 1000; }
constexpr SimTime minutes(std::int64_t n) { return n * 60'000; }
constexpr SimTime hours(std::int64_t n) { return n * 3'600'000; }
constexpr SimTime days(std::int64_t n) { return n * 86'400'000; }
constexpr double to_seconds(SimTime t) { return static_cast<double>(t) / 1000.0; }
constexpr double to_hours(SimTime t) { return static_cast<double>(t) / 3'600'000.0; }

// Parses the duration forms users write: "90s", "15m", "7d", "1h", "40ms", "1m30s" (Go's syntax, as
// ecs.config takes it), a bare integer (seconds). Returns nullopt for anything else, negative
// values included, and for values beyond ~290 years (so SimTime arithmetic cannot overflow).
std::optional<SimTime> parse_duration(std::string_view text);

// Parses an ISO 8601 UTC instant ("2024-02-05T00:00:00Z", "2023-12-30 21:17:02+00:00",
// fractional seconds allowed, numeric offsets honoured) into milliseconds since the Unix epoch.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

// Formats milliseconds since the Unix epoch as "2024-02-05T00:00:00Z" (milliseconds dropped).
std::string format_iso8601(std::int64_t epoch_ms);

// a / b rounded towards negative infinity (b > 0): the bucket of an instant before an epoch.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace spotsim
