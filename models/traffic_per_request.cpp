// The per-request mode of the traffic model (traffic.hpp): every request on its own, in time order,
// between two events of the world. Arrivals are Poisson at the target group's rate: the rate is a
// step function, constant over the interval, so thinning it needs no rejection (the bound is the
// rate itself) and, Poisson arrivals being memoryless, each interval starts its own arrival clocks.
// A request never changes the world's state, so it needs no event in the world's queue: its start
// and completion follow from its task's FIFO slots at arrival (models/request_queue.hpp).
#include <algorithm>
#include <cmath>

#include "models/traffic_impl.hpp"

namespace spotsim {

using namespace traffic_detail;

void Traffic::advance_per_request(SimTime a, SimTime b) {
  Impl& m = *impl_;
  const double t0 = static_cast<double>(a) / 1000.0, t1 = static_cast<double>(b) / 1000.0;
  const std::size_t n = services_.size();

  // The routing view of every group over [a, b).
  auto& tables = m.tables;
  tables.resize(groups_.size());
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    RouteTable& tb = tables[g];
    tb.mode = groups_[g].routes(a, tb.routes);
    tb.cumulative.clear();
    tb.equal = true;
    double sum = 0;
    for (const Route& r : tb.routes) {
      sum += r.weight;
      tb.cumulative.push_back(sum);
      tb.equal = tb.equal && r.weight == tb.routes.front().weight;
    }
  }
  for (std::size_t v = 0; v < n; ++v) m.minute_present[v] += static_cast<double>(m.alive[v].size()) * (t1 - t0);

  auto on_complete_for = [&](std::size_t v) {
    return [&m, this, v](std::uint32_t tag) {
      ledger_[v].completed += 1;
      if (tag == kTagEntry) m.served_count += 1;
    };
  };

  // The target a group picks for one request: round robin is a uniformly random routable target
  // (design.md "Routing, precisely"), weighted in slow start; least outstanding requests joins the
  // shortest queue, ties broken from a random starting point.
  auto pick = [&](std::size_t g, double now) -> const Target* {
    const RouteTable& tb = tables[g];
    const std::size_t count = tb.routes.size();
    std::size_t k = 0;
    if (groups_[g].config().algorithm == RoutingAlgorithm::least_outstanding_requests) {
      const std::size_t start = m.routing.below(static_cast<std::uint32_t>(count));
      std::size_t best_load = SIZE_MAX;
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t j = (start + i) % count;
        const Target& t = groups_[g].targets()[tb.routes[j].target];
        std::size_t load = 0;
        if (TaskFlow* f = m.flow(t.service, t.task); f != nullptr && f->queue) {
          // Completions are settled lazily: settle this queue up to now before reading its count.
          f->queue->complete_until(now, on_complete_for(t.service));
          load = f->queue->in_system();
        }
        if (load < best_load) {
          best_load = load;
          k = j;
        }
      }
    } else if (tb.equal) {
      k = m.routing.below(static_cast<std::uint32_t>(count));
    } else {
      const double u = m.routing.uniform() * tb.cumulative.back();
      k = static_cast<std::size_t>(std::upper_bound(tb.cumulative.begin(), tb.cumulative.end(), u) - tb.cumulative.begin());
      k = std::min(k, count - 1);
    }
    return &groups_[g].targets()[tb.routes[k].target];
  };

  // One request to service v at time t (through group g, or g < 0: service discovery). Returns the
  // reason of its first failure (its own drop, else its calls' in call-graph order), if any.
  auto request = [&](auto& self, std::size_t v, std::int64_t g, double t, bool entry) -> std::optional<DropReason> {
    ledger_[v].arrived += 1;
    TaskFlow* f = nullptr;
    std::optional<DropReason> own;
    const SimTime now_ms = static_cast<SimTime>(t * 1000.0);
    if (g >= 0) {
      const auto gi = static_cast<std::size_t>(g);
      m.minute_requests[gi] += 1;
      if (tables[gi].mode == RoutingMode::no_target) {
        own = DropReason::no_target;
      } else {
        const Target* target = pick(gi, t);
        f = m.flow(target->service, target->task);
        if (f == nullptr || !f->queue || !target->answering(now_ms)) {
          own = now_ms >= target->hangs_at && now_ms < target->died ? DropReason::timeout : DropReason::target_lost;
          f = nullptr;
        }
      }
    } else {
      std::uint32_t answering = 0;
      for (std::uint32_t id : m.alive[v]) {
        const TaskFlow& c = *m.flow(static_cast<std::uint32_t>(v), id);
        answering += now_ms >= c.ready && now_ms < c.hangs_at;
      }
      if (answering == 0) {
        own = DropReason::no_target;
      } else {
        std::uint32_t k = m.routing.below(answering);
        for (std::uint32_t id : m.alive[v]) {
          TaskFlow& c = *m.flow(static_cast<std::uint32_t>(v), id);
          if (now_ms >= c.ready && now_ms < c.hangs_at && k-- == 0) {
            f = &c;
            break;
          }
        }
      }
    }
    if (f != nullptr) {
      f->routed += 1;
      const Admission admission = f->queue->admission(t, on_complete_for(v));
      if (admission == Admission::timeout) own = DropReason::timeout;
      if (admission == Admission::rejected) own = DropReason::rejected;
    }
    if (own) {
      ledger_[v].dropped += 1;
      return own;
    }
    // Served here: its calls, in call-graph order, all made (call_graph.hpp), the first failure wins.
    std::optional<DropReason> first;
    for (const auto& [to, calls] : m.calls[v]) {
      const double whole = std::floor(calls);
      int count = static_cast<int>(whole);
      if (calls > whole && m.routing.uniform() < calls - whole) ++count;
      const auto& tgs = m.service_groups[to];
      const std::int64_t via = tgs.empty() ? -1 : static_cast<std::int64_t>(tgs.front());
      for (int c = 0; c < count; ++c) {
        const auto failed = self(self, to, via, t, false);
        if (failed && !first) first = failed;
      }
    }
    const double service = m.service_times.exponential(f->mu_slot);
    const std::uint32_t tag = !entry ? kTagCall : first ? kTagEntryFailed : kTagEntry;
    const auto arrival = f->queue->arrive(t, service, tag, on_complete_for(v));
    m.minute_busy[v] += service / f->slots;
    if (entry && !first) m.histogram->add(arrival.latency);
    return first;
  };

  // Arrival clocks per group, merged in time order.
  for (std::size_t g = 0; g < groups_.size(); ++g)
    m.next_arrival[g] = m.group_rate[g] > 0 ? t0 + m.arrivals.exponential(m.group_rate[g]) : t1;
  for (;;) {
    std::size_t g = 0;
    for (std::size_t k = 1; k < groups_.size(); ++k)
      if (m.next_arrival[k] < m.next_arrival[g]) g = k;
    if (groups_.empty() || m.next_arrival[g] >= t1) break;
    const double t = m.next_arrival[g];
    m.next_arrival[g] = t + m.arrivals.exponential(m.group_rate[g]);
    m.totals.offered += 1;
    if (m.group_service[g] < 0) {
      m.minute_requests[g] += 1;
      m.totals[DropReason::no_target] += 1;
      continue;
    }
    const auto v = static_cast<std::size_t>(m.group_service[g]);
    if (const auto failed = request(request, v, static_cast<std::int64_t>(g), t, true)) m.totals[*failed] += 1;
  }
}

}  // namespace spotsim
