#include "models/ecs_service.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "models/event_kind.hpp"

namespace spotsim {

const char* to_string(TaskState s) {
  switch (s) {
    case TaskState::provisioning: return "PROVISIONING";
    case TaskState::pending: return "PENDING";
    case TaskState::activating: return "ACTIVATING";
    case TaskState::running: return "RUNNING";
    case TaskState::deactivating: return "DEACTIVATING";
    case TaskState::stopping: return "STOPPING";
    case TaskState::deprovisioning: return "DEPROVISIONING";
    case TaskState::stopped: return "STOPPED";
  }
  return "UNKNOWN";
}

const char* to_string(TaskStopReason r) {
  switch (r) {
    case TaskStopReason::none: return "none";
    case TaskStopReason::draining: return "draining";
    case TaskStopReason::deployment: return "deployment";
    case TaskStopReason::scale_in: return "scale_in";
    case TaskStopReason::instance_terminated: return "instance_terminated";
    case TaskStopReason::failed_to_start: return "failed_to_start";
    case TaskStopReason::unhealthy: return "unhealthy";
  }
  return "unknown";
}

ServiceStats& ServiceStats::operator+=(const ServiceStats& o) {
  started += o.started;
  stopped_for_draining += o.stopped_for_draining;
  killed_by_termination += o.killed_by_termination;
  placement_failures += o.placement_failures;
  placement_failures_cpu += o.placement_failures_cpu;
  placement_failures_memory += o.placement_failures_memory;
  placement_failures_ports += o.placement_failures_ports;
  placement_failures_constraint += o.placement_failures_constraint;
  placement_failures_no_instances += o.placement_failures_no_instances;
  failed_to_start += o.failed_to_start;
  unhealthy += o.unhealthy;
  deployments_completed += o.deployments_completed;
  deployments_failed += o.deployments_failed;
  rollbacks += o.rollbacks;
  return *this;
}

EcsService::EcsService(std::uint32_t index, EcsServiceConfig config, const std::vector<TaskDefinition>& task_definitions,
                       const std::vector<TargetGroupConfig>& target_groups, EcsCluster& cluster, const EcsConfig& ecs, std::uint64_t seed, std::uint64_t replication)
    : index_(index),
      config_(std::move(config)),
      task_definitions_(task_definitions),
      target_groups_(target_groups),
      cluster_(cluster),
      ecs_(ecs),
      placement_stream_(seed, "ecs.placement/" + config_.name, replication),
      hang_stream_(seed, "ecs.app.hang/" + config_.name, replication),
      desired_(std::max(0, config_.desired_count)),
      current_td_(config_.task_definition),
      previous_td_(config_.task_definition) {}

void EcsService::set_desired(Engine& engine, int desired) {
  desired_ = std::max(0, desired);
  request_reconcile(engine, engine.now());
}

void EcsService::deploy(Engine& engine, std::size_t task_definition, bool fails_to_start) {
  previous_td_ = current_td_;
  previous_fails_to_start_ = current_fails_to_start_;
  current_td_ = task_definition;
  current_fails_to_start_ = fails_to_start;
  rollout_ = RolloutState::in_progress;
  none_to_replace_ = false;  // the tasks of the previous revision are to be replaced
  launches_blocked_ = false;
  breaker_failures_ = 0;
  // SCH-12: a new task definition resets the start throttle at once.
  consecutive_start_failures_ = 0;
  throttle_until_ = 0;
  request_reconcile(engine, engine.now());
}

void EcsService::request_reconcile(Engine& engine, SimTime when) {
  if (reconcile_pending_ && *reconcile_pending_ <= when) return;
  reconcile_pending_ = when;
  engine.schedule(when, to_u8(Phase::scheduling), to_u8(EventKind::service_reconcile), index_, ++reconcile_generation_);
}

bool EcsService::must_replace(const EcsTask& task) const {
  return cluster_.draining(task.container_instance) || task.task_definition != current_td_ || task.unhealthy;
}

int EcsService::count_running() const { return running_; }

void EcsService::set_state(EcsTask& task, TaskState state) {
  running_ += (state == TaskState::running ? 1 : 0) - (task.state == TaskState::running ? 1 : 0);
  --in_state_[static_cast<std::size_t>(task.state)];
  ++in_state_[static_cast<std::size_t>(state)];
  task.state = state;
}
static_assert(static_cast<std::size_t>(TaskState::stopped) == 7, "in_state_ holds one count per TaskState");
int EcsService::in_state(TaskState s) const { return in_state_[static_cast<std::size_t>(s)]; }
int EcsService::count_healthy() const { return healthy_; }  // healthy implies live (stop_task clears it)

void EcsService::set_healthy(EcsTask& task, bool healthy) {
  healthy_ += (healthy ? 1 : 0) - (task.healthy ? 1 : 0);
  task.healthy = healthy;
}

std::vector<std::uint32_t> EcsService::unstopped_on(std::uint32_t container_instance) const {
  std::vector<std::uint32_t> ids;
  for (const PlacedTask& p : cluster_.at(container_instance).placed)
    if (p.service == index_) ids.push_back(p.task);
  return ids;
}

std::string EcsService::bookkeeping_mismatch() const {
  std::string out;
  int live = 0, healthy = 0;
  std::map<std::uint32_t, std::vector<std::uint32_t>> on;
  for (std::uint32_t idx : live_) {
    const EcsTask& t = tasks_[idx];
    live += t.live() ? 1 : 0;
    healthy += t.healthy ? 1 : 0;
    if (t.healthy && !t.live()) out += "task " + std::to_string(idx) + " healthy but not live; ";
    if (zone_of(t) != cluster_.at(t.container_instance).zone) out += "task " + std::to_string(idx) + " zone; ";
    on[t.container_instance].push_back(idx);
  }
  if (live != live_count_) out += "live: kept " + std::to_string(live_count_) + ", recounted " + std::to_string(live) + "; ";
  if (healthy != healthy_) out += "healthy: kept " + std::to_string(healthy_) + ", recounted " + std::to_string(healthy) + "; ";
  std::map<std::uint32_t, std::vector<std::uint32_t>> kept;
  for (const std::uint32_t ci : cluster_.present())
    if (auto ids = unstopped_on(ci); !ids.empty()) kept[ci] = std::move(ids);
  if (on != kept) out += "tasks by container instance differ; ";
  if (none_to_replace_) {
    // What a look skips: only tasks on instances drained since drains_seen_ may need replacing.
    const auto& drained = cluster_.drained();
    for (std::uint32_t idx : live_) {
      const EcsTask& t = tasks_[idx];
      if (!t.live() || !must_replace(t)) continue;
      if (std::find(drained.begin() + static_cast<std::ptrdiff_t>(drains_seen_), drained.end(), t.container_instance) ==
          drained.end())
        out += "task " + std::to_string(idx) + " to replace, not on a newly drained instance; ";
    }
  }
  return out;
}
int EcsService::count_starting() const {
  return provisioning() + in_state(TaskState::provisioning) + in_state(TaskState::pending) + in_state(TaskState::activating);
}
int EcsService::count_stopping() const {
  return in_state(TaskState::deactivating) + in_state(TaskState::stopping) + in_state(TaskState::deprovisioning);
}

bool EcsService::on_reconcile(Engine& engine, const Event& e) {
  if (e.generation != reconcile_generation_) return false;
  reconcile_pending_.reset();
  const int max_tasks = desired_ * config_.deployment.maximum_percent / 100;                // SCH-7: rounded down
  const int min_healthy = (desired_ * config_.deployment.minimum_healthy_percent + 99) / 100;  // SCH-8: rounded up

  // AG-5: service tasks still starting on a DRAINING instance are stopped at once; the rest are
  // counted. One pass: stopping a task changes no other task, and counting schedules nothing.
  int live = 0, keep = 0, healthy = 0;
  std::vector<std::uint32_t>& replace = replace_scratch_;
  replace.clear();
  if (!none_to_replace_) {
    for (const std::uint32_t idx : live_) {
      EcsTask& t = tasks_[idx];
      if (!t.live()) continue;
      if (t.starting() && cluster_.draining(t.container_instance)) {
        stop_task(engine, t, TaskStopReason::draining);
        continue;
      }
      ++live;
      healthy += t.healthy ? 1 : 0;
      if (must_replace(t))
        replace.push_back(idx);
      else
        ++keep;
    }
  } else {
    // Only tasks on instances drained since the last look may need replacing (none_to_replace_):
    // the same pass over just those, in live_ order (ascending ids), the others all staying. A
    // stopped task was starting, so never healthy: the kept counts are the pass's.
    if (drains_seen_ != cluster_.drains()) {
      std::vector<std::uint32_t>& on_drained = on_drained_scratch_;
      on_drained.clear();
      const auto& drained = cluster_.drained();
      for (std::size_t d = drains_seen_; d < drained.size(); ++d)
        for (const PlacedTask& p : cluster_.at(drained[d]).placed)
          if (p.service == index_) on_drained.push_back(p.task);
      std::sort(on_drained.begin(), on_drained.end());
      for (const std::uint32_t idx : on_drained) {
        EcsTask& t = tasks_[idx];
        if (!t.live()) continue;
        if (t.starting() && cluster_.draining(t.container_instance))
          stop_task(engine, t, TaskStopReason::draining);
        else if (must_replace(t))
          replace.push_back(idx);
      }
    }
    live = live_count_;
    healthy = healthy_;
    keep = live - static_cast<int>(replace.size());
  }
  none_to_replace_ = replace.empty();
  drains_seen_ = cluster_.drains();

  // Start tasks while the service is below desired (counting only tasks that stay) and under
  // maximumPercent (counting every live task, those being replaced included).
  unplaced_ = 0;
  if (!launches_blocked_ && keep < desired_ && live < max_tasks) {
    if (engine.now() < throttle_until_) {
      request_reconcile(engine, throttle_until_);
    } else {
      while (keep < desired_ && live < max_tasks) {
        if (!start_task(engine)) {
          unplaced_ = std::min(desired_ - keep, max_tasks - live);
          request_reconcile(engine, engine.now() + ecs_.placement_retry);
          break;
        }
        ++keep;
        ++live;
      }
    }
  }

  // Stop the tasks being replaced as far as minimumHealthyPercent allows: tasks that are not
  // healthy cost nothing; a healthy one only while the healthy count stays at or above the minimum.
  std::stable_sort(replace.begin(), replace.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return !tasks_[a].healthy && tasks_[b].healthy; });
  for (std::uint32_t idx : replace) {
    EcsTask& t = tasks_[idx];
    const TaskStopReason reason = t.unhealthy ? TaskStopReason::unhealthy
                                  : cluster_.draining(t.container_instance) ? TaskStopReason::draining
                                      : TaskStopReason::deployment;
    if (!t.healthy) {
      stop_task(engine, t, reason);
    } else if (healthy - 1 >= min_healthy) {
      stop_task(engine, t, reason);
      --healthy;
    }
  }

