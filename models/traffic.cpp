#include "models/traffic.hpp"

#include <algorithm>
#include <cmath>

#include "models/event_kind.hpp"
#include "models/traffic_impl.hpp"

namespace spotsim {

using namespace traffic_detail;

const char* to_string(TrafficMode m) {
  switch (m) {
    case TrafficMode::fluid: return "fluid";
    case TrafficMode::per_request: return "per-request";
  }
  return "unknown";
}

const char* to_string(DropReason r) {
  switch (r) {
    case DropReason::no_target: return "no_target";
    case DropReason::target_lost: return "target_lost";
    case DropReason::timeout: return "timeout";
    case DropReason::rejected: return "rejected";
  }
  return "unknown";
}

Traffic::Traffic(TrafficConfig config, std::vector<TargetGroup>& groups,
                 std::vector<std::unique_ptr<EcsService>>& services, std::uint64_t seed, std::uint64_t replication)
    : config_(std::move(config)),
      groups_(groups),
      services_(services),
      impl_(std::make_unique<Impl>(config_.mode, totals_, seed, replication)) {
  Impl& m = *impl_;
  const std::size_t n = services_.size();
  ledger_.resize(n);
  m.group_service.assign(groups_.size(), -1);
  m.service_groups.resize(n);
  m.service_external.assign(n, 0);
  m.params.resize(n);
  m.flow_slot.resize(n);
  m.rate_class.resize(n);
  m.routed.resize(n);
  m.alive.resize(n);
  m.service_plans.resize(n);
  m.last_mu.assign(n, 0.0);
  m.group_plans.resize(groups_.size());
  m.group_services.resize(groups_.size());
  m.own.resize(n);
  m.arrived.assign(n, 0);
  m.minute_busy.assign(n, 0);
  m.minute_present.assign(n, 0);
  m.minute_requests.assign(groups_.size(), 0);
  m.source_rate.assign(config_.sources.size(), 0);
  m.source_next.assign(config_.sources.size(), 0);
  if (m.mode == TrafficMode::per_request) m.histogram = std::make_unique<LatencyHistogram>();
  m.group_rate.assign(groups_.size(), 0);
  m.next_arrival.assign(groups_.size(), 0);
  metrics_.request_count.resize(groups_.size());
  metrics_.request_count_per_target.resize(groups_.size());
  metrics_.cpu_utilization.resize(n);
  std::vector<std::string> names;
  for (std::size_t v = 0; v < n; ++v) {
    const EcsServiceConfig& sc = services_[v]->config();
    names.push_back(sc.name);
    for (std::size_t g : sc.target_groups) {
      if (g >= groups_.size()) continue;
      m.service_groups[v].push_back(static_cast<std::uint32_t>(g));
      if (std::find(m.group_services[g].begin(), m.group_services[g].end(), v) == m.group_services[g].end())
        m.group_services[g].push_back(static_cast<std::uint32_t>(v));
      // A target group routes to the tasks of the first service that registers with it.
      if (m.group_service[g] < 0) m.group_service[g] = static_cast<std::int32_t>(v);
    }
    const ServiceTraffic& t = sc.workload.traffic;
    ServiceParams& p = m.params[v];
    p.mean_latency = static_cast<double>(t.mean_latency) / kMsPerSecond;
    p.timeout = static_cast<double>(t.request_timeout) / kMsPerSecond;
    if (t.concurrency_per_task) p.limit = *t.concurrency_per_task;
    p.rps_per_task = t.requests_per_second_per_task;
    p.cpu_seconds_per_request = t.cpu_seconds_per_request;
    p.has_traffic_config = p.rps_per_task || p.cpu_seconds_per_request;
    if (p.has_traffic_config) cpu_services_.push_back(v);
  }
  // Lazy integration (advance_to) needs services that share nothing: no call graph, no target
  // group that two services register with.
  m.lazy = m.mode == TrafficMode::fluid && !config_.eager && config_.call_graph.empty() &&
           std::all_of(m.group_services.begin(), m.group_services.end(), [](const auto& s) { return s.size() <= 1; });
  m.eager = config_.eager;
  m.rebuild_plans = config_.eager || config_.rebuild_plans;
  m.upto.assign(n, 0);
  m.group_upto.assign(groups_.size(), 0);
  // A group about to change (a task registers, deregisters or dies, slow start begins) first lets
  // its services catch up: the views before now are gone once it has changed.
  if (m.lazy)
    for (TargetGroup& group : groups_)
      group.set_before_change([this](std::uint32_t g) {
        for (std::uint32_t v : impl_->group_services[g]) catch_up(v);
      });
  m.calls.resize(n);
  for (const CallGraphEdgeConfig& e : config_.call_graph)
    if (e.from < n && e.to < n) m.calls[e.from].emplace_back(static_cast<std::uint32_t>(e.to), e.calls_per_request);
  if (!config_.call_graph.empty()) {
    std::vector<CallEdge> edges;
    for (const CallGraphEdgeConfig& e : config_.call_graph)
      if (e.from < n && e.to < n) edges.push_back({names[e.from], names[e.to], e.calls_per_request});
    m.graph = CallGraph::build(names, edges);  // the loader has checked it: no cycle, no unknown service
  }
}

Traffic::~Traffic() = default;

void Traffic::start(Engine& engine, SimTime duration, bool minute_ticks) {
  if (!active()) return;
  Impl& m = *impl_;
  m.last = engine.now();
  std::fill(m.upto.begin(), m.upto.end(), m.last);
  std::fill(m.group_upto.begin(), m.group_upto.end(), m.last);
  m.minute_ticks = minute_ticks;
  // One datapoint a minute per metric over the run (or the latest only): reserved, so on_minute
  // never reallocates.
  const auto minutes_in_run =
      config_.keep_metric_history
          ? static_cast<std::size_t>(std::max<SimTime>(0, duration - engine.now()) / minutes(1)) + 1
          : std::size_t{1};
  for (auto* series : {&metrics_.request_count, &metrics_.request_count_per_target, &metrics_.cpu_utilization})
    for (std::vector<double>& v : *series) v.reserve(minutes_in_run);
  for (std::size_t s = 0; s < config_.sources.size(); ++s) {
    const TrafficSource& src = config_.sources[s];
    m.source_rate[s] = std::max(0.0, src.rps.value_at(engine.now()));
    const auto& times = src.rps.times();
    m.source_next[s] = static_cast<std::size_t>(std::upper_bound(times.begin(), times.end(), engine.now()) - times.begin());
    if (const auto next = src.rps.next_change_after(engine.now()); next && *next <= duration)
      schedule_step(engine, static_cast<std::uint32_t>(s), *next);
  }
  std::fill(m.group_rate.begin(), m.group_rate.end(), 0.0);
  for (std::size_t s = 0; s < config_.sources.size(); ++s)
    if (config_.sources[s].target_group < m.group_rate.size()) m.group_rate[config_.sources[s].target_group] += m.source_rate[s];
}

void Traffic::schedule_step(Engine& engine, std::uint32_t source, SimTime at) {
  Impl& m = *impl_;
  // A step on a whole minute waits for the world's minute tick (traffic.hpp, start()), in the order
  // its event would have been scheduled; any other gets its own traffic_step event.
  if (m.minute_ticks && at >= minutes(1) && at % minutes(1) == 0)
    m.parked.emplace_back(at, source);
  else
    engine.schedule(at, to_u8(Phase::market), to_u8(EventKind::traffic_step), source);
}

void Traffic::step(Engine& engine, std::uint32_t source) {
  Impl& m = *impl_;
  const TrafficSource& src = config_.sources[source];
  // The step at now is the cursor's (steps are scheduled one after another, in order).
  const auto& times = src.rps.times();
  std::size_t& next = m.source_next[source];
  while (next < times.size() && times[next] <= engine.now()) ++next;
  const double before = m.source_rate[source];
  // The rate over the past applies up to now: whoever it feeds catches up first.
  if (src.target_group < m.group_rate.size()) {
    if (m.group_service[src.target_group] >= 0)
      catch_up(static_cast<std::uint32_t>(m.group_service[src.target_group]));
    else
      catch_up_all();  // (rare: a load on a target group no service registers with)
  }
  m.source_rate[source] = next > 0 ? std::max(0.0, src.rps.values()[next - 1]) : before;
  if (src.target_group < m.group_rate.size()) m.group_rate[src.target_group] += m.source_rate[source] - before;
  if (next < times.size()) schedule_step(engine, source, times[next]);
}

bool Traffic::on_traffic_step(Engine& engine, const Event& e) {
  if (e.target >= config_.sources.size()) return false;
  step(engine, e.target);
  return true;
}

void Traffic::on_minute_tick(Engine& engine) {
  Impl& m = *impl_;
  if (m.parked.empty()) return;
  const SimTime now = engine.now();
  // The steps due now, in parking order (= the order of the events they replace); stepping parks
  // their next steps, all later than now.
  m.due.clear();
  std::erase_if(m.parked, [&](const std::pair<SimTime, std::uint32_t>& p) {
    if (p.first != now) return false;
    m.due.push_back(p.second);
    return true;
  });
  for (std::uint32_t source : m.due) step(engine, source);
}

void Traffic::record(std::vector<double>& series, double datapoint) const {
  // Without the history a series holds its latest datapoint only: scaling reads back() (a year of
  // 1-minute datapoints for 20 groups and services would be 250 MB).
  if (!config_.keep_metric_history && !series.empty())
    series.back() = datapoint;
  else
    series.push_back(datapoint);
}

void Traffic::on_minute(SimTime now) {
  Impl& m = *impl_;
  catch_up_all();
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const double count = m.minute_requests[g];
    record(metrics_.request_count[g], count);
    // ALBRequestCountPerTarget: the group's RequestCount over its healthy targets — over the
    // targets it routes to when it fails open; no datapoint (NaN) with no target at all.
    // The routed targets are the healthy ones, or in fail-open all those in rotation.
    const auto routed = static_cast<int>(groups_[g].view(now).routes.size());
    record(metrics_.request_count_per_target[g], routed > 0 ? count / routed : std::nan(""));
    m.minute_requests[g] = 0;
  }
  for (std::size_t v = 0; v < services_.size(); ++v) {
    record(metrics_.cpu_utilization[v], m.minute_present[v] > 0 ? 100.0 * m.minute_busy[v] / m.minute_present[v] : 0.0);
    m.minute_busy[v] = 0;
    m.minute_present[v] = 0;
  }
}

