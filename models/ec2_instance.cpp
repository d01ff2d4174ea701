#include "models/ec2_instance.hpp"

#include <algorithm>

#include "models/event_kind.hpp"
#include "models/event_log.hpp"

namespace spotsim {

namespace {

// Out of line and cold: the fleet's hot paths carry one pointer test (models/event_log.hpp).
[[gnu::cold, gnu::noinline]] void log_change(EventLog& log, SimTime now, const Ec2Instance& instance, const char* event,
                                             const char* reason = nullptr, SimTime terminates_at = kNever) {
  auto line = log.instance(now, instance, event);
  if (reason != nullptr) line.str("reason", reason);
  if (terminates_at != kNever) line.time("terminates_at", terminates_at);
}

}  // namespace

const char* to_string(TerminationCause c) {
  switch (c) {
    case TerminationCause::none: return "none";
    case TerminationCause::scale_in: return "scale_in";
    case TerminationCause::spot_interruption: return "spot_interruption";
    case TerminationCause::capacity_rebalance: return "capacity_rebalance";
    case TerminationCause::unhealthy: return "unhealthy";
    case TerminationCause::instance_refresh: return "instance_refresh";
    case TerminationCause::simulation_end: return "simulation_end";
  }
  return "unknown";
}

void Ec2Fleet::count(const Ec2Instance& instance, int sign) {
  if (!instance.alive()) return;
  if (instance.state == InstanceState::pending)
    tally_.pending += sign;
  else if (instance.terminating_at)
    tally_.draining += sign;
  else
    (instance.option == PurchaseOption::spot ? tally_.spot : tally_.on_demand) += sign;
  if (instance.terminating_at) return;
  if (groups_.size() <= instance.group) groups_.resize(instance.group + 1);
  if (instance.state != InstanceState::pending) groups_[instance.group].running += sign;
}

InstanceId Ec2Fleet::launch(Engine& engine, std::uint32_t group, std::uint32_t pool, PurchaseOption option,
                            int launch_template_version, bool protect, double spot_max_price) {
  Ec2Instance instance;
  instance.id = InstanceId{static_cast<std::uint32_t>(instances_.size())};
  instance.group = group;
  instance.pool = pool;
  instance.option = option;
  instance.launch_template_version = launch_template_version;
  // ASG-20: protection applies once the instance is InService; it is inherited at launch and
  // has no effect before then because pending instances are never scale-in candidates anyway.
  instance.protected_from_scale_in = protect;
  instance.spot_max_price = spot_max_price;
  instance.launched = engine.now();
  instances_.push_back(instance);
  count(instance, +1);
  groups_[group].undecided.push_back(instance.id.value);  // count() sized groups_
  peak_alive_ = std::max(peak_alive_, ++alive_);
  alive_pos_.push_back(static_cast<std::uint32_t>(alive_ids_.size()));
  alive_ids_.push_back(instance.id.value);
  held_.push_back(0);
  const std::uint32_t id = instance.id.value;
  engine.schedule(engine.now() + config_.pending_time, to_u8(Phase::instance), to_u8(EventKind::instance_running), id, 0);
  engine.schedule(engine.now() + std::max(config_.boot_time, config_.pending_time), to_u8(Phase::instance),
                  to_u8(EventKind::instance_booted), id, 0);
  return instance.id;
}

void Ec2Fleet::schedule_termination(Engine& engine, InstanceId id, SimTime when, TerminationCause cause,
                                    bool hook_timeout) {
  Ec2Instance& instance = at(id);
  if (!instance.alive()) return;
  if (when < engine.now()) when = engine.now();
  if (instance.terminating_at && *instance.terminating_at <= when) return;
  if (!instance.terminating_at) {  // the first decision: no longer undecided
    std::vector<std::uint32_t>& undecided = groups_[instance.group].undecided;
    if (const auto it = std::lower_bound(undecided.begin(), undecided.end(), id.value);
        it != undecided.end() && *it == id.value)
      undecided.erase(it);
  }
  count(instance, -1);
  instance.terminating_at = when;
  count(instance, +1);
  note_changed(id);
  instance.cause = cause;
  engine.schedule(when, to_u8(Phase::instance), to_u8(EventKind::instance_terminate), id.value,
                  instance.generation, static_cast<std::int64_t>(cause));
  // Terminating (Terminating:Proceed after a held hook): decided now, effective at `when`.
  if (log_ && !hook_timeout) [[unlikely]]
    log_change(*log_, engine.now(), instance, "terminating", to_string(cause), when);
}

void Ec2Fleet::hold_termination(Engine& engine, InstanceId id, TerminationCause cause) {
  Ec2Instance& instance = at(id);
  if (!instance.alive() || instance.terminating_at || instance.termination_held_since) return;
  instance.termination_held_since = engine.now();
  held_[id.value] = 1;
  instance.cause = cause;
  engine.schedule(engine.now(), to_u8(Phase::instance), to_u8(EventKind::instance_termination_hold), id.value,
                  instance.generation, static_cast<std::int64_t>(cause));
  // Terminating:Wait: a termination lifecycle hook holds it while ECS drains it (CP-14).
  if (log_) [[unlikely]] log_change(*log_, engine.now(), instance, "terminating_wait", to_string(cause));
}

bool Ec2Fleet::on_running(Engine& engine, const Event& e) {
  Ec2Instance& instance = instances_[e.target];
  if (instance.generation != e.generation || instance.state != InstanceState::pending) return false;
  count(instance, -1);
  instance.state = InstanceState::running;
  count(instance, +1);
  note_changed(instance.id);
  instance.running_since = engine.now();
  if (log_) [[unlikely]] log_change(*log_, engine.now(), instance, "running");
  return true;
}

bool Ec2Fleet::on_booted(const Event& e) {
  Ec2Instance& instance = instances_[e.target];
  if (instance.generation != e.generation || !instance.alive()) return false;
  instance.booted = true;
  if (log_) [[unlikely]] log_change(*log_, e.time, instance, "in_service");
  return true;
}

bool Ec2Fleet::on_terminate(const Event& e) {
  Ec2Instance& instance = instances_[e.target];
  // Only the event of the decision in force acts: an earlier decision supersedes a later one.
  if (instance.generation != e.generation || !instance.alive() || !instance.terminating_at ||
      *instance.terminating_at != e.time)
    return false;
  count(instance, -1);
  instance.state = InstanceState::terminated;
  instance.terminated_at = e.time;
  instance.cause = static_cast<TerminationCause>(e.arg);
  ++instance.generation;
  --alive_;
  held_[e.target] = 0;
  if (log_) [[unlikely]] log_change(*log_, e.time, instance, "terminated", to_string(instance.cause));
  // Swap-remove from the alive list.
  const std::uint32_t pos = alive_pos_[e.target];
  alive_ids_[pos] = alive_ids_.back();
  alive_pos_[alive_ids_[pos]] = pos;
  alive_ids_.pop_back();
  return true;
}

}  // namespace spotsim