  // Scale-in: tasks above desired that stay; starting ones first, then unhealthy, then the AZ with
  // the most of the service's tasks (SCH-5).
  if (keep > desired_) {
    std::vector<std::uint32_t>& extra = extra_scratch_;
    extra.clear();
    for (std::uint32_t idx : live_)
      if (tasks_[idx].live() && !must_replace(tasks_[idx])) extra.push_back(idx);
    // Each candidate's AZ once, and the live candidates per AZ, kept as victims stop. The victim is
    // the least of (starting first, then unhealthy, then the most populated AZ), the earliest in
    // live_ among equals: with the candidates queued by (starting, healthy, AZ) in live_ order, it
    // is the front of one queue — the same choice as ranking every candidate per victim, without
    // the cost of that when hundreds of tasks go at once. Stopping a victim changes no other task.
    const std::size_t zones = cluster_.zones().size();
    std::vector<int>& per_az = per_az_scratch_;
    per_az.assign(zones, 0);
    std::vector<std::vector<std::size_t>>& queue = queue_scratch_;  // [class * zones + az]: positions in extra
    queue.resize(4 * zones);
    for (auto& q : queue) q.clear();
    for (std::size_t i = 0; i < extra.size(); ++i) {
      const EcsTask& t = tasks_[extra[i]];
      const std::uint32_t az = zone_of(t);
      ++per_az[az];
      const std::size_t rank_class = (t.starting() ? 0 : 2) + (t.healthy ? 1 : 0);
      queue[rank_class * zones + az].push_back(i);
    }
    std::vector<std::size_t>& head = head_scratch_;
    head.assign(queue.size(), 0);
    for (int n = keep - desired_; n > 0; --n) {
      std::optional<std::size_t> chosen;  // a queue
      for (std::size_t rank_class = 0; rank_class < 4 && !chosen; ++rank_class)
        for (std::size_t az = 0; az < zones; ++az) {
          const std::size_t q = rank_class * zones + az;
          if (head[q] == queue[q].size()) continue;
          const std::size_t best = chosen ? *chosen % zones : 0;
          if (!chosen || per_az[az] > per_az[best] ||
              (per_az[az] == per_az[best] && queue[q][head[q]] < queue[*chosen][head[*chosen]]))
            chosen = q;
        }
      if (!chosen) break;
      EcsTask& victim = tasks_[extra[queue[*chosen][head[*chosen]++]]];
      stop_task(engine, victim, TaskStopReason::scale_in);
      --per_az[*chosen % zones];
    }
  }

