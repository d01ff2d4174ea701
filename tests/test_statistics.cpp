// The statistics of replications (tools/statistics.hpp): known answers of Student's t interval.
#include "tools/statistics.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace spotsim;

TEST_CASE("statistics: Student's t quantiles match the tables", "[statistics]") {
  CHECK(student_t_quantile(0.975, 1) == Approx(12.706).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.776).epsilon(1e-3));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.262).epsilon(1e-3));
  CHECK(student_t_quantile(0.975, 1000) == Approx(1.962).epsilon(1e-3));
}

TEST_CASE("statistics: mean, sample standard deviation and the 95 % interval of five samples", "[statistics]") {
  Eigen::VectorXd x(5);
  x << 2, 4, 4, 5, 10;  // mean 5, squared deviations 9+1+1+0+25 = 36, s = sqrt(36/4) = 3
  const Estimate e = estimate(x);
  CHECK(e.n == 5);
  CHECK(e.mean == Approx(5));
  CHECK(e.sd == Approx(3));
  const double half = 2.7764451 * 3 / std::sqrt(5.0);
  CHECK(e.ci95_low == Approx(5 - half).epsilon(1e-6));
  CHECK(e.ci95_high == Approx(5 + half).epsilon(1e-6));
  CHECK(e.half_width() == Approx(half).epsilon(1e-6));
}

TEST_CASE("statistics: equal samples give a zero-width interval; one sample has none", "[statistics]") {
  Eigen::VectorXd same = Eigen::VectorXd::Constant(4, 1.25);
  const Estimate e = estimate(same);
  CHECK(e.sd == 0);
  CHECK(e.ci95_low == 1.25);
  CHECK(e.ci95_high == 1.25);
  Eigen::VectorXd one(1);
  one << 3;
  const Estimate single = estimate(one);
  CHECK(single.mean == 3);
  CHECK(std::isnan(single.sd));
  CHECK(std::isnan(single.ci95_low));
  CHECK(std::isnan(estimate(Eigen::VectorXd()).mean));
}

TEST_CASE("statistics: a paired difference removes the noise both runs share", "[statistics]") {
  // Base and variant share a large per-replication noise; the variant is 1 higher every time.
  Eigen::VectorXd base(4), variant(4);
  base << 10, 30, 20, 50;
  variant << 11, 31, 21, 51;
  const Estimate paired = paired_difference(base, variant);
  CHECK(paired.mean == Approx(1));
  CHECK(paired.sd == Approx(0).margin(1e-12));
  // Unpaired, the same means' difference is buried in the spread.
  CHECK(estimate(variant).half_width() > 10);
}
