#pragma once
// std::optional<SimTime> in 8 bytes instead of 16: "none" is INT64_MIN, an instant no simulation
// reaches (times are >= 0; parse_duration caps them at ~290 years). Records kept for a whole run
// (a year of churn keeps millions of task records) carry several optional instants each, so half
// their size matters. It reads and writes like the std::optional it replaces: `if (t)`, `*t`,
// `t.value_or(x)`, `t = now`, `t = std::nullopt`, comparisons ordered as std::optional's (none
// first).
#include <compare>
#include <limits>
#include <optional>

#include "sim/sim_time.hpp"

namespace spotsim {

class OptionalTime {
 public:
  constexpr OptionalTime() noexcept = default;
  constexpr OptionalTime(std::nullopt_t) noexcept {}
  constexpr OptionalTime(SimTime t) noexcept : t_(t) {}
  constexpr OptionalTime(const std::optional<SimTime>& t) noexcept : t_(t ? *t : kNone) {}
  constexpr OptionalTime& operator=(std::nullopt_t) noexcept {
    t_ = kNone;
    return *this;
  }

  constexpr bool has_value() const noexcept { return t_ != kNone; }
  constexpr explicit operator bool() const noexcept { return has_value(); }
  constexpr const SimTime& operator*() const noexcept { return t_; }
  constexpr SimTime& operator*() noexcept { return t_; }
  constexpr SimTime value() const {
    if (!has_value()) throw std::bad_optional_access();
    return t_;
  }
  constexpr SimTime value_or(SimTime fallback) const noexcept { return has_value() ? t_ : fallback; }
  constexpr void reset() noexcept { t_ = kNone; }
  constexpr operator std::optional<SimTime>() const noexcept {
    return has_value() ? std::optional<SimTime>(t_) : std::nullopt;
  }

  friend constexpr bool operator==(const OptionalTime& a, const OptionalTime& b) noexcept { return a.t_ == b.t_; }
  friend constexpr bool operator==(const OptionalTime& a, std::nullopt_t) noexcept { return !a.has_value(); }
  friend constexpr bool operator==(const OptionalTime& a, SimTime b) noexcept { return a.has_value() && a.t_ == b; }
  // kNone is the smallest int64, so none orders first, as std::optional's nullopt does.
  friend constexpr std::strong_ordering operator<=>(const OptionalTime& a, const OptionalTime& b) noexcept {
    return a.t_ <=> b.t_;
  }
  friend constexpr std::strong_ordering operator<=>(const OptionalTime& a, SimTime b) noexcept {
    return a.has_value() ? a.t_ <=> b : std::strong_ordering::less;
  }

 private:
  static constexpr SimTime kNone = std::numeric_limits<SimTime>::min();
  SimTime t_ = kNone;
};

}  // namespace spotsim