  // The rollout is complete when every live task runs the current revision and enough are healthy.
  if (rollout_ == RolloutState::in_progress && replace.empty()) {
    if (healthy_ >= desired_) {  // every live task runs the current revision: healthy ones included
      rollout_ = RolloutState::completed;
      ++stats_.deployments_completed;
    }
  }
  return true;
}

bool EcsService::start_task(Engine& engine) {
  const TaskDefinition& td = task_definitions_[current_td_];
  TaskRequirements need;
  need.cpu = td.reserved_cpu();
  need.memory_mib = td.reserved_memory_mib();
  need.static_ports = td.static_host_ports();

  const std::optional<std::uint32_t> only_group = group_chooser_ ? group_chooser_(*this) : std::nullopt;
  // The cluster's index answers the common strategies over the whole cluster without a candidate
  // per instance (ecs_cluster_placement.cpp); the same choice as place_task over the candidates.
  std::optional<PlacementResult> indexed;
  if (!only_group)
    indexed = cluster_.place_indexed(need, config_.placement_strategy, config_.placement_constraints, live_per_zone_,
                                     placement_stream_);
  const PlacementResult placed = indexed ? *indexed : place_over_candidates(need, only_group);
  if (!placed.chosen) {
    ++stats_.placement_failures;
    switch (placed.failure) {
      case PlacementFailure::cpu: ++stats_.placement_failures_cpu; break;
      case PlacementFailure::memory: ++stats_.placement_failures_memory; break;
      case PlacementFailure::ports: ++stats_.placement_failures_ports; break;
      case PlacementFailure::constraint: ++stats_.placement_failures_constraint; break;
      case PlacementFailure::no_instances: ++stats_.placement_failures_no_instances; break;
      case PlacementFailure::none: break;
    }
    return false;
  }
  EcsTask task;
  task.id = static_cast<std::uint32_t>(tasks_.size());
  task.service = index_;
  task.cluster = cluster_.index();
  task.container_instance = *placed.chosen;
  task.ec2 = cluster_.at(*placed.chosen).ec2;
  task.task_definition = static_cast<std::uint32_t>(current_td_);
  task.fails_to_start = current_fails_to_start_;
  task.cpu = need.cpu;
  task.memory_mib = need.memory_mib;
  task.ports = need.static_ports;
  task.created = engine.now();
  cluster_.reserve(task.container_instance, task.cpu, task.memory_mib, task.ports);
  tasks_.push_back(task);
  live_.push_back(task.id);
  ContainerInstance& instance = cluster_.at(task.container_instance);
  instance.placed.push_back({index_, task.id});
  ++in_state_[static_cast<std::size_t>(task.state)];  // PROVISIONING, left at once below
  const std::uint32_t zone = instance.zone;
  tasks_.back().zone = zone < EcsTask::kALotOfZones ? static_cast<std::uint8_t>(zone) : EcsTask::kALotOfZones;
  if (live_per_zone_.size() <= zone) live_per_zone_.resize(zone + 1, 0);
  ++live_per_zone_[zone];
  ++live_count_;
  ++stats_.started;
  // PROVISIONING lasts no time without a capacity provider waiting for capacity (CP-15); PENDING
  // covers the image pull and container creation, then ACTIVATING. Neither end acts on anything but
  // a task that fails to start (at PENDING's end), so one step: to RUNNING (state_of, ecs_task.hpp).
  enter(engine, tasks_.back(), TaskState::pending,
        task.fails_to_start ? config_.workload.image_pull : config_.workload.image_pull + ecs_.activating);
  return true;
}

