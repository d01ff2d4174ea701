#pragma once
// ECS capacity providers at run time (aws-semantics.md §1): the CapacityProviderReservation metric
// (CP-5, CP-6), the instances a capacity provider's PROVISIONING tasks need (CP-7), the
// target-tracking policy and two alarms ECS puts on the Auto Scaling group (CP-1, CP-11, CP-11a),
// and how a capacity provider strategy splits a service's tasks (CP-16, CP-17).
//
// A pure model: no World, no Engine. The world calls ManagedScalingPolicy::on_datapoint once a
// minute per capacity provider with managed scaling ENABLED (CP-2: a 1-minute metric; CP-1: with it
// off there is no metric, no alarm, no policy) and applies the desired capacity it returns to the
// group; the group keeps desired within [MinSize, MaxSize] too (ASG-1), and managed termination
// protection and draining (CP-12, CP-14) decide which instances go, not this policy.
//
// The configuration is models/capacity_provider_config.hpp.
#include <cstddef>
#include <optional>
#include <vector>

#include "models/capacity_provider_config.hpp"
#include "models/cloudwatch.hpp"
#include "models/instance_catalog.hpp"
#include "sim/sim_time.hpp"

namespace spotsim {

// ---- CP-5, CP-6: the metric --------------------------------------------------------------------

// CapacityProviderReservation = M / N × 100, with CP-6's special cases: N = 0 and M > 0 → 200 (the
// first scale-out from zero: target tracking takes the current capacity as one, so desired becomes
// 2 at target 100); M = N = 0 → 100. Returned unrounded: CloudWatch stores doubles and AWS
// publishes no rounding rule, so 2 of 3 is 66.66…; the policy's own comparisons are made exactly in
// integers (ManagedScalingPolicy), never on this double. m, n >= 0.
double capacity_provider_reservation(int m, int n);

// ---- CP-7: instances needed for PROVISIONING tasks ---------------------------------------------

// What one fresh container instance offers tasks: vCPU × 1024 cpu units and its registered memory
// (models/container_instance_resources: MemTotal less ECS_RESERVED_MEMORY, below the installed
// memory). ENIs (awsvpc) and GPUs, also in CP-7's list, are not modelled.
struct InstanceShape {
  int cpu_units = 0;
  int memory_mib = 0;
};

// The shape of a type as its agent registers it; nullopt when the agent would refuse to register
// (reserved memory at least the instance's: registrable_resources).
std::optional<InstanceShape> instance_shape(const InstanceTypeInfo& type, int reserved_memory_mib);

// CP-7 step 3: "the smallest and the largest instance types for each parameter are selected" — per
// parameter, so `largest` may take its cpu from one type and its memory from another.
struct ShapeBounds {
  InstanceShape largest;
  InstanceShape smallest;
};
// Throws std::logic_error on an empty list (a group has at least one type).
ShapeBounds shape_bounds(const std::vector<InstanceShape>& shapes);

// `count` PROVISIONING tasks of one resource requirement (task-level cpu units and memory MiB as
// placement reads them, and the static host ports they bind: two tasks with the same host port
// cannot share an instance). A cpu or memory of 0 takes none of that resource.
struct TaskNeed {
  int cpu = 0;
  int memory_mib = 0;
  std::vector<int> static_ports;
  int count = 1;
};

struct InstancesNeeded {
  int instances = 0;         // fresh instances of the largest shape that hold every compatible task
  int compatible_tasks = 0;  // tasks counted
  int excluded_tasks = 0;    // tasks that fit no instance of the smallest shape (CP-7 step 4 guard)
  // CP-7 step 4: every PROVISIONING task is incompatible: "cluster Auto Scaling stops" and the
  // tasks stay PROVISIONING.
  bool stop() const { return compatible_tasks == 0 && excluded_tasks > 0; }
};

// CP-7 steps 2 and 4. Identical requirements are merged into one group (step 2); a group that does
// not fit an empty instance of `smallest` is excluded (step 4's guard); the rest are binpacked onto
// fresh instances of `largest` (step 4: "the largest instance type sets the maximum calculated
// instance count") — fresh, because a PROVISIONING task is one that did not fit the instances there
// are (CP-5's M, CP-15).
//
// Decision: AWS binpacks "each group" and does not say how the groups' counts combine: their
// maximum understates what the groups need together, their sum overstates it when a small group
// could fill a big group's leftover room. spotsim packs all groups together, first fit decreasing:
// groups in decreasing order of their dominant share of `largest` (the larger of cpu/cpu and
// memory/memory; ties: the other share, then more ports, then input order), each task onto the
// first instance it fits (cpu, memory, no host-port clash), else onto a new one. With a single group
// (one service per capacity provider, the common case) this is exactly the per-group binpack.
// The step sizes (CP-7 step 5, CP-8) are the policy's, not applied here.
InstancesNeeded instances_needed_for(const std::vector<TaskNeed>& provisioning, const InstanceShape& largest,
                                     const InstanceShape& smallest);

// ---- CP-11: the target-tracking policy and its alarms ------------------------------------------

// What the world observes at one datapoint (one minute).
struct ManagedScalingInput {
  int running_instances = 0;  // N: the group's instances that are running (CP-5), warming ones included
  int busy_instances = 0;     // container instances running at least one non-daemon task (CP-9), <= N
  InstancesNeeded provisioning;  // instances_needed_for(the provider's PROVISIONING tasks), steps not applied
  int desired = 0;            // the group's desired capacity now
  int min_size = 0;           // MinSize, MaxSize (CP-3: managed scaling never changes them)
  int max_size = 0;
  // Launch time of the group's most recently launched instance still in it (nullopt: none). Scale-out
  // is blocked while now − this < instanceWarmupPeriod (§1.3).
  std::optional<SimTime> newest_launch;
  bool several_types_or_azs = false;  // the group has more than one instance type or AZ (CP-8)
};

// The target-tracking policy ECS creates on the group (CP-1), fed one CapacityProviderReservation
// datapoint a minute (CP-2):
//   - high alarm, 1 of 1 datapoint CPR > targetCapacity (CP-11): scale out to
//     ceil(N_eff × CPR / targetCapacity), N_eff = max(N, 1) (CP-11a; from zero CPR is 200, so the
//     group goes to 2 at target 100 whatever the step sizes say), unless an instance is warming up
//     (§1.3: now − launch < instanceWarmupPeriod). The datapoint still counts while blocked.
//   - low alarm, 15 of 15 datapoints CPR < targetCapacity (CP-11): scale in per ScaleInMode (§10.1):
//       ratio:         to ceil(M × 100 / targetCapacity), M the busy instances (CP-5, CP-11a);
//       one_per_alarm: desired − 1 at each minute the alarm is (still) in ALARM — the 15th datapoint
//                      and every one after it while CPR stays below (RM-1150, ~1 per minute) — but
//                      never below what ratio would give, or the next datapoint would read above
//                      target and scale out again.
//     The 15 are consecutive one-minute datapoints: one at or above target — in particular any
//     scale-out need (CP-10) — or a minute with no datapoint restarts the count.
//   - CPR == targetCapacity fires neither alarm.
// M at a datapoint (CP-5, CP-7 step 5, CP-8):
//   - PROVISIONING tasks that some instance type can run: M = N + add, with
//       add = minimumScalingStepSize when the group has several types or AZs and
//             MultiTypeStep::minimum_step (CP-8: "the exact minimum scaling step size");
//       add = max(minimumScalingStepSize, min(maximumScalingStepSize, needed)) otherwise
//             (CP-7 step 5);
//   - PROVISIONING tasks none can run (InstancesNeeded::stop): CPR is published at targetCapacity,
//     so neither alarm fires. The 2023 guide says CPR "remains at 100%", the live guide "remains at
//     the targetCapacity value"; they agree at the default target of 100, and below it 100 would
//     read above target and scale out, every minute, for tasks no instance can run.
//   - none: M = busy instances (CP-9: daemon tasks do not count). The 2023 guide's "100 minus the
//     number of empty instances" (CP-9, §10.1) is not published in one_per_alarm mode either: at a
//     target below 100 it would read above target with empty instances and scale out.
// Decisions are never outside [MinSize, MaxSize] (CP-3, ASG-1); a scale-out only raises desired and
// a scale-in only lowers it.
class ManagedScalingPolicy {
 public:
  // `config.scaling` must be enabled and valid (targetCapacity 1-100, steps 1-10000, min <= max):
  // the scenario loader checks.
  explicit ManagedScalingPolicy(const CapacityProviderConfig& config);

