// sim/random.hpp: named streams derived from (seed, name, replication), and the distributions the
// project writes itself. Every case uses fixed seeds, so every statistical bound below is checked
// against one fixed sequence: the tests are deterministic, and the bounds are loose enough that a
// correct change of derivation would still pass them (the golden numbers are what pin it).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/random.hpp"

namespace spotsim {
namespace {

std::vector<std::uint32_t> draw(RandomStream& stream, int n) {
  std::vector<std::uint32_t> out;
  for (int i = 0; i < n; ++i) out.push_back(stream.next_u32());
  return out;
}

std::vector<std::uint32_t> draw(std::uint64_t seed, const char* name, std::uint64_t replication) {
  RandomStream stream(seed, name, replication);
  return draw(stream, 16);
}

}  // namespace

TEST_CASE("the same seed, name and replication give the same sequence") {
  CHECK(draw(1, "spot_market", 0) == draw(1, "spot_market", 0));
  CHECK(draw(99, "traffic", 3) == draw(99, "traffic", 3));
}

TEST_CASE("different names, replications or seeds give different sequences") {
  const auto base = draw(1, "spot_market", 0);
  CHECK(draw(1, "spot_markets", 0) != base);
  CHECK(draw(1, "traffic", 0) != base);
  CHECK(draw(1, "spot_market", 1) != base);
  CHECK(draw(2, "spot_market", 0) != base);
  // Seed and replication are not interchangeable.
  CHECK(draw(1, "spot_market", 2) != draw(2, "spot_market", 1));
}

// The property common random numbers rest on (design.md, Engine contract): a model added to the
// world, drawing from its own stream, must not shift the numbers another model draws.
TEST_CASE("adding a new stream does not change the numbers an existing stream draws") {
  RandomStream alone(2024, "a", 0);
  const auto expected = draw(alone, 100);

  RandomStream a(2024, "a", 0);
  RandomStream b(2024, "b", 0);
  std::vector<std::uint32_t> seen_by_a;
  for (int i = 0; i < 100; ++i) {
    b.next_u32();
    seen_by_a.push_back(a.next_u32());
    b.uniform();
    b.exponential(3.0);
  }
  CHECK(seen_by_a == expected);
}

// Golden numbers: the first three draws of one stream, recorded from the current derivation
// (SplitMix64 of seed and replication, FNV-1a of the name selecting pcg32's stream). Results files
// and golden scenario outputs depend on these numbers; if this case fails, the derivation changed and
// every stored output must be regenerated deliberately, not this constant quietly updated.
TEST_CASE("the first draws of a named stream are pinned") {
  RandomStream stream(20240205, "spot_market", 0);
  CHECK(stream.next_u32() == 3515695806u);
  CHECK(stream.next_u32() == 519725280u);
  CHECK(stream.next_u32() == 1697672127u);
}

TEST_CASE("stream names hash with 64-bit FNV-1a") {
  // The published FNV-1a test vectors for "" and "a".
  CHECK(stream_name_hash("") == 0xcbf29ce484222325ULL);
  CHECK(stream_name_hash("a") == 0xaf63dc4c8601ec8cULL);
}

TEST_CASE("uniform draws lie in [0, 1) with mean near one half") {
  RandomStream stream(5, "test.uniform", 0);
  constexpr int kDraws = 100'000;
  double sum = 0;
  double low = 1;
  double high = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = stream.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    low = std::min(low, u);
    high = std::max(high, u);
  }
  // The mean's standard error is sqrt(1/12 / n) ~ 0.0009.
  CHECK(sum / kDraws == Approx(0.5).margin(0.005));
  CHECK(low < 0.001);
  CHECK(high > 0.999);
}

TEST_CASE("uniform_pos draws lie in (0, 1] so log() of them is finite") {
  RandomStream stream(5, "test.uniform_pos", 0);
  for (int i = 0; i < 100'000; ++i) {
    const double u = stream.uniform_pos();
    REQUIRE(u > 0.0);
    REQUIRE(u <= 1.0);
  }
}

TEST_CASE("below(n) stays below n and is roughly uniform") {
  RandomStream stream(6, "test.below", 0);
  constexpr std::uint32_t kBins = 10;
  constexpr int kDraws = 100'000;
  std::array<int, kBins> count{};
  for (int i = 0; i < kDraws; ++i) {
    const std::uint32_t x = stream.below(kBins);
    REQUIRE(x < kBins);
    ++count[x];
  }
  // Pearson's chi-square with 9 degrees of freedom: mean 9, 99.9th percentile 27.9.
  const double expected = static_cast<double>(kDraws) / kBins;
  double chi_square = 0;
  for (const int c : count) chi_square += (c - expected) * (c - expected) / expected;
  CHECK(chi_square < 27.9);

  for (int i = 0; i < 1000; ++i) {
    REQUIRE(stream.below(1) == 0);
    REQUIRE(stream.below(3) < 3);
    REQUIRE(stream.below(0xFFFFFFFFu) < 0xFFFFFFFFu);
  }
}

TEST_CASE("exponential(rate) has mean 1/rate") {
  RandomStream stream(7, "test.exponential", 0);
  constexpr int kDraws = 100'000;
  for (const double rate : {0.5, 2.0, 1.0 / 1000.0}) {
    double sum = 0;
    for (int i = 0; i < kDraws; ++i) {
      const double x = stream.exponential(rate);
      REQUIRE(x >= 0.0);
      REQUIRE(std::isfinite(x));
      sum += x;
    }
    // The mean's relative standard error is 1/sqrt(n) ~ 0.3%.
    CHECK(sum / kDraws == Approx(1.0 / rate).epsilon(0.02));
  }
}

TEST_CASE("normal() has mean 0 and standard deviation 1") {
  RandomStream stream(8, "test.normal", 0);
  constexpr int kDraws = 100'000;
  double sum = 0;
  double sum_sq = 0;
  int beyond_two_sd = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = stream.normal();
    REQUIRE(std::isfinite(x));
    sum += x;
    sum_sq += x * x;
    if (std::abs(x) > 2) ++beyond_two_sd;
  }
  const double mean = sum / kDraws;
  const double sd = std::sqrt(sum_sq / kDraws - mean * mean);
  CHECK(mean == Approx(0.0).margin(0.02));
  CHECK(sd == Approx(1.0).margin(0.02));
  // 4.55% of a standard normal lies beyond two standard deviations.
  CHECK(beyond_two_sd / static_cast<double>(kDraws) == Approx(0.0455).margin(0.005));
}

TEST_CASE("bernoulli(p) is true with probability p") {
  RandomStream stream(9, "test.bernoulli", 0);
  int hits = 0;
  for (int i = 0; i < 100'000; ++i) hits += stream.bernoulli(0.3) ? 1 : 0;
  CHECK(hits / 100'000.0 == Approx(0.3).margin(0.01));
  for (int i = 0; i < 1000; ++i) {
    REQUIRE_FALSE(stream.bernoulli(0.0));
    REQUIRE(stream.bernoulli(1.0));
  }
}

}  // namespace spotsim