PlacementResult EcsService::place_over_candidates(const TaskRequirements& need, std::optional<std::uint32_t> only_group) {
  // Every present instance (of the capacity provider's group when one chooses), in index order —
  // the order the uniform choice among equals draws from. Attributes and ports by pointer.
  std::vector<PlacementCandidate> candidates;
  candidates.reserve(cluster_.present().size());
  for (const std::uint32_t ci : cluster_.present())
    if (!only_group || cluster_.at(ci).group == *only_group) candidates.push_back(cluster_.placement_candidate(ci));
  // The service's tasks per candidate: candidates are sorted by id, so a binary search each.
  const auto by_id = [](const PlacementCandidate& cand, std::uint32_t id) { return cand.id < id; };
  for (std::uint32_t idx : live_) {
    const EcsTask& t = tasks_[idx];
    if (!t.live()) continue;
    const auto it = std::lower_bound(candidates.begin(), candidates.end(), t.container_instance, by_id);
    if (it != candidates.end() && it->id == t.container_instance) ++it->tasks_of_group;
  }
  return place_task(candidates, need, config_.placement_strategy, config_.placement_constraints, placement_stream_);
}

void EcsService::leaves_live(const EcsTask& task) {
  --live_per_zone_[zone_of(task)];
  --live_count_;
}

