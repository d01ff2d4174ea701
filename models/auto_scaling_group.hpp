#pragma once
// An EC2 Auto Scaling group with a mixed instances policy (aws-semantics.md §2): it keeps its
// desired capacity within [MinSize, MaxSize], splits it into On-Demand and Spot exactly as ASG-6
// rounds, balances Availability Zones first (ASG-11, ASG-12), picks pools by its allocation
// strategies, retries failed launches in other pools and AZs, replaces interrupted and unhealthy
// instances, chooses scale-in victims by AZ balance and then its termination policies in list order
// (ASG-13, ASG-16..18), honours instance scale-in protection (ASG-20, ASG-21), when enabled
// Capacity Rebalancing with launch-before-terminate (ASG-22..25), and runs instance refreshes
// (ASG-15: terminate-and-launch in batches that keep MinHealthyPercentage of desired in service).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/ec2_instance.hpp"
#include "models/ecs_agent_config.hpp"
#include "models/spot_market.hpp"
#include "sim/engine.hpp"
#include "sim/random.hpp"

namespace spotsim {

enum class SpotAllocationStrategy : std::uint8_t {
  lowest_price,
  capacity_optimized,
  capacity_optimized_prioritized,
  price_capacity_optimized,
};
enum class OnDemandAllocationStrategy : std::uint8_t { prioritized, lowest_price };
enum class CapacityDistribution : std::uint8_t { balanced_best_effort, balanced_only };
enum class TerminationPolicy : std::uint8_t {
  Default,
  AllocationStrategy,
  OldestLaunchTemplate,
  OldestLaunchConfiguration,
  ClosestToNextInstanceHour,
  NewestInstance,
  OldestInstance,
};

struct AutoScalingGroupConfig {
  std::string name;
  int min_size = 0;
  int max_size = 0;
  int desired_capacity = 0;
  std::vector<std::string> availability_zones;
  // Launch template overrides in priority order (or the launch template's single type).
  std::vector<std::string> instance_types;
  // InstancesDistribution. Without a MixedInstancesPolicy the group is all On-Demand
  // (base 0, 100 % above base).
  int on_demand_base_capacity = 0;                 // ASG-4, default 0
  int on_demand_percentage_above_base = 100;       // ASG-5, default 100
  SpotAllocationStrategy spot_allocation_strategy = SpotAllocationStrategy::lowest_price;  // ASG-7
  int spot_instance_pools = 2;                     // ASG-8, lowest-price only
  OnDemandAllocationStrategy on_demand_allocation_strategy = OnDemandAllocationStrategy::prioritized;
  std::optional<double> spot_max_price;            // ASG-10; default: the On-Demand price
  CapacityDistribution capacity_distribution = CapacityDistribution::balanced_best_effort;  // ASG-12
  std::vector<TerminationPolicy> termination_policies{TerminationPolicy::Default};
  bool new_instances_protected_from_scale_in = false;
  bool capacity_rebalance = false;
  // CP-14: the group's capacity provider drains an instance (ECS DRAINING) before a scale-in
  // terminates it (a termination lifecycle hook held until its tasks are gone).
  bool managed_draining = false;
  SimTime health_check_grace_period = 0;           // ASG-3: API default 0
  std::optional<SimTime> default_instance_warmup;  // ASG-29
  // Launch template (for OldestLaunchTemplate and the ECS agent settings).
  std::string launch_template_name;
  int launch_template_version = 1;
  EcsAgentConfig ecs_agent;
};

// An AWS scheduled action (describe-scheduled-actions' ScheduledUpdateGroupActions): at `at`, set any
// of MinSize, MaxSize, DesiredCapacity of the named group (UpdateAutoScalingGroup semantics, ASG-2).
struct ScheduledAction {
  std::string group;
  SimTime at = 0;
  std::optional<int> min_size;
  std::optional<int> max_size;
  std::optional<int> desired_capacity;
};

// RefreshPreferences.ScaleInProtectedInstances [API-ASG RefreshPreferences]: "Refresh" replaces
// protected instances too; "Ignore" leaves them and replaces the rest; "Wait" (the default of the
// CLI and SDKs; the console's is Ignore, per AWS's "Understand the default values for an instance
// refresh") "waits one hour for you to remove scale-in protection. Otherwise, the instance refresh
// will fail."
enum class ScaleInProtectedInstances : std::uint8_t { Refresh, Ignore, Wait };

// StartInstanceRefresh (Strategy Rolling) of the named group at `at`, to a new launch template
// version (the seed article rolls a new AMI, so every instance is replaced: no skip matching).
struct InstanceRefresh {
  std::string group;
  SimTime at = 0;
  // RefreshPreferences.MinHealthyPercentage: "The amount of capacity in the Auto Scaling group that
  // must remain healthy during an instance refresh ... as a percentage of the desired capacity of the
  // Auto Scaling group (rounded up to the nearest integer). The default is 90." [API-ASG]
  int min_healthy_percentage = 90;
  // RefreshPreferences.MaxHealthyPercentage: "the maximum percentage of the group that can be in
  // service and healthy, or pending"; 100-200, at most 100 above the minimum; absent (null) = 100,
  // i.e. terminate-and-launch (ASG-15). Above 100 the refresh launches before it terminates.
  int max_healthy_percentage = 100;
  // RefreshPreferences.InstanceWarmup: how long the refresh waits after a new instance is InService
  // before it moves on; absent: DefaultInstanceWarmup if set, else HealthCheckGracePeriod [API-ASG].
  std::optional<SimTime> instance_warmup;
  ScaleInProtectedInstances scale_in_protected_instances = ScaleInProtectedInstances::Wait;
};

enum class RefreshStatus : std::uint8_t { in_progress, successful, failed };
const char* to_string(RefreshStatus s);

// What one instance refresh did (DescribeInstanceRefreshes, in spotsim's terms).
struct InstanceRefreshProgress {
  SimTime started = 0;
  std::optional<SimTime> ended;  // Successful or Failed
  RefreshStatus status = RefreshStatus::in_progress;
  int min_healthy = 0;        // instances, at the start: ceil(desired × MinHealthyPercentage / 100)
  int to_replace = 0;         // instances on the old launch template when it started
  int terminated = 0;         // of those, condemned by the refresh (cause instance_refresh)
  int ignored = 0;            // left alone, being protected from scale in (ScaleInProtectedInstances Ignore)
  int batches = 0;
  int launched_first = 0;     // of the terminated, those replaced launch-before-terminate
  int launch_template_version = 0;  // the version it rolls to
};

// ASG-6: On-Demand share of a desired capacity D, rounded up in favour of On-Demand.
int on_demand_count(int desired, int base, int percentage_above_base);

struct AutoScalingGroupStats {
  std::uint64_t launched_spot = 0;
  std::uint64_t launched_on_demand = 0;
  std::uint64_t launch_failures = 0;        // failed launch attempts in one pool
  std::uint64_t scale_in_terminations = 0;
  std::uint64_t replacements = 0;           // launches for interrupted / unhealthy / rebalanced instances
  std::uint64_t rebalance_terminations = 0;
  std::uint64_t refresh_terminations = 0;   // instances an instance refresh replaced (terminated)
  std::uint64_t refresh_replacements = 0;   // launches for them
};

class AutoScalingGroup {
 public:
  AutoScalingGroup(std::uint32_t index, AutoScalingGroupConfig config, Ec2Fleet& fleet,
                   SpotMarket& market, std::uint64_t seed, std::uint64_t replication);

