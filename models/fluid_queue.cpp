#include "models/fluid_queue.hpp"

#include <algorithm>

namespace spotsim {

FluidQueue::FluidQueue(double capacity, double timeout_seconds, std::optional<double> concurrency_limit)
    : capacity_(capacity), timeout_(timeout_seconds), limit_(concurrency_limit) {
  update_cap();
}

void FluidQueue::update_cap() {
  const double by_timeout = capacity_ * timeout_;
  if (limit_ && *limit_ < by_timeout) {
    cap_ = *limit_;
    reason_ = OverflowReason::rejected;
  } else {
    cap_ = by_timeout;
    reason_ = OverflowReason::timeout;
  }
}

void FluidQueue::set_capacity(double capacity) {
  capacity_ = capacity;
  update_cap();
  n_ = std::min(n_, cap_);  // what no longer fits would now wait past the timeout: counted by the caller
}

FluidQueueStep FluidQueue::advance(double lambda, double seconds) {
  FluidQueueStep step;
  step.reason = reason_;
  if (seconds <= 0) return step;
  const double mu = capacity_;
  const double n0 = n_;
  if (lambda > mu) {
    // Growing at λ − μ until the cap; the server is busy all along.
    const double rate = lambda - mu;
    const double t_full = n0 >= cap_ ? 0.0 : (cap_ - n0) / rate;
    if (t_full >= seconds) {
      n_ = n0 + rate * seconds;
      step.backlog_area = (n0 + n_) / 2 * seconds;
    } else {
      n_ = cap_;
      step.backlog_area = (n0 + cap_) / 2 * t_full + cap_ * (seconds - t_full);
      step.dropped = rate * (seconds - t_full) + std::max(0.0, n0 - cap_);
    }
    step.served = mu * seconds;
  } else {
    // Draining at μ − λ until empty, then serving the arrivals as they come.
    const double rate = mu - lambda;
    const double t_empty = rate > 0 ? n0 / rate : (n0 > 0 ? seconds : 0.0);
    if (t_empty >= seconds) {
      n_ = n0 - rate * seconds;
      step.backlog_area = (n0 + n_) / 2 * seconds;
      step.served = mu * seconds;
    } else {
      n_ = 0;
      step.backlog_area = n0 / 2 * t_empty;
      step.served = mu * t_empty + lambda * (seconds - t_empty);
    }
  }
  return step;
}

double FluidQueue::lose_all() {
  const double lost = n_;
  n_ = 0;
  return lost;
}

}  // namespace spotsim