void EcsService::enter(Engine& engine, EcsTask& task, TaskState state, SimTime next_step_in) {
  enter(engine, task, state_of(task, engine.now()), state, next_step_in);
}

void EcsService::enter(Engine& engine, EcsTask& task, TaskState from, TaskState state, SimTime next_step_in) {
  set_state(task, state);
  ++task.generation;
  if (substate_events_) [[unlikely]] {
    // The state inside this one's step (state_of) gets an event of its own for the event log: before
    // the step's, so that at one instant it comes first, as the state does.
    SimTime substate_in = -1;
    if (state == TaskState::pending && !task.fails_to_start) substate_in = config_.workload.image_pull;
    if (state == TaskState::deactivating) substate_in = deactivating_duration();
    if (substate_in >= 0)
      engine.schedule(engine.now() + substate_in, to_u8(Phase::scheduling), to_u8(EventKind::task_substate), index_,
                      task.generation, task.id);
  }
  if (state != TaskState::stopped)
    engine.schedule(engine.now() + next_step_in, to_u8(Phase::scheduling), to_u8(EventKind::task_step), index_,
                    task.generation, task.id);
  notify(engine, task, from);
}

TaskState EcsService::state_of(const EcsTask& task, SimTime now) const {
  // The step that ends a state inside another runs in the scheduling phase: at its instant, events
  // of earlier phases still see the earlier state, hence `>`.
  if (task.state == TaskState::pending && !task.fails_to_start && now > task.created + config_.workload.image_pull)
    return TaskState::activating;
  if (task.state == TaskState::deactivating && now > *task.stop_requested_at + deactivating_duration())
    return TaskState::stopping;
  return task.state;
}