  const AutoScalingGroupConfig& config() const { return config_; }
  std::uint32_t index() const { return index_; }
  // The event log hears launches, failed launches, protection changes and instance refreshes
  // (models/event_log.hpp); nullptr: none.
  void set_event_log(EventLog* log) { log_ = log; }
  int desired() const { return desired_; }
  int min_size() const { return min_; }
  int max_size() const { return max_; }
  const AutoScalingGroupStats& stats() const { return stats_; }
  // The group's pools, per AZ, in override order: pools()[az][k] is overrides[k] in AZ az.
  const std::vector<std::vector<std::uint32_t>>& pools() const { return pools_; }

  // UpdateAutoScalingGroup (ASG-1, ASG-2): new limits first, then desired; desired is clamped.
  void update(Engine& engine, std::optional<int> min_size, std::optional<int> max_size,
              std::optional<int> desired);
  void set_desired(Engine& engine, int desired) { update(engine, std::nullopt, std::nullopt, desired); }
  // SetInstanceProtection; turning it off lets a pending scale-in proceed (ASG-21).
  void set_protection(Engine& engine, InstanceId id, bool on);

  // StartInstanceRefresh. AWS refuses a second one while one is in progress
  // (InstanceRefreshInProgress): so does this, returning false.
  bool start_refresh(Engine& engine, const InstanceRefresh& refresh);
  // The refresh's own wake-ups (EventKind::instance_refresh); false if stale.
  bool on_refresh_check(Engine& engine, const Event& e);
  // Every refresh this group ran or runs, in order.
  const std::vector<InstanceRefreshProgress>& refreshes() const { return refreshes_; }
  bool refresh_in_progress() const {
    return !refreshes_.empty() && refreshes_.back().status == RefreshStatus::in_progress;
  }

