#pragma once
// The one place where a run's world is wired: the engine, the fleet, the spot market, the Auto
// Scaling groups and billing, and the dispatch of every event kind to the model that owns it.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "models/auto_scaling_group.hpp"
#include "models/capacity_provider.hpp"
#include "models/capacity_provider_config.hpp"
#include "models/service_autoscaling.hpp"
#include "models/service_autoscaling_config.hpp"
#include "models/billing.hpp"
#include "models/ecs_cluster.hpp"
#include "models/ecs_service.hpp"
#include "models/ec2_instance.hpp"
#include "models/ecs_service_config.hpp"
#include "models/target_group.hpp"
#include "models/target_group_config.hpp"
#include "models/traffic.hpp"
#include "models/event_kind.hpp"
#include "models/event_log.hpp"
#include "models/instance_catalog.hpp"
#include "models/spot_market.hpp"
#include "sim/engine.hpp"

namespace spotsim {

struct WorldConfig {
  std::string name = "scenario";
  std::string region = "us-east-1";
  std::int64_t start_epoch_ms = 0;  // the simulated clock's zero, as a UTC instant
  SimTime duration = days(7);
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
  SimTime sample_interval = minutes(1);  // timeseries.csv row spacing
  Ec2Config ec2;
  SpotMarketConfig market;
  std::vector<AutoScalingGroupConfig> groups;
  std::vector<ScheduledAction> scheduled_actions;
  std::vector<InstanceRefresh> instance_refreshes;  // `deployments` entries with instanceRefresh
  // ECS (aws-semantics.md §4, §5)
  EcsConfig ecs;
  std::vector<EcsClusterConfig> clusters;
  std::vector<TaskDefinition> task_definitions;
  std::vector<EcsServiceConfig> services;
  std::vector<ServiceDeployment> deployments;
  // ALB and traffic (aws-semantics.md §7; issue 4 simulates them)
  std::vector<TargetGroupConfig> target_groups;
  std::vector<TrafficSource> traffic;
  std::vector<CallGraphEdgeConfig> call_graph;
  TrafficMode traffic_mode = TrafficMode::fluid;  // --mode
  bool keep_metric_history = false;  // Traffic::metrics() keeps every 1-minute datapoint (tests)
  bool traffic_eager = false;        // TrafficConfig::eager (tests)
  bool traffic_rebuild_plans = false;  // TrafficConfig::rebuild_plans (tests)
  // Capacity providers and service auto scaling (aws-semantics.md §1, §6; issue 5)
  std::vector<CapacityProviderConfig> capacity_providers;
  std::vector<ScalableTargetConfig> scalable_targets;
  std::vector<ScalingPolicyConfig> scaling_policies;
  ServiceAutoScalingSettings service_autoscaling;
};

// One row of timeseries.csv (fleet columns).
struct TimeseriesRow {
  SimTime time = 0;
  int asg_desired = 0;
  int instances_pending = 0;
  int instances_spot = 0;        // running spot instances (booted or not), not under notice
  int instances_on_demand = 0;   // running On-Demand instances
  int instances_draining = 0;    // running, with an interruption notice or a termination decided
  std::uint64_t interruption_notices = 0;  // cumulative
  std::uint64_t launch_failures = 0;       // cumulative
  double cost_usd_cumulative = 0;
  double on_demand_baseline_usd_cumulative = 0;
  // ECS task columns
  int service_desired = 0;      // sum over services
  int tasks_running = 0;        // RUNNING (healthy or not)
  int tasks_pending = 0;        // PROVISIONING, PENDING, ACTIVATING
  int tasks_stopping = 0;       // DEACTIVATING, STOPPING, DEPROVISIONING
  int container_instances = 0;  // registered, ACTIVE or DRAINING
  // Traffic columns: rates over the interval that ends at `time` (requests per second).
  double offered_rps = 0;
  double served_rps = 0;
  double dropped_rps = 0;
  std::array<double, kDropReasons> dropped_rps_by_reason{};
  std::optional<double> cpu_utilization;  // %, the last ECSServiceAverageCPUUtilization datapoint (mean over services)
  std::optional<double> capacity_provider_reservation;  // %, the first managed-scaling capacity provider's last datapoint
};

// Scaling actions taken by the policies (summary.json `scaling`): each change of a desired count.
struct ScalingSummary {
  std::uint64_t asg_scale_out = 0;      // managed scaling raised an Auto Scaling group's desired capacity
  std::uint64_t asg_scale_in = 0;       // ... lowered it
  std::uint64_t service_scale_out = 0;  // service auto scaling raised a service's desired count
  std::uint64_t service_scale_in = 0;   // ... lowered it
  // Every instance refresh that started, in group order then start order (DescribeInstanceRefreshes).
  struct Refresh {
    std::string group;
    InstanceRefreshProgress progress;
  };
  std::vector<Refresh> instance_refreshes;
};

struct FleetSummary {
  std::uint64_t launched_spot = 0;
  std::uint64_t launched_on_demand = 0;
  std::uint64_t interruption_notices = 0;
  std::uint64_t interrupted = 0;
  std::uint64_t rebalance_recommendations = 0;
  std::uint64_t launch_failures = 0;
  double spot_hours = 0;
  double on_demand_hours = 0;
  int peak = 0;  // most instances alive at once
};

// The run's task figures: every service's ServiceStats summed, and the peak of RUNNING tasks.
struct TaskSummary : ServiceStats {
  int peak_running = 0;
};

struct RunResult {
  BillingTotals cost;
  FleetSummary instances;
  TaskSummary tasks;
  std::optional<RequestSummary> requests;  // when the scenario has traffic
  ScalingSummary scaling;
  RunStats engine;
  std::vector<TimeseriesRow> timeseries;
};

class World : private TaskObserver {
 public:
  explicit World(const WorldConfig& config);

