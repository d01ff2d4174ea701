// The run's latency percentiles: the per-request histogram and the fluid mode's M/M/c mixture
// (models/latency_distribution.hpp; design.md "Traffic and dropped requests").
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/latency_distribution.hpp"
#include "models/queueing.hpp"
#include "sim/random.hpp"

using namespace spotsim;

namespace {

const double kPs[] = {0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999};

// The exact sample quantile by nearest rank: the ceil(p n)-th smallest of `sorted`.
double sample_quantile(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[rank - 1];
}

double mmc_quantile(int c, double mu, double rho, double p) {
  return *MmcQueue{rho * c * mu, mu, c}.response_quantile(p);
}

// A direct FIFO simulation of an M/M/c queue (as in test_queueing.cpp): each arrival takes the slot
// that frees first. Returns every request's response time.
std::vector<double> simulate_mmc(int c, double mu, double rho, int n, std::uint64_t seed) {
  RandomStream rng(seed, "test.latency.mmc", 0);
  std::vector<double> free_at(static_cast<std::size_t>(c), 0.0);
  std::vector<double> responses;
  responses.reserve(static_cast<std::size_t>(n));
  const double lambda = rho * c * mu;
  double t = 0;
  for (int i = 0; i < n; ++i) {
    t += rng.exponential(lambda);
    auto slot = std::min_element(free_at.begin(), free_at.end());
    *slot = std::max(t, *slot) + rng.exponential(mu);
    responses.push_back(*slot - t);
  }
  return responses;
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

TEST_CASE("latency histogram accuracy holds where interpolating within a bin cannot help",
          "[latency]") {
  // Smooth samples fill bins evenly, so interpolation hides the bin width; requests at discrete
  // times 10 ms apart, each alone in its 2^-9 s ≈ 2 ms wide bin around 1 s, do not. The outliers
  // keep the clamp to the extremes out of play. Error ≤ one bin: 0.2 % (with 2^-8 bins: 0.39 %).
  std::vector<double> times{0.5, 3.0};
  for (int k = 0; k < 100; ++k) times.push_back(1.0 + 0.01 * k);
  LatencyHistogram h;
  for (double x : times) h.add(x);
  std::sort(times.begin(), times.end());
  for (int percent = 2; percent < 99; ++percent) {
    const double p = percent / 100.0;
    INFO("p = " << p);
    CHECK(*h.quantile(p) == Approx(sample_quantile(times, p)).epsilon(0.002));
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

TEST_CASE("a one-bucket latency mixture is the M/M/c quantile", "[latency]") {
  struct Case {
    int c;
    double mu, rho;
  };
  // (2, 10, 0.5) has θ = cμ − λ = μ, the formula's special case.
  for (const Case k : {Case{4, 25, 0.7}, Case{1, 10, 0.5}, Case{2, 10, 0.5}, Case{16, 5, 0.9},
                       Case{64, 2, 0.95}, Case{8, 40, 0.0}}) {
    LatencyMixture m;
    m.add(k.c, k.mu, k.rho, 0.0, 2.5);
    CHECK(m.total_weight() == 2.5);
    for (double p : {0.5, 0.95, 0.99}) {
      INFO("c = " << k.c << ", mu = " << k.mu << ", rho = " << k.rho << ", p = " << p);
      CHECK(*m.quantile(p) == Approx(mmc_quantile(k.c, k.mu, k.rho, p)).epsilon(0.001));
    }
  }
}

TEST_CASE("a two-bucket latency mixture's quantile solves the averaged-tail equation",
          "[latency]") {
  // P(shift + T > t) = P(T > t − shift); MmcQueue::response_tail is 1 for t ≤ 0.
  const MmcQueue a{0.7 * 4 * 25, 25, 4};
  const MmcQueue b{0.5 * 2 * 10, 10, 2};
  const double shift_b = 0.05;
  for (double wa : {1.0, 3.0}) {
    LatencyMixture m;
    m.add(4, 25, 0.7, 0.0, wa);
    m.add(2, 10, 0.5, shift_b, 1.0);
    CHECK(m.bucket_count() == 2);
    for (double p : {0.5, 0.9, 0.99}) {
      INFO("weight of a = " << wa << ", p = " << p);
      const double t = *m.quantile(p);
      const double tail = (wa * a.response_tail(t) + b.response_tail(t - shift_b)) / (wa + 1.0);
      CHECK(tail == Approx(1.0 - p).epsilon(1e-4));
      const double qa = *a.response_quantile(p), qb = shift_b + *b.response_quantile(p);
      CHECK(t > std::min(qa, qb));
      CHECK(t < std::max(qa, qb));
    }
  }
}

TEST_CASE("a shift adds to the latency quantile, and under 1 ms it counts as none", "[latency]") {
  for (double p : {0.5, 0.99}) {
    LatencyMixture shifted, tiny, none;
    shifted.add(4, 25, 0.7, 0.25, 1.0);
    tiny.add(4, 25, 0.7, 0.0004, 1.0);
    none.add(4, 25, 0.7, 0.0, 1.0);
    CHECK(*shifted.quantile(p) == Approx(0.25 + mmc_quantile(4, 25, 0.7, p)).epsilon(1e-9));
    CHECK(*tiny.quantile(p) == *none.quantile(p));
  }
}

TEST_CASE("nearby intervals share a latency bucket represented by their weighted mean",
          "[latency]") {
  // rho 0.700 and 0.702 are both in [179/256, 180/256); shifts 0.0997 s and 0.1000 s both in
  // [1.59375, 1.6015625) × 2^-4 s, one 2^-7-wide bin.
  LatencyMixture m;
  m.add(4, 25, 0.700, 0.0997, 1.0);
  m.add(4, 25, 0.702, 0.1000, 3.0);
  CHECK(m.bucket_count() == 1);
  const double rho = (0.700 + 3 * 0.702) / 4, shift = (0.0997 + 3 * 0.1000) / 4;
  CHECK(*m.quantile(0.99) == Approx(shift + mmc_quantile(4, 25, rho, 0.99)).epsilon(1e-9));

  m.add(4, 25, 0.72, 0.1, 1.0);   // another rho bin
  m.add(4, 25, 0.7, 0.11, 1.0);   // another shift bin
  m.add(5, 25, 0.7, 0.1, 1.0);    // another c
  m.add(4, 25.5, 0.7, 0.1, 1.0);  // another mu
  CHECK(m.bucket_count() == 5);
  CHECK(m.total_weight() == 8);
}

TEST_CASE("the latency mixture clamps rho and ignores invalid intervals", "[latency]") {
  LatencyMixture over, limit;
  over.add(4, 25, 1.3, 0.0, 1.0);
  limit.add(4, 25, 0.999, 0.0, 1.0);
  CHECK(*over.quantile(0.5) == *limit.quantile(0.5));

  LatencyMixture m;
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_FALSE(m.quantile(0.5).has_value());
  m.add(4, 25, 0.5, 0.0, 0.0);
  m.add(4, 25, 0.5, 0.0, -1.0);
  m.add(4, 25, 0.5, 0.0, nan);
  m.add(4, 25, 0.5, 0.0, inf);
  m.add(0, 25, 0.5, 0.0, 1.0);
  m.add(4, 0.0, 0.5, 0.0, 1.0);
  m.add(4, inf, 0.5, 0.0, 1.0);
  m.add(4, 25, nan, 0.0, 1.0);
  m.add(4, 25, 0.5, inf, 1.0);
  CHECK(m.total_weight() == 0);
  CHECK(m.bucket_count() == 0);
  CHECK_FALSE(m.quantile(0.5).has_value());
}

TEST_CASE("merged latency mixtures equal one mixture of all the intervals", "[latency]") {
  LatencyMixture all, first, second;
  all.add(4, 25, 0.7, 0.0, 2.0);
  all.add(2, 10, 0.5, 0.05, 1.0);
  all.add(4, 25, 0.7, 0.0, 1.0);
  first.add(4, 25, 0.7, 0.0, 2.0);
  second.add(2, 10, 0.5, 0.05, 1.0);
  second.add(4, 25, 0.7, 0.0, 1.0);
  first.merge(second);
  CHECK(first.bucket_count() == 2);
  CHECK(first.total_weight() == all.total_weight());
  for (double p : {0.5, 0.95, 0.99}) CHECK(*first.quantile(p) == *all.quantile(p));
}

TEST_CASE("a many-bucket latency quantile is bracketed and independent of insertion order",
          "[latency]") {
  RandomStream rng(9, "test.latency.buckets", 0);
  struct Interval {
    int c;
    double mu, rho, shift, weight;
  };
  std::vector<Interval> intervals;
  for (int i = 0; i < 2000; ++i)
    intervals.push_back({1 + static_cast<int>(rng.below(32)), 5.0 + rng.below(10) * 5.0,
                         rng.uniform() * 0.98, rng.bernoulli(0.5) ? 0.0 : rng.uniform(),
                         1.0 + rng.uniform() * 100.0});
  LatencyMixture forward, backward;
  for (const Interval& k : intervals) forward.add(k.c, k.mu, k.rho, k.shift, k.weight);
  for (auto k = intervals.rbegin(); k != intervals.rend(); ++k)
    backward.add(k->c, k->mu, k->rho, k->shift, k->weight);
  CHECK(forward.bucket_count() > 1000);
  for (double p : {0.5, 0.95, 0.99}) {
    const double q = *forward.quantile(p);
    CHECK(q == *backward.quantile(p));  // bit for bit: buckets are visited in key order
    double lo = INFINITY, hi = 0;
    for (const Interval& k : intervals) {
      const double qk = k.shift + mmc_quantile(k.c, k.mu, k.rho, p);
      lo = std::min(lo, qk);
      hi = std::max(hi, qk);
    }
    CHECK(q > lo);
    CHECK(q < hi);
  }
}

TEST_CASE("the latency mixture agrees with a simulated M/M/4 queue at 70 % load", "[latency]") {
  // The fluid mode's view of one steady task (one bucket, fed interval by interval) against the
  // per-request mode's view of a FIFO simulation of the same queue: 3 % at p50 and p99.
  const int c = 4, n = 400'000;
  const double mu = 25, rho = 0.7;
  LatencyHistogram simulated;
  for (double response : simulate_mmc(c, mu, rho, n, 12)) simulated.add(response);
  LatencyMixture fluid;
  for (int interval = 0; interval < 400; ++interval) fluid.add(c, mu, rho, 0.0, n / 400.0);
  CHECK(fluid.bucket_count() == 1);
  CHECK(fluid.total_weight() == Approx(simulated.total_weight()));
  for (double p : {0.5, 0.99}) {
    INFO("p = " << p);
    CHECK(*fluid.quantile(p) == Approx(*simulated.quantile(p)).epsilon(0.03));
  }
}