  // Events and notifications routed to the group by the world.
  void start(Engine& engine) { request_reconcile(engine, engine.now()); }
  bool on_reconcile(Engine& engine, const Event& e);
  void on_booted(Engine& engine, InstanceId id);
  void on_terminated(Engine& engine, InstanceId id);
  void on_rebalance_recommendation(Engine& engine, InstanceId id);
  void on_interruption_notice(Engine& engine, InstanceId id);
  // A failed health check: terminate-and-launch (ASG-15, ASG-27), unless still in the grace period
  // (ASG-28) — returns false then.
  bool mark_unhealthy(Engine& engine, InstanceId id);

  // Counts of the group's active instances (alive and not condemned).
  int active_count() const;
  int active_count(PurchaseOption option) const;
  // Instances the group wants to terminate but cannot, all candidates being protected (ASG-21).
  int scale_in_blocked() const { return blocked_; }
  // The victims a scale-in by n would choose now, in order (exposed for tests and what-if output).
  std::vector<InstanceId> choose_scale_in_victims(int n, SimTime now);
  // Tests: the counts the group keeps as its members change (by purchase option, AZ and pool) against
  // a recount over its members; empty when they agree, else what differs.
  std::string bookkeeping_mismatch() const;

 private:
  void request_reconcile(Engine& engine, SimTime when);
  void launch_towards_desired(Engine& engine);
  void terminate_towards_desired(Engine& engine);
  bool launch_one(Engine& engine, PurchaseOption option);
  // The AZ's pools in the order a launch tries them; the AZs in the order a launch tries them. Both
  // fill a scratch vector of the group's and return it (no allocation per launch): valid until the
  // next call of the same function.
  const std::vector<std::uint32_t>& ranked_pools(std::size_t az, PurchaseOption option, SimTime now);
  const std::vector<std::size_t>& az_launch_order(PurchaseOption option);
  std::size_t az_of(const Ec2Instance& instance) const;
  // Does the instance count towards desired capacity? (member, alive, not condemned by the group,
  // not being replaced by Capacity Rebalancing)
  bool counts(const Ec2Instance& i) const;
  int extra_allowed() const;
  // The instance may have changed in what the group counts (counts(), occupies()): move it between
  // the kept counts. Called wherever the group or the world changes a member (launch, termination
  // decided or done, notice, recommendation, protection, launch-before-terminate).
  void recount_member(InstanceId id);
  // Does the instance still occupy the group (alive and not condemned by it; a noticed instance
  // does until it is gone)? What launches may add is desired + extra_allowed() less these.
  bool occupies(const Ec2Instance& i) const;
  void reconcile_capacity(Engine& engine);
  // The running refresh: replaces its next batch if the group is ready for one, finishes it when
  // done, and schedules its next look; returns true if it condemned instances.
  bool refresh_step(Engine& engine);
  void refresh_schedule_next(Engine& engine);
  void request_refresh_check(Engine& engine, SimTime when);
  void log_refresh_end(SimTime now);
  // ceil(desired × MinHealthyPercentage / 100): the instances the running refresh keeps ready.
  int min_healthy_count() const;
  // floor(desired × MaxHealthyPercentage / 100): in service or pending, at most.
  int max_healthy_count() const;
  bool being_replaced_first(InstanceId id) const;
  // When the instance is InService and warmed up for the refresh (ready to use).
  SimTime refresh_ready_at(const Ec2Instance& i) const;