  // Streams every state change to `log` from now on (models/event_log.hpp; nullptr, the default:
  // none). Call before start(). The log only listens: the run is the same with it or without.
  void set_event_log(EventLog* log);

  // Runs the whole horizon and returns the results (call once).
  RunResult run();

  // Step-wise use, for tests: start(), then run_until() as often as needed, then finish().
  void start();
  RunStats run_until(SimTime t);
  RunResult finish();

  Engine& engine() { return engine_; }
  Ec2Fleet& fleet() { return fleet_; }
  SpotMarket& market() { return market_; }
  AutoScalingGroup& group(std::size_t i) { return *groups_[i]; }
  std::size_t group_count() const { return groups_.size(); }
  EcsCluster& cluster(std::size_t i) { return clusters_[i]; }
  EcsService& service(std::size_t i) { return *services_[i]; }
  TargetGroup& target_group(std::size_t i) { return target_groups_[i]; }
  Traffic& traffic() { return *traffic_; }
  std::size_t service_count() const { return services_.size(); }
  // The container instance an EC2 instance registered as, if any: (cluster, index). Inline: the
  // per-minute loops over the fleet (scaling_minute) ask it for every instance.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> container_instance_of(InstanceId id) const {
    if (id.value >= container_instance_of_.size() || container_instance_of_[id.value] < 0) return std::nullopt;
    return std::make_pair(static_cast<std::uint32_t>(group_cluster_[fleet_.at(id).group]),
                          static_cast<std::uint32_t>(container_instance_of_[id.value]));
  }
  const Billing& billing() const { return billing_; }
  const WorldConfig& config() const { return config_; }
  // EC2 interrupts a spot instance: its notice at `notice_at` (>= now), termination `notice` later.
  // The market's interruption models do this themselves; tests and scripted scenarios call it.
  void schedule_interruption_notice(InstanceId id, SimTime notice_at);
  // Counters of the fleet so far.
  std::uint64_t interruption_notices() const { return notices_; }
  // The services' RUNNING tasks together (the sum of count_running()), kept as tasks change state.
  int running_tasks() const { return running_tasks_; }
  std::uint64_t rebalance_recommendations() const { return rebalances_; }
  // The last CapacityProviderReservation of the first capacity provider with managed scaling.
  std::optional<double> capacity_provider_reservation() const {
    // Inline: built in the caller's row, not returned through the stack (a stall a minute).
    if (first_managed_ < 0) return std::nullopt;
    return capacity_policies_[static_cast<std::size_t>(first_managed_)]->last_reservation();
  }
  const ScalingSummary& scaling() const { return scaling_; }
  // What managed scaling reads of a group's fleet each minute (CP-5, CP-9): its running instances
  // with no termination decided, how many of them are busy (their container instance has a task),
  // and the newest launch among its undecided instances. Kept as instances change (world_scaling.cpp);
  // busy is kept only in worlds with capacity providers (0 in others: nothing reads it).
  struct GroupFleetCounts {
    int running = 0;
    int busy = 0;
    std::optional<SimTime> newest_launch;
  };
  GroupFleetCounts group_fleet_counts(std::uint32_t group);

