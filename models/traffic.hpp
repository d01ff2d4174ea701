#pragma once
// Requests through the load balancer to the tasks (design.md "Traffic and dropped requests",
// aws-semantics.md §7): the offered load of workload.traffic, split by each target group over its
// targets (models/target_group), queued and served by each task, called onwards along the call graph
// (models/call_graph), and counted — offered, served, dropped by reason — once, at the entry.
//
// Between two events of the world nothing that matters to a request changes but the target groups'
// views, which change at instants known in advance (TargetGroup::view_until), so the model is
// advanced from one event to the next, split at those instants, before the event acts:
// World::dispatch calls advance_to(now) first. Two modes do that advance:
//   fluid        (default) closed-form integration (models/fluid_queue) per cohort of alike tasks
//                — tasks with the same routed rate and the same state step once, counted ×members
//                (traffic_fluid.cpp) — and latency as a traffic-weighted mixture of M/M/c response
//                times (models/queueing, models/latency_distribution). Services that share
//                nothing (no call graph, no target group of two services) integrate lazily, each
//                only when something of its own changes or is read (see advance_to);
//   per_request  every request individually: Poisson arrivals of the step rate, routed to a target
//                by the routing algorithm, served FIFO by the task's slots (models/request_queue);
//                the validation reference for the fluid mode (tests hold the two together).
//
// A task's capacity μ (requests/s) is workload.services.<name>.requestsPerSecondPerTask, or the
// task's cpu units / 1024 / cpuSecondsPerRequest. Its requests take meanLatency unloaded; spotsim
// serves them with c = round(μ × meanLatency) slots (1 to 10,000) each of rate μ / c (so the capacity is
// exactly μ and the mean service time ≈ meanLatency): the M/M/c of design.md. concurrencyPerTask is
// the hard limit beyond which the task refuses requests (`rejected`); a request that would wait
// longer than requestTimeout is a `timeout` (504).
//
// Drop reasons (summary.json requests.dropped):
//   no_target    nothing in rotation in the target group (503, ALB-4), or a called service with no
//                task answering;
//   target_lost  routed to a target whose app is not answering — dead before the health checks
//                noticed (502), or not started yet under fail-open — and requests in a task when it
//                dies (SIGKILL at the end of STOPPING, or the instance's termination): the fluid
//                mode counts those by Little's law, L = backlog + λ·E[T];
//   timeout      waited past requestTimeout (overload), or routed to a hung app;
//   rejected     the task was at concurrencyPerTask.
//
// Least outstanding requests: join-the-shortest-queue in per-request mode (ties to the lowest
// index after a random rotation); the fluid mode gives each target a share proportional to its
// capacity and takes the latency of the group's answering tasks as one pooled M/M/(Σc) queue —
// join-the-shortest-queue over many servers behaves close to a pooled queue.
//
// Requests still in a task at the end of the run are counted served (they complete after it).
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/call_graph.hpp"
#include "models/ecs_service.hpp"
#include "models/target_group.hpp"
#include "models/target_group_config.hpp"
#include "sim/engine.hpp"
#include "sim/random.hpp"

namespace spotsim {

enum class TrafficMode : std::uint8_t { fluid, per_request };
const char* to_string(TrafficMode m);

enum class DropReason : std::uint8_t { no_target, target_lost, timeout, rejected };
inline constexpr std::size_t kDropReasons = 4;
const char* to_string(DropReason r);

struct RequestCounts {
  double offered = 0;
  double served = 0;
  std::array<double, kDropReasons> dropped{};

  double dropped_total() const { return dropped[0] + dropped[1] + dropped[2] + dropped[3]; }
  double& operator[](DropReason r) { return dropped[static_cast<std::size_t>(r)]; }
  double operator[](DropReason r) const { return dropped[static_cast<std::size_t>(r)]; }
};

struct RequestSummary : RequestCounts {
  // Response-time percentiles of served requests, seconds; nullopt when nothing was served.
  std::optional<double> p50, p95, p99;
};

// The model's own bookkeeping, per service, for the conservation checks: every request that
// reached a task (routed) or was refused before it (no_target, lost, timeout at a hung app) is
// accounted for exactly once: arrived = completed + dropped + in_system_at_end.
struct ServiceRequestLedger {
  double arrived = 0;  // requests offered to the service: external + calls from other services
  double completed = 0;
  double dropped = 0;  // its own drops, every reason, including losses at task deaths
  double in_system = 0;  // still queued or in service (at the end of the run: counted served)
};

// CloudWatch-style 1-minute datapoints (aws-semantics.md §1.2, §6): what scaling will alarm on.
struct TrafficMetrics {
  std::vector<std::vector<double>> request_count;             // [target group][minute] RequestCount (Sum)
  std::vector<std::vector<double>> request_count_per_target;  // [target group][minute] RequestCountPerTarget; NaN: no datapoint
  std::vector<std::vector<double>> cpu_utilization;           // [service][minute] ECSServiceAverageCPUUtilization, %
};

struct TrafficConfig {
  TrafficMode mode = TrafficMode::fluid;
  std::vector<TrafficSource> sources;
  std::vector<CallGraphEdgeConfig> call_graph;
  // Keep every 1-minute datapoint in metrics() (tests, diagnostics); otherwise each series holds
  // its latest only, which is all scaling reads.
  bool keep_metric_history = false;
  // Fluid mode: integrate every service at every advance_to() even where they share nothing, and
  // rebuild every routing plan in full at every change (tests hold the lazy integration and the
  // incremental plans to it; the results agree to rounding).
  bool eager = false;
  // Fluid mode: rebuild a service's plan in full whenever its groups' shares change, never follow
  // them by difference (tests hold the difference to the rebuild: the same bits).
  bool rebuild_plans = false;
};

class Traffic {
 public:
  // `groups` and `services` are the world's; they outlive the model.
  Traffic(TrafficConfig config, std::vector<TargetGroup>& groups, std::vector<std::unique_ptr<EcsService>>& services,
          std::uint64_t seed, std::uint64_t replication);
  ~Traffic();
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  bool active() const { return !config_.sources.empty(); }
  // `minute_ticks`: the caller calls on_minute_tick() at every whole minute from 1 min on (the
  // world's cloudwatch_minute). Load steps that fall on a whole minute then wait for that call
  // instead of an event of their own: a step only sets the rates the next advance_to() integrates
  // with, and nothing reads them in between, so applying it at the tick (phase metrics) instead of
  // at phase market of the same instant changes nothing but the number of events. A load trace
  // with a step a minute (the synthetic loads) had one traffic_step event a minute.
  void start(Engine& engine, SimTime duration, bool minute_ticks = false);

