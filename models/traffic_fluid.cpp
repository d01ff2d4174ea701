// The fluid mode of the traffic model (traffic.hpp): one closed-form step per task per interval
// between two events of the world.
#include <algorithm>
#include <cmath>

#include "models/traffic_impl.hpp"

namespace spotsim {

using namespace traffic_detail;

namespace {

// Requests the load balancer sends to one service over [a, a + dt): split over the group's routed
// targets, added to each task's rate, or dropped before any task (no_target, target_lost, timeout
// at a hung app) into `own`.
void route_fluid(const TargetGroup& group, double rps, SimTime a, double dt, bool least_outstanding,
                 std::vector<std::vector<TaskFlow>>& flows, std::array<double, kDropReasons>& own) {
  if (rps <= 0) return;
  const TargetGroup::View view = group.view(a);
  if (view.mode == RoutingMode::no_target) {
    own[static_cast<std::size_t>(DropReason::no_target)] += rps * dt;
    return;
  }
  const std::vector<Route>& routes = view.routes;
  auto flow_of = [&](const Target& t) -> TaskFlow* {
    if (t.service >= flows.size() || t.task >= flows[t.service].size()) return nullptr;
    return &flows[t.service][t.task];
  };
  // Least outstanding requests: shares in proportion to capacity (traffic.hpp).
  auto weight = [&](const Route& r) {
    const TaskFlow* f = flow_of(group.targets()[r.target]);
    return least_outstanding && f != nullptr && f->mu > 0 ? r.weight * f->mu : r.weight;
  };
  double total = 0;
  for (const Route& r : routes) total += weight(r);
  for (const Route& r : routes) {
    const double share = rps * weight(r) / total;
    const Target& t = group.targets()[r.target];
    TaskFlow* f = flow_of(t);
    if (f != nullptr && f->alive && t.answering(a)) {
      f->rate += share;
    } else if (a >= t.hangs_at && a < t.died) {
      own[static_cast<std::size_t>(DropReason::timeout)] += share * dt;  // a hung app never answers: 504
    } else {
      own[static_cast<std::size_t>(DropReason::target_lost)] += share * dt;  // nothing answers: 502
    }
  }
}

// Calls to a service with no target group (service discovery): equal shares over its answering tasks.
void route_implicit(std::vector<TaskFlow>& flows, const std::vector<std::uint32_t>& alive, double rps, SimTime a,
                    double dt, std::array<double, kDropReasons>& own) {
  if (rps <= 0) return;
  int answering = 0;
  for (std::uint32_t id : alive) answering += a >= flows[id].ready && a < flows[id].hangs_at ? 1 : 0;
  if (answering == 0) {
    own[static_cast<std::size_t>(DropReason::no_target)] += rps * dt;
    return;
  }
  for (std::uint32_t id : alive)
    if (a >= flows[id].ready && a < flows[id].hangs_at) flows[id].rate += rps / answering;
}

// A double of the step FluidQueue::advance has just returned through memory, loaded on its own.
// Left alone, GCC pairs `served` and `dropped` into one 16-byte load over the callee's two 8-byte
// stores; store forwarding then fails and the task loop stalls there (perf: ~8 % of BM_SeedMonth).
// The empty asm only hides the value's origin from the vectoriser: no instruction, same bits.
inline double load_alone(double x) {
#if defined(__x86_64__) || defined(__i386__)
  asm("" : "+x"(x));
#endif
  return x;
}

// Mean response time of a task at rate λ (seconds): M/M/c when stable, else a full backlog's.
double mean_response(const TaskFlow& f, double lambda) {
  const MmcQueue q{lambda, f.mu_slot, f.slots};
  return q.stable() ? q.mean_response() : 1.0 / f.mu_slot;
}

}  // namespace

void Traffic::advance_fluid(SimTime a, SimTime b) {
  Impl& m = *impl_;
  const double dt = static_cast<double>(b - a) / 1000.0;
  const std::size_t n = services_.size();

  // External load, per service, and to target groups no service registers with (all 503).
  std::fill(m.service_external.begin(), m.service_external.end(), 0.0);
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const double rps = m.group_rate[g];
    if (rps <= 0) continue;
    m.totals.offered += rps * dt;
    if (m.group_service[g] < 0) {
      m.totals[DropReason::no_target] += rps * dt;
      m.minute_requests[g] += rps * dt;
    } else {
      m.service_external[static_cast<std::size_t>(m.group_service[g])] += rps;
    }
  }