void Traffic::on_task_running(const EcsTask& task, SimTime now) {
  Impl& m = *impl_;
  const std::uint32_t v = task.service;
  if (v >= m.flow_slot.size() || !m.params[v].has_traffic_config) return;
  catch_up(v);  // the new task joins at now
  const ServiceParams& p = m.params[v];
  auto& slots = m.flow_slot[v];
  if (slots.size() <= task.id) {
    slots.grow_to(task.id + 1, -1);
    m.routed[v].grow_to(task.id + 1, 0.0);
    if (m.mode == TrafficMode::fluid) m.rate_class[v].grow_to(task.id + 1, 0);
  }
  if (slots[task.id] >= 0) return;  // already running
  std::int32_t slot;
  if (!m.free_flows.empty()) {
    slot = m.free_flows.back();
    m.free_flows.pop_back();
  } else {
    slot = static_cast<std::int32_t>(m.pool.size());
    m.pool.emplace_back();
  }
  slots[task.id] = slot;
  TaskFlow& f = m.pool[static_cast<std::size_t>(slot)];
  f = TaskFlow{};
  f.mu = p.rps_per_task ? *p.rps_per_task : task.cpu / 1024.0 / *p.cpu_seconds_per_request;
  if (!(f.mu > 0)) f.mu = 1e-9;  // a task with no cpu serves (almost) nothing
  // c = round(μ × meanLatency), at most 10,000: past that many slots an M/M/c at any load short of
  // saturation hardly waits, and the per-request queue keeps a slot table of size c per task.
  f.slots = static_cast<int>(std::clamp(std::lround(f.mu * p.mean_latency), 1L, 10'000L));
  f.mu_slot = f.mu / f.slots;
  m.last_mu[v] = f.mu;
  const ServiceWorkload& w = services_[v]->config().workload;
  f.ready = now + w.app_start;
  f.hangs_at = task.hangs_at.value_or(kNever);
  if (m.mode == TrafficMode::fluid) {
    // A cohort of its own until its state matches another's (traffic_fluid.cpp).
    const std::uint32_t c = m.new_cohort(v, f.mu, f.slots, p);
    m.join_cohort(c, task.id, f);
  } else {
    f.queue = std::make_unique<RequestQueue>(f.slots, p.timeout,
                                             p.limit ? std::optional<int>(static_cast<int>(*p.limit)) : std::nullopt);
  }
  m.alive[v].push_back(task.id);
  // Its own plan gains a row; its groups' plans stay: its target is not routed before it is healthy
  // (ALB-2), and if it is (no health checks, fail-open) the group's view serial moves. Under least
  // outstanding requests a routed target whose task is gone weighs as the latest task (last_mu).
  if (m.mode == TrafficMode::fluid)
    m.plan_new_task(v, task.id, f);
  else
    m.service_plans[v].dirty = true;
  for (std::size_t g : services_[v]->config().target_groups)
    if (g < m.group_plans.size() && groups_[g].config().algorithm == RoutingAlgorithm::least_outstanding_requests)
      m.group_plans[g].dirty = true;
}

void Traffic::on_task_died(const EcsTask& task, SimTime now) {
  Impl& m = *impl_;
  const std::uint32_t v = task.service;
  TaskFlow* fp = m.flow(v, task.id);
  if (fp == nullptr) return;
  catch_up(v);  // what it holds at now
  TaskFlow& f = *fp;
  // Out of the alive list, keeping its order (per-request implicit routing picks by position): find
  // it, then one shift of the rest (std::erase compared and moved every element, ~3 % of a fleet run).
  auto& alive = m.alive[v];
  if (const auto it = std::find(alive.begin(), alive.end(), task.id); it != alive.end()) alive.erase(it);
  double lost = 0;
  if (f.cohort >= 0) {
    // Little's law: what the task holds is its backlog plus the requests being served or waiting
    // below it; those were counted completed as they arrived, so they move to dropped.
    Cohort& c = m.cohorts[static_cast<std::size_t>(f.cohort)];
    const double backlog = c.queue.backlog();
    const double held = std::min(c.inflight, ledger_[v].completed);
    ledger_[v].completed -= held;
    lost = backlog + held;
    m.routed[v][task.id] = c.routed - f.routed;
    m.leave_cohort(task.id, f);
  } else if (f.queue) {
    const double t = static_cast<double>(now) / kMsPerSecond;
    double lost_calls = 0;
    f.queue->lose_all(
        t,
        [&](std::uint32_t tag) {
          ledger_[v].completed += 1;
          if (tag == kTagEntry) m.served_count += 1;
        },
        [&](std::uint32_t tag) {
          lost += 1;
          if (tag == kTagCall) lost_calls += 1;
          if (tag == kTagEntryFailed) lost -= 1;  // its entry request was already counted dropped
        });
    // One lost call fails one entry request that was (or will be) counted served.
    m.served_debt += lost_calls;
    f.queue.reset();
    m.routed[v][task.id] = f.routed;
  }
  ledger_[v].dropped += lost;
  // Losses count once, at the entry, as target_lost (502) — one failed entry request per lost
  // request or call (exact when each entry request makes at most one call to this service).
  m.totals[DropReason::target_lost] += lost;
  // Its slot goes back to the pool.
  m.free_flows.push_back(m.flow_slot[v][task.id]);
  m.flow_slot[v][task.id] = -1;
  // Its groups route its share to the drops now (ALB-1: until the checks notice). Behind target
  // groups the others' shares stay, so its service's plan stays (refresh_group_plan tells); with
  // implicit routing the others' shares grow.
  for (std::size_t g : services_[v]->config().target_groups)
    if (g < m.group_plans.size()) m.group_plans[g].dirty = true;
  if (m.service_groups[v].empty() || m.eager) m.service_plans[v].dirty = true;
}

RequestSummary Traffic::finish() {
  Impl& m = *impl_;
  catch_up_all();
  // Requests still in a task complete after the run: counted served (fluid: its backlog).
  for (std::size_t v = 0; v < m.alive.size(); ++v)
    for (std::uint32_t id : m.alive[v]) {
      TaskFlow& f = *m.flow(static_cast<std::uint32_t>(v), id);
      if (f.cohort >= 0) ledger_[v].in_system += m.cohorts[static_cast<std::size_t>(f.cohort)].queue.backlog();
      if (f.queue)
        f.queue->drain_all([&](std::uint32_t tag) {
          ledger_[v].completed += 1;
          if (tag == kTagEntry) m.served_count += 1;
        });
    }
  RequestSummary s;
  s.offered = m.totals.offered;
  s.dropped = m.totals.dropped;
  if (m.mode == TrafficMode::fluid) {
    s.served = std::max(0.0, s.offered - s.dropped_total());
    s.p50 = m.mixture.quantile(0.50);
    s.p95 = m.mixture.quantile(0.95);
    s.p99 = m.mixture.quantile(0.99);
  } else {
    s.served = m.served_count - m.served_debt;
    s.p50 = m.histogram->quantile(0.50);
    s.p95 = m.histogram->quantile(0.95);
    s.p99 = m.histogram->quantile(0.99);
  }
  return s;
}

double Traffic::requests_routed_to(std::uint32_t service, std::uint32_t task) {
  Impl& m = *impl_;
  if (service < services_.size()) catch_up(service);
  if (const TaskFlow* f = m.flow(service, task)) {
    if (f->cohort >= 0) return m.cohorts[static_cast<std::size_t>(f->cohort)].routed - f->routed;
    return f->routed;
  }
  if (service >= m.routed.size() || task >= m.routed[service].size()) return 0;
  return m.routed[service][task];
}


std::size_t Traffic::cohort_count(std::uint32_t service) {
  if (service >= impl_->service_plans.size()) return 0;
  catch_up(service);  // cohorts split and merge as it integrates
  return impl_->service_plans[service].cohorts.size();
}

bool Traffic::lazy() const { return impl_->lazy; }

Traffic::PlanUpdates Traffic::plan_updates() const { return impl_->plan_updates; }

RequestCounts Traffic::totals() {
  catch_up_all();
  RequestCounts c = totals_;
  c.served = std::max(0.0, c.offered - c.dropped_total());
  return c;
}

const std::vector<ServiceRequestLedger>& Traffic::ledgers() {
  catch_up_all();
  return ledger_;
}

void Traffic::advance_to(SimTime now) {
  Impl& m = *impl_;
  if (!active() || now <= m.last) return;
  const SimTime a = m.last;
  m.last = now;
  if (m.mode == TrafficMode::per_request) {
    // In pieces over which no group's view changes (each piece builds its routing tables once).
    for (SimTime from = a; from < now;) {
      SimTime to = now;
      for (const TargetGroup& group : groups_) to = std::min(to, group.view_until(from));
      advance_per_request(from, to);
      from = to;
    }
  } else if (!m.lazy)
    advance_fluid(a, now);
  // (lazy: each service catches up when it must)
}

}  // namespace spotsim
