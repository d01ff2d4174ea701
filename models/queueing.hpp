#pragma once
// Queueing formulas for a task serving requests: an M/M/c queue (Poisson arrivals at rate λ, c
// concurrent slots each serving at rate μ, FIFO). The fluid traffic model takes a task's latency
// percentiles from here, weighted by traffic (design.md "Traffic and dropped requests"); the
// per-request mode is checked against them.
//
//   offered load      a = λ / μ (Erlangs), utilisation ρ = a / c (stable only for ρ < 1)
//   Erlang C          C(c, a) = P(an arrival waits)
//   waiting time      W = 0 with probability 1 − C, else Exp(θ) with θ = cμ − λ
//   response time     T = W + S, S ~ Exp(μ) independent of W:
//                     P(T > t) = (1 − C) e^{−μt} + C (θ e^{−μt} − μ e^{−θt}) / (θ − μ)   (θ ≠ μ)
//                                (1 − C) e^{−μt} + C (1 + μt) e^{−μt}                    (θ = μ)
#include <optional>

namespace spotsim {

// Erlang C probability of waiting for c servers and offered load a = λ/μ; 1 when a >= c.
// Computed through the Erlang B recursion (stable for c up to millions).
double erlang_c(int c, double offered_load);

// P(T > t) of the M/M/c response time above, given θ = cμ − λ and the Erlang C probability of
// waiting `waits`: callers that evaluate many t (latency mixtures) compute Erlang C, O(c), once.
double mmc_response_tail(double mu, double theta, double waits, double t);

// The p-quantile of a response time with tail `tail(t)` = P(T > t), decreasing from 1 at t = 0:
// bracketed by doubling from `scale`, then bisected to a relative precision of 1e-12.
template <class Tail>
double tail_quantile(Tail&& tail, double p, double scale) {
  const double target = 1.0 - p;
  double lo = 0, hi = scale;
  while (tail(hi) > target) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

struct MmcQueue {
  double lambda = 0;  // arrivals per second
  double mu = 0;      // services per second per slot
  int c = 1;          // slots

  bool stable() const { return lambda < mu * c; }
  double utilisation() const { return lambda / (mu * c); }
  double probability_of_waiting() const;  // Erlang C
  double mean_wait() const;               // E[W], seconds
  double mean_response() const;           // E[T] = E[W] + 1/μ
  // P(T > t), t in seconds.
  double response_tail(double t) const;
  // The p-quantile of T (0 < p < 1), seconds; nullopt when the queue is unstable.
  std::optional<double> response_quantile(double p) const;
};

}  // namespace spotsim