  // One service over the interval with `internal` rps of calls on top of its external load: route,
  // then step every task; returns the fraction of its requests it does not drop itself.
  auto integrate = [&](std::size_t v, double internal) -> double {
    auto& own = m.own[v];
    own.fill(0.0);
    const double external = m.service_external[v];
    const auto& tgs = m.service_groups[v];
    const bool least_outstanding =
        !tgs.empty() && groups_[tgs.front()].config().algorithm == RoutingAlgorithm::least_outstanding_requests;
    for (std::size_t k = 0; k < tgs.size(); ++k) {
      const std::uint32_t g = tgs[k];
      double rps = m.group_service[g] == static_cast<std::int32_t>(v) ? m.group_rate[g] : 0.0;
      if (k == 0) rps += internal;  // calls come through the service's first target group
      m.minute_requests[g] += rps * dt;
      route_fluid(groups_[g], rps, a, dt, least_outstanding, m.flows, own);
    }
    if (tgs.empty()) route_implicit(m.flows[v], m.alive[v], internal, a, dt, own);
    const double arrived = (external + internal) * dt;
    m.arrived[v] = arrived;
    ServiceRequestLedger& ledger = ledger_[v];
    ledger.arrived += arrived;
    for (double d : own) ledger.dropped += d;

    // Latency of the requests entering here (the user's view): only services with external load.
    const double entry_share = external + internal > 0 ? external / (external + internal) : 0.0;
    double pooled_lambda = 0, pooled_mu = 0, pooled_served = 0;
    int pooled_slots = 0;
    // Round robin gives equal tasks equal rates: consecutive tasks usually add the same latency
    // component, so it is added once with their summed weight.
    struct Component {
      int slots = 0;
      double mu_slot = 0, rho = 0, shift = 0, weight = 0;
    } pending;
    auto flush = [&] {
      if (pending.weight > 0) m.mixture.add(pending.slots, pending.mu_slot, pending.rho, pending.shift, pending.weight);
      pending.weight = 0;
    };
    auto add_component = [&](int slots, double mu_slot, double rho, double shift, double weight) {
      if (pending.weight > 0 && (slots != pending.slots || mu_slot != pending.mu_slot || rho != pending.rho ||
                                 shift != pending.shift))
        flush();
      pending.slots = slots, pending.mu_slot = mu_slot, pending.rho = rho, pending.shift = shift;
      pending.weight += weight;
    };
    for (std::uint32_t id : m.alive[v]) {
      TaskFlow& f = m.flows[v][id];
      const double lambda = f.rate;
      f.rate = 0;
      f.routed += lambda * dt;
      const FluidQueueStep step = f.fluid->advance(lambda, dt);
      ledger.completed += load_alone(step.served);
      ledger.dropped += load_alone(step.dropped);
      own[static_cast<std::size_t>(reason_of(step.reason))] += step.dropped;
      m.minute_busy[v] += step.served / f.mu;
      m.minute_present[v] += dt;
      // Requests in the task below the backlog relax towards Little's L = λ·E[T] with time
      // constant E[T] (in service ones finish at rate μ_slot each once arrivals stop).
      if (lambda != f.last_rate) {
        f.last_rate = lambda;
        // Equal tasks at equal rates: the previous task's answer serves (Erlang C is O(c)).
        if (lambda == m.response_cache_lambda && f.slots == m.response_cache_slots && f.mu_slot == m.response_cache_mu) {
          f.last_response = m.response_cache;
        } else {
          f.last_response = mean_response(f, lambda);
          m.response_cache_lambda = lambda, m.response_cache_slots = f.slots, m.response_cache_mu = f.mu_slot;
          m.response_cache = f.last_response;
        }
      }
      const double busy_level = step.backlog_area > 0 ? f.slots : lambda * f.last_response;
      if (f.inflight != busy_level) {
        // Past ~40 time constants the difference is below rounding (and exp's underflow path is slow).
        const double decay = dt > 40 * f.last_response ? 0.0 : std::exp(-dt / f.last_response);
        const double relaxed = busy_level + (f.inflight - busy_level) * decay;
        // Settled to within rounding: hold it exactly (and skip the exp from now on).
        f.inflight = std::abs(relaxed - busy_level) <= 1e-12 * std::max(1.0, busy_level) ? busy_level : relaxed;
      }
      if (entry_share <= 0 || step.served <= 0) continue;
      if (least_outstanding) {
        pooled_lambda += lambda;
        pooled_mu += f.mu;
        pooled_slots += f.slots;
        pooled_served += step.served;
      } else if (step.backlog_area > 0) {
        // Backlogged: a request behind N others (the backlog counts those in service too) waits
        // for N − c of them to finish, (N − c)/μ, then takes one service time.
        const double wait = std::max(0.0, step.backlog_area / dt - f.slots) / f.mu;
        add_component(f.slots, f.mu_slot, 0.0, wait, step.served * entry_share);
      } else {
        add_component(f.slots, f.mu_slot, std::min(lambda / f.mu, 0.999), 0.0, step.served * entry_share);
      }
    }
    flush();
    if (pooled_served > 0)
      m.mixture.add(pooled_slots, pooled_mu / pooled_slots, std::min(pooled_lambda / pooled_mu, 0.999), 0.0,
                    pooled_served * entry_share);
    double dropped = 0;
    for (double d : own) dropped += d;
    return arrived > 0 ? std::clamp(1.0 - dropped / arrived, 0.0, 1.0) : 1.0;
  };