  // Integrates [last, now) with the world as it was; call before anything changes at `now`.
  // Fluid mode, services that share nothing: only moves the clock — a service integrates up to it
  // when its tasks start or die, its target groups change (TargetGroup::set_before_change), its
  // load steps, or something reads the totals (totals(), ledgers(), on_minute(), finish()...).
  // Between its own changes a service's integration splits only where its own routing changes:
  // of a 20-service cluster, one service, not twenty, steps at a task's event.
  void advance_to(SimTime now);

  // Notifications from the world, after advance_to(now).
  void on_task_running(const EcsTask& task, SimTime now);
  void on_task_died(const EcsTask& task, SimTime now);  // its process is gone: what it holds is lost
  bool on_traffic_step(Engine& engine, const Event& e);
  // The load steps due at engine.now(), a whole minute (see start()).
  void on_minute_tick(Engine& engine);
  // Closes one minute's CloudWatch datapoints (the world's cloudwatch_minute, every minute from 1 min).
  void on_minute(SimTime now);

  // Running totals at the entry (offered, dropped by reason, served = the rest so far), up to the
  // clock (the reads below integrate whatever is behind it first).
  RequestCounts totals();
  // The run's answer; call once at the end, after advance_to(end).
  RequestSummary finish();
  const std::vector<ServiceRequestLedger>& ledgers();
  // Requests sent to one task over its life (0 for a task that never ran).
  double requests_routed_to(std::uint32_t service, std::uint32_t task);
  // Fluid mode: whether services integrate lazily, each on its own (advance_to).
  bool lazy() const;
  // Fluid mode: the cohorts a service's live tasks integrate as now (traffic_fluid.cpp).
  std::size_t cohort_count(std::uint32_t service);
  // Fluid mode: how many times a service's plan changed by a rebuild, and by following its group's
  // shares by difference (tests, diagnostics).
  struct PlanUpdates {
    std::uint64_t rebuilt = 0, followed = 0;
  };
  PlanUpdates plan_updates() const;
  // The latest datapoints (back() of each series), every one with TrafficConfig::keep_metric_history.
  const TrafficMetrics& metrics() const { return metrics_; }
  // The mean of the last CPU utilisation datapoints of the services with traffic, % (timeseries).
  // Inline: an optional<double> returned from another unit went through the stack and stalled store
  // forwarding once a minute.
  std::optional<double> last_cpu_utilization() const {
    double sum = 0;
    int n = 0;
    for (std::size_t v : cpu_services_) {
      if (metrics_.cpu_utilization[v].empty()) continue;
      sum += metrics_.cpu_utilization[v].back();
      ++n;
    }
    if (n == 0) return std::nullopt;
    return sum / n;
  }

 struct Impl;  // traffic_impl.hpp

 private:
  void schedule_step(Engine& engine, std::uint32_t source, SimTime at);
  void record(std::vector<double>& series, double datapoint) const;  // one datapoint of metrics()
  void step(Engine& engine, std::uint32_t source);  // the source's load steps at engine.now()
  // traffic_fluid.cpp
  void advance_fluid(SimTime a, SimTime b);  // every service over [a, b) (call graph, shared groups)
  void catch_up(std::uint32_t service);     // one service up to the clock (lazy integration)
  void catch_up_all();
  void integrate_all(SimTime a, SimTime b);  // one piece of advance_fluid: no routing change inside
  void integrate_alone(std::uint32_t service, SimTime a, SimTime b);  // one piece of catch_up
  double integrate(std::size_t service, double internal, double dt);  // the service's cohorts, one piece
  void route(std::uint32_t group, double rps, double dt, std::array<double, kDropReasons>& own);
  void advance_per_request(SimTime a, SimTime b);  // traffic_per_request.cpp
  TrafficConfig config_;
  std::vector<TargetGroup>& groups_;
  std::vector<std::unique_ptr<EcsService>>& services_;
  std::vector<ServiceRequestLedger> ledger_;
  TrafficMetrics metrics_;
  RequestCounts totals_;  // the model's running entry totals (Impl::totals refers to it)
  std::vector<std::size_t> cpu_services_;  // services with a traffic configuration, in order
  std::unique_ptr<Impl> impl_;
};

}  // namespace spotsim
