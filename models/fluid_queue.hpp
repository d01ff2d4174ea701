#pragma once
// One task's request queue in the fluid traffic model (design.md "Traffic and dropped requests"):
// between two events the offered rate λ and the task's capacity μ (requests/s it can complete) are
// constant, so the number of requests in the task, N, moves in straight lines and everything over
// the interval is integrated in closed form:
//   λ > μ: N grows at λ − μ until it reaches its cap, then the excess is dropped;
//   λ ≤ μ: N drains at μ − λ until it is empty, then the task serves what arrives.
// The cap is the smaller of the task's hard concurrency limit K (beyond it requests are `rejected`)
// and μ × request timeout (a request arriving behind more than that would wait past the timeout:
// `timeout`, ALB-8's 504). Requests in the task when it dies are lost (`target_lost`, by Little's law
// N = λ W, which the backlog already is).
#include <optional>

namespace spotsim {

enum class OverflowReason { timeout, rejected };

struct FluidQueueStep {
  double served = 0;     // requests completed over the interval
  double dropped = 0;    // requests dropped over the interval (all for `reason`)
  OverflowReason reason = OverflowReason::timeout;
  double backlog_area = 0;  // ∫ N dt over the interval (request-seconds), for mean latency by Little's law
};

class FluidQueue {
 public:
  // capacity μ > 0 (requests/s); timeout > 0 (s); concurrency_limit: the hard limit K, if any.
  FluidQueue(double capacity, double timeout_seconds, std::optional<double> concurrency_limit);

  double backlog() const { return n_; }
  double cap() const { return cap_; }
  OverflowReason cap_reason() const { return reason_; }
  void set_capacity(double capacity);  // e.g. slow start, or a cpu share change; keeps the backlog

  // Advances by `seconds` at offered rate `lambda`.
  FluidQueueStep advance(double lambda, double seconds);
  // The task dies: the requests in it are lost; returns how many.
  double lose_all();

 private:
  void update_cap();
  double capacity_;
  double timeout_;
  std::optional<double> limit_;
  double cap_ = 0;
  OverflowReason reason_ = OverflowReason::timeout;
  double n_ = 0;
};

}  // namespace spotsim
