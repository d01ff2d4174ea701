// The world's two control loops (aws-semantics.md §1, §6), evaluated once a minute on that minute's
// CloudWatch datapoints (cloudwatch_minute): each capacity provider's managed scaling of its Auto
// Scaling group (models/capacity_provider), with managed termination protection, and each service's
// Application Auto Scaling (models/service_autoscaling). Part of World: the wiring of world.cpp.
#include <algorithm>
#include <cmath>

#include "models/instance_catalog.hpp"
#include "models/world.hpp"

namespace spotsim {

// The strategy a service's tasks follow (CP-7 step 1): its own, else — unless it names a launch
// type — its cluster's default; nullptr: none (its tasks never trigger managed scaling).
const CapacityProviderStrategy* World::resolve_strategy(std::size_t service) const {
  const EcsServiceConfig& s = config_.services[service];
  if (!s.strategy.empty()) return &s.strategy;
  if (s.launch_type_ec2) return nullptr;
  for (const EcsClusterConfig& c : config_.clusters)
    if (c.name == s.cluster && !c.default_strategy.empty()) return &c.default_strategy;
  return nullptr;
}

// The service's live tasks per item of its strategy, by the group of the instance each runs on.
std::vector<int> World::tasks_per_strategy_item(const EcsService& service, const CapacityProviderStrategy& strategy) const {
  std::vector<int> counts(strategy.size(), 0);
  for (const std::uint32_t id : service.unstopped_tasks()) {  // not every task it ever had
    const EcsTask& t = service.tasks()[id];
    if (!t.live()) continue;
    const std::uint32_t group = clusters_[t.cluster].at(t.container_instance).group;
    for (std::size_t k = 0; k < strategy.size(); ++k)
      if (config_.capacity_providers[strategy[k].provider].group == group) {
        ++counts[k];
        break;
      }
  }
  return counts;
}

const CapacityProviderStrategy* World::strategy_of(std::size_t service) const {
  return service < service_strategy_.size() ? service_strategy_[service] : nullptr;
}

void World::wire_scaling() {
  // Managed scaling reads the fleet from what changed (scaling_minute): the fleet and the clusters
  // list their changes only when someone reads them each minute.
  group_busy_.assign(groups_.size(), 0);
  group_protected_.assign(groups_.size(), 0);
  for (const CapacityProviderConfig& cp : config_.capacity_providers)
    if (cp.managed_termination_protection && cp.group < group_protected_.size()) group_protected_[cp.group] = 1;
  if (!config_.capacity_providers.empty()) {
    fleet_.track_changes(true);
    for (EcsCluster& cluster : clusters_) cluster.track_busy_changes(true);
  }
  for (std::size_t s = 0; s < config_.services.size(); ++s) service_strategy_.push_back(resolve_strategy(s));
  for (const CapacityProviderConfig& cp : config_.capacity_providers) {
    if (cp.scaling.enabled && first_managed_ < 0) first_managed_ = static_cast<std::int32_t>(capacity_policies_.size());
    capacity_policies_.push_back(cp.scaling.enabled ? std::optional<ManagedScalingPolicy>(ManagedScalingPolicy(cp))
                                                    : std::nullopt);
    // CP-7 step 3: the largest and smallest of the group's types, as their agents register them.
    std::vector<InstanceShape> shapes;
    const AutoScalingGroupConfig& group = config_.groups[cp.group];
    for (const std::string& type : group.instance_types)
      if (const auto info = find_instance_type(type))
        if (const auto shape = instance_shape(*info, group.ecs_agent.reserved_memory_mib)) shapes.push_back(*shape);
    provider_shapes_.push_back(shapes.empty() ? std::nullopt : std::optional<ShapeBounds>(shape_bounds(shapes)));
  }
  for (std::size_t s = 0; s < services_.size(); ++s) {
    const CapacityProviderStrategy* strategy = strategy_of(services_[s]->index());
    if (strategy == nullptr) continue;
    // CP-15: tasks wait in PROVISIONING only behind a managed-scaling capacity provider.
    bool managed = false;
    for (const CapacityProviderStrategyItem& item : *strategy)
      managed = managed || config_.capacity_providers[item.provider].scaling.enabled;
    services_[s]->set_waits_for_capacity(managed);
    if (strategy->size() < 2) continue;
    // CP-16/17: several providers — each task goes to the provider the base/weight split wants next.
    services_[s]->set_placement_group_chooser([this, strategy](const EcsService& service) -> std::optional<std::uint32_t> {
      const std::size_t k = provider_for_next_task(*strategy, tasks_per_strategy_item(service, *strategy));
      return static_cast<std::uint32_t>(config_.capacity_providers[(*strategy)[k].provider].group);
    });
  }
  for (std::size_t t = 0; t < config_.scalable_targets.size(); ++t) {
    std::vector<ScalingPolicyConfig> policies;
    for (const ScalingPolicyConfig& p : config_.scaling_policies)
      if (p.target == t) policies.push_back(p);
    autoscalers_.emplace_back(config_.scalable_targets[t], std::move(policies), config_.service_autoscaling);
  }
}

void World::start_scaling() {
  // RegisterScalableTarget moves the service's desired count inside [Min, Max] at once.
  for (const ServiceAutoScaler& scaler : autoscalers_) {
    EcsService& service = *services_[scaler.target().service];
    const int bounded = scaler.apply_bounds(service.desired());
    if (bounded != service.desired()) {
      if (log_)
        log_->line(engine_.now(), Entity::service, service.config().name, "desired_changed")
            .str("service", service.config().name)
            .num("from", service.desired())
            .num("to", bounded)
            .str("cause", "scalable_target_bounds");
      service.set_desired(engine_, bounded);
    }
  }
}

// Counted in busy_instances (CP-9): running, no termination decided, its container instance has a task.
bool World::counts_busy(const Ec2Instance& i) const {
  if (!i.alive() || i.terminating_at || i.state == InstanceState::pending) return false;
  const auto ci = container_instance_of(i.id);
  return ci && clusters_[ci->first].has_tasks(ci->second);
}

// Every change that can move an instance in or out of busy_instances, or make its protection differ
// from its busy-ness, is listed by the fleet (running, termination decided, protection changed) or
// its cluster (registered, first task placed, last task gone): only those are looked at again.
void World::absorb_fleet_changes() {
  const std::size_t from = review_.size();
  review_.insert(review_.end(), fleet_.changed().begin(), fleet_.changed().end());
  fleet_.clear_changed();
  for (EcsCluster& cluster : clusters_) {
    review_.insert(review_.end(), cluster.busy_changes().begin(), cluster.busy_changes().end());
    cluster.clear_busy_changes();
  }
  if (review_.size() == from) return;
  if (busy_counted_.size() < fleet_.instances().size()) busy_counted_.resize(fleet_.instances().size(), 0);
  for (std::size_t k = from; k < review_.size(); ++k) {
    const Ec2Instance& i = fleet_.at(InstanceId{review_[k]});
    const std::uint8_t busy = counts_busy(i) ? 1 : 0;
    if (busy_counted_[i.id.value] == busy) continue;
    busy_counted_[i.id.value] = busy;
    group_busy_[i.group] += busy ? 1 : -1;
  }
  std::sort(review_.begin(), review_.end());
  review_.erase(std::unique(review_.begin(), review_.end()), review_.end());
}

World::GroupFleetCounts World::group_fleet_counts(std::uint32_t group) {
  absorb_fleet_changes();
  return {fleet_.group_running(group), group < group_busy_.size() ? group_busy_[group] : 0,
          fleet_.group_newest_launch(group)};
}

// CP-12: ECS protects the instances it runs tasks on and unprotects them once empty. Only the
// group's instances under review can differ (every other one was set right at an earlier pass and
// has not changed since); they are set in the order of the fleet's alive list, the order a walk
// over the whole fleet met them in (the event log's order).
void World::protect_busy_instances(std::uint32_t g) {
  due_.clear();
  for (const std::uint32_t id : review_) {
    const Ec2Instance& i = fleet_.at(InstanceId{id});
    if (i.group != g || !i.alive() || i.terminating_at || i.state == InstanceState::pending) continue;
    const auto ci = container_instance_of(i.id);
    if (ci && i.protected_from_scale_in != clusters_[ci->first].has_tasks(ci->second)) due_.push_back(id);
  }
  std::erase_if(review_, [&](std::uint32_t id) { return fleet_.at(InstanceId{id}).group == g; });
  std::sort(due_.begin(), due_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return fleet_.alive_position(InstanceId{a}) < fleet_.alive_position(InstanceId{b});
  });
  AutoScalingGroup& group = *groups_[g];
  for (const std::uint32_t id : due_) group.set_protection(engine_, InstanceId{id}, !fleet_.at(InstanceId{id}).protected_from_scale_in);
}

