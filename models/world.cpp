#include "models/world.hpp"

#include "models/event_kind.hpp"
#include "models/instance_catalog.hpp"
#include "sim/huge_pages.hpp"
#include "sim/prefault.hpp"

namespace spotsim {

namespace {

// A synthetic load's noise belongs to the run (models/synthetic_load.hpp): a config loaded for one
// (seed, replication) and run for another — a sweep's or compare's replications — draws its own.
WorldConfig with_own_load(const WorldConfig& config) {
  WorldConfig c = config;
  for (TrafficSource& t : c.traffic) {
    if (!t.synthetic || (t.synthetic->drawn_seed == c.seed && t.synthetic->drawn_replication == c.replication)) continue;
    const SyntheticSource& s = *t.synthetic;
    t.rps = synthetic_rps(s.load, s.start_epoch_ms, c.duration, s.scale, c.seed, s.stream, c.replication);
    t.synthetic->drawn_seed = c.seed;
    t.synthetic->drawn_replication = c.replication;
  }
  for (std::size_t k = 1; k < c.traffic.size(); ++k) c.traffic[k].rps.share_times_with(c.traffic[k - 1].rps);
  return c;
}

}  // namespace

World::World(const WorldConfig& config)
    : config_(with_own_load(config)),
      fleet_(config_.ec2),
      market_(config_.market, config_.seed, config_.replication),
      agent_poll_stream_(config_.seed, "ecs.agent.poll", config_.replication),
      billing_(market_) {
  // The wiring, in one place: every group registers its pools with the market at construction;
  // clusters and their services; which cluster each group's instances join (ECS_CLUSTER).
  for (std::size_t g = 0; g < config_.groups.size(); ++g)
    groups_.push_back(std::make_unique<AutoScalingGroup>(static_cast<std::uint32_t>(g), config_.groups[g], fleet_,
                                                         market_, config_.seed, config_.replication));
  clusters_.reserve(config_.clusters.size());
  for (std::size_t c = 0; c < config_.clusters.size(); ++c)
    clusters_.emplace_back(static_cast<std::uint32_t>(c), config_.clusters[c]);
  for (const AutoScalingGroupConfig& group : config_.groups) {
    std::int32_t joins = -1;
    // The agent's default cluster is "default" when ECS_CLUSTER is not set (§4.1).
    const std::string name = group.ecs_agent.cluster.value_or("default");
    for (std::size_t c = 0; c < clusters_.size(); ++c)
      if (clusters_[c].name() == name) joins = static_cast<std::int32_t>(c);
    group_cluster_.push_back(joins);
  }
  for (std::size_t s = 0; s < config_.services.size(); ++s) {
    const EcsServiceConfig& service = config_.services[s];
    std::size_t c = 0;
    while (c < clusters_.size() && clusters_[c].name() != service.cluster) ++c;
    if (c == clusters_.size()) continue;  // the loader rejects services of unknown clusters
    services_.push_back(std::make_unique<EcsService>(static_cast<std::uint32_t>(s), service, config_.task_definitions,
                                                     config_.target_groups,
                                                     clusters_[c], config_.ecs, config_.seed, config_.replication));
    services_.back()->set_observer(this);
  }
  // The load balancer and the requests: target groups follow the tasks (on_task_state), the
  // traffic model integrates between events (dispatch).
  target_groups_.reserve(config_.target_groups.size());
  for (std::size_t g = 0; g < config_.target_groups.size(); ++g)
    target_groups_.emplace_back(static_cast<std::uint32_t>(g), config_.target_groups[g]);
  set_event_log(nullptr);  // target groups' boundary events: only for the log (TargetGroup)
  traffic_ = std::make_unique<Traffic>(TrafficConfig{config_.traffic_mode, config_.traffic, config_.call_graph,
                                                                     config_.keep_metric_history, config_.traffic_eager,
                                                                     config_.traffic_rebuild_plans},
                                       target_groups_, services_, config_.seed, config_.replication);
  wire_scaling();
}

void World::set_event_log(EventLog* log) {
  log_ = log;
  for (TargetGroup& group : target_groups_) group.set_boundary_events(log_ != nullptr);
  for (auto& service : services_) service->set_substate_events(log_ != nullptr);
  if (log_ != nullptr) {
    EventLog::Names& n = log_->names();
    n = {};
    for (const auto& group : groups_) n.groups.push_back(group->config().name);
    for (const SpotPool& pool : market_.pools()) {
      n.pool_types.push_back(pool.instance_type);
      n.pool_zones.push_back(pool.availability_zone);
    }
    for (const EcsCluster& cluster : clusters_) n.clusters.push_back(cluster.name());
    for (const EcsServiceConfig& service : config_.services) n.services.push_back(service.name);
    for (const TaskDefinition& td : config_.task_definitions) n.task_definitions.push_back(td.family_revision());
    for (const TargetGroupConfig& group : config_.target_groups) n.target_groups.push_back(group.name);
  }
  fleet_.set_event_log(log);
  for (auto& group : groups_) group->set_event_log(log);
  logged_targets_.clear();
  logged_provider_alarms_.assign(capacity_policies_.size(), {AlarmState::insufficient_data, AlarmState::insufficient_data});
  logged_policy_alarms_.clear();
  for (const ServiceAutoScaler& scaler : autoscalers_)
    logged_policy_alarms_.emplace_back(scaler.policies().size(),
                                       std::array<AlarmState, 2>{AlarmState::insufficient_data, AlarmState::insufficient_data});
}

// The event log's lines of the world (models/event_log.hpp): out of line and cold, so that the hot
// paths carry a pointer test only.
void World::log_instance(SimTime now, const Ec2Instance& instance, const char* event, SimTime terminates_at) {
  auto line = log_->instance(now, instance, event);
  if (terminates_at != kNever) line.time("terminates_at", terminates_at);
}

void World::log_task(SimTime now, const EcsTask& task, const char* event) {
  auto line = log_->task(now, task, event);
  if (task.stop_reason != TaskStopReason::none) line.str("reason", to_string(task.stop_reason));
}

void World::log_scheduled_action(SimTime now, const AutoScalingGroup& group, int from, int min, int max) {
  const std::string& name = group.config().name;
  if (group.min_size() != min || group.max_size() != max)
    log_->line(now, Entity::auto_scaling_group, name, "size_limits_changed")
        .str("group", name)
        .num("min_size", group.min_size())
        .num("max_size", group.max_size())
        .str("cause", "scheduled_action");
  if (group.desired() != from)
    log_->line(now, Entity::auto_scaling_group, name, "desired_changed")
        .str("group", name)
        .num("from", from)
        .num("to", group.desired())
        .str("cause", "scheduled_action");
}

void World::log_task_health(SimTime now, const Event& e) {
  // SCH-8 (healthy), AG-4 / SCH-9 (unhealthy: its container or target health check failed).
  const bool unhealthy = e.arg < 0;
  const EcsTask& task = services_[e.target]->tasks()[static_cast<std::size_t>(unhealthy ? -1 - e.arg : e.arg)];
  log_task(now, task, unhealthy ? "unhealthy" : "healthy");
}

void World::log_task_substate(SimTime now, const Event& e) {
  // ACTIVATING after PENDING; STOPPING after DEACTIVATING, the deregistration delay over (AG-3) —
  // unless a step moved the task on first.
  const EcsTask& task = services_[e.target]->tasks()[static_cast<std::size_t>(e.arg)];
  if (task.generation != e.generation) return;
  const bool stopping = task.state == TaskState::deactivating;
  log_task(now, task, event_name(stopping ? TaskState::stopping : TaskState::activating));
  if (stopping) log_targets(now, task, "deregistered");
}

void World::log_deployment_started(SimTime now, const EcsService& service, std::size_t from, const char* cause) {
  // SCH-7, SCH-8: UpdateService with a new revision starts a rolling deployment.
  log_->line(now, Entity::service, service.config().name, "deployment_started")
      .str("service", service.config().name)
      .str("task_definition", config_.task_definitions[service.task_definition()].family_revision())
      .str("from", config_.task_definitions[from].family_revision())
      .str("cause", cause);
}

bool World::logged_service_call(const Event& e) {
  // The service's own changes are read off its counters around the call, so the scheduler itself
  // carries no logging: at most one failed placement per look (it stops at the first), the
  // circuit breaker (a task failing to start), its rollback, the deployment completing.
  EcsService& service = *services_[e.target];
  const ServiceStats before = service.stats();
  const std::size_t td_before = service.task_definition();
  const bool acted = static_cast<EventKind>(e.kind) == EventKind::task_step ? service.on_task_step(engine_, e)
                                                                             : service.on_reconcile(engine_, e);
  const ServiceStats& after = service.stats();
  const SimTime now = engine_.now();
  const std::string& name = service.config().name;
  const std::string& td = config_.task_definitions[service.task_definition()].family_revision();
  if (after.placement_failures != before.placement_failures) {
    // SCH-1: the first filter that left no instance.
    const char* reason = after.placement_failures_cpu != before.placement_failures_cpu         ? "cpu"
                         : after.placement_failures_memory != before.placement_failures_memory ? "memory"
                         : after.placement_failures_ports != before.placement_failures_ports   ? "ports"
                         : after.placement_failures_constraint != before.placement_failures_constraint
                             ? "constraint"
                             : "no_instances";
    log_->line(now, Entity::service, name, "placement_failed")
        .str("service", name)
        .str("task_definition", td)
        .str("reason", reason);
  }
  if (after.deployments_failed != before.deployments_failed) {
    // SCH-11: the circuit breaker tripped on the revision that was deploying.
    log_->line(now, Entity::service, name, "deployment_failed")
        .str("service", name)
        .str("task_definition", config_.task_definitions[td_before].family_revision())
        .str("reason", "circuit_breaker")
        .boolean("rollback", after.rollbacks != before.rollbacks);
    if (after.rollbacks != before.rollbacks) log_deployment_started(now, service, td_before, "rollback");
  }
  if (after.deployments_completed != before.deployments_completed)
    log_->line(now, Entity::service, name, "deployment_completed").str("service", name).str("task_definition", td);
  return acted;
}

std::uint8_t& World::logged_target(std::uint32_t group, std::uint32_t target) {
  if (logged_targets_.size() <= group) logged_targets_.resize(group + 1);
  std::vector<std::uint8_t>& flags = logged_targets_[group];
  if (flags.size() <= target) flags.resize(target + 1, 0);
  return flags[target];
}

void World::log_targets(SimTime now, const EcsTask& task, const char* event) {
  const std::string_view what = event;
  for (std::size_t g : services_[task.service]->config().target_groups) {
    const TargetGroup& group = target_groups_[g];
    const Target* t = group.find(task.service, task.id);
    if (t == nullptr) continue;
    const auto target = static_cast<std::uint32_t>(t - group.targets().data());
    if (what == "registered" && t->registered != now) continue;   // ALB-10, ALB-2: `initial`
    // A new target may reuse the slot of one gone for good (TargetGroup::targets()).
    if (what == "registered") logged_target(static_cast<std::uint32_t>(g), target) = 0;
    if (what == "deregistering" && t->deregistered != now) continue;  // ALB-5: `draining`
    if (what == "deregistered") {  // ALB-5, AG-3: the deregistration delay is over
      std::uint8_t& done = logged_target(static_cast<std::uint32_t>(g), target);
      if (t->deregistered == kNever || (done & kLoggedDeregistered) != 0) continue;
      done |= kLoggedDeregistered;
    }
    auto line = log_->target(now, static_cast<std::uint32_t>(g), task.service, task.id, task.ec2, event);
    if (what == "deregistering") line.str("reason", to_string(task.stop_reason));
  }
}

void World::log_target_boundary(SimTime now, std::uint32_t g, std::uint32_t target) {
  // A target's routing changes at its boundaries (models/target_group.hpp); those that are state
  // changes are logged once each (a target may have several boundaries at one instant).
  if (g >= target_groups_.size() || target >= target_groups_[g].targets().size()) return;
  const Target& t = target_groups_[g].targets()[target];
  const InstanceId instance = services_[t.service]->tasks()[t.task].ec2;
  std::uint8_t& done = logged_target(g, target);
  // ALB-2: healthy once the checks pass, while registered and in rotation.
  if ((done & kLoggedHealthy) == 0 && t.healthy_at == now && t.deregistered == kNever && now >= t.registered &&
      now < t.unhealthy_at) {
    done |= kLoggedHealthy;
    log_->target(now, g, t.service, t.task, instance, "healthy");
  }
  // ALB-1: the checks notice it no longer answers. A draining target's health is not reported (ALB-5).
  if (t.deregistered != kNever || now < t.unhealthy_at) return;
  if ((done & kLoggedUnhealthy) == 0) {
    done |= kLoggedUnhealthy;
    log_->target(now, g, t.service, t.task, instance, "unhealthy").str("reason", now >= t.died ? "died" : "hung");
  }
  // A dead target noticed by the health checks is deregistered at that instant (target_group.hpp).
  if ((done & kLoggedDeregistered) == 0 && now >= t.died) {
    done |= kLoggedDeregistered;
    log_->target(now, g, t.service, t.task, instance, "deregistered").str("reason", "died");
  }
}

void World::log_container_instance(SimTime now, const Ec2Instance& instance, std::uint32_t cluster, const char* event,
                                   const char* reason) {
  const bool draining = std::string_view(event) == "draining";
  if (const auto ci = container_instance_of(instance.id);
      draining && ci && clusters_[ci->first].at(ci->second).status != ContainerInstanceStatus::active)
    return;  // DRAINING already: no change
  // A container instance is named by its EC2 instance's id (what the ECS console shows beside it).
  auto line = log_->line(now, Entity::container_instance, EventLog::instance_id(instance.id), event);
  line.instance("instance", instance.id).str("cluster", log_->names().clusters[cluster]);
  if (reason != nullptr) line.str("reason", reason);
  if (std::string_view(event) == "registered")
    line.str("purchase", instance.option == PurchaseOption::spot ? "spot" : "on-demand")
        .str("instance_type", market_.pool(instance.pool).instance_type)
        .str("availability_zone", market_.pool(instance.pool).availability_zone)
        .str("group", groups_[instance.group]->config().name);
}

void World::on_task_state(Engine& engine, const EcsTask& task, TaskState from) {
  const EcsServiceConfig& service = services_[task.service]->config();
  const SimTime now = engine.now();
  running_tasks_ += (task.state == TaskState::running ? 1 : 0) - (from == TaskState::running ? 1 : 0);
  if (log_) [[unlikely]] log_task(now, task, event_name(task.state));
  if (task.state == TaskState::running && from == TaskState::activating) {
    // ALB-10: the task registers as (instance, dynamic host port) when it runs.
    for (std::size_t g : service.target_groups)
      target_groups_[g].register_target(engine, task.service, task.id, now + service.workload.app_start,
                                        task.hangs_at.value_or(kNever));
    if (log_) [[unlikely]] log_targets(now, task, "registered");
    traffic_->on_task_running(task, now);
  }
  // ALB-5, AG-3: DEACTIVATING deregisters it; the load balancer stops routing new requests to it.
  if (task.state == TaskState::deactivating && from == TaskState::running) {
    for (std::size_t g : service.target_groups) target_groups_[g].deregister(engine, task.service, task.id);
    if (log_) [[unlikely]] log_targets(now, task, "deregistering");
  }
  // AG-3: DEACTIVATING ends when the deregistration delay has passed (or the instance is gone).
  if (from == TaskState::deactivating && log_) [[unlikely]]
    log_targets(now, task, "deregistered");
  // The process is gone: at the end of STOPPING (exit or SIGKILL, AG-2) or with its instance.
  const bool was_alive = from == TaskState::running || from == TaskState::deactivating || from == TaskState::stopping;
  const bool gone = task.state == TaskState::deprovisioning || task.state == TaskState::stopped;
  if (was_alive && gone) {
    for (std::size_t g : service.target_groups) target_groups_[g].target_died(engine, task.service, task.id);
    traffic_->on_task_died(task, now);
  }
}

void World::schedule_interruption_notice(InstanceId id, SimTime notice_at) {
  const Ec2Instance& instance = fleet_.at(id);
  schedule(notice_at, Phase::interruption, EventKind::interruption_notice, id.value, instance.generation);
}

void World::release_if_drained(InstanceId id) {
  if (!fleet_.termination_held(id)) return;  // the common case, read off a dense table
  const Ec2Instance& instance = fleet_.at(id);
  const auto ci = container_instance_of(id);
  if (!ci || clusters_[ci->first].at(ci->second).tasks == 0)
    fleet_.schedule_termination(engine_, id, engine_.now(), instance.cause);
}

void World::note_running_tasks() { peak_running_ = std::max(peak_running_, running_tasks_); }

void World::schedule(SimTime when, Phase phase, EventKind kind, std::uint32_t target, std::uint32_t generation,
                     std::int64_t arg) {
  engine_.schedule(when, to_u8(phase), to_u8(kind), target, generation, arg);
}

void World::start() {
  if (started_) return;
  started_ = true;
  market_.start(engine_, config_.duration);
  for (auto& group : groups_) group->start(engine_);
  for (auto& service : services_) service->start(engine_);
  // One minute of CloudWatch datapoints at a time (CP-2, SAS-2: 1-minute periods): the minute tick.
  // Load steps and timeseries rows that fall on its minutes ride on it instead of having events of
  // their own (Traffic::start; samples: dispatch).
  const bool ticks = traffic_->active() || !config_.capacity_providers.empty() || !config_.scalable_targets.empty();
  samples_on_tick_ = ticks && config_.sample_interval > 0 && config_.sample_interval % minutes(1) == 0;
  traffic_->start(engine_, config_.duration, ticks);
  start_scaling();
  if (ticks) schedule(minutes(1), Phase::metrics, EventKind::cloudwatch_minute, 0);
  for (std::size_t d = 0; d < config_.deployments.size(); ++d) {
    const SimTime at = config_.deployments[d].at;
    if (at >= 0 && at <= config_.duration)
      schedule(at, Phase::scheduling, EventKind::service_deployment, static_cast<std::uint32_t>(d));
  }
  for (std::size_t r = 0; r < config_.instance_refreshes.size(); ++r) {
    const InstanceRefresh& refresh = config_.instance_refreshes[r];
    for (std::size_t g = 0; g < groups_.size(); ++g)
      if (groups_[g]->config().name == refresh.group && refresh.at >= 0 && refresh.at <= config_.duration)
        schedule(refresh.at, Phase::scaling, EventKind::instance_refresh, static_cast<std::uint32_t>(g), 0,
                 static_cast<std::int64_t>(r));
  }
  for (std::size_t a = 0; a < config_.scheduled_actions.size(); ++a) {
    const SimTime at = config_.scheduled_actions[a].at;
    if (at >= 0 && at <= config_.duration)
      schedule(at, Phase::scaling, EventKind::scheduled_action, static_cast<std::uint32_t>(a));
  }
  if (config_.sample_interval > 0) {
    rows_.reserve(static_cast<std::size_t>(config_.duration / config_.sample_interval) + 1);
    prefault::request(rows_.data(), rows_.capacity() * sizeof(TimeseriesRow));  // filled row by row
    huge_pages::grew();
    schedule(0, Phase::metrics, EventKind::metrics_sample, 0, 0, samples_on_tick_ ? kSampleOnce : kSampleChain);
  }
}

RunStats World::run_until(SimTime t) {
  start();
  const RunStats stats = engine_.run_until(t, [this](const Event& e) { return dispatch(e); });
  traffic_->advance_to(engine_.now());  // the requests up to t too (fluid steps compose exactly)
  return stats;
}

bool World::dispatch(const Event& e) {
  const SimTime now = engine_.now();
  if (e.kind == to_u8(EventKind::target_health) && e.target < target_groups_.size() &&
      !target_groups_[e.target].boundaries_act()) [[unlikely]] {
    // Only the log asked for it (TargetGroup::set_boundary_events): it changes nothing, so the
    // requests need not catch up here — with or without --events the same integration — and it is
    // not counted among the model's events (World::finish).
    ++log_only_events_;
    if (log_) log_target_boundary(now, e.target, static_cast<std::uint32_t>(e.arg));
    return true;
  }
  if (e.kind == to_u8(EventKind::task_substate)) [[unlikely]] {
    // Only the log asks for it (EcsService::set_substate_events), likewise.
    ++log_only_events_;
    if (log_) log_task_substate(now, e);
    return true;
  }
  // Requests flow over [last event, now) with the world as it was; then this event may change it.
  traffic_->advance_to(now);
  switch (static_cast<EventKind>(e.kind)) {
    case EventKind::spot_price_change:
    case EventKind::pool_availability:
    case EventKind::pool_reclaim:
    case EventKind::trace_step:
      return market_.handle(engine_, e, fleet_);

    case EventKind::rebalance_recommendation: {
      Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      if (instance.generation != e.generation || !instance.alive() || instance.rebalance_at) return false;
      instance.rebalance_at = now;
      ++rebalances_;
      if (log_) [[unlikely]] log_instance(now, instance, "rebalance_recommendation");  // SP-2
      groups_[instance.group]->on_rebalance_recommendation(engine_, instance.id);
      return true;
    }
    case EventKind::interruption_notice: {
      Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      if (instance.generation != e.generation || !instance.alive() || instance.notice_at) return false;
      // SP-1: the notice comes `notice` before EC2 terminates the instance.
      instance.notice_at = now;
      ++notices_;
      if (log_) [[unlikely]] log_instance(now, instance, "interruption_notice", now + config_.market.notice);  // SP-1
      fleet_.schedule_termination(engine_, instance.id, now + config_.market.notice, TerminationCause::spot_interruption);
      groups_[instance.group]->on_interruption_notice(engine_, instance.id);
      // AG-1: with ECS_ENABLE_SPOT_INSTANCE_DRAINING the agent, polling the instance metadata once a
      // second, sets its container instance DRAINING within a second of the notice.
      if (const auto ci = container_instance_of(instance.id);
          ci && clusters_[ci->first].at(ci->second).agent.spot_instance_draining) {
        const auto delay = static_cast<SimTime>(agent_poll_stream_.uniform() * static_cast<double>(config_.ecs.spot_drain_poll));
        schedule(now + delay, Phase::instance, EventKind::container_instance_drain, instance.id.value, instance.generation);
      }
      return true;
    }
    case EventKind::instance_running: {
      if (!fleet_.on_running(engine_, e)) return false;
      billing_.on_running(fleet_.at(InstanceId{e.target}));
      market_.on_instance_running(engine_, fleet_.at(InstanceId{e.target}));
      return true;
    }
    case EventKind::instance_booted: {
      if (!fleet_.on_booted(e)) return false;
      const Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      groups_[instance.group]->on_booted(engine_, instance.id);
      if (group_cluster_[instance.group] >= 0)
        schedule(now + config_.ec2.agent_registration, Phase::instance, EventKind::container_instance_register,
                 instance.id.value, instance.generation);
      return true;
    }
    case EventKind::instance_terminate: {
      if (!fleet_.on_terminate(e)) return false;
      const Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      billing_.on_terminated(instance);
      if (instance.cause == TerminationCause::spot_interruption) ++interrupted_;
      if (const auto ci = container_instance_of(instance.id)) {
        // Whatever still runs there dies with the instance; then the container instance is gone.
        for (auto& service : services_)
          if (service->cluster_index() == ci->first) service->on_instance_terminated(engine_, ci->second);
        clusters_[ci->first].deregister(ci->second);
        if (log_) [[unlikely]] log_container_instance(now, instance, ci->first, "deregistered");
        container_instance_of_[instance.id.value] = -1;
      }
      groups_[instance.group]->on_terminated(engine_, instance.id);
      return true;
    }
    case EventKind::instance_termination_hold: {
      Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      if (instance.generation != e.generation || !instance.alive()) return false;
      const auto cause = static_cast<TerminationCause>(e.arg);
      const auto ci = container_instance_of(instance.id);
      if (!ci) {
        fleet_.schedule_termination(engine_, instance.id, now, cause);  // nothing to drain
        return true;
      }
      // CP-14: ECS drains the instance (AG-5 semantics), then lets the lifecycle hook go on; the
      // hook's global cap (ASG-30: min(48 h, 100 × heartbeat timeout)) bounds the wait.
      if (log_) [[unlikely]] log_container_instance(now, instance, ci->first, "draining", to_string(cause));
      clusters_[ci->first].set_draining(ci->second, now);
      for (auto& service : services_)
        if (service->cluster_index() == ci->first) service->on_cluster_changed(engine_);
      fleet_.schedule_termination(engine_, instance.id, now + hours(48), cause, /*hook_timeout=*/true);
      release_if_drained(instance.id);
      return true;
    }
    case EventKind::container_instance_register: {
      const Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      if (instance.generation != e.generation || !instance.alive()) return false;
      const auto c = static_cast<std::uint32_t>(group_cluster_[instance.group]);
      const SpotPool& pool = market_.pool(instance.pool);
      if (pool_type_.size() <= instance.pool) {
        pool_type_.resize(instance.pool + 1);
        pool_type_known_.resize(instance.pool + 1, 0);
      }
      if (!pool_type_known_[instance.pool]) {
        pool_type_[instance.pool] = find_instance_type(pool.instance_type);
        pool_type_known_[instance.pool] = 1;
      }
      const std::optional<InstanceTypeInfo>& type = pool_type_[instance.pool];
      if (!type) return false;  // the loader only accepts types the catalog knows for ECS groups
      const std::uint32_t ci = clusters_[c].register_instance(instance, pool.instance_type, pool.availability_zone,
                                                              type->vcpu, type->memory_mib,
                                                              groups_[instance.group]->config().ecs_agent, now);
      if (container_instance_of_.size() <= instance.id.value) container_instance_of_.resize(instance.id.value + 1, -1);
      container_instance_of_[instance.id.value] = static_cast<std::int32_t>(ci);
      if (log_) [[unlikely]] log_container_instance(now, instance, c, "registered");  // ACTIVE
      for (auto& service : services_)
        if (service->cluster_index() == c) service->on_cluster_changed(engine_);
      return true;
    }
    case EventKind::container_instance_drain: {
      const Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      const auto ci = container_instance_of(instance.id);
      if (instance.generation != e.generation || !instance.alive() || !ci) return false;
      // AG-1: the agent saw the spot interruption notice.
      if (log_) [[unlikely]] log_container_instance(now, instance, ci->first, "draining", "spot_interruption");
      clusters_[ci->first].set_draining(ci->second, now);
      for (auto& service : services_)
        if (service->cluster_index() == ci->first) service->on_cluster_changed(engine_);
      return true;
    }
    case EventKind::task_step: {
      const bool acted = log_ ? logged_service_call(e) : services_[e.target]->on_task_step(engine_, e);
      if (acted) {
        note_running_tasks();
        const EcsTask& task = services_[e.target]->tasks()[static_cast<std::size_t>(e.arg)];
        if (task.state == TaskState::stopped) release_if_drained(task.ec2);
      }
      return acted;
    }
    case EventKind::task_substate:  // only the log's: above
      return true;
    case EventKind::task_healthy: {
      const bool acted = services_[e.target]->on_task_healthy(engine_, e);
      if (acted && log_) [[unlikely]] log_task_health(now, e);
      return acted;
    }
    case EventKind::service_reconcile:
      if (log_) [[unlikely]] return logged_service_call(e);
      return services_[e.target]->on_reconcile(engine_, e);
    case EventKind::service_deployment: {
      const ServiceDeployment& d = config_.deployments[e.target];
      for (auto& service : services_)
        if (service->index() == d.service) {
          const std::size_t from = service->task_definition();
          service->deploy(engine_, d.task_definition, d.fails_to_start);
          if (log_) [[unlikely]] log_deployment_started(now, *service, from, "deployment");
        }
      return true;
    }
    case EventKind::scheduled_action: {
      const ScheduledAction& action = config_.scheduled_actions[e.target];
      for (auto& group : groups_)
        if (group->config().name == action.group) {
          const int from = group->desired(), min = group->min_size(), max = group->max_size();
          group->update(engine_, action.min_size, action.max_size, action.desired_capacity);
          if (log_) [[unlikely]] log_scheduled_action(now, *group, from, min, max);
        }
      return true;
    }
    case EventKind::asg_reconcile:
      return groups_[e.target]->on_reconcile(engine_, e);
    case EventKind::instance_refresh:
      // StartInstanceRefresh at its time, or the running refresh's own next look.
      if (e.arg >= 0)
        return groups_[e.target]->start_refresh(engine_, config_.instance_refreshes[static_cast<std::size_t>(e.arg)]);
      return groups_[e.target]->on_refresh_check(engine_, e);
    case EventKind::target_health:
      if (e.target >= target_groups_.size()) return false;
      target_groups_[e.target].on_boundary(engine_, static_cast<std::uint32_t>(e.arg));
      if (log_) [[unlikely]] log_target_boundary(now, e.target, static_cast<std::uint32_t>(e.arg));
      return true;
    case EventKind::traffic_step:
      return traffic_->on_traffic_step(engine_, e);
    case EventKind::cloudwatch_minute:
      huge_pages::grew();  // the heap's growth of the last minute onto huge pages (sim/huge_pages.hpp)
      if (traffic_->active()) traffic_->on_minute(now);
      scaling_minute(now);
      schedule(now + minutes(1), Phase::metrics, EventKind::cloudwatch_minute, 0);
      traffic_->on_minute_tick(engine_);  // the load steps on this minute: rates for the next interval
      if (samples_on_tick_ && now % config_.sample_interval == 0 && now <= config_.duration) {
        // The row records the instant after everything at it: after this tick (a metrics_sample
        // event at this minute ran after the tick's, being scheduled later at the same phase) and
        // after whatever the policies just scheduled at now, which a row of its own then waits for.
        if (engine_.pending_at_or_before(now))
          schedule(now, Phase::metrics, EventKind::metrics_sample, 0, 0, kSampleOnce);
        else
          sample(now);
      }
      return true;
    case EventKind::metrics_sample:
      sample(now);
      if (e.arg == kSampleChain && now + config_.sample_interval <= config_.duration)
        schedule(now + config_.sample_interval, Phase::metrics, EventKind::metrics_sample, 0, 0, kSampleChain);
      return true;
  }
  return false;
}

void World::sample(SimTime now) {
  const SimTime since = rows_.empty() ? 0 : rows_.back().time;
  // Filled in place: a row built on the stack and copied in was read back in 16-byte pieces over
  // the 4-byte stores just made, and store forwarding failed on every piece (~5 % of BM_SeedMonth).
  TimeseriesRow& row = rows_.emplace_back();
  row.time = now;
  for (const auto& group : groups_) row.asg_desired += group->desired();
  // Kept by the fleet as instances change (Ec2Fleet::tally): no walk over the fleet per row.
  const Ec2Fleet::Tally& fleet = fleet_.tally();
  row.instances_pending = fleet.pending;
  row.instances_draining = fleet.draining;
  row.instances_spot = fleet.spot;
  row.instances_on_demand = fleet.on_demand;
  row.interruption_notices = notices_;
  for (const auto& group : groups_) row.launch_failures += group->stats().launch_failures;
  for (const auto& service : services_) {
    row.service_desired += service->desired();
    row.tasks_running += service->count_running();
    row.tasks_pending += service->count_starting();
    row.tasks_stopping += service->count_stopping();
  }
  for (const EcsCluster& cluster : clusters_) row.container_instances += cluster.registered_count();
  row.cost_usd_cumulative = billing_.cumulative_usd(now);
  row.on_demand_baseline_usd_cumulative = billing_.cumulative_baseline_usd(now);
  if (traffic_->active()) {
    const RequestCounts counts = traffic_->totals();
    if (now > since) {
      const double seconds = static_cast<double>(now - since) / 1000.0;
      row.offered_rps = (counts.offered - sampled_.offered) / seconds;
      row.served_rps = (counts.served - sampled_.served) / seconds;
      for (std::size_t r = 0; r < kDropReasons; ++r)
        row.dropped_rps_by_reason[r] = (counts.dropped[r] - sampled_.dropped[r]) / seconds;
      row.dropped_rps = (counts.dropped_total() - sampled_.dropped_total()) / seconds;
    }
    sampled_ = counts;
    row.cpu_utilization = traffic_->last_cpu_utilization();
  }
  row.capacity_provider_reservation = capacity_provider_reservation();
}

RunResult World::finish() {
  start();
  traffic_->advance_to(engine_.now());
  billing_.finalize(fleet_, config_.duration);
  RunResult result;
  result.cost = billing_.totals();
  FleetSummary& f = result.instances;
  for (const auto& group : groups_) {
    f.launched_spot += group->stats().launched_spot;
    f.launched_on_demand += group->stats().launched_on_demand;
    f.launch_failures += group->stats().launch_failures;
  }
  f.interruption_notices = notices_;
  f.interrupted = interrupted_;
  f.rebalance_recommendations = rebalances_;
  f.spot_hours = result.cost.spot_hours;
  f.on_demand_hours = result.cost.on_demand_hours;
  f.peak = fleet_.peak_alive();
  TaskSummary& t = result.tasks;
  for (const auto& service : services_) t += service->stats();
  t.peak_running = peak_running_;
  if (traffic_->active()) result.requests = traffic_->finish();
  result.scaling = scaling_;
  for (const auto& group : groups_)
    for (const InstanceRefreshProgress& p : group->refreshes())
      result.scaling.instance_refreshes.push_back({group->config().name, p});
  result.engine = engine_.stats();
  result.engine.events -= log_only_events_;  // the log's own events (dispatch)
  result.timeseries = std::move(rows_);
  return result;
}

RunResult World::run() {
  run_until(config_.duration);
  return finish();
}

}  // namespace spotsim
