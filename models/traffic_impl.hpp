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
#include "sim/chunked_vector.hpp"

namespace spotsim::traffic_detail {
inline constexpr double kMsPerSecond = 1000.0;
// RequestQueue tags: what a request in a task stands for at the entry.
inline constexpr std::uint32_t kTagCall = 0;         // a call from another service
inline constexpr std::uint32_t kTagEntry = 1;        // an entry request, served if it completes
inline constexpr std::uint32_t kTagEntryFailed = 2;  // an entry request already counted dropped (a call failed)

inline DropReason reason_of(OverflowReason r) {
  return r == OverflowReason::rejected ? DropReason::rejected : DropReason::timeout;
}

// One live task as the traffic sees it (slots of Impl::pool, recycled when it dies: a flow exists
// from RUNNING until the task's process dies). At most 64 bytes, one line: the records lie scattered
// over the pool, so what a plan rebuild reads for every live task is kept apart (Impl::rate_class)
// and a cohort's members are found in its own list (Cohort::members), not through the flows.
struct TaskFlow {
  double mu = 0;       // capacity, requests/s
  double mu_slot = 0;  // per-slot service rate
  SimTime ready = 0;
  SimTime hangs_at = kNever;
  // Per-request: requests the load balancer or callers sent it so far. Fluid: its offset in its
  // cohort, routed = cohort.routed − this.
  double routed = 0;
  std::unique_ptr<RequestQueue> queue;  // per-request mode
  int slots = 1;  // c
  // Fluid mode (its rate class: Impl::rate_class).
  std::int32_t cohort = -1;  // index in Impl::cohorts
};
static_assert(sizeof(TaskFlow) <= 64, "a live task's flow: one cache line");

// Fluid mode: tasks of one service that get the same rate and are in the same state integrate as
// one — a cohort (design.md: round robin gives equal tasks equal shares, so a service's tasks are a
// handful of cohorts, not hundreds of integrations per interval). Every figure of the cohort is
// one member's; totals are × members.size(). A new task starts a cohort of its own; cohorts whose
// state has become identical merge; a routing change that gives members different rates splits one.
struct Cohort {
  std::uint32_t service = 0;
  std::uint32_t rate_class = 0;  // the row of the service's routing plan its members share
  double mu = 0, mu_slot = 0;
  int slots = 1;
  FluidQueue queue;  // one member's
  double last_rate = -1;  // the previous interval's rate per member, and its mean response time
  double last_response = 0;
  double inflight = 0;  // requests in service or waiting below the backlog, L (Little), per member
  double routed = 0;    // requests routed to each member since the cohort formed
  std::vector<std::uint32_t> members;  // task ids
  bool used = false;

