#pragma once
// Service call graph (design.md "Call graph", contract.md `workload.callGraph`): services call
// services, each edge with a number of calls per request. A request to a service succeeds only if
// the service serves it and every call it makes succeeds, recursively; a failed request is counted
// once, at the service where it entered (its entry), never again at the services it called.
//
// Built once per run (Boost.Graph: cycle detection by a DFS visitor, then topological_sort); the
// traffic model evaluates it between events over flat arrays, with no allocation once its
// CallGraphEvaluation buffers have their size.
//
// Assumptions, where neither AWS nor the scenario says more:
// - A service makes its calls for every request it serves itself (one it does not drop for its own
//   reasons: no target, lost target, timeout, rejected), whatever becomes of its other calls: calls
//   are made in parallel, not cut short by an earlier failure, and not retried. So a callee's offered
//   rate is the sum over its callers of (caller's served rate × callsPerRequest), plus its own
//   external traffic. The time an upstream request waits for its calls is not modelled here.
// - Calls fail independently: each call to w succeeds end to end with w's end-to-end success e_w.
//   k calls succeed with e_w^k. A fractional multiplier m means that a fraction frac(m) of requests
//   make ceil(m) calls and the rest floor(m) calls (0.3: 30 % of requests call once, e.g. a cache
//   that hits 70 %), so the edge succeeds with (1 − frac(m))·e^floor(m) + frac(m)·e^ceil(m). This is
//   exact for integer m and never lower than e^m (convexity); e^m would say that 0.3 calls to a
//   service that serves nothing still succeed 0 % of the time.
// - Which reason a failed request gets — "first failure" in call order: the service's own drop
//   first (it then makes no calls); otherwise its calls in the order the edges appear in callGraph
//   (a multiplier's repeated calls one after another), and within a call, the callee's own drop, then
//   the callee's calls, depth first. The first call in that order that fails decides the reason, as
//   if the upstream read its responses in order; later failures of the same request are not counted.
//   `first_failure` gives, per service v, the fraction of v's requests whose first failure is a drop
//   at service u; the traffic model splits it by u's own drop reasons (u's drops by reason over u's
//   drops), assuming the reason of a drop at u does not depend on which caller sent it.
// - Entry: a service with no callers (a service in no edge is its own entry). A service that has
//   callers and external traffic too is an entry for that traffic: its end-to-end success and
//   first-failure row hold for any request arriving at it, whoever sent it.
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace spotsim {

struct CallEdge {
  std::string from, to;
  double calls_per_request = 1.0;
};

// Bad call graph input. `edge`: index of the callGraph entry at fault (for a cycle, the edge that
// closes it), so the loader can point at /workload/callGraph/<edge>; nullopt for the service list.
class CallGraphError : public std::invalid_argument {
 public:
  CallGraphError(const std::string& message, std::optional<std::size_t> edge)
      : std::invalid_argument(message), edge_(edge) {}
  std::optional<std::size_t> edge() const { return edge_; }

 private:
  std::optional<std::size_t> edge_;
};

// The answer of one evaluation, per service index; the caller keeps it between evaluations so the
// buffers are reused (resized only when the graph's size changes).
struct CallGraphEvaluation {
  std::vector<double> offered_rps;         // external rate + calls from the services that served them
  std::vector<double> served_fraction;     // what the traffic model said at offered_rps
  std::vector<double> end_to_end_success;  // fraction of a request to the service that succeeds with all its calls
  // Row-major n × n: [v * n + u] = fraction of requests to v whose first failure is a drop at u.
  // Each row sums to 1 − end_to_end_success[v] (up to rounding).
  std::vector<double> first_failure;

  double first_failure_at(std::size_t v, std::size_t u) const {
    return first_failure[v * end_to_end_success.size() + u];
  }
};

class CallGraph {
 public:
  // A bound for untrusted input, far above real fan-outs, so that rates along a chain stay finite.
  static constexpr double kMaxCallsPerRequest = 1000;

  // Services are indexed in the order given. Throws CallGraphError naming the services on a cycle
  // ("callGraph has a cycle: a -> b -> c -> a"), or an unknown service, a self-call, a duplicate
  // edge (give one edge with the summed callsPerRequest), a multiplier that is negative, not finite
  // or above kMaxCallsPerRequest, or a duplicate or empty service name.
  static CallGraph build(const std::vector<std::string>& services, const std::vector<CallEdge>& edges);

  std::size_t service_count() const { return names_.size(); }
  const std::string& name(std::size_t service) const { return names_[service]; }
  std::optional<std::size_t> index_of(const std::string& service) const;
  const std::vector<CallEdge>& edges() const { return edges_; }
  bool is_entry(std::size_t service) const { return callers_[service] == 0; }
  const std::vector<std::size_t>& entries() const { return entries_; }  // no callers, in index order
  const std::vector<std::size_t>& topological_order() const { return topo_; }  // callers before callees

  // `served_fraction(service, offered_rps) -> double in [0, 1]`: the fraction of the service's
  // requests it serves itself at that offered rate (the traffic model's answer). Called once per
  // service, in topological order, after all its callers. `external_rps[v]`: traffic from v's
  // target group (0 for a purely internal service). Throws std::logic_error on a caller's mistake
  // (wrong size, negative or non-finite rate, fraction outside [0, 1]).
  template <class ServedFraction>
  void evaluate(const std::vector<double>& external_rps, ServedFraction&& served_fraction,
                CallGraphEvaluation& out) const {
    prepare(external_rps, out);  // sizes the buffers, offered_rps = external_rps
    for (const std::size_t v : topo_) {
      const double offered = out.offered_rps[v];
      const double s = served_fraction(v, offered);
      check_fraction(v, s);
      out.served_fraction[v] = s;
      const double served = s * offered;
      for (std::size_t e = out_begin_[v]; e < out_begin_[v + 1]; ++e)
        out.offered_rps[out_target_[e]] += served * out_calls_[e];
    }
    end_to_end(out);
  }

 private:
  void prepare(const std::vector<double>& external_rps, CallGraphEvaluation& out) const;
  void check_fraction(std::size_t service, double fraction) const;
  void end_to_end(CallGraphEvaluation& out) const;  // reverse topological order

  std::vector<std::string> names_;
  std::map<std::string, std::size_t> index_;
  std::vector<CallEdge> edges_;
  std::vector<std::size_t> callers_;  // in-degree per service
  std::vector<std::size_t> entries_;
  std::vector<std::size_t> topo_;
  // Out-edges per service (compressed rows), in callGraph order: the call order of "first failure".
  std::vector<std::size_t> out_begin_;  // n + 1
  std::vector<std::size_t> out_target_;
  std::vector<double> out_calls_;       // callsPerRequest
  std::vector<double> out_whole_;       // floor(callsPerRequest)
  std::vector<double> out_fraction_;    // callsPerRequest − floor
};

}  // namespace spotsim
