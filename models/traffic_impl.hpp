#pragma once
// The traffic model's private state, shared by its three translation units: traffic.cpp (wiring,
// tasks, metrics), traffic_fluid.cpp and traffic_per_request.cpp (the two ways to advance).
#include <array>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "models/fluid_queue.hpp"
#include "models/latency_distribution.hpp"
#include "models/queueing.hpp"
#include "models/request_queue.hpp"
#include "models/traffic.hpp"

namespace spotsim::traffic_detail {
inline constexpr double kMsPerSecond = 1000.0;
// RequestQueue tags: what a request in a task stands for at the entry.
inline constexpr std::uint32_t kTagCall = 0;         // a call from another service
inline constexpr std::uint32_t kTagEntry = 1;        // an entry request, served if it completes
inline constexpr std::uint32_t kTagEntryFailed = 2;  // an entry request already counted dropped (a call failed)

inline DropReason reason_of(OverflowReason r) {
  return r == OverflowReason::rejected ? DropReason::rejected : DropReason::timeout;
}

// One task as the traffic sees it.
struct TaskFlow {
  bool alive = false;  // the process runs (RUNNING, DEACTIVATING, STOPPING)
  double mu = 0;       // capacity, requests/s
  int slots = 1;       // c
  double mu_slot = 0;  // per-slot service rate
  SimTime ready = 0;
  SimTime hangs_at = kNever;
  std::optional<FluidQueue> fluid;
  std::optional<RequestQueue> queue;
  double rate = 0;       // fluid: routed rate being summed for the current interval
  double last_rate = -1;  // fluid: the previous interval's rate, and its mean response time
  double last_response = 0;
  double inflight = 0;  // fluid: requests in service or waiting below the backlog, L (Little)
  double routed = 0;    // requests the load balancer or callers sent it, over its life
};

// Per-request mode: a group's routing view over one interval.
struct RouteTable {
  RoutingMode mode = RoutingMode::no_target;
  std::vector<Route> routes;
  std::vector<double> cumulative;  // running sum of the weights
  bool equal = true;               // all weights equal: a uniform pick
};

struct ServiceParams {
  double mean_latency = 0.04;  // s
  double timeout = 30;         // s
  std::optional<double> limit;
  std::optional<double> rps_per_task;
  std::optional<double> cpu_seconds_per_request;
  bool has_traffic_config = false;
};

}  // namespace spotsim::traffic_detail

namespace spotsim {

struct Traffic::Impl {
  TrafficMode mode;
  std::vector<double> source_rate;          // per source, the rate now
  std::vector<std::size_t> source_next;     // per source, index of its next step (a cursor, no search)
  bool minute_ticks = false;                // steps on whole minutes wait for on_minute_tick()
  std::vector<std::pair<SimTime, std::uint32_t>> parked;  // (time, source) of those steps, in scheduling order
  std::vector<std::uint32_t> due;           // on_minute_tick's scratch
  std::vector<double> group_rate;           // per target group, external rps now
  std::vector<std::int32_t> group_service;  // per target group, the service it routes to, or -1
  std::vector<std::vector<std::uint32_t>> service_groups;  // per service, its target groups
  std::vector<double> service_external;     // per service, external rps now
  std::vector<traffic_detail::ServiceParams> params;
  std::vector<std::vector<traffic_detail::TaskFlow>> flows;    // [service][task id]
  std::vector<std::vector<std::uint32_t>> alive;  // [service] task ids with a live process
  std::optional<CallGraph> graph;
  std::vector<std::vector<std::pair<std::uint32_t, double>>> calls;  // per service: (callee, callsPerRequest), in callGraph order
  CallGraphEvaluation eval;
  std::vector<std::array<double, kDropReasons>> own;  // per service, this interval's own drops
  std::vector<double> arrived;                          // per service, this interval's arrivals
  RequestCounts& totals;  // Traffic::totals_: at the entry; served is derived at the end
  double served_count = 0;  // per-request: entry requests completed
  double served_debt = 0;   // per-request: entry requests counted served whose call was lost later
  LatencyMixture mixture;
  // Fluid: the last mean response time computed, for the next task at the same rate.
  double response_cache_lambda = -1, response_cache_mu = 0, response_cache = 0;
  int response_cache_slots = 0;
  std::unique_ptr<LatencyHistogram> histogram;  // per-request mode only (148 KiB)
  // Per-minute accumulators (CloudWatch datapoints).
  std::vector<double> minute_requests;  // per target group
  std::vector<double> minute_busy;      // per service: task-seconds of work
  std::vector<double> minute_present;   // per service: task-seconds alive
  SimTime last = 0;
  // Per-request mode.
  RandomStream arrivals;
  RandomStream service_times;
  RandomStream routing;
  std::vector<double> next_arrival;  // per target group, seconds
  std::vector<traffic_detail::RouteTable> tables;

  Impl(TrafficMode m, RequestCounts& entry_totals, std::uint64_t seed, std::uint64_t replication)
      : mode(m),
        totals(entry_totals),
        arrivals(seed, "traffic.arrivals", replication),
        service_times(seed, "traffic.service_times", replication),
        routing(seed, "traffic.routing", replication) {}
};


}  // namespace spotsim