void World::scaling_minute(SimTime now) {
  // Capacity providers (§1): one CapacityProviderReservation datapoint each.
  for (std::size_t p = 0; p < config_.capacity_providers.size(); ++p) {
    const CapacityProviderConfig& cp = config_.capacity_providers[p];
    AutoScalingGroup& group = *groups_[cp.group];
    ManagedScalingInput in;
    const auto g = static_cast<std::uint32_t>(cp.group);
    // N: running, warming ones included (CP-5); no termination decided.
    const GroupFleetCounts counts = group_fleet_counts(g);
    in.running_instances = counts.running;
    in.busy_instances = counts.busy;
    in.newest_launch = counts.newest_launch;
    if (cp.managed_termination_protection) protect_busy_instances(g);
    if (!capacity_policies_[p]) continue;
    // CP-7: the PROVISIONING tasks that chose this provider, binpacked on the group's types.
    std::vector<TaskNeed> needs;
    for (const auto& service : services_) {
      const int waiting = service->provisioning();
      const CapacityProviderStrategy* strategy = strategy_of(service->index());
      if (waiting <= 0 || strategy == nullptr) continue;
      int mine = 0;
      if (strategy->size() == 1) {
        mine = (*strategy)[0].provider == p ? waiting : 0;
      } else {
        // The split the strategy wants over live + waiting tasks, less what each provider has.
        const std::vector<int> have = tasks_per_strategy_item(*service, *strategy);
        int live = 0;
        for (int h : have) live += h;
        const std::vector<int> want = split_by_strategy(*strategy, live + waiting);
        for (std::size_t k = 0; k < strategy->size(); ++k)
          if ((*strategy)[k].provider == p) mine += std::max(0, want[k] - have[k]);
      }
      if (mine <= 0) continue;
      const TaskDefinition& td = config_.task_definitions[service->task_definition()];
      needs.push_back({td.reserved_cpu(), td.reserved_memory_mib(), td.static_host_ports(), mine});
    }
    if (!needs.empty() && provider_shapes_[p])
      in.provisioning = instances_needed_for(needs, provider_shapes_[p]->largest, provider_shapes_[p]->smallest);
    in.desired = group.desired();
    in.min_size = group.min_size();
    in.max_size = group.max_size();
    in.several_types_or_azs = group.config().instance_types.size() > 1 || group.config().availability_zones.size() > 1;
    const auto desired = capacity_policies_[p]->on_datapoint(now, in);
    if (log_) [[unlikely]] log_managed_scaling(now, p, desired);
    if (desired) {
      ++(*desired > group.desired() ? scaling_.asg_scale_out : scaling_.asg_scale_in);
      group.set_desired(engine_, *desired);
    }
  }
  // What no capacity provider protects needs no review (what one does waits for its next pass).
  std::erase_if(review_, [&](std::uint32_t id) { return !group_protected_[fleet_.at(InstanceId{id}).group]; });

  // Service auto scaling (§6): this minute's datapoints of each scalable target's service.
  const TrafficMetrics& metrics = traffic_->metrics();
  ServiceScalingInput& in = scaling_input_;
  // The target groups' RequestCountPerTarget datapoints are the same for every scalable target:
  // read once a minute, not once per target (20 services × 20 target groups in a large fleet).
  if (!autoscalers_.empty()) {
    in.request_count_per_target.clear();
    for (const auto& per_target : metrics.request_count_per_target)
      in.request_count_per_target.push_back(traffic_->active() && !per_target.empty() && !std::isnan(per_target.back())
                                                ? std::optional<double>(per_target.back())
                                                : std::nullopt);
  }
  for (ServiceAutoScaler& scaler : autoscalers_) {
    EcsService& service = *services_[scaler.target().service];
    in.cpu_utilization.reset();
    const auto& cpu = metrics.cpu_utilization[service.index()];
    if (traffic_->active() && !cpu.empty()) in.cpu_utilization = cpu.back();
    in.running = service.count_running();
    in.desired = service.desired();
    in.deployment_in_progress = service.rollout_state() == RolloutState::in_progress;
    const auto desired = scaler.on_datapoint(now, in);
    if (log_) [[unlikely]] log_service_scaling(now, scaler, desired);
    if (desired) {
      ++(*desired > service.desired() ? scaling_.service_scale_out : scaling_.service_scale_in);
      service.set_desired(engine_, *desired);
    }
  }
}

