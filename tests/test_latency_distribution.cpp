// The run's latency percentiles: the per-request histogram
// (models/latency_distribution.hpp; design.md "Traffic and dropped requests").
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/latency_distribution.hpp"
#include "sim/random.hpp"

using namespace spotsim;

namespace {

const double kPs[] = {0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999};

// The exact sample quantile by nearest rank: the ceil(p n)-th smallest of `sorted`.
double sample_quantile(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[rank - 1];
}

}  // namespace

TEST_CASE("latency histogram quantiles are within 0.2 % of the exact sample quantiles",
          "[latency]") {
  RandomStream rng(7, "test.latency.samples", 0);
  const int n = 200'000;
  std::vector<double> exponential, lognormal;
  LatencyHistogram exp_hist, log_hist;
  for (int i = 0; i < n; ++i) {
    exponential.push_back(rng.exponential(20.0));              // mean 50 ms
    lognormal.push_back(0.08 * std::exp(1.5 * rng.normal()));  // median 80 ms, spans decades
    exp_hist.add(exponential.back());
    log_hist.add(lognormal.back());
  }
  CHECK(exp_hist.total_weight() == n);
  std::sort(exponential.begin(), exponential.end());
  std::sort(lognormal.begin(), lognormal.end());
  for (double p : kPs) {
    INFO("p = " << p);
    CHECK(*exp_hist.quantile(p) == Approx(sample_quantile(exponential, p)).epsilon(0.002));
    CHECK(*log_hist.quantile(p) == Approx(sample_quantile(lognormal, p)).epsilon(0.002));
  }
}

TEST_CASE("a latency histogram weight counts as that many requests", "[latency]") {
  LatencyHistogram weighted, repeated;
  for (double x : {0.010, 0.020, 0.5, 3.0}) {
    weighted.add(x, 3.0);
    for (int i = 0; i < 3; ++i) repeated.add(x);
  }
  CHECK(weighted.total_weight() == 12);
  for (double p : kPs) CHECK(*weighted.quantile(p) == *repeated.quantile(p));

  // Nine requests at 10 ms, one at 100 ms: the median is 10 ms, the 95th percentile 100 ms.
  LatencyHistogram skewed;
  skewed.add(0.010, 9.0);
  skewed.add(0.100, 1.0);
  CHECK(*skewed.quantile(0.5) == Approx(0.010).epsilon(0.002));
  CHECK(*skewed.quantile(0.95) == Approx(0.100).epsilon(0.002));
}

TEST_CASE("merged latency histograms equal one histogram of all the requests", "[latency]") {
  RandomStream rng(8, "test.latency.merge", 0);
  LatencyHistogram all, even, odd;
  for (int i = 0; i < 10'000; ++i) {
    const double x = rng.exponential(i % 2 ? 5.0 : 50.0);  // the halves differ
    all.add(x);
    (i % 2 ? odd : even).add(x);
  }
  even.merge(odd);
  CHECK(even.total_weight() == all.total_weight());
  for (double p : kPs) CHECK(*even.quantile(p) == *all.quantile(p));
}

TEST_CASE("an empty latency histogram has no quantile and invalid requests are ignored",
          "[latency]") {
  LatencyHistogram h;
  CHECK_FALSE(h.quantile(0.5).has_value());
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  h.add(nan);
  h.add(inf);
  h.add(-inf);
  h.add(0.1, 0.0);
  h.add(0.1, -1.0);
  h.add(0.1, nan);
  h.add(0.1, inf);
  CHECK(h.total_weight() == 0);
  CHECK_FALSE(h.quantile(0.5).has_value());
  h.add(0.1);
  CHECK(*h.quantile(0.5) == 0.1);  // a single request is every quantile
  CHECK_FALSE(h.quantile(0.0).has_value());
  CHECK_FALSE(h.quantile(1.0).has_value());
}

TEST_CASE("tiny, negative and huge latency values land in the end bins", "[latency]") {
  LatencyHistogram h;
  for (double x : {0.0, 1e-12, -1e-9, 5e-7}) h.add(x);  // below ~1 µs: the first bin
  for (double x : {0x1p17, 3e5, 1e300}) h.add(x);       // from 2^17 s: the last bin
  CHECK(h.total_weight() == 7);
  const double low = *h.quantile(0.1);
  CHECK(low >= 0);
  CHECK(low < 1e-6);
  const double high = *h.quantile(0.9);
  CHECK(high >= 0x1p17);
  CHECK(high <= 1e300);
  // Just under and at a power of two: adjacent bins, both read back to within their width.
  LatencyHistogram edge;
  edge.add(std::nextafter(1.0, 0.0));
  edge.add(1.0);
  CHECK(*edge.quantile(0.25) == Approx(1.0).epsilon(0.002));
  CHECK(*edge.quantile(0.75) == Approx(1.0).epsilon(0.002));
}