SimTime EcsService::healthy_at(const EcsTask& task, SimTime now) const {
  // SCH-8: a task counts as healthy once its container health check passes (checks every interval
  // from the container's start), and, behind a load balancer, once the target group's check passes
  // too (ACTIVATING registered it: target_group_health.hpp); with neither, 40 s after RUNNING. Never
  // before the app answers.
  const SimTime ready = now + config_.workload.app_start;
  SimTime at = now;
  bool checked = false;
  if (const auto hc = task_definitions_[task.task_definition].health_check()) {
    const SimTime first = std::max<SimTime>(1, config_.workload.app_start);
    at = std::max(at, now + (first + hc->interval - 1) / hc->interval * hc->interval);
    checked = true;
  }
  for (std::size_t tg : config_.target_groups) {
    const TargetGroupConfig& group = target_groups_[tg];
    at = std::max(at, group.health_check_enabled ? target_healthy_at(group.health, now, ready) : ready);
    checked = true;
  }
  return checked ? at : now + std::max(ecs_.healthy_after_running, config_.workload.app_start);
}

SimTime EcsService::deactivating_duration() const {
  // AG-3: ECS waits for the load balancer to report the target UNUSED before SIGTERM; a
  // deregistering target shows as draining until the deregistration delay expires (ALB-5), and
  // ECS keeps the task for the whole delay in practice (nlb-sidecar-for-ecs). The longest delay of
  // the service's target groups; none without a load balancer.
  SimTime longest = 0;
  for (std::size_t tg : config_.target_groups) longest = std::max(longest, target_groups_[tg].deregistration_delay);
  return longest;
}

SimTime EcsService::stop_duration(const EcsTask& task) const {
  // AG-2: SIGTERM, then SIGKILL after the stop timeout (the container's stopTimeout, else the
  // agent's ECS_CONTAINER_STOP_TIMEOUT); an app that exits on SIGTERM stops sooner.
  const SimTime timeout =
      task_definitions_[task.task_definition].stop_timeout(cluster_.at(task.container_instance).agent.container_stop_timeout);
  return config_.workload.shutdown ? std::min(*config_.workload.shutdown, timeout) : timeout;
}

void EcsService::stop_task(Engine& engine, EcsTask& task, TaskStopReason reason) {
  if (!task.live()) return;
  leaves_live(task);
  task.stop_requested_at = engine.now();
  task.stop_reason = reason;
  set_healthy(task, false);
  if (reason == TaskStopReason::draining) ++stats_.stopped_for_draining;
  if (task.starting()) {
    enter(engine, task, TaskState::deprovisioning, ecs_.deprovisioning);  // AG-5: "stopped immediately"
  } else {
    // DEACTIVATING: deregistration from the load balancers, for their deregistration delay; then
    // STOPPING (AG-2). Only STOPPING's end acts (the process is gone): one step, to DEPROVISIONING.
    enter(engine, task, TaskState::deactivating, deactivating_duration() + stop_duration(task));
  }
  request_reconcile(engine, engine.now());
}

