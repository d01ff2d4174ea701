#pragma once
// An EC2 Auto Scaling group with a mixed instances policy (aws-semantics.md §2): it keeps its
// desired capacity within [MinSize, MaxSize], splits it into On-Demand and Spot exactly as ASG-6
// rounds, balances Availability Zones first (ASG-11, ASG-12), picks pools by its allocation
// strategies, retries failed launches in other pools and AZs, replaces interrupted and unhealthy
// instances, chooses scale-in victims by AZ balance and then its termination policies in list order
// (ASG-13, ASG-16..18), honours instance scale-in protection (ASG-20, ASG-21) and, when enabled,
// Capacity Rebalancing with launch-before-terminate (ASG-22..25).
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

// ASG-6: On-Demand share of a desired capacity D, rounded up in favour of On-Demand.
int on_demand_count(int desired, int base, int percentage_above_base);

struct AutoScalingGroupStats {
  std::uint64_t launched_spot = 0;
  std::uint64_t launched_on_demand = 0;
  std::uint64_t launch_failures = 0;        // failed launch attempts in one pool
  std::uint64_t scale_in_terminations = 0;
  std::uint64_t replacements = 0;           // launches for interrupted / unhealthy / rebalanced instances
  std::uint64_t rebalance_terminations = 0;
};

class AutoScalingGroup {
 public:
  AutoScalingGroup(std::uint32_t index, AutoScalingGroupConfig config, Ec2Fleet& fleet,
                   SpotMarket& market, std::uint64_t seed, std::uint64_t replication);

  const AutoScalingGroupConfig& config() const { return config_; }
  std::uint32_t index() const { return index_; }
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

 private:
  void request_reconcile(Engine& engine, SimTime when);
  void launch_towards_desired(Engine& engine);
  void terminate_towards_desired(Engine& engine);
  bool launch_one(Engine& engine, PurchaseOption option);
  std::vector<std::uint32_t> ranked_pools(std::size_t az, PurchaseOption option, SimTime now) const;
  std::vector<std::size_t> az_launch_order(PurchaseOption option) const;
  std::size_t az_of(const Ec2Instance& instance) const;
  // Does the instance count towards desired capacity? (member, alive, not condemned by the group,
  // not being replaced by Capacity Rebalancing)
  bool counts(const Ec2Instance& i) const;
  int extra_allowed() const;

  std::uint32_t index_;
  AutoScalingGroupConfig config_;
  Ec2Fleet& fleet_;
  SpotMarket& market_;
  RandomStream termination_stream_;  // "asg.termination/<name>": the last, random tie-break
  std::vector<std::vector<std::uint32_t>> pools_;
  std::vector<InstanceId> members_;  // the group's live instances, in launch order
  int min_ = 0, max_ = 0, desired_ = 0;
  std::optional<SimTime> reconcile_pending_;
  std::uint32_t reconcile_generation_ = 0;
  AutoScalingGroupStats stats_;
  int blocked_ = 0;
  int pending_replacements_ = 0;
};

}  // namespace spotsim
