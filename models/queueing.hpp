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