void EcsService::finish_stop(Engine& engine, EcsTask& task) {
  if (task.live()) leaves_live(task);  // every caller asked it to stop first; kept true regardless
  const TaskState from = state_of(task, engine.now());
  set_state(task, TaskState::stopped);
  ++task.generation;
  task.stopped_at = engine.now();
  set_healthy(task, false);
  cluster_.release(task.container_instance, task.cpu, task.memory_mib, task.ports);
  // live_ is ascending (ids are handed out in order): a binary search, not a pass over every task.
  if (const auto it = std::lower_bound(live_.begin(), live_.end(), task.id); it != live_.end() && *it == task.id)
    live_.erase(it);
  std::vector<PlacedTask>& placed = cluster_.at(task.container_instance).placed;
  if (const auto it = std::find(placed.begin(), placed.end(), PlacedTask{index_, task.id}); it != placed.end())
    placed.erase(it);
  request_reconcile(engine, engine.now());
  notify(engine, task, from);
}

void EcsService::count_start_failure(Engine& engine, const EcsTask& task) {
  ++stats_.failed_to_start;
  // SCH-12: repeated failures to reach RUNNING back off, up to 15 minutes between attempts. AWS
  // publishes no steps; spotsim waits 10 s × 2^(n-2) from the second consecutive failure.
  ++consecutive_start_failures_;
  if (consecutive_start_failures_ >= 2) {
    const int doublings = std::min(consecutive_start_failures_ - 2, 10);
    throttle_until_ = engine.now() + std::min(minutes(15), seconds(10) * (SimTime{1} << doublings));
  }
  // SCH-11: the circuit breaker counts tasks of the deployment that fail to reach RUNNING.
  if (config_.deployment.circuit_breaker && rollout_ == RolloutState::in_progress &&
      task.task_definition == current_td_) {
    const int threshold = std::clamp((desired_ + 1) / 2, ecs_.circuit_breaker_min_threshold, 200);
    if (++breaker_failures_ >= threshold) {
      rollout_ = RolloutState::failed;
      ++stats_.deployments_failed;
      if (config_.deployment.rollback) {
        ++stats_.rollbacks;
        const std::size_t back = previous_td_;
        const bool back_fails = previous_fails_to_start_;
        deploy(engine, back, back_fails);
      } else {
        launches_blocked_ = true;  // "no new tasks" for the failed deployment
      }
    }
  }
}

bool EcsService::on_task_step(Engine& engine, const Event& e) {
  EcsTask& task = tasks_[static_cast<std::size_t>(e.arg)];
  if (task.generation != e.generation) return false;
  switch (task.state) {
    case TaskState::pending:
      // PENDING's end for a task that fails to start, else ACTIVATING's end (start_task).
      if (task.fails_to_start) {
        leaves_live(task);  // PENDING and not asked to stop: live until now
        task.stop_requested_at = engine.now();
        task.stop_reason = TaskStopReason::failed_to_start;
        enter(engine, task, TaskState::deprovisioning, ecs_.deprovisioning);
        count_start_failure(engine, task);
        request_reconcile(engine, engine.now());
        break;
      }
      [[fallthrough]];
    case TaskState::activating: {
      set_state(task, TaskState::running);  // RUNNING has no timed next step of its own
      ++task.generation;
      task.running_at = engine.now();
      consecutive_start_failures_ = 0;
      engine.schedule(healthy_at(task, engine.now()), to_u8(Phase::health), to_u8(EventKind::task_healthy), index_,
                      task.generation, task.id);
      schedule_hang(engine, task);
      notify(engine, task, TaskState::activating);
      break;
    }
    case TaskState::provisioning:  // left in start_task at once
    case TaskState::running:       // no timed step: stop_task ends it
    case TaskState::stopped:
      return false;
    case TaskState::deactivating:  // STOPPING's end (stop_task): the process is gone
    case TaskState::stopping:
      enter(engine, task, TaskState::stopping, TaskState::deprovisioning, ecs_.deprovisioning);
      break;
    case TaskState::deprovisioning:
      finish_stop(engine, task);
      break;
  }
  return true;
}