 private:
  bool dispatch(const Event& e);
  void on_task_state(Engine& engine, const EcsTask& task, TaskState from) override;
  // The control loops (world_scaling.cpp).
  void wire_scaling();
  void start_scaling();
  void scaling_minute(SimTime now);
  // The fleet's and clusters' change lists into review_ and group_busy_ (world_scaling.cpp).
  void absorb_fleet_changes();
  bool counts_busy(const Ec2Instance& instance) const;
  void protect_busy_instances(std::uint32_t group);
  const CapacityProviderStrategy* strategy_of(std::size_t service) const;
  const CapacityProviderStrategy* resolve_strategy(std::size_t service) const;
  std::vector<int> tasks_per_strategy_item(const EcsService& service, const CapacityProviderStrategy& strategy) const;
  void sample(SimTime now);
  void note_running_tasks();
  // Managed draining: a held termination goes ahead once no task is left on the instance.
  void release_if_drained(InstanceId id);
  int peak_running_ = 0;
  // Kept by on_task_state, which hears every task state change: note_running_tasks reads it after
  // every task step instead of asking each service (20 calls per step in a large fleet).
  int running_tasks_ = 0;
  void schedule(SimTime when, Phase phase, EventKind kind, std::uint32_t target,
                std::uint32_t generation = 0, std::int64_t arg = 0);