  Cohort(double capacity, double timeout, std::optional<double> limit) : queue(capacity, timeout, limit) {}
};

// Fluid mode: how one target group's load splits at the moment, rebuilt when its routing view
// changes or one of its routed targets starts or stops answering.
struct GroupPlan {
  struct Share {
    std::uint32_t service = 0, task = 0;
    double fraction = 0;  // of the group's rate
  };
  bool dirty = true;
  std::uint64_t serial = ~std::uint64_t{0};  // TargetGroup::view_serial() it was built from
  std::uint64_t build = 0;                   // bumped when a rebuild changes the shares (service plans read them)
  SimTime until = kNever;                    // the next ready / hangs_at instant of a routed target
  RoutingMode mode = RoutingMode::no_target;
  std::array<double, kDropReasons> dropped{};  // fractions of the group's rate dropped before any task
  std::vector<Share> shares;                   // answering targets
  // What the latest rebuild changed, for a service plan built from the build before it (`base`) to
  // follow by difference (refresh_service_plan): the tasks that joined the shares and those that
  // left them alive (a task that died left them too, but changed nobody's row). Known
  // (`known`) when every share is the same fraction before and now (`uniform`: round robin, no
  // slow start) and share_difference's walk stayed within its bound.
  struct Difference {
    bool known = false;
    std::uint64_t base = 0;
    std::vector<Share> joined, left;
  } difference;
  bool uniform = false;
};

// Fluid mode: one service's rate classes — the distinct ways its live tasks are routed to, each a
// row of fractions of its target groups' rates (or of its implicit calls) — and its cohorts.
struct ServicePlan {
  bool dirty = true;
  SimTime until = kNever;              // implicit routing only: the next ready / hangs_at instant
  std::vector<std::uint64_t> builds;   // GroupPlan::build of each of its target groups, when built
  std::uint32_t width = 0;             // fractions per class: its target groups, or 1 (implicit)
  std::uint32_t classes = 0;
  std::vector<double> fraction;        // [class × width + k]
  std::vector<double> rate;            // per class, the rate per member this interval
  bool implicit_none = false;          // implicit routing with no task answering
  std::vector<std::uint32_t> cohorts;  // indices in Impl::cohorts, oldest first
  // One target group and at most one non-zero row (round robin): the classes of the routed tasks
  // and of the others (−1: none yet). Then a change of the group's shares moves only the tasks that
  // joined or left them (refresh_service_plan), not every live task.
  bool two_rows = false;
  std::int32_t routed_class = -1, zero_class = -1;
};

// Per-request mode: a group's routing view over one interval.
struct RouteTable {
  RoutingMode mode = RoutingMode::no_target;
  std::vector<Route> routes;
  std::vector<double> cumulative;  // running sum of the weights
  bool equal = true;               // all weights equal: a uniform pick
};

// A table by a service's task ids (dense, from 0): 16 Ki entries a chunk; from the second chunk
// on, its pages are faulted in ahead by the prefault helper (sim/prefault.hpp).
template <class T>
using TaskTable = ChunkedVector<T, 14>;

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
  // Live tasks: flows in a pool of recycled slots, found by [service][task id] (−1: none), so a
  // year of churn costs 16 bytes per task ever, not a whole TaskFlow. The [service][task id] tables
  // grow by chunks (traffic_detail::TaskTable), never by doubling: a doubling copied the table
  // into pages touched for the first time, ~1/3 of a fleet year's page faults once the task
  // records' chunks were prefaulted (sim/prefault.hpp).
  std::vector<traffic_detail::TaskFlow> pool;
  std::vector<std::int32_t> free_flows;
  std::vector<traffic_detail::TaskTable<std::int32_t>> flow_slot;  // [service][task id]
  // Fluid: a live task's row in its service's routing plan, [service][task id] beside flow_slot. Not
  // in the flow: a plan rebuild writes every live task's class, and the flows lie scattered over the
  // pool (a cache miss each was ~40 % of the rebuild); these lie in task-id order.
  std::vector<traffic_detail::TaskTable<std::uint32_t>> rate_class;
  std::vector<traffic_detail::TaskTable<double>> routed;  // [service][task id] requests sent to it, once it died
  std::vector<std::vector<std::uint32_t>> alive;  // [service] task ids with a live process
  // Fluid mode.
  std::vector<traffic_detail::Cohort> cohorts;
  std::vector<std::uint32_t> free_cohorts;
  std::vector<traffic_detail::GroupPlan> group_plans;     // per target group
  std::vector<traffic_detail::ServicePlan> service_plans;  // per service
  std::vector<std::vector<std::uint32_t>> group_services;  // per target group, the services registering with it
  std::uint64_t plan_builds = 0;
  std::vector<traffic_detail::GroupPlan::Share> shares_before;  // refresh_group_plan's scratch
  std::vector<double> last_mu;  // per service, its latest task's capacity (a gone target's LOR weight)
  std::vector<double> row_scratch;
  std::vector<traffic_detail::TaskFlow*> flow_scratch;
  std::vector<std::uint32_t> merge_scratch;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> split_scratch;  // refresh_service_plan's
  std::vector<std::uint32_t> keep_scratch, members_scratch;
  std::vector<std::uint32_t> row_of_task_scratch;  // refresh_service_plan's: a live task's row by task id
  std::vector<std::pair<std::uint32_t, std::uint32_t>> movers_scratch;  // its update by difference
  std::vector<std::uint32_t> moved_cohorts_scratch;
  std::optional<CallGraph> graph;
  std::vector<std::vector<std::pair<std::uint32_t, double>>> calls;  // per service: (callee, callsPerRequest), in callGraph order
  CallGraphEvaluation eval;
  std::vector<std::array<double, kDropReasons>> own;  // per service, this interval's own drops
  std::vector<double> arrived;                          // per service, this interval's arrivals
  RequestCounts& totals;  // Traffic::totals_: at the entry; served is derived at the end
  double served_count = 0;  // per-request: entry requests completed
  double served_debt = 0;   // per-request: entry requests counted served whose call was lost later
  LatencyMixture mixture;
  // Fluid: the last mean response time computed, for the next cohort at the same rate.
  double response_cache_lambda = -1, response_cache_mu = 0, response_cache = 0;
  int response_cache_slots = 0;
  std::unique_ptr<LatencyHistogram> histogram;  // per-request mode only (148 KiB)
  // Per-minute accumulators (CloudWatch datapoints).
  std::vector<double> minute_requests;  // per target group
  std::vector<double> minute_busy;      // per service: task-seconds of work
  std::vector<double> minute_present;   // per service: task-seconds alive
  SimTime last = 0;  // the clock: advance_to's latest
  // Fluid mode, lazy integration (traffic.hpp advance_to): when no call graph and no target group of
  // two services ties services together, each service (and each target group no service registers
  // with) is integrated up to its own instant, catching up to `last` only when it must.
  bool lazy = false;
  bool eager = false;  // TrafficConfig::eager: also every plan rebuilt in full at every change
  bool rebuild_plans = false;  // TrafficConfig::rebuild_plans (or eager): no plan followed by difference
  Traffic::PlanUpdates plan_updates;
  std::vector<SimTime> upto;        // per service
  std::vector<SimTime> group_upto;  // per target group no service registers with
  // Per-request mode.
  RandomStream arrivals;
  RandomStream service_times;
  RandomStream routing;
  std::vector<double> next_arrival;  // per target group, seconds
  std::vector<traffic_detail::RouteTable> tables;

  traffic_detail::TaskFlow* flow(std::uint32_t service, std::uint32_t task) {
    if (service >= flow_slot.size() || task >= flow_slot[service].size() || flow_slot[service][task] < 0) return nullptr;
    return &pool[static_cast<std::size_t>(flow_slot[service][task])];
  }

  // Fluid cohorts (traffic_fluid.cpp).
  std::uint32_t new_cohort(std::uint32_t service, double mu, int slots, const traffic_detail::ServiceParams& p);
  std::uint32_t add_cohort(traffic_detail::Cohort&& c);  // into a free slot, listed in its service's plan
  void join_cohort(std::uint32_t cohort, std::uint32_t task, traffic_detail::TaskFlow& f);
  void leave_cohort(std::uint32_t task, traffic_detail::TaskFlow& f);
  // A new task of `service` (its flow `f`, in a cohort of its own) takes its place in the plan.
  void plan_new_task(std::uint32_t service, std::uint32_t task, traffic_detail::TaskFlow& f);

  Impl(TrafficMode m, RequestCounts& entry_totals, std::uint64_t seed, std::uint64_t replication)
      : mode(m),
        totals(entry_totals),
        arrivals(seed, "traffic.arrivals", replication),
        service_times(seed, "traffic.service_times", replication),
        routing(seed, "traffic.routing", replication) {}
};


}  // namespace spotsim