  // One datapoint at `now` (minute after minute). Returns the group's new desired capacity when the
  // policy acts, nullopt otherwise.
  std::optional<int> on_datapoint(SimTime now, const ManagedScalingInput& in);

  // The CapacityProviderReservation of the last datapoint, for the timeseries; 100 before the first
  // (CP-6's value for a group with no instances and no tasks).
  double last_reservation() const { return last_reservation_; }
  // Consecutive datapoints below target so far (the low alarm fires at 15).
  int low_datapoints() const { return low_datapoints_; }
  // The two alarms' states after the last datapoint (for the event log): the high one in ALARM at
  // a datapoint above target, the low one after 15 below it; INSUFFICIENT_DATA before the first.
  AlarmState high_alarm() const {
    // Exact although a double: the datapoint 100 × M / N equals the integer target exactly when
    // it is equal in integers, and is at least 1 / N above it when it is above.
    if (!last_datapoint_) return AlarmState::insufficient_data;
    return last_reservation_ > scaling_.target_capacity ? AlarmState::alarm : AlarmState::ok;
  }
  AlarmState low_alarm() const {
    return !last_datapoint_ ? AlarmState::insufficient_data
                            : low_datapoints_ >= kLowAlarmDatapoints ? AlarmState::alarm : AlarmState::ok;
  }

