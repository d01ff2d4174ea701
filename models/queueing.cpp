#include "models/queueing.hpp"

#include <cmath>

namespace spotsim {

double erlang_c(int c, double a) {
  if (c <= 0) return 1.0;
  if (a <= 0) return 0.0;
  if (a >= c) return 1.0;
  // Erlang B by recursion: B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)); then
  // C = c B / (c − a (1 − B)).
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return c * b / (c - a * (1.0 - b));
}

double MmcQueue::probability_of_waiting() const { return erlang_c(c, lambda / mu); }

double MmcQueue::mean_wait() const {
  if (!stable()) return INFINITY;
  return probability_of_waiting() / (c * mu - lambda);
}

double MmcQueue::mean_response() const { return mean_wait() + 1.0 / mu; }

double MmcQueue::response_tail(double t) const {
  if (t <= 0) return 1.0;
  if (!stable()) return 1.0;
  const double pw = probability_of_waiting();
  const double theta = c * mu - lambda;
  const double service_tail = std::exp(-mu * t);
  double waited;
  if (std::abs(theta - mu) < 1e-9 * mu)
    waited = (1.0 + mu * t) * service_tail;
  else
    waited = (theta * service_tail - mu * std::exp(-theta * t)) / (theta - mu);
  return (1.0 - pw) * service_tail + pw * waited;
}

std::optional<double> MmcQueue::response_quantile(double p) const {
  if (!stable() || !(p > 0 && p < 1)) return std::nullopt;
  const double target = 1.0 - p;
  // P(T > t) decreases from 1; bracket, then bisect to a relative precision of 1e-9.
  double lo = 0, hi = 1.0 / mu;
  while (response_tail(hi) > target) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (response_tail(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace spotsim
