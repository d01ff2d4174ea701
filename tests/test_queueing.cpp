// M/M/c formulas (the fluid traffic model's latency; design.md "Traffic and dropped requests").
#include <catch2/catch.hpp>

#include <cmath>

#include "models/queueing.hpp"
#include "sim/random.hpp"

using namespace spotsim;

TEST_CASE("Erlang C matches textbook values", "[queueing]") {
  // c = 1: C = ρ (M/M/1). Known values: C(2, 1) = 1/3; C(10, 8) ≈ 0.4092 (standard Erlang C tables).
  CHECK(erlang_c(1, 0.7) == Approx(0.7));
  CHECK(erlang_c(2, 1.0) == Approx(1.0 / 3.0));
  CHECK(erlang_c(10, 8.0) == Approx(0.40918).epsilon(1e-4));
  CHECK(erlang_c(4, 5.0) == 1.0);
  CHECK(erlang_c(4, 0.0) == 0.0);
  // Large c stays finite and sensible.
  const double big = erlang_c(5000, 4900);
  CHECK(big > 0);
  CHECK(big < 1);
}

TEST_CASE("an M/M/1 queue's response time is exponential with rate mu - lambda", "[queueing]") {
  const MmcQueue q{7.0, 10.0, 1};
  CHECK(q.mean_response() == Approx(1.0 / 3.0));
  for (double t : {0.05, 0.2, 1.0}) CHECK(q.response_tail(t) == Approx(std::exp(-3.0 * t)));
  CHECK(*q.response_quantile(0.99) == Approx(std::log(100.0) / 3.0));
}

TEST_CASE("the response-time distribution matches a simulated M/M/c queue", "[queueing]") {
  // A direct FIFO simulation of 4 slots at 70 % load (the design's reference point), fixed seed.
  const MmcQueue q{28.0, 10.0, 4};
  RandomStream rng(11, "test.mmc", 0);
  double free_at[4] = {0, 0, 0, 0};
  double t = 0, sum = 0;
  int over = 0;
  const int n = 400'000;
  const double t90 = *q.response_quantile(0.9);
  for (int i = 0; i < n; ++i) {
    t += rng.exponential(q.lambda);
    int k = 0;
    for (int j = 1; j < 4; ++j)
      if (free_at[j] < free_at[k]) k = j;
    const double start = std::max(t, free_at[k]);
    free_at[k] = start + rng.exponential(q.mu);
    const double response = free_at[k] - t;
    sum += response;
    over += response > t90 ? 1 : 0;
  }
  CHECK(sum / n == Approx(q.mean_response()).epsilon(0.02));
  CHECK(static_cast<double>(over) / n == Approx(0.1).epsilon(0.03));
}

TEST_CASE("an unstable queue has no quantile", "[queueing]") {
  const MmcQueue q{50.0, 10.0, 4};
  CHECK_FALSE(q.stable());
  CHECK_FALSE(q.response_quantile(0.5).has_value());
}