// The alarms behind the scaling policies (CP-11; SAS-5 target tracking's AlarmHigh / AlarmLow, SAS-9
// a step policy's own): a line when one changes state after this minute's datapoint, before the
// desired change it may cause.
void World::log_alarm(SimTime now, AlarmState& logged, AlarmState state, const std::string& id, const char* owner_key,
                      const std::string& owner, const std::string* policy) {
  if (state == logged) return;
  const char* event = state == AlarmState::alarm ? "alarm" : state == AlarmState::ok ? "ok" : "insufficient_data";
  auto line = log_->line(now, Entity::alarm, id, event);
  line.str(owner_key, owner);
  if (policy != nullptr) line.str("policy", *policy);
  line.str("from", to_string(logged)).str("to", to_string(state));
  logged = state;
}

void World::log_managed_scaling(SimTime now, std::size_t p, std::optional<int> desired) {
  if (p >= logged_provider_alarms_.size() || !capacity_policies_[p]) return;
  const CapacityProviderConfig& cp = config_.capacity_providers[p];
  const std::string& name = cp.name;
  log_alarm(now, logged_provider_alarms_[p][0], capacity_policies_[p]->high_alarm(), name + "-AlarmHigh",
            "capacity_provider", name, nullptr);
  log_alarm(now, logged_provider_alarms_[p][1], capacity_policies_[p]->low_alarm(), name + "-AlarmLow",
            "capacity_provider", name, nullptr);
  if (!desired) return;
  // CP-11: the capacity provider's target-tracking policy sets the group's desired capacity.
  const AutoScalingGroup& group = *groups_[cp.group];
  log_->line(now, Entity::auto_scaling_group, group.config().name, "desired_changed")
      .str("group", group.config().name)
      .num("from", group.desired())
      .num("to", *desired)
      .str("cause", "managed_scaling")
      .str("capacity_provider", name);
}

