#pragma once
// The ECS service scheduler for one REPLICA service (aws-semantics.md §5): it keeps desiredCount
// tasks, places them by the service's strategies and constraints, replaces tasks on DRAINING
// instances and tasks of an older task definition revision (rolling deployments) within
// maximumPercent (rounded down) and minimumHealthyPercent (rounded up) of desiredCount (SCH-7,
// SCH-8, AG-5), trips the deployment circuit breaker (SCH-11), backs off tasks that fail to start
// (SCH-12), and walks each task through its lifecycle (ecs_task.hpp).
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/ecs_cluster.hpp"
#include "models/ecs_service_config.hpp"
#include "models/ecs_task.hpp"
#include "models/task_definition.hpp"
#include "sim/chunked_vector.hpp"
#include "sim/engine.hpp"
#include "sim/random.hpp"

namespace spotsim {

struct ServiceStats {
  std::uint64_t started = 0;               // tasks launched (placed)
  std::uint64_t stopped_for_draining = 0;  // stopped because their instance was DRAINING
  std::uint64_t killed_by_termination = 0;  // still on an instance when EC2 terminated it
  std::uint64_t placement_failures = 0;    // placement attempts that found no instance, by reason below:
  std::uint64_t placement_failures_cpu = 0;
  std::uint64_t placement_failures_memory = 0;
  std::uint64_t placement_failures_ports = 0;
  std::uint64_t placement_failures_constraint = 0;
  std::uint64_t placement_failures_no_instances = 0;
  std::uint64_t failed_to_start = 0;
  std::uint64_t unhealthy = 0;  // tasks marked UNHEALTHY by their container health check
  std::uint64_t deployments_completed = 0;
  std::uint64_t deployments_failed = 0;
  std::uint64_t rollbacks = 0;

  ServiceStats& operator+=(const ServiceStats& o);
};

// Who hears of every task state change (the world: target groups and traffic follow the tasks).
class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  // `task` has just gone from `from` to task.state, at engine.now().
  virtual void on_task_state(Engine& engine, const EcsTask& task, TaskState from) = 0;
};

enum class RolloutState : std::uint8_t { completed, in_progress, failed };

class EcsService {
 public:
  EcsService(std::uint32_t index, EcsServiceConfig config, const std::vector<TaskDefinition>& task_definitions,
             const std::vector<TargetGroupConfig>& target_groups, EcsCluster& cluster, const EcsConfig& ecs, std::uint64_t seed, std::uint64_t replication);

  std::uint32_t index() const { return index_; }
  const EcsServiceConfig& config() const { return config_; }
  const ServiceStats& stats() const { return stats_; }
  // Every task ever started, by id (stopped ones stay, STOPPED).
  const ChunkedVector<EcsTask>& tasks() const { return tasks_; }
  // The ids of its tasks not yet STOPPED (some may have been asked to stop: check live()).
  const std::vector<std::uint32_t>& unstopped_tasks() const { return live_; }
  int desired() const { return desired_; }
  std::size_t task_definition() const { return current_td_; }
  RolloutState rollout_state() const { return rollout_; }
  std::uint32_t cluster_index() const { return cluster_.index(); }

  void start(Engine& engine) { request_reconcile(engine, engine.now()); }
  void set_observer(TaskObserver* observer) { observer_ = observer; }
  // CP-15: with a managed-scaling capacity provider, tasks that find no room wait in PROVISIONING
  // (counted here, not as task objects) instead of failing; managed scaling counts them in M.
  void set_waits_for_capacity(bool on) { waits_for_capacity_ = on; }
  int provisioning() const { return waits_for_capacity_ ? unplaced_ : 0; }
  // Tasks the scheduler wanted to start at its last look but could not place.
  int unplaced() const { return unplaced_; }
  // CP-16/17: with a strategy over several capacity providers, the Auto Scaling group the next task
  // must go to (the world decides it from the strategy and where the live tasks are); nullopt: any.
  void set_placement_group_chooser(std::function<std::optional<std::uint32_t>(const EcsService&)> chooser) {
    group_chooser_ = std::move(chooser);
  }
  void set_desired(Engine& engine, int desired);
  // UpdateService with a new task definition revision: a rolling deployment (SCH-7..SCH-12).
  void deploy(Engine& engine, std::size_t task_definition, bool fails_to_start);

  // Notifications from the world.
  void on_cluster_changed(Engine& engine) { request_reconcile(engine, engine.now()); }
  // EC2 terminated the instance: every task still on it dies at once.
  void on_instance_terminated(Engine& engine, std::uint32_t container_instance);

  // Events.
  bool on_reconcile(Engine& engine, const Event& e);
  bool on_task_step(Engine& engine, const Event& e);
  bool on_task_healthy(Engine& engine, const Event& e);

  // The task's state at `now` (≥ its last step), ACTIVATING and STOPPING included: task.state
  // holds only the states a step enters (ecs_task.hpp).
  TaskState state_of(const EcsTask& task, SimTime now) const;
  // The event log asks for an event at each state inside a step (EventKind::task_substate): the
  // model needs none, and without the log none is scheduled.
  void set_substate_events(bool on) { substate_events_ = on; }