  if (!m.graph) {
    // Every service is its own entry: its drops are the entry's drops.
    for (std::size_t v = 0; v < n; ++v) {
      if (m.alive[v].empty() && m.service_external[v] <= 0) continue;
      integrate(v, 0.0);
      for (std::size_t r = 0; r < kDropReasons; ++r) m.totals.dropped[r] += m.own[v][r];
    }
    return;
  }

  // With a call graph: services in topological order, each offered its external load plus its
  // callers' served rate × callsPerRequest; then every entry request's fate (call_graph.hpp).
  m.graph->evaluate(
      m.service_external,
      [&](std::size_t v, double offered) { return integrate(v, std::max(0.0, offered - m.service_external[v])); },
      m.eval);
  for (std::size_t v = 0; v < n; ++v) {
    const double external = m.service_external[v] * dt;
    if (external <= 0) continue;
    // Its own drops, the external share of them.
    const double share = m.arrived[v] > 0 ? external / m.arrived[v] : 0.0;
    for (std::size_t r = 0; r < kDropReasons; ++r) m.totals.dropped[r] += share * m.own[v][r];
    // Failures downstream, by the reason of the first failure's own drops.
    for (std::size_t u = 0; u < n; ++u) {
      if (u == v) continue;
      const double ff = m.eval.first_failure_at(v, u);
      if (ff <= 0) continue;
      double own_total = 0;
      for (double d : m.own[u]) own_total += d;
      if (own_total <= 0) continue;
      for (std::size_t r = 0; r < kDropReasons; ++r) m.totals.dropped[r] += external * ff * m.own[u][r] / own_total;
    }
  }
}

}  // namespace spotsim