void World::log_service_scaling(SimTime now, const ServiceAutoScaler& scaler, std::optional<int> desired) {
  const auto a = static_cast<std::size_t>(&scaler - autoscalers_.data());
  if (a >= logged_policy_alarms_.size()) return;
  const EcsService& service = *services_[scaler.target().service];
  const std::string& name = service.config().name;
  for (std::size_t i = 0; i < scaler.policies().size(); ++i) {
    const std::string& policy = scaler.policies()[i].name;
    std::array<AlarmState, 2>& logged = logged_policy_alarms_[a][i];
    if (const TargetTrackingAlarms* tt = scaler.target_tracking_alarms(i)) {
      log_alarm(now, logged[0], tt->high().state(), policy + "-AlarmHigh", "service", name, &policy);
      log_alarm(now, logged[1], tt->low().state(), policy + "-AlarmLow", "service", name, &policy);
    } else if (const MetricAlarm* alarm = scaler.step_alarm(i)) {
      log_alarm(now, logged[0], alarm->state(), policy + "-Alarm", "service", name, &policy);
    }
  }
  if (!desired) return;
  // SAS-5 / SAS-9: the policy whose alarm acted.
  auto line = log_->line(now, Entity::service, name, "desired_changed");
  line.str("service", name).num("from", service.desired()).num("to", *desired).str("cause", "service_auto_scaling");
  if (const auto& activity = scaler.last_activity(); activity && activity->policy < scaler.policies().size())
    line.str("policy", scaler.policies()[activity->policy].name);
}

}  // namespace spotsim