  // Counts of this service's tasks by phase of life.
  int count_running() const;  // kept as tasks change state: the world asks after every task step
  int count_healthy() const;
  int count_starting() const;
  int count_stopping() const;
  // Tests: the counts and lists the service keeps as tasks change against a recount over its tasks;
  // empty when they agree, else what differs.
  std::string bookkeeping_mismatch() const;

 private:
  void set_state(EcsTask& task, TaskState state);  // every state change, so running_ stays true
  int in_state(TaskState s) const;
  void request_reconcile(Engine& engine, SimTime when);
  bool start_task(Engine& engine);
  // place_task over every present instance (of `only_group` if given), with the service's tasks on each.
  PlacementResult place_over_candidates(const TaskRequirements& need, std::optional<std::uint32_t> only_group);
  // The task no longer counts towards the service (asked to stop, or STOPPED without being asked).
  void leaves_live(const EcsTask& task);
  void set_healthy(EcsTask& task, bool healthy);  // every change of task.healthy, so healthy_ stays true
  std::uint32_t zone_of(const EcsTask& task) const {
    return task.zone != EcsTask::kALotOfZones ? task.zone : cluster_.at(task.container_instance).zone;
  }
  // The ids of this service's tasks not yet STOPPED on the container instance, ascending.
  std::vector<std::uint32_t> unstopped_on(std::uint32_t container_instance) const;
  void stop_task(Engine& engine, EcsTask& task, TaskStopReason reason);
  // Enters `state` and schedules the step that ends it; `from` is what the observer hears was left
  // (by default state_of(task, now)).
  void enter(Engine& engine, EcsTask& task, TaskState state, SimTime next_step_in);
  void enter(Engine& engine, EcsTask& task, TaskState from, TaskState state, SimTime next_step_in);
  void finish_stop(Engine& engine, EcsTask& task);
  bool must_replace(const EcsTask& task) const;
  SimTime stop_duration(const EcsTask& task) const;
  SimTime deactivating_duration() const;
  SimTime healthy_at(const EcsTask& task, SimTime now) const;
  void count_start_failure(Engine& engine, const EcsTask& task);
  void schedule_hang(Engine& engine, const EcsTask& task);
  void notify(Engine& engine, const EcsTask& task, TaskState from) {
    if (observer_ != nullptr) observer_->on_task_state(engine, task, from);
  }

  std::uint32_t index_;
  EcsServiceConfig config_;
  const std::vector<TaskDefinition>& task_definitions_;
  const std::vector<TargetGroupConfig>& target_groups_;
  EcsCluster& cluster_;
  const EcsConfig& ecs_;
  RandomStream placement_stream_;  // "ecs.placement/<service>"
  RandomStream hang_stream_;       // "ecs.app.hang/<service>"
  ChunkedVector<EcsTask> tasks_;
  std::vector<std::uint32_t> live_;  // indexes of tasks not yet STOPPED
  int running_ = 0;                  // tasks in RUNNING
  // Tasks per state, kept by set_state: the counts the world samples, without a scan of live_.
  std::array<int, 8> in_state_{};
  // Live tasks per zone of the cluster (EcsCluster::zones()): what spread over AZs counts.
  std::vector<int> live_per_zone_;
  int live_count_ = 0;  // tasks for which live() holds
  int healthy_ = 0;     // tasks with healthy set (all of them live: stopping clears it)
  // True when the last full look found no live task to replace (must_replace) and nothing since
  // could have made one so — no instance of the cluster turned DRAINING (cluster drains() still
  // drains_seen_), no deployment, no task turned UNHEALTHY; new tasks never need replacing. Then a
  // look needs no pass over the tasks: every live task stays. If instances turned DRAINING since,
  // only the tasks on those (cluster drained()[drains_seen_..]) may need replacing: it looks at those.
  bool none_to_replace_ = false;
  std::uint64_t drains_seen_ = 0;
  int desired_ = 0;
  std::size_t current_td_ = 0;
  std::size_t previous_td_ = 0;
  bool current_fails_to_start_ = false;
  bool previous_fails_to_start_ = false;
  RolloutState rollout_ = RolloutState::completed;
  bool launches_blocked_ = false;  // circuit breaker tripped without rollback
  int breaker_failures_ = 0;
  int consecutive_start_failures_ = 0;
  SimTime throttle_until_ = 0;
  std::optional<SimTime> reconcile_pending_;
  std::uint32_t reconcile_generation_ = 0;
  ServiceStats stats_;
  TaskObserver* observer_ = nullptr;
  bool waits_for_capacity_ = false;
  bool substate_events_ = false;
  std::function<std::optional<std::uint32_t>(const EcsService&)> group_chooser_;
  int unplaced_ = 0;
  // on_reconcile's lists, kept between looks so that a look allocates nothing (it runs after
  // nearly every task state change): each is cleared where on_reconcile starts using it.
  std::vector<std::uint32_t> replace_scratch_, on_drained_scratch_, extra_scratch_;
  std::vector<int> per_az_scratch_;
  std::vector<std::vector<std::size_t>> queue_scratch_;
  std::vector<std::size_t> head_scratch_;
};

}  // namespace spotsim