  static constexpr int kHighAlarmDatapoints = 1;  // CP-11
  static constexpr int kLowAlarmDatapoints = 15;  // CP-11
  static constexpr SimTime kPeriod = minutes(1);  // CP-2

 private:
  ManagedScaling scaling_;
  ScaleInMode scale_in_mode_;
  MultiTypeStep multi_type_step_;
  double last_reservation_ = 100.0;
  int low_datapoints_ = 0;
  std::optional<SimTime> last_datapoint_;
};

// ---- CP-16, CP-17: capacity provider strategy --------------------------------------------------

// How many of `tasks` each item of `s` runs (same order as `s`): exactly what placing them one at a
// time with provider_for_next_task from no tasks gives, so a service that grows task by task and
// one that is split at once agree.
//   1. Bases first (CP-16: the base is satisfied first), in strategy order (AWS allows one base; the
//      loader rejects more). A base is honoured even on an item of weight 0: it is the minimum that
//      provider runs ("Base satisfaction: the minimum number of tasks specified by the base value are
//      placed on that capacity provider", ECS API reference).
//   2. The rest in the ratio of the weights (CP-17), counting only each item's tasks beyond its base:
//      the next task goes to the item with the largest weight / (2 × tasks beyond base + 1) — the
//      Sainte-Laguë (Webster) divisor method, which rounds each item's exact share to the nearest
//      integer, never moves a task already placed (house monotone), and gives the exact share when it
//      is whole: base 2 weight 1 / weight 3 → 10 tasks 4 and 6, 22 tasks 7 and 15 (issue 5).
//      Ties go to the earlier item. Weight 0 runs nothing beyond its base (CP-17).
//   3. A strategy with no positive weight (AWS accepts it only with one item, whose weight it then
//      ignores) counts every weight as 1.
// Throws std::logic_error on an empty strategy.
std::vector<int> split_by_strategy(const CapacityProviderStrategy& s, int tasks);

// Index into `s` of the provider the next task should use, given how many tasks each item's provider
// runs now (`current_counts`, same order and size as `s`): a base not yet met first, then rule 2
// above. From counts that drifted — a Spot provider that lost tasks to interruptions — it sends new
// tasks to the items below their share first, restoring the split.
// Throws std::logic_error on an empty strategy or a size mismatch.
std::size_t provider_for_next_task(const CapacityProviderStrategy& s, const std::vector<int>& current_counts);

}  // namespace spotsim
