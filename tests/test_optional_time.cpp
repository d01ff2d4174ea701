// sim/optional_time.hpp: std::optional<SimTime> in 8 bytes, for the records kept for a whole run.
#include <catch2/catch.hpp>

#include <optional>

#include "sim/optional_time.hpp"

namespace spotsim {

TEST_CASE("memory - OptionalTime reads, writes and orders as std::optional<SimTime> does", "[mem]") {
  static_assert(sizeof(OptionalTime) == sizeof(SimTime));
  OptionalTime t;
  CHECK_FALSE(t.has_value());
  CHECK(t == std::nullopt);
  CHECK(t.value_or(kNever) == kNever);
  CHECK_THROWS_AS(t.value(), std::bad_optional_access);
  CHECK(t < OptionalTime(0));  // none orders first
  CHECK(t < SimTime{-5});
  t = seconds(3);
  REQUIRE(t);
  CHECK(*t == seconds(3));
  CHECK(t == seconds(3));
  CHECK(t.value() == seconds(3));
  CHECK(t > OptionalTime(seconds(2)));
  CHECK(static_cast<std::optional<SimTime>>(t) == std::optional<SimTime>(seconds(3)));
  t = 0;  // time zero is a value, not none
  CHECK(t.has_value());
  t = std::nullopt;
  CHECK_FALSE(t);
  CHECK(OptionalTime(std::optional<SimTime>()) == std::nullopt);
}

}  // namespace spotsim
