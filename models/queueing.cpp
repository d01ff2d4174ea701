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
  return mmc_response_tail(mu, c * mu - lambda, probability_of_waiting(), t);
}

double mmc_response_tail(double mu, double theta, double waits, double t) {
  if (t <= 0) return 1.0;
  const double service_tail = std::exp(-mu * t);
  const double waited = std::abs(theta - mu) < 1e-9 * mu
                            ? (1.0 + mu * t) * service_tail
                            : (theta * service_tail - mu * std::exp(-theta * t)) / (theta - mu);
  return (1.0 - waits) * service_tail + waits * waited;
}

std::optional<double> MmcQueue::response_quantile(double p) const {
  if (!stable() || !(p > 0 && p < 1)) return std::nullopt;
  const double waits = probability_of_waiting(), theta = c * mu - lambda;
  return tail_quantile([&](double t) { return mmc_response_tail(mu, theta, waits, t); }, p, 1.0 / mu);
}

}  // namespace spotsim
