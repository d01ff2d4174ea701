#include "models/world.hpp"

#include "models/event_kind.hpp"

namespace spotsim {

World::World(const WorldConfig& config)
    : config_(config),
      fleet_(config_.ec2),
      market_(config_.market, config_.seed, config_.replication),
      billing_(market_) {
  // The wiring, in one place: every group registers its pools with the market at construction.
  for (std::size_t g = 0; g < config_.groups.size(); ++g)
    groups_.push_back(std::make_unique<AutoScalingGroup>(static_cast<std::uint32_t>(g), config_.groups[g], fleet_,
                                                         market_, config_.seed, config_.replication));
}

void World::schedule(SimTime when, Phase phase, EventKind kind, std::uint32_t target, std::uint32_t generation,
                     std::int64_t arg) {
  engine_.schedule(when, to_u8(phase), to_u8(kind), target, generation, arg);
}

void World::start() {
  if (started_) return;
  started_ = true;
  market_.start(engine_, config_.duration);
  for (auto& group : groups_) group->start(engine_);
  for (std::size_t a = 0; a < config_.scheduled_actions.size(); ++a) {
    const SimTime at = config_.scheduled_actions[a].at;
    if (at >= 0 && at <= config_.duration)
      schedule(at, Phase::scaling, EventKind::scheduled_action, static_cast<std::uint32_t>(a));
  }
  if (config_.sample_interval > 0) schedule(0, Phase::metrics, EventKind::metrics_sample, 0);
}

RunStats World::run_until(SimTime t) {
  start();
  return engine_.run_until(t, [this](const Event& e) { return dispatch(e); });
}

bool World::dispatch(const Event& e) {
  const SimTime now = engine_.now();
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
      groups_[instance.group]->on_rebalance_recommendation(engine_, instance.id);
      return true;
    }
    case EventKind::interruption_notice: {
      Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      if (instance.generation != e.generation || !instance.alive() || instance.notice_at) return false;
      // SP-1: the notice comes `notice` before EC2 terminates the instance.
      instance.notice_at = now;
      ++notices_;
      fleet_.schedule_termination(engine_, instance.id, now + config_.market.notice, TerminationCause::spot_interruption);
      groups_[instance.group]->on_interruption_notice(engine_, instance.id);
      return true;
    }
    case EventKind::instance_running: {
      if (!fleet_.on_running(engine_, e)) return false;
      market_.on_instance_running(engine_, fleet_.at(InstanceId{e.target}));
      return true;
    }
    case EventKind::instance_booted: {
      if (!fleet_.on_booted(e)) return false;
      const Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      groups_[instance.group]->on_booted(engine_, instance.id);
      return true;
    }
    case EventKind::instance_terminate: {
      if (!fleet_.on_terminate(e)) return false;
      const Ec2Instance& instance = fleet_.at(InstanceId{e.target});
      billing_.on_terminated(instance);
      if (instance.cause == TerminationCause::spot_interruption) ++interrupted_;
      groups_[instance.group]->on_terminated(engine_, instance.id);
      return true;
    }
    case EventKind::scheduled_action: {
      const ScheduledAction& action = config_.scheduled_actions[e.target];
      for (auto& group : groups_)
        if (group->config().name == action.group)
          group->update(engine_, action.min_size, action.max_size, action.desired_capacity);
      return true;
    }
    case EventKind::asg_reconcile:
      return groups_[e.target]->on_reconcile(engine_, e);
    case EventKind::metrics_sample:
      sample(now);
      if (now + config_.sample_interval <= config_.duration)
        schedule(now + config_.sample_interval, Phase::metrics, EventKind::metrics_sample, 0);
      return true;
  }
  return false;
}

void World::sample(SimTime now) {
  TimeseriesRow row;
  row.time = now;
  for (const auto& group : groups_) row.asg_desired += group->desired();
  for (const Ec2Instance& i : fleet_.instances()) {
    if (!i.alive()) continue;
    if (i.state == InstanceState::pending) {
      ++row.instances_pending;
    } else if (i.notice_at || i.terminating_at) {
      ++row.instances_draining;
    } else {
      ++(i.option == PurchaseOption::spot ? row.instances_spot : row.instances_on_demand);
    }
  }
  row.interruption_notices = notices_;
  for (const auto& group : groups_) row.launch_failures += group->stats().launch_failures;
  row.cost_usd_cumulative = billing_.cumulative_usd(fleet_.instances(), now);
  row.on_demand_baseline_usd_cumulative = billing_.cumulative_baseline_usd(fleet_.instances(), now);
  rows_.push_back(row);
}

RunResult World::finish() {
  start();
  billing_.finalize(fleet_.instances(), config_.duration);
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
  result.engine = engine_.stats();
  result.timeseries = std::move(rows_);
  return result;
}

RunResult World::run() {
  run_until(config_.duration);
  return finish();
}

}  // namespace spotsim