  WorldConfig config_;
  Engine engine_;
  Ec2Fleet fleet_;
  SpotMarket market_;
  std::vector<std::unique_ptr<AutoScalingGroup>> groups_;
  std::vector<EcsCluster> clusters_;
  std::vector<std::unique_ptr<EcsService>> services_;
  std::uint64_t log_only_events_ = 0;  // target_health and task_substate events only the event log asked for (dispatch)
  std::vector<TargetGroup> target_groups_;
  std::unique_ptr<Traffic> traffic_;
  RequestCounts sampled_;  // traffic totals at the previous timeseries row
  std::vector<std::optional<ManagedScalingPolicy>> capacity_policies_;  // per capacity provider, if managed scaling
  std::int32_t first_managed_ = -1;  // the first capacity provider with managed scaling, or -1
  std::vector<ServiceAutoScaler> autoscalers_;                          // per scalable target
  ServiceScalingInput scaling_input_;  // reused every minute: its vector keeps its capacity (no allocation)
  std::vector<std::optional<ShapeBounds>> provider_shapes_;              // per capacity provider: its group's types (CP-7)
  std::vector<const CapacityProviderStrategy*> service_strategy_;        // per service: strategy_of(), resolved once
  ScalingSummary scaling_;
  // Managed scaling's per-minute view of the fleet, kept from what changed instead of walking it
  // (world_scaling.cpp): per EC2 instance whether it counts as busy, per group how many do, and the
  // instances whose busy-ness or protection may have changed since their group's last CP-12 pass.
  std::vector<std::uint8_t> busy_counted_;
  std::vector<int> group_busy_;
  std::vector<std::uint8_t> group_protected_;  // per group: some capacity provider of it has CP-12
  std::vector<std::uint32_t> review_;
  std::vector<std::uint32_t> due_;  // scratch: review_'s mismatched instances of one group
  std::vector<std::int32_t> group_cluster_;          // per group: the cluster its ECS_CLUSTER names, or -1
  std::vector<std::int32_t> container_instance_of_;  // per EC2 instance: its container-instance index, or -1
  // Per market pool, its instance type's catalog entry, looked up at the pool's first registration:
  // a search of the catalog by name (and a copy of it) per registering instance was measurable.
  std::vector<std::optional<InstanceTypeInfo>> pool_type_;
  std::vector<std::uint8_t> pool_type_known_;
  RandomStream agent_poll_stream_;                    // "ecs.agent.poll": where in its 1 s poll the agent is
  Billing billing_;
  std::vector<TimeseriesRow> rows_;
  // Rows on whole minutes are taken by the minute tick (cloudwatch_minute) when the sample interval
  // is whole minutes; metrics_sample events then carry one row each (kSampleOnce: the row at 0, or
  // one waiting for events at its instant), else they chain every interval (kSampleChain).
  static constexpr std::int64_t kSampleChain = 0, kSampleOnce = 1;
  bool samples_on_tick_ = false;
  std::uint64_t notices_ = 0;
  std::uint64_t rebalances_ = 0;
  std::uint64_t interrupted_ = 0;
  bool started_ = false;
  EventLog* log_ = nullptr;
  // The event log's alarm states (world_scaling.cpp): per capacity provider [high, low], per
  // scalable target per policy [high, low] (a step policy's one alarm in `high`).
  std::vector<std::array<AlarmState, 2>> logged_provider_alarms_;
  std::vector<std::vector<std::array<AlarmState, 2>>> logged_policy_alarms_;
  // The event log's lines (world.cpp, world_scaling.cpp): cold, out of line.
  [[gnu::cold, gnu::noinline]] void log_instance(SimTime now, const Ec2Instance& instance, const char* event,
                                                 SimTime terminates_at = kNever);
  [[gnu::cold, gnu::noinline]] void log_task(SimTime now, const EcsTask& task, const char* event);
  [[gnu::cold, gnu::noinline]] void log_container_instance(SimTime now, const Ec2Instance& instance,
                                                           std::uint32_t cluster, const char* event,
                                                           const char* reason = nullptr);
  [[gnu::cold, gnu::noinline]] void log_task_health(SimTime now, const Event& e);
  [[gnu::cold, gnu::noinline]] void log_task_substate(SimTime now, const Event& e);
  [[gnu::cold, gnu::noinline]] void log_deployment_started(SimTime now, const EcsService& service, std::size_t from,
                                                           const char* cause);
  // A service's event (task step or reconcile) with the log on: what the service did, logged.
  [[gnu::cold, gnu::noinline]] bool logged_service_call(const Event& e);
  [[gnu::cold, gnu::noinline]] void log_targets(SimTime now, const EcsTask& task, const char* event);
  [[gnu::cold, gnu::noinline]] void log_target_boundary(SimTime now, std::uint32_t group, std::uint32_t target);
  // Per target group, per target: the one-time target events already logged (kLogged* bits).
  static constexpr std::uint8_t kLoggedHealthy = 1, kLoggedUnhealthy = 2, kLoggedDeregistered = 4;
  std::vector<std::vector<std::uint8_t>> logged_targets_;
  std::uint8_t& logged_target(std::uint32_t group, std::uint32_t target);
  [[gnu::cold, gnu::noinline]] void log_scheduled_action(SimTime now, const AutoScalingGroup& group, int from,
                                                         int min, int max);
  [[gnu::cold, gnu::noinline]] void log_managed_scaling(SimTime now, std::size_t provider, std::optional<int> desired);
  [[gnu::cold, gnu::noinline]] void log_service_scaling(SimTime now, const ServiceAutoScaler& scaler,
                                                        std::optional<int> desired);
  void log_alarm(SimTime now, AlarmState& logged, AlarmState state, const std::string& id, const char* owner_key,
                 const std::string& owner, const std::string* policy);
};

}  // namespace spotsim