  std::uint32_t index_;
  AutoScalingGroupConfig config_;
  Ec2Fleet& fleet_;
  SpotMarket& market_;
  RandomStream termination_stream_;  // "asg.termination/<name>": the last, random tie-break
  std::vector<std::vector<std::uint32_t>> pools_;
  // az_of by the market's pool index (pools outside the group: AZ 0), filled with pools_: the
  // scale-in and launch-order scans ask it once per member, and a search of pools_ per ask was a
  // measurable share of a large fleet's run.
  std::vector<std::uint32_t> az_by_pool_;
  std::vector<InstanceId> members_;  // the group's live instances, in launch order (ascending ids)
  // Kept by recount_member instead of a pass over the members per launch and per look (a large
  // fleet's group launches and looks thousands of times a day): per member instance, what it was
  // last counted as (bit 0: counts(), bit 1: occupies(), bit 2: counts() and not protected from
  // scale in), and the totals over the members.
  std::vector<std::uint8_t> counted_as_;     // by instance id
  int counted_[2] = {0, 0};                  // counts(), by PurchaseOption
  std::vector<int> counted_by_az_;           // counts(), [az * 2 + PurchaseOption]
  std::vector<int> counted_spot_by_pool_;    // counts() and spot, by the market's pool index
  int occupying_ = 0;                        // occupies()
  int counted_unprotected_ = 0;              // counts() and not protected from scale in: victims possible
  // Those members themselves, ascending ids (= members_ order): what a scale-in chooses victims from.
  // A managed-termination-protection group is mostly protected and looks again at every change, so
  // a pass over all members per look was the bulk of a large fleet's asg_reconcile.
  std::vector<InstanceId> unprotected_;
  // The termination policies in the order they apply, Default expanded (ASG-16..18): fixed per group.
  std::vector<TerminationPolicy> expanded_policies_;
  // choose_scale_in_victims' scratch, kept between calls (no allocation per look).
  struct VictimScratch {
    std::vector<std::size_t> of_option[2];  // indexes into unprotected_, by PurchaseOption
    std::vector<std::size_t> candidates;
    std::vector<std::uint32_t> az;          // by index into unprotected_
    std::vector<char> chosen;
    std::vector<int> per_az;
  } scratch_;
  struct LaunchScratch {
    std::vector<std::size_t> az_order;
    std::vector<std::size_t> pool_order;  // indexes into the overrides
    std::vector<double> price, risk;      // by override index: read once per ranking, not per comparison
    std::vector<int> in_pool;
    std::vector<std::uint32_t> ranked;
  } launch_scratch_;
  // Members that received a rebalance recommendation and have no replacement tied to them yet,
  // ascending ids (= launch order): the only ones a Capacity Rebalancing launch may tie itself to.
  std::vector<InstanceId> rebalanced_;
  int min_ = 0, max_ = 0, desired_ = 0;
  std::optional<SimTime> reconcile_pending_;
  std::uint32_t reconcile_generation_ = 0;
  AutoScalingGroupStats stats_;
  int blocked_ = 0;
  int pending_replacements_ = 0;
  // The running instance refresh (the last of refreshes_ while in progress).
  std::vector<InstanceRefreshProgress> refreshes_;
  InstanceRefresh refresh_;              // its preferences
  SimTime refresh_warmup_ = 0;
  int refresh_launches_due_ = 0;         // replacements not launched yet
  // Launch-before-terminate: old instances still in service whose replacements are on their way;
  // the group no longer counts them towards desired, and may exceed desired by as many.
  std::vector<InstanceId> replaced_first_;
  std::optional<SimTime> refresh_waiting_since_;  // ScaleInProtectedInstances Wait: only protected ones left
  std::uint32_t refresh_generation_ = 0;
  std::optional<SimTime> refresh_check_at_;
  EventLog* log_ = nullptr;
};

}  // namespace spotsim