void EcsService::schedule_hang(Engine& engine, const EcsTask& task) {
  const double rate = config_.workload.hang_rate_per_task_hour;
  const auto hc = task_definitions_[task.task_definition].health_check();
  if (rate <= 0 || (!hc && config_.target_groups.empty())) return;
  const double hours_until = hang_stream_.exponential(rate);
  if (hours_until > 1e6) return;
  const SimTime hang = engine.now() + static_cast<SimTime>(hours_until * 3.6e6);
  tasks_[task.id].hangs_at = hang;
  SimTime unhealthy_at = kNever;
  if (hc) {
    // AG-4: checks run every interval from the container's start; the first check after the hang
    // fails by its timeout, and `retries` consecutive failures make the container UNHEALTHY;
    // failures within startPeriod do not count.
    const SimTime since_start = hang - *task.running_at;
    const SimTime first_failing = *task.running_at + (since_start / hc->interval + 1) * hc->interval;
    unhealthy_at = std::max(first_failing + (hc->retries - 1) * hc->interval + hc->timeout, *task.running_at + hc->start_period);
  }
  // SCH-8/SCH-9: behind a load balancer, a target marked unhealthy makes the task unhealthy too.
  for (std::size_t tg : config_.target_groups)
    if (target_groups_[tg].health_check_enabled)
      unhealthy_at = std::min(unhealthy_at, target_unhealthy_at(target_groups_[tg].health, *task.running_at, hang));
  if (unhealthy_at == kNever) return;
  // SCH-10: the service ignores unhealthy checks during healthCheckGracePeriodSeconds after start.
  unhealthy_at = std::max(unhealthy_at, *task.running_at + config_.health_check_grace_period);
  engine.schedule(unhealthy_at, to_u8(Phase::health), to_u8(EventKind::task_healthy), index_, task.generation,
                  -1 - static_cast<std::int64_t>(task.id));
}

bool EcsService::on_task_healthy(Engine& engine, const Event& e) {
  // arg >= 0: the task turns HEALTHY; arg = -1 - task: it turns UNHEALTHY.
  const bool turns_unhealthy = e.arg < 0;
  EcsTask& task = tasks_[static_cast<std::size_t>(turns_unhealthy ? -1 - e.arg : e.arg)];
  if (task.generation != e.generation || task.state != TaskState::running || !task.live()) return false;
  if (turns_unhealthy) {
    set_healthy(task, false);
    task.unhealthy = true;
    none_to_replace_ = false;
    ++stats_.unhealthy;
    request_reconcile(engine, engine.now());  // SCH-9: replace it, starting the replacement first
    return true;
  }
  if (task.unhealthy) return false;
  set_healthy(task, true);
  task.healthy_at = engine.now();
  if (task.task_definition == current_td_) breaker_failures_ = 0;  // SCH-11: resetOnHealthyTask
  request_reconcile(engine, engine.now());
  return true;
}

void EcsService::on_instance_terminated(Engine& engine, std::uint32_t container_instance) {
  // No task of any service left on it (its count covers every task not yet STOPPED): nothing to
  // look for among this service's tasks — the common case after a drain.
  if (cluster_.at(container_instance).tasks == 0) return;
  // Its tasks in live_ order (ascending ids); finish_stop takes each out of the instance's list.
  const std::vector<std::uint32_t> doomed = unstopped_on(container_instance);
  bool any = false;
  for (const std::uint32_t idx : doomed) {
    EcsTask& task = tasks_[idx];
    if (task.live()) {
      leaves_live(task);
      task.stop_requested_at = engine.now();
      task.stop_reason = TaskStopReason::instance_terminated;
    }
    ++stats_.killed_by_termination;
    finish_stop(engine, task);  // erases it from live_
    any = true;
  }
  if (any) request_reconcile(engine, engine.now());
}

}  // namespace spotsim
